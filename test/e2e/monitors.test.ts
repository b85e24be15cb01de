// What only a process shows for `mkr monitors`: a signal during push, the confirmation prompt on a real
// terminal (`script`), files in the working directory and exit codes through bin/run.js. Everything
// else runs in-process: test/monitors/commands.test.ts.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {BIN, cleanEnv, runMkr, runMkrTty, tempDir, type RunOptions} from './harness.js'
import {seedMonitors} from '../monitors/fixture.js'

type Obj = Record<string, unknown>

describe('e2e: monitors pull / diff / push against the sandbox', () => {
  let sb: Sandbox
  let env: NodeJS.ProcessEnv
  let tmp: ReturnType<typeof tempDir>
  let file: string
  let ids: {conn: string; cpu: string; old: string}

  beforeEach(async () => {
    sb = await startSandbox({port: 0, seed: false})
    ids = seedMonitors(sb)
    env = cleanEnv({MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: sb.apiKey, MKR_HTTP_BUDGET: '5'})
    tmp = tempDir('mkr-e2e-monitors-')
    file = join(tmp.path, 'monitors.json')
  })
  afterEach(async () => {
    await sb.close()
    tmp.remove()
  })

  const mkr = (args: string[], opts: RunOptions = {}) => runMkr(args, {env, cwd: tmp.path, ...opts})
  const writes = () => sb.requests().filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${r.status}`)
  const readFile = () => JSON.parse(readFileSync(file, 'utf8')) as {monitors: Obj[]}
  const writeFile = (monitors: unknown[]) => writeFileSync(file, JSON.stringify({monitors}, null, 4) + '\n')
  const newRule = {
    type: 'external',
    name: 'top page',
    url: 'https://example.com/',
    service: 'web',
    responseTimeCritical: 3000,
    responseTimeDuration: 3,
    headers: [{name: 'X-Probe', value: 'mkr'}],
    somethingNew: [1, 2], // unknown to this CLI
  }
  /** pull, then: critical 90 -> 95 on "cpu high", "old expression" removed, "top page" added */
  async function pullAndEdit(): Promise<void> {
    const r = await mkr(['monitors', 'pull'])
    assert.equal(r.code, 0, r.stderr)
    const {monitors} = readFile()
    writeFile([...monitors.filter((m) => m.id !== ids.old).map((m) => (m.id === ids.cpu ? {...m, critical: 95} : m)), newRule])
  }

  it('pull writes monitors.json in the working directory; diff --exit-code exits 1 on a difference; push --yes applies it', async () => {
    await pullAndEdit()
    assert.equal((await mkr(['monitors', 'diff', '--exit-code'])).code, 1)
    const push = await mkr(['monitors', 'push', '--yes'])
    assert.equal(push.code, 0, push.stderr)
    assert.match(push.stdout, /^Plan: 1 to create, 1 to update, 1 to delete, 1 unchanged\.\n/)
    assert.deepEqual(writes(), ['POST /api/v0/monitors 200', `PUT /api/v0/monitors/${ids.cpu} 200`, `DELETE /api/v0/monitors/${ids.old} 200`])
    const after = await mkr(['monitors', 'diff', '-e'])
    assert.equal(after.code, 0, after.stdout)
  })

  it('an invalid file exits 1 and writes nothing; so do deletes without --yes and without a terminal', async () => {
    writeFileSync(file, '{\n    "monitors": [\n        {"type": "host", "name": "x",}\n    ]\n}\n')
    let r = await mkr(['monitors', 'push', '--yes'])
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stderr, /^mkr: monitors\.json:3:37: invalid JSON: trailing comma before '\}'$/m)
    await pullAndEdit()
    r = await mkr(['monitors', 'push'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: refusing to delete 1 monitor rule without confirmation: nothing was changed$/m)
    assert.deepEqual(writes(), [])
  })

  it('SIGTERM during push stops after the write in flight and reports, like Ctrl-C (exit 143)', async () => {
    await pullAndEdit()
    sb.addFault({method: 'POST', path: '/api/v0/monitors', delayMs: 1500, times: 1})
    const child = spawn(process.execPath, [BIN, 'monitors', 'push', '--yes', '--verbose'], {env, cwd: tmp.path, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    let signaled = false
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      // --verbose names each write before it is sent: the create is in flight now
      if (!signaled && stderr.includes('POST /api/v0/monitors\n')) {
        signaled = true
        child.kill('SIGTERM')
      }
    })
    child.stdout.resume()
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])))
    assert.equal(signal, null, stderr)
    assert.equal(code, 143, stderr)
    const created = sb.store.listMonitors().find((m) => m.name === 'top page')!
    assert.ok(created, 'the create in flight completed')
    assert.ok(
      stderr.includes(
        [
          'mkr: interrupted by SIGTERM: stopping after the change in progress (SIGTERM again to quit at once)',
          'Applied 1 of 3 changes before the interruption:',
          `  created "top page" (external, id ${created.id})`,
          'Not applied (2):',
          `  update "cpu high" (host, id ${ids.cpu})`,
          `  delete "old expression" (expression, id ${ids.old})`,
          'mkr: push interrupted by SIGTERM after 1 of 3 changes',
        ].join('\n'),
      ),
      stderr,
    )
    assert.deepEqual(writes(), ['POST /api/v0/monitors 200'])
  })

  it('on a real terminal, push asks before deleting; "n" writes nothing (exit 1)', async () => {
    await pullAndEdit()
    const r = await runMkrTty(['monitors', 'push', '--no-color'], {env, cwd: tmp.path, input: 'n\n'})
    assert.match(r.stdout, /Delete 1 monitor rule from Mackerel \(and apply the other changes\)\?/)
    assert.match(r.stdout, /mkr: push canceled: nothing was changed/)
    assert.equal(r.code, 1)
    assert.deepEqual(writes(), [])
  })
})
