// `mkr alerts memo` in-process (test IO, stdin from a string) against the in-process sandbox: the argv
// is parsed by the command class; commands after `--` still run as child processes (that is the
// feature). What needs mkr's own process is in test/e2e/alerts-memo.test.ts.
import assert from 'node:assert/strict'
import {closeAgent} from '../../src/api/client.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {clientOf, mkr as run} from '../cli/run.js'

const node = process.execPath

describe('alerts memo (in-process)', () => {
  let sb: Sandbox
  let client: ReturnType<typeof clientOf>
  let id: string

  before(async () => {
    sb = await startSandbox({port: 0, seed: false})
    const h = sb.store.addHost({name: 'web01', roleFullnames: ['demo:web']})
    const m = sb.store.addMonitor({type: 'connectivity', name: 'connectivity'})
    id = sb.store.addAlert({type: 'connectivity', hostId: h.id, monitorId: m.id, memo: 'Paged alice at 10:00.'}).id
    client = clientOf(sb)
  })
  after(async () => {
    await sb.close()
    await closeAgent()
  })

  const mkr = (args: string[], stdin?: string) => run(['alerts', 'memo', ...args], {client, io: {stdin}})
  const memo = () => sb.store.alerts.get(id)!.memo
  const alertRequests = () => sb.requests().filter((r) => r.path.startsWith('/api/v0/alerts'))

  it("a command's output goes into its section; what people write around it survives two updates", async () => {
    let r = await mkr([id, '--section', 'diag', '--', node, '-e', 'console.log("load: 3.2\\ndisk: 97%")'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(memo(), 'Paged alice at 10:00.\n\n<!-- mkr:diag -->\nload: 3.2\ndisk: 97%\n<!-- /mkr:diag -->')
    assert.match(r.stderr, /updated section "diag" \(added\)/)

    // someone edits the memo in the web UI meanwhile
    sb.store.alerts.get(id)!.memo = memo() + '\n\nRestarted app at 10:05. -- bob'

    r = await mkr([id, '--section', 'diag', '--', node, '-e', 'console.log("load: 0.4")'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(memo(), 'Paged alice at 10:00.\n\n<!-- mkr:diag -->\nload: 0.4\n<!-- /mkr:diag -->\n\nRestarted app at 10:05. -- bob')

    r = await mkr([id, '--section', 'owner', '--text', 'team-infra'])
    assert.equal(r.code, 0, r.stderr)
    assert.ok(memo()!.startsWith('Paged alice at 10:00.\n\n<!-- mkr:diag -->\nload: 0.4\n<!-- /mkr:diag -->\n\nRestarted app at 10:05. -- bob\n\n<!-- mkr:owner -->\nteam-infra\n'))
  })

  it('a command that fails or times out still fills the section, with a note and a warning', async () => {
    let r = await mkr([id, '--section', 'diag', '--', node, '-e', 'console.log("partial"); process.exit(4)'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /warning: the command exited with code 4; its output is used anyway/)
    assert.match(memo()!, /<!-- mkr:diag -->\npartial\n\[mkr: the command exited with code 4\]\n<!-- \/mkr:diag -->/)

    r = await mkr([id, '--section', 'diag', '--timeout', '1s', '--', 'sh', '-c', 'echo slow; exec sleep 30'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(memo()!, /<!-- mkr:diag -->\nslow\n\[mkr: the command timed out after 1s\]\n<!-- \/mkr:diag -->/)
  })

  it('--text and --file - replace the whole memo', async () => {
    let r = await mkr([id, '--text', 'just this'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(memo(), 'just this')
    r = await mkr([id, '--file', '-'], 'from stdin\n')
    assert.equal(r.code, 0, r.stderr)
    assert.equal(memo(), 'from stdin\n')
  })

  it('over 80 KB: the end is kept, the memo says so, and a warning names the cut', async () => {
    const input = Array.from({length: 4000}, (_, i) => `line ${i} ${'x'.repeat(50)}`).join('\n') + '\n' // ~240 KB
    const r = await mkr([id, '--file', '-'], input)
    assert.equal(r.code, 0, r.stderr)
    const m = memo()!
    assert.ok(Buffer.byteLength(m) <= 80_000)
    assert.ok(m.endsWith(`line 3999 ${'x'.repeat(50)}\n`))
    assert.match(m, /^\[mkr: the first \d+ bytes of this output were cut to fit the memo limit\]\nline \d+ x+\n/)
    const cut = Number(/first (\d+) bytes/.exec(m)![1])
    assert.match(r.stderr, new RegExp(`warning: the memo content was cut: the first ${cut} bytes were left out`))
  })

  describe('bad input is rejected before any request', () => {
    const cases: [string, string[], number, RegExp][] = [
      ['no alert id', ['--text', 'a'], 2, /give the alert id\nhint: mkr alerts memo ID/],
      ['nothing to write', ['ALERT'], 2, /nothing to put in the memo/],
      ['two sources', ['ALERT', '--text', 'a', '--', 'echo'], 2, /give only one of --text, --file and a command/],
      ['no alert id before --', ['--', 'echo', 'hi'], 2, /the alert id goes before `--`/],
      ['two alert ids', ['ALERT', 'OTHER', '--text', 'a'], 2, /one alert id expected, got 2/],
      ['a bad section name', ['ALERT', '--section', 'a b', '--text', 'a'], 2, /--section "a b"/],
      ['a bad timeout', ['ALERT', '--timeout', 'soon', '--', 'echo'], 2, /^mkr: --timeout: invalid duration "soon": expected <number><unit> parts/],
      ['a command that does not exist', ['ALERT', '--section', 'diag', '--', '/nonexistent/diag-tool'], 1, /cannot run the command: \/nonexistent\/diag-tool: command not found\nhint: nothing was written/],
      ['an unreadable file', ['ALERT', '--file', '/nonexistent/memo.txt'], 1, /cannot read --file \/nonexistent\/memo.txt: no such file/],
    ]
    for (const [name, args, code, re] of cases)
      it(name, async () => {
        const before = alertRequests().length
        const r = await mkr(args.map((a) => (a === 'ALERT' ? id : a)))
        assert.equal(r.code, code, r.stderr)
        assert.match(r.stderr, re)
        assert.equal(alertRequests().length, before, 'no request may be sent')
      })
  })

  it('an unknown alert with --section fails on the GET and writes nothing', async () => {
    const before = sb.requests().length
    const r = await mkr(['nope', '--section', 'diag', '--text', 'x'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/alerts\/nope failed: 404 /)
    assert.deepEqual(
      sb.requests()
        .slice(before)
        .map((q) => q.method),
      ['GET'],
    )
  })
})
