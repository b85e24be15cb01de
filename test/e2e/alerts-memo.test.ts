// What only a process shows for `alerts memo`: the real stdin (`--file -`), a command run from mkr's
// own process, and exit codes through bin/run.js. Everything else runs in-process:
// test/alerts/set-memo.test.ts.
import assert from 'node:assert/strict'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runMkr} from './harness.js'

describe('e2e: alerts memo against the sandbox', () => {
  let sb: Sandbox
  let env: NodeJS.ProcessEnv
  let id: string

  before(async () => {
    sb = await startSandbox({port: 0, seed: false})
    const h = sb.store.addHost({name: 'web01', roleFullnames: ['demo:web']})
    const m = sb.store.addMonitor({type: 'connectivity', name: 'connectivity'})
    id = sb.store.addAlert({type: 'connectivity', hostId: h.id, monitorId: m.id, memo: 'Paged alice at 10:00.'}).id
    env = cleanEnv({MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: sb.apiKey, MKR_HTTP_BUDGET: '3'})
  })
  after(() => sb.close())

  const memo = () => sb.store.alerts.get(id)!.memo
  const alertRequests = () => sb.requests().filter((r) => r.path.startsWith('/api/v0/alerts'))

  it("a command's output goes into its section (exit 0); --file - reads the process's stdin", async () => {
    let r = await runMkr(['alerts', 'memo', id, '--section', 'diag', '--', 'sh', '-c', 'echo "load: 3.2"; exit 4'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(memo(), 'Paged alice at 10:00.\n\n<!-- mkr:diag -->\nload: 3.2\n[mkr: the command exited with code 4]\n<!-- /mkr:diag -->')
    r = await runMkr(['alerts', 'memo', id, '--file', '-'], {env, input: 'from stdin\n'})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(memo(), 'from stdin\n')
  })

  it('a usage error exits 2 and a command that does not exist exits 1, both before any request', async () => {
    const before = alertRequests().length
    let r = await runMkr(['alerts', 'memo', id, '--text', 'a', '--', 'echo'], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /give only one of --text, --file and a command/)
    r = await runMkr(['alerts', 'memo', id, '--section', 'diag', '--', '/nonexistent/diag-tool'], {env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /cannot run the command: \/nonexistent\/diag-tool: command not found\nhint: nothing was written/)
    assert.equal(alertRequests().length, before, 'no request may be sent')
  })
})
