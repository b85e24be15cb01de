// `mkr create`, `update`, `retire`, `fetch` and `metrics` as a user runs them (bin/run.js against the
// sandbox): what needs a process — flag parsing (mkr's aliases, repeatable -R before the arguments),
// exit codes, one-line errors, retire without a terminal and its prompt on one. The
// behaviour in detail is tested in-process (test/hosts/lifecycle.test.ts, test/metrics/fetch.test.ts).
import assert from 'node:assert/strict'
import {SEED_IDS} from '../../src/sandbox/seed.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runMkr, runMkrTty} from './harness.js'

describe('e2e: host life cycle and metric reads against the sandbox', () => {
  let sb: Sandbox
  let env: NodeJS.ProcessEnv
  const now = Math.floor(Date.now() / 1000)

  before(async () => {
    sb = await startSandbox({port: 0})
    env = cleanEnv({MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: sb.apiKey, MKR_HTTP_BUDGET: '5'})
  })
  after(() => sb.close())

  const byName = (name: string) => [...sb.store.hosts.values()].find((h) => h.name === name)

  it('create: mkr\'s flags (-R before the name, -st), `created <id>` and `updated <id> <status>` on stderr, exit 0', async () => {
    const r = await runMkr(['create', '-R', 'demo:web,demo:db', '-st', 'standby', '--customIdentifier', 'i-e2e', 'web09'], {env})
    assert.equal(r.code, 0, r.stderr)
    const h = byName('web09')!
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, `   created ${h.id}\n   updated ${h.id} standby\n`)
    assert.deepEqual([h.status, h.roleFullnames, h.customIdentifier], ['standby', ['demo:db', 'demo:web'], 'i-e2e'])
  })

  it('create without a name, or with a bad -R: a usage error, exit 2, nothing created', async () => {
    const count = sb.store.hosts.size
    let r = await runMkr(['create'], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mkr: Missing 1 required arg/)
    r = await runMkr(['create', '-R', 'demo', 'x'], {env})
    assert.equal(r.code, 2)
    assert.equal(r.stderr.split('\n')[0], 'mkr: --roleFullname "demo": expected SERVICE:ROLE')
    assert.equal(sb.store.hosts.size, count)
  })

  it('update: -n, --displayName, repeatable -R before the ids; `updated <id>` per host', async () => {
    const a = sb.store.addHost({name: 'upd-a', roleFullnames: ['demo:web']}).id
    const b = sb.store.addHost({name: 'upd-b', roleFullnames: ['demo:web']}).id
    const r = await runMkr(['update', '--displayName', 'Updated', '-R', 'batch:worker', '-R', 'demo:db', a, b], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, `   updated ${a}\n   updated ${b}\n`)
    for (const id of [a, b]) {
      assert.equal(sb.store.getHost(id)!.displayName, 'Updated')
      assert.deepEqual(sb.store.getHost(id)!.roleFullnames, ['batch:worker', 'demo:db', 'demo:web'])
    }
    const o = await runMkr(['update', '-o', '-R', 'demo:db', a], {env})
    assert.equal(o.code, 0, o.stderr)
    assert.deepEqual(sb.store.getHost(a)!.roleFullnames, ['demo:db'])
  })

  it('update: nothing to update is exit 2; an unknown host is exit 1 with one line saying nothing was changed', async () => {
    let r = await runMkr(['update', SEED_IDS.web01], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mkr: nothing to update\nhint: give at least one of --name/)
    r = await runMkr(['update', '--memo', 'x', SEED_IDS.web01, 'nosuchhost'], {env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/hosts\/nosuchhost failed: 404 .*; nothing was changed\n$/)
  })

  it('retire without a terminal retires without asking (mkr; termination scripts rely on it), naming each host', async () => {
    const a = sb.store.addHost({name: 'ret-a'}).id
    const b = sb.store.addHost({name: 'ret-b'}).id
    let r = await runMkr(['retire', a], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, `   retired ${a} (ret-a)\n`)
    assert.equal(sb.store.getHost(a)!.isRetired, true)
    r = await runMkr(['retire', '--force', b], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(sb.store.getHost(b)!.isRetired, true)
  })

  it('retire at a terminal shows the host and asks; "n" retires nothing', async function () {
    this.timeout(20_000) // a limit for a loaded machine, not a timing assertion
    const id = sb.store.addHost({name: 'ret-tty'}).id
    const r = await runMkrTty(['retire', id], {env, input: 'n\n'})
    assert.equal(r.code, 0, r.stdout)
    assert.match(r.stdout, new RegExp(`Retire following host \\(this cannot be undone\\):\n  ${id} \\(ret-tty\\)\n`))
    assert.match(r.stdout, /Are you sure\?/)
    assert.match(r.stdout, /retirement is canceled\./)
    assert.equal(sb.store.getHost(id)!.isRetired, false)
  })

  it('fetch and metrics: mkr\'s JSON when piped; missing -n or a bad time is exit 2', async () => {
    sb.store.hostMetrics.put(SEED_IDS.web01, 'loadavg5', now - 60, 0.5, now)
    sb.store.serviceMetrics.put('demo', 'orders.count', now - 120, 7, now)
    let r = await runMkr(['fetch', '-n', 'loadavg5', SEED_IDS.web01], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), {[SEED_IDS.web01]: {loadavg5: {time: now - 60, value: 0.5}}})
    r = await runMkr(['metrics', '-s', 'demo', '-n', 'orders.count', '--from', '-1h'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), [{time: now - 120, value: 7}])
    r = await runMkr(['fetch', SEED_IDS.web01], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mkr: give at least one metric name with -n\/--name\n/)
    r = await runMkr(['metrics', '-s', 'demo', '-n', 'orders.count', '--from', 'yesterday'], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mkr: --from "yesterday": /)
  })
})
