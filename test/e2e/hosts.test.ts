import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runMkr, runMkrTty, tempDir} from './harness.js'

describe('e2e: hosts and status against the sandbox', () => {
  let sb: Sandbox
  let env: NodeJS.ProcessEnv
  const ids: Record<string, string> = {}
  const tmp = tempDir()

  before(async () => {
    sb = await startSandbox({port: 0, seed: false})
    const add = (name: string, extra: Record<string, unknown>) => (ids[name] = sb.store.addHost({name, createdAt: 1700000000, ...extra}).id)
    add('web01', {status: 'working', displayName: 'Web One', roleFullnames: ['demo:web'], interfaces: [{name: 'eth0', ipAddress: '10.0.0.1'}], metricNames: ['loadavg5', 'cpu.user.percentage']})
    add('web02', {status: 'standby', roleFullnames: ['demo:web']})
    add('db01', {status: 'maintenance', roleFullnames: ['demo:db']})
    add('worker01', {status: 'poweroff', roleFullnames: ['batch:worker']})
    add('gone01', {status: 'working', isRetired: true, roleFullnames: ['demo:web']})
    env = cleanEnv({MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: sb.apiKey, TZ: 'UTC', MKR_HTTP_BUDGET: '3'})
  })
  after(async () => {
    await sb.close()
    tmp.remove()
  })

  const names = (stdout: string) => (JSON.parse(stdout) as {name: string}[]).map((h) => h.name).sort()

  it('hosts piped: mkr-shaped JSON of working and standby hosts (the API default)', async () => {
    const r = await runMkr(['hosts'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.ok(r.stdout.endsWith('\n'))
    assert.match(r.stdout, /^\[\n {4}\{\n {8}"id"/) // 4-space indent
    assert.deepEqual(names(r.stdout), ['web01', 'web02'])
    const web01 = JSON.parse(r.stdout).find((h: {name: string}) => h.name === 'web01')
    assert.deepEqual(web01, {
      id: ids.web01,
      name: 'web01',
      displayName: 'Web One',
      status: 'working',
      roleFullnames: ['demo:web'],
      isRetired: false,
      createdAt: '2023-11-14T22:13:20+00:00',
      ipAddresses: {eth0: '10.0.0.1'},
    })
  })

  it('hosts filters map to the API query: --status repeatable and comma-split, -st, --service/--role, --name', async () => {
    assert.deepEqual(names((await runMkr(['hosts', '--status', 'maintenance', '--status', 'poweroff'], {env})).stdout), ['db01', 'worker01'])
    assert.deepEqual(names((await runMkr(['hosts', '--status', 'maintenance,working'], {env})).stdout), ['db01', 'web01'])
    assert.deepEqual(names((await runMkr(['hosts', '-st', 'poweroff'], {env})).stdout), ['worker01'])
    assert.deepEqual(
      names((await runMkr(['hosts', '-s', 'demo', '-r', 'db', '--st', 'working,standby,maintenance,poweroff'], {env})).stdout),
      ['db01'],
    )
    assert.deepEqual(names((await runMkr(['hosts', '--service', 'demo'], {env})).stdout), ['web01', 'web02'])
    assert.deepEqual(names((await runMkr(['hosts', '-n', 'web02'], {env})).stdout), ['web02'])
    const q = sb.requests().filter((x) => x.path === '/api/v0/hosts').map((x) => x.query)
    assert.ok(q.includes('status=maintenance&status=poweroff'), q.join(' | '))
    assert.ok(q.some((x) => /service=demo/.test(x) && /role=db/.test(x)), q.join(' | '))
  })

  it('an empty result is [] (so jq pipelines keep working)', async () => {
    const r = await runMkr(['hosts', '--name', 'no-such-host'], {env})
    assert.equal(r.code, 0)
    assert.equal(r.stdout, '[]\n')
  })

  it('--role without --service is a usage error (exit 2) and nothing is requested', async () => {
    const before = sb.requests().length
    const r = await runMkr(['hosts', '--role', 'web'], {env})
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'mkr: --role needs --service\nhint: e.g. mkr hosts --service demo --role web\n')
    assert.equal(sb.requests().length, before)
  })

  it('-v prints the raw host objects', async () => {
    const r = await runMkr(['hosts', '-v', '--name', 'web01'], {env})
    const [h] = JSON.parse(r.stdout)
    assert.equal(h.createdAt, 1700000000)
    assert.deepEqual(h.roles, {demo: ['web']})
    assert.ok('meta' in h && 'interfaces' in h)
  })

  it('on a terminal: a table with status and relative time; --json still gives JSON', async () => {
    const r = await runMkrTty(['hosts'], {env})
    assert.equal(r.code, 0, r.stdout)
    assert.match(r.stdout, /NAME.*ID.*STATUS.*ROLES.*IP ADDRESSES.*CREATED/)
    assert.match(r.stdout, new RegExp(`web01 \\(Web One\\).*${ids.web01}.*working.*demo:web.*10\\.0\\.0\\.1.*ago`))
    assert.ok(!r.stdout.includes('"id"'))
    const j = await runMkrTty(['hosts', '--json'], {env})
    assert.deepEqual(names(j.stdout), ['web01', 'web02'])
  })

  it('on a terminal the status is colored, unless NO_COLOR is set or --no-color is given', async () => {
    const colored = await runMkrTty(['hosts'], {env})
    assert.ok(colored.stdout.includes('\u001b[34mworking\u001b[39m'), colored.stdout)
    for (const r of [await runMkrTty(['hosts'], {env: {...env, NO_COLOR: '1'}}), await runMkrTty(['hosts', '--no-color'], {env})]) {
      assert.match(r.stdout, /working/)
      assert.ok(!r.stdout.includes('\u001b['), r.stdout)
    }
  })

  it("--jq: each result on its own line, strings raw, objects compact with sorted keys (mkr's rules)", async () => {
    const names = await runMkr(['hosts', '--jq', '.[].name'], {env})
    assert.equal(names.code, 0, names.stderr)
    assert.deepEqual(names.stdout.split('\n').sort(), ['', 'web01', 'web02'])
    const web01 = await runMkr(['hosts', '--name', 'web01', '--jq', '.[0], (.[] | select(.status == "working") | .name), .[0].nothing'], {env})
    assert.equal(
      web01.stdout,
      `{"createdAt":"2023-11-14T22:13:20+00:00","displayName":"Web One","id":"${ids.web01}","ipAddresses":{"eth0":"10.0.0.1"},"isRetired":false,"name":"web01","roleFullnames":["demo:web"],"status":"working"}\nweb01\n\n`,
    )
    assert.equal((await runMkr(['hosts', '-v', '--name', 'web01', '--jq', '.[0].createdAt, (map(.roles | keys) | add | unique)'], {env})).stdout, '1700000000\n["demo"]\n')
    assert.equal((await runMkr(['status', ids.db01, '--jq', '.status'], {env})).stdout, 'maintenance\n')
    assert.equal((await runMkr(['status', '-v', ids.web01, '--jq', '.metrics | length'], {env})).stdout, '2\n')
    const org = await runMkr(['org', '--jq', '.name'], {env})
    assert.equal(org.stdout, JSON.parse((await runMkr(['org', '--json'], {env})).stdout).name + '\n')
  })

  it('--jq on a terminal still prints the results (no table)', async () => {
    const r = await runMkrTty(['hosts', '--name', 'web01', '--jq', '.[] | [.name, .status] | @tsv'], {env})
    assert.equal(r.code, 0, r.stdout)
    assert.equal(r.stdout, 'web01\tworking\n')
  })

  it('--jq errors: a bad program or a runtime error exits 1 with one line, results before a runtime error kept', async () => {
    const bad = await runMkr(['hosts', '--jq', '.['], {env})
    assert.equal(bad.code, 1)
    assert.equal(bad.stdout, '')
    assert.equal(bad.stderr, 'mkr: --jq: syntax error, unexpected end of file (line 1)\n')
    const late = await runMkr(['hosts', '--name', 'web01', '--jq', '.[] | .name, error("no \\(.status) here")'], {env})
    assert.equal(late.code, 1)
    assert.equal(late.stdout, 'web01\n')
    assert.equal(late.stderr, 'mkr: --jq: no working here\n')
    const unknown = await runMkr(['status', ids.web01, '--jq', 'nosuchfn'], {env})
    assert.equal(unknown.code, 1)
    assert.equal(unknown.stderr, 'mkr: --jq: nosuchfn/0 is not defined (line 1)\n')
  })

  it('status --set prints nothing: --jq or --json with it is a usage error, nothing is changed', async () => {
    const r = await runMkr(['status', ids.web02, '--set', 'poweroff', '--jq', '.'], {env})
    assert.equal(r.code, 2)
    assert.equal(r.stderr, 'mkr: --set prints nothing: drop --jq\n')
    assert.equal(sb.store.getHost(ids.web02)!.status, 'standby')
  })

  it('status HOSTID: the reduced shape; -v the raw host plus metric names', async () => {
    const r = await runMkr(['status', ids.db01], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), {id: ids.db01, name: 'db01', status: 'maintenance', roleFullnames: ['demo:db'], isRetired: false, createdAt: '2023-11-14T22:13:20+00:00'})
    const v = JSON.parse((await runMkr(['status', '-v', ids.web01], {env})).stdout)
    assert.deepEqual(v.metrics, ['loadavg5', 'cpu.user.percentage'])
    assert.equal(v.createdAt, 1700000000)
  })

  it('status without a host id reads <root>/id from the agent config', async () => {
    writeFileSync(join(tmp.path, 'id'), ids.web02 + '\n')
    writeFileSync(join(tmp.path, 'agent.conf'), `root = "${tmp.path}"\n`)
    const r = await runMkr(['status', '--conf', join(tmp.path, 'agent.conf')], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).name, 'web02')
  })

  it('status without a host id on a machine without an agent id file: says so and how to pass one', async () => {
    writeFileSync(join(tmp.path, 'noid.conf'), `root = "${join(tmp.path, 'nowhere')}"\n`)
    const r = await runMkr(['status', '--conf', join(tmp.path, 'noid.conf')], {env})
    assert.equal(r.code, 1)
    assert.equal(r.stderr, `mkr: cannot read host id from ${join(tmp.path, 'nowhere', 'id')}: no such file\nhint: give the host id as an argument, e.g. \`mkr status HOSTID\`\n`)
  })

  it('status HOSTID --set: one host through the single endpoint', async () => {
    const r = await runMkr(['status', ids.web02, '--set', 'maintenance'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, `   updated ${ids.web02} maintenance\n`)
    assert.equal(sb.store.getHost(ids.web02)!.status, 'maintenance')
    assert.ok(sb.requests().some((x) => x.method === 'POST' && x.path === `/api/v0/hosts/${ids.web02}/status`))
  })

  it('status with many hosts --set: the bulk endpoint in chunks of 30; update --st does the same', async () => {
    const many = Array.from({length: 35}, (_, i) => sb.store.addHost({name: `bulk${i}`, status: 'working'}).id)
    const before = sb.requests().length
    const r = await runMkr(['status', ...many, '--set', 'poweroff', '-q'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    const bulk = sb.requests().slice(before).filter((x) => x.path === '/api/v0/hosts/bulk-update-statuses')
    assert.equal(bulk.length, 2)
    assert.ok(many.every((id) => sb.store.getHost(id)!.status === 'poweroff'))
    const u = await runMkr(['update', '--st', 'standby', ...many.slice(0, 2)], {env})
    assert.equal(u.code, 0, u.stderr)
    assert.equal(sb.store.getHost(many[0])!.status, 'standby')
    assert.equal(sb.store.getHost(many[2])!.status, 'poweroff')
  })

  it('a bulk change failing part-way says which hosts were and were not updated', async () => {
    const first = Array.from({length: 30}, (_, i) => sb.store.addHost({name: `part${i}`, status: 'working'}).id)
    const rest = [sb.store.addHost({name: 'part30', status: 'working'}).id, 'nosuchhost']
    const r = await runMkr(['status', ...first, ...rest, '--set', 'standby', '-q'], {env})
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      new RegExp(`^mkr: POST /api/v0/hosts/bulk-update-statuses failed: 404 .+; 30 of 32 hosts were updated, not updated: ${rest[0]} nosuchhost\n`),
    )
    assert.ok(first.every((id) => sb.store.getHost(id)!.status === 'standby'))
    assert.equal(sb.store.getHost(rest[0])!.status, 'working') // the failed chunk changed nothing
  })

  it('hosts --status with an unknown status is a usage error naming the choices, before any request', async () => {
    const before = sb.requests().length
    const r = await runMkr(['hosts', '--status', 'working,retired'], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mkr: Expected --status=retired to be one of: working, standby, maintenance, poweroff\n/)
    assert.equal(sb.requests().length, before)
  })

  it('an invalid status is a usage error naming the choices', async () => {
    const r = await runMkr(['status', ids.web01, '--set', 'broken'], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mkr: Expected --set=broken to be one of: working, standby, maintenance, poweroff\n/)
  })

  it('an unknown host: one line naming the call and the server message, exit 1', async () => {
    const r = await runMkr(['status', 'nosuchhost'], {env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/hosts\/nosuchhost failed: 404 .+\n$/)
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

  it('a wrong key: the 401 with the permission hint, and the key never printed (not even with DEBUG)', async () => {
    const key = 'wrong-key-0123456789'
    const r = await runMkr(['hosts'], {env: {...env, MACKEREL_APIKEY: key, DEBUG: '1'}})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/hosts failed: 401 /)
    assert.match(r.stderr, /hint: check the API key/)
    assert.ok(!(r.stdout + r.stderr).includes(key))
  })

  it('the API down: a one-line connection error within the retry budget, exit 1', async () => {
    const down = await startSandbox({port: 0, seed: false})
    const url = down.url
    await down.close()
    const r = await runMkr(['hosts'], {env: {...env, MACKEREL_APIBASE: url, MKR_HTTP_BUDGET: '1'}})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/hosts failed: cannot connect to 127\.0\.0\.1:\d+ \(connection refused\)/)
    assert.ok(!r.stderr.includes('    at '), 'no stack trace')
  })

  it('503, 503, then success: retried, the user only sees the result', async () => {
    sb.addFault({method: 'GET', path: '/api/v0/hosts', status: 503, times: 2})
    const before = sb.requests().length
    const r = await runMkr(['hosts'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    assert.ok(Array.isArray(JSON.parse(r.stdout)))
    assert.equal(sb.requests().slice(before).filter((x) => x.path === '/api/v0/hosts').length, 3)
  })

  it('a garbage body: an "invalid response" error, not a crash', async () => {
    sb.addFault({method: 'GET', path: '/api/v0/org', status: 200, body: '{"name": "trunc', times: 1})
    const r = await runMkr(['org'], {env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/org failed: invalid response: malformed JSON/)
  })
})
