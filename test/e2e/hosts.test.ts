// What only a process shows for hosts/status/org: exit codes, the environment (API key), and a real
// terminal (`script`). Everything else runs in-process: test/hosts/commands.test.ts.
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runMkr, runMkrTty, tempDir} from './harness.js'

describe('e2e: hosts and status against the sandbox', () => {
  let sb: Sandbox
  let env: NodeJS.ProcessEnv
  let web01: string
  const tmp = tempDir()

  before(async () => {
    sb = await startSandbox({port: 0, seed: false})
    web01 = sb.store.addHost({name: 'web01', createdAt: 1700000000, status: 'working', displayName: 'Web One', roleFullnames: ['demo:web'], interfaces: [{name: 'eth0', ipAddress: '10.0.0.1'}]}).id
    sb.store.addHost({name: 'app-frontend-with-a-very-long-name-01', status: 'standby', roleFullnames: ['shop:frontend', 'shop:api', 'shop:batch-jobs', 'shop:more-roles']})
    env = cleanEnv({MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: sb.apiKey, TZ: 'UTC', MKR_HTTP_BUDGET: '3'})
  })
  after(async () => {
    await sb.close()
    tmp.remove()
  })

  it('piped: JSON, exit 0; a usage error exits 2 before any request; a --jq error exits 1', async () => {
    const r = await runMkr(['hosts'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal((JSON.parse(r.stdout) as unknown[]).length, 2)
    const before = sb.requests().length
    const usage = await runMkr(['hosts', '--role', 'web'], {env})
    assert.equal(usage.code, 2)
    assert.equal(usage.stderr, 'mkr: --role needs --service\nhint: e.g. mkr hosts --service demo --role web\n')
    assert.equal(sb.requests().length, before)
    const jq = await runMkr(['status', web01, '--jq', '.['], {env})
    assert.equal(jq.code, 1)
    assert.equal(jq.stderr, 'mkr: --jq: syntax error, unexpected end of file (line 1)\n')
  })

  it('on a real terminal: a borderless table, colored unless NO_COLOR or --no-color', async () => {
    const r = await runMkrTty(['hosts'], {env})
    assert.equal(r.code, 0, r.stdout)
    assert.match(r.stdout, /^NAME +ID +STATUS +ROLES +IP ADDRESSES +CREATED\n/)
    assert.match(r.stdout, new RegExp(`^web01 \\(Web One\\) +${web01}  \u001b\\[34mworking\u001b\\[39m`, 'm'))
    for (const p of [await runMkrTty(['hosts'], {env: {...env, NO_COLOR: '1'}}), await runMkrTty(['hosts', '--no-color'], {env})]) {
      assert.match(p.stdout, /working/)
      assert.ok(!p.stdout.includes('\u001b['), p.stdout)
    }
  })

  it('a table in an 80-column pty fits: no line wider than the terminal, the long name cut with …', async () => {
    const r = await runMkrTty(['hosts', '--no-color'], {env, columns: 80})
    assert.equal(r.code, 0, r.stdout)
    const lines = r.stdout.trimEnd().split('\n')
    assert.equal(lines.length, 3)
    for (const l of lines) assert.ok([...l].length <= 80, JSON.stringify(l))
    assert.match(r.stdout, /…/)
  })

  it('no API key: a clear error naming both ways to set it, exit 1, no request', async () => {
    const before = sb.requests().length
    const r = await runMkr(['hosts', '--conf', join(tmp.path, 'none.conf')], {env: cleanEnv({MACKEREL_APIBASE: sb.url})})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: cannot read config .*none\.conf: no such file\n/)
    const r2 = await runMkr(['hosts'], {env: cleanEnv({MACKEREL_APIBASE: sb.url})})
    assert.equal(r2.code, 1)
    assert.match(r2.stderr, /MACKEREL_APIKEY is not set/)
    assert.match(r2.stderr, /hint: export MACKEREL_APIKEY=.*apikey in the agent config/)
    assert.equal(sb.requests().length, before)
  })

  it('a wrong key: exit 1 with the permission hint, and the key never printed (not even with DEBUG)', async () => {
    const key = 'wrong-key-0123456789'
    const r = await runMkr(['hosts'], {env: {...env, MACKEREL_APIKEY: key, DEBUG: '1'}})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/hosts failed: 401 /)
    assert.match(r.stderr, /hint: check the API key/)
    assert.ok(!(r.stdout + r.stderr).includes(key))
  })
})
