// `mkr hosts`, `mkr status` and `mkr org` in-process (test IO, TTY on/off) against the in-process
// sandbox: the argv is parsed by the command classes, so flags, aliases and usage errors are covered.
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {closeAgent} from '../../src/api/client.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {clientOf, mkr as run, type IOOptions} from '../cli/run.js'
import {useTZ} from '../helpers/tz.js'

describe('hosts, status and org (in-process)', () => {
  let sb: Sandbox
  let client: ReturnType<typeof clientOf>
  const ids: Record<string, string> = {}
  const tmp = mkdtempSync(join(tmpdir(), 'mkr-hosts-'))
  useTZ('UTC')

  before(async () => {
    sb = await startSandbox({port: 0, seed: false})
    const add = (name: string, extra: Record<string, unknown>) => (ids[name] = sb.store.addHost({name, createdAt: 1700000000, ...extra}).id)
    add('web01', {status: 'working', displayName: 'Web One', roleFullnames: ['demo:web'], interfaces: [{name: 'eth0', ipAddress: '10.0.0.1'}], metricNames: ['loadavg5', 'cpu.user.percentage']})
    add('web02', {status: 'standby', roleFullnames: ['demo:web']})
    add('db01', {status: 'maintenance', roleFullnames: ['demo:db']})
    add('worker01', {status: 'poweroff', roleFullnames: ['batch:worker']})
    add('gone01', {status: 'working', isRetired: true, roleFullnames: ['demo:web']})
    client = clientOf(sb)
  })
  after(async () => {
    await sb.close()
    await closeAgent()
    rmSync(tmp, {recursive: true, force: true})
  })

  const mkr = (args: string[], io?: IOOptions) => run(args, {client, io})
  const tty = (args: string[], io: IOOptions = {}) => run(args, {client, io: {stdoutTTY: true, stderrTTY: true, width: 200, ...io}})
  const names = (stdout: string) => (JSON.parse(stdout) as {name: string}[]).map((h) => h.name).sort()

  describe('hosts -f (Go template, as mkr)', () => {
    it("mkr's README template prints the first interface's address and the name", async () => {
      const r = await mkr(['hosts', '-f', '{{range .}}{{if (len .Interfaces)}}{{(index .Interfaces 0).IPAddress}}{{end}}{{"\\t"}}{{.Name}}{{"\\n"}}{{end}}'])
      assert.equal(r.code, 0, r.stderr)
      assert.ok(r.stdout.endsWith('\n'))
      const lines = r.stdout.split('\n')
      assert.ok(lines.includes('10.0.0.1\tweb01'), r.stdout)
      assert.ok(lines.some((l) => /^\t\w+$/.test(l)), `a host without interfaces: an empty address\n${r.stdout}`)
    })
    it('-f with --jq is a usage error, before any request', async () => {
      const before = sb.requests().length
      const r = await mkr(['hosts', '-f', '{{.}}', '--jq', '.'])
      assert.equal(r.code, 2)
      assert.match(r.stderr, /^mkr: --format and --jq options are incompatible\.\n/)
      assert.equal(sb.requests().length, before)
    })
    it('a syntax error is a usage error before any request; an unknown field fails after the request, exit 1', async () => {
      const before = sb.requests().length
      let r = await mkr(['hosts', '-f', '{{range .}}'])
      assert.equal(r.code, 2)
      assert.match(r.stderr, /^mkr: --format: template: format:1: unexpected EOF/)
      r = await mkr(['hosts', '-f', '{{index . 0 | printf "%v"}} {{nosuchfn}}'])
      assert.equal(r.code, 2)
      assert.match(r.stderr, /function "nosuchfn" not defined/)
      assert.equal(sb.requests().length, before)
      r = await mkr(['hosts', '-f', '{{range .}}{{.Name}} {{.Nope}}{{end}}'])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /can't evaluate field Nope in type \*mackerel\.Host/)
    })
    it('on a terminal, control characters from server text are escaped; piped they pass as they are', async () => {
      const id = sb.store.addHost({name: 'evil\u001b]0;x\u0007'}).id
      try {
        const tmpl = '{{range .}}{{.Name}}{{"\\n"}}{{end}}'
        assert.match((await tty(['hosts', '-f', tmpl])).stdout, /evil\\x1b\]0;x\\x07/)
        assert.match((await mkr(['hosts', '-f', tmpl])).stdout, /evil\u001b\]0;x\u0007/)
      } finally {
        sb.store.hosts.delete(id)
      }
    })
  })

  it('hosts piped: mkr-shaped JSON of working and standby hosts (the API default)', async () => {
    const r = await mkr(['hosts'])
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
    assert.deepEqual(names((await mkr(['hosts', '--status', 'maintenance', '--status', 'poweroff'])).stdout), ['db01', 'worker01'])
    assert.deepEqual(names((await mkr(['hosts', '--status', 'maintenance,working'])).stdout), ['db01', 'web01'])
    assert.deepEqual(names((await mkr(['hosts', '-st', 'poweroff'])).stdout), ['worker01'])
    assert.deepEqual(names((await mkr(['hosts', '-s', 'demo', '-r', 'db', '--st', 'working,standby,maintenance,poweroff'])).stdout), ['db01'])
    assert.deepEqual(names((await mkr(['hosts', '--service', 'demo'])).stdout), ['web01', 'web02'])
    assert.deepEqual(names((await mkr(['hosts', '-n', 'web02'])).stdout), ['web02'])
    const q = sb.requests().filter((x) => x.path === '/api/v0/hosts').map((x) => x.query)
    assert.ok(q.includes('status=maintenance&status=poweroff'), q.join(' | '))
    assert.ok(q.some((x) => /service=demo/.test(x) && /role=db/.test(x)), q.join(' | '))
  })

  it('an empty result is [] (so jq pipelines keep working); on a terminal an info line, hidden by -q', async () => {
    const r = await mkr(['hosts', '--name', 'no-such-host'])
    assert.equal(r.code, 0)
    assert.equal(r.stdout, '[]\n')
    const t = await tty(['hosts', '--name', 'no-such-host'])
    assert.deepEqual([t.stdout, t.stderr], ['', 'no hosts\n'])
    assert.equal((await tty(['hosts', '--name', 'no-such-host', '-q'])).stderr, '')
  })

  it('--role without --service is a usage error (exit 2) and nothing is requested', async () => {
    const before = sb.requests().length
    const r = await mkr(['hosts', '--role', 'web'])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'mkr: --role needs --service\nhint: e.g. mkr hosts --service demo --role web\n')
    assert.equal(sb.requests().length, before)
  })

  it('-v prints the raw host objects, as JSON on a terminal too', async () => {
    for (const r of [await mkr(['hosts', '-v', '--name', 'web01']), await tty(['hosts', '-v', '--name', 'web01'])]) {
      const [h] = JSON.parse(r.stdout)
      assert.equal(h.createdAt, 1700000000)
      assert.deepEqual(h.roles, {demo: ['web']})
      assert.ok('meta' in h && 'interfaces' in h)
    }
  })

  it('on a terminal: a borderless table with status and relative time; --json still gives JSON', async () => {
    const r = await tty(['hosts', '--no-color'])
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stdout.split('\n')
    assert.match(lines[0], /^NAME +ID +STATUS +ROLES +IP ADDRESSES +CREATED$/)
    assert.match(r.stdout, new RegExp(`web01 \\(Web One\\) +${ids.web01} +working +demo:web +10\\.0\\.0\\.1 +\\d+ \\w+ ago`))
    assert.doesNotMatch(r.stdout, /[│─┌]/) // no borders
    // aligned: every column starts where its header does
    const at = lines[0].indexOf('STATUS')
    for (const l of lines.filter((l) => l.includes('ago'))) assert.match(l.slice(at), /^(working|standby) /)
    assert.ok(!r.stdout.includes('"id"'))
    assert.deepEqual(names((await tty(['hosts', '--json'])).stdout), ['web01', 'web02'])
  })

  it('on a terminal the status is colored, unless NO_COLOR is set (non-empty) or --no-color is given', async () => {
    const colored = await tty(['hosts'])
    assert.ok(colored.stdout.includes('\u001b[34mworking\u001b[39m'), colored.stdout)
    assert.ok((await tty(['hosts'], {env: {NO_COLOR: ''}})).stdout.includes('\u001b[34m'), 'an empty NO_COLOR does not count')
    for (const r of [await tty(['hosts'], {env: {NO_COLOR: '1'}}), await tty(['hosts', '--no-color'])]) {
      assert.match(r.stdout, /working/)
      assert.ok(!r.stdout.includes('\u001b['), r.stdout)
    }
  })

  it('on a narrow terminal the table fits: rows never wrap, the widest free-text column is cut with …', async () => {
    const long = sb.store.addHost({name: 'app-frontend-with-a-very-long-name-01', status: 'working', roleFullnames: ['shop:frontend', 'shop:api', 'shop:batch-jobs']}).id
    try {
      for (const width of [80, 60]) {
        const r = await tty(['hosts', '--no-color'], {width})
        for (const line of r.stdout.trimEnd().split('\n')) assert.ok([...line].length <= width, `${width}: ${JSON.stringify(line)}`)
        assert.match(r.stdout, /…/)
        if (width === 80) assert.ok(r.stdout.includes(long), 'ids are not cut while a free-text column can give room')
      }
      const wide = await tty(['hosts', '--no-color'], {width: 300})
      assert.ok(wide.stdout.includes('app-frontend-with-a-very-long-name-01') && !wide.stdout.includes('…'))
    } finally {
      sb.store.hosts.delete(long)
    }
  })

  it('a host name is shown once: a display name holding the name is shown alone', async () => {
    const h = sb.store.addHost({name: 'web09', displayName: 'web09 (primary)', status: 'working'}).id
    const same = sb.store.addHost({name: 'web10', displayName: 'web10', status: 'working'}).id
    try {
      const r = await tty(['hosts', '--no-color'])
      assert.match(r.stdout, /^web09 \(primary\) /m)
      assert.match(r.stdout, /^web10 +\w/m)
      assert.doesNotMatch(r.stdout, /web09 \(web09|web10 \(web10/)
    } finally {
      sb.store.hosts.delete(h)
      sb.store.hosts.delete(same)
    }
  })

  it('a slow request shows a spinner on a terminal stderr, cleared before the output; nothing when piped', async () => {
    sb.addFault({method: 'GET', path: '/api/v0/hosts', delayMs: 700, times: 2})
    const t = await tty(['hosts', '--json'])
    assert.match(t.stderr, /fetching hosts/)
    assert.match(t.stderr, /\r\x1b\[2K$/, 'cleared')
    const piped = await mkr(['hosts'], {stderrTTY: false})
    assert.equal(piped.stderr, '')
  })

  it("--jq: each result on its own line, strings raw, objects compact with sorted keys (mkr's rules)", async () => {
    const list = await mkr(['hosts', '--jq', '.[].name'])
    assert.equal(list.code, 0, list.stderr)
    assert.deepEqual(list.stdout.split('\n').sort(), ['', 'web01', 'web02'])
    const web01 = await mkr(['hosts', '--name', 'web01', '--jq', '.[0], (.[] | select(.status == "working") | .name), .[0].nothing'])
    assert.equal(
      web01.stdout,
      `{"createdAt":"2023-11-14T22:13:20+00:00","displayName":"Web One","id":"${ids.web01}","ipAddresses":{"eth0":"10.0.0.1"},"isRetired":false,"name":"web01","roleFullnames":["demo:web"],"status":"working"}\nweb01\n\n`,
    )
    assert.equal((await mkr(['hosts', '-v', '--name', 'web01', '--jq', '.[0].createdAt, (map(.roles | keys) | add | unique)'])).stdout, '1700000000\n["demo"]\n')
    assert.equal((await mkr(['status', ids.db01, '--jq', '.status'])).stdout, 'maintenance\n')
    assert.equal((await mkr(['status', '-v', ids.web01, '--jq', '.metrics | length'])).stdout, '2\n')
    const org = await mkr(['org', '--jq', '.name'])
    assert.equal(org.stdout, JSON.parse((await mkr(['org', '--json'])).stdout).name + '\n')
  })

  it('--json on a terminal: status and org print JSON there too', async () => {
    assert.equal(JSON.parse((await tty(['status', ids.db01, '--json'])).stdout).name, 'db01')
    assert.ok(JSON.parse((await tty(['org', '--json'])).stdout).name)
  })

  it('--jq on a terminal still prints the results (no table)', async () => {
    const r = await tty(['hosts', '--name', 'web01', '--jq', '.[] | [.name, .status] | @tsv'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'web01\tworking\n')
  })

  it('--jq errors: a bad program or a runtime error exits 1 with one line, results before a runtime error kept', async () => {
    const bad = await mkr(['hosts', '--jq', '.['])
    assert.equal(bad.code, 1)
    assert.equal(bad.stdout, '')
    assert.equal(bad.stderr, 'mkr: --jq: syntax error, unexpected end of file (line 1)\n')
    const late = await mkr(['hosts', '--name', 'web01', '--jq', '.[] | .name, error("no \\(.status) here")'])
    assert.equal(late.code, 1)
    assert.equal(late.stdout, 'web01\n')
    assert.equal(late.stderr, 'mkr: --jq: no working here\n')
    const unknown = await mkr(['status', ids.web01, '--jq', 'nosuchfn'])
    assert.equal(unknown.code, 1)
    assert.equal(unknown.stderr, 'mkr: --jq: nosuchfn/0 is not defined (line 1)\n')
  })

  it('status --set prints nothing: --jq or --json with it is a usage error, nothing is changed', async () => {
    const r = await mkr(['status', ids.web02, '--set', 'poweroff', '--jq', '.'])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, 'mkr: --set prints nothing: drop --jq\n')
    assert.equal((await mkr(['status', ids.web02, '--set', 'poweroff', '--json'])).stderr, 'mkr: --set prints nothing: drop --json\n')
    assert.equal(sb.store.getHost(ids.web02)!.status, 'standby')
  })

  it('status HOSTID: the reduced shape; -v the raw host plus metric names', async () => {
    const r = await mkr(['status', ids.db01])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), {id: ids.db01, name: 'db01', status: 'maintenance', roleFullnames: ['demo:db'], isRetired: false, createdAt: '2023-11-14T22:13:20+00:00'})
    const v = JSON.parse((await mkr(['status', '-v', ids.web01])).stdout)
    assert.deepEqual(v.metrics, ['loadavg5', 'cpu.user.percentage'])
    assert.equal(v.createdAt, 1700000000)
  })

  it('status without a host id reads <root>/id from the agent config', async () => {
    writeFileSync(join(tmp, 'id'), ids.web02 + '\n')
    writeFileSync(join(tmp, 'agent.conf'), `root = "${tmp}"\n`)
    const r = await mkr(['status', '--conf', join(tmp, 'agent.conf')])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).name, 'web02')
  })

  it('status without a host id on a machine without an agent id file: says so and how to pass one', async () => {
    writeFileSync(join(tmp, 'noid.conf'), `root = "${join(tmp, 'nowhere')}"\n`)
    const r = await mkr(['status', '--conf', join(tmp, 'noid.conf')])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, `mkr: cannot read host id from ${join(tmp, 'nowhere', 'id')}: no such file\nhint: give the host id as an argument, e.g. \`mkr status HOSTID\`\n`)
  })

  it('status HOSTID --set: one host through the single endpoint', async () => {
    const r = await mkr(['status', ids.web02, '--set', 'maintenance'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, `   updated ${ids.web02} maintenance\n`)
    assert.equal(sb.store.getHost(ids.web02)!.status, 'maintenance')
    assert.ok(sb.requests().some((x) => x.method === 'POST' && x.path === `/api/v0/hosts/${ids.web02}/status`))
  })

  it('status with many hosts --set: the bulk endpoint in chunks of 30; update --st does the same', async () => {
    const many = Array.from({length: 35}, (_, i) => sb.store.addHost({name: `bulk${i}`, status: 'working'}).id)
    const before = sb.requests().length
    const r = await mkr(['status', ...many, '--set', 'poweroff', '-q'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    const bulk = sb.requests().slice(before).filter((x) => x.path === '/api/v0/hosts/bulk-update-statuses')
    assert.equal(bulk.length, 2)
    assert.ok(many.every((id) => sb.store.getHost(id)!.status === 'poweroff'))
    const u = await mkr(['update', '--st', 'standby', ...many.slice(0, 2)])
    assert.equal(u.code, 0, u.stderr)
    assert.equal(sb.store.getHost(many[0])!.status, 'standby')
    assert.equal(sb.store.getHost(many[2])!.status, 'poweroff')
  })

  it('a bulk change failing part-way says which hosts were and were not updated', async () => {
    const first = Array.from({length: 30}, (_, i) => sb.store.addHost({name: `part${i}`, status: 'working'}).id)
    const rest = [sb.store.addHost({name: 'part30', status: 'working'}).id, 'nosuchhost']
    const r = await mkr(['status', ...first, ...rest, '--set', 'standby', '-q'])
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
    const r = await mkr(['hosts', '--status', 'working,retired'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mkr: Expected --status=retired to be one of: working, standby, maintenance, poweroff\n/)
    assert.equal(sb.requests().length, before)
  })

  it('an invalid status is a usage error naming the choices', async () => {
    const r = await mkr(['status', ids.web01, '--set', 'broken'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mkr: Expected --set=broken to be one of: working, standby, maintenance, poweroff\n/)
  })

  it('an empty host id is a usage error and nothing is sent (status, status --set)', async () => {
    const before = sb.requests().length
    for (const args of [['status', ''], ['status', '2eQGDXqtoXs', '', '--set', 'working']]) {
      const r = await mkr(args)
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^mkr: host id is empty\n/)
    }
    assert.equal(sb.requests().length, before)
  })

  it('an unknown host: one line naming the call and the server message, exit 1', async () => {
    const r = await mkr(['status', 'nosuchhost'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/hosts\/nosuchhost failed: 404 .+\n$/)
  })

  it('a server message with control characters is printed escaped (no forged lines, no terminal sequences)', async () => {
    const r = await mkr(['status', 'x\u001b]0;pwned\u0007\rmkr: all good'])
    assert.equal(r.code, 1)
    assert.doesNotMatch(r.stderr, /[\u0000-\u0009\u000b-\u001f]/)
    assert.equal(r.stderr.split('\n').length, 2, r.stderr) // one line, then the final newline
    assert.match(r.stderr, /\\x1b\]0;pwned\\x07\\rmkr: all good/)
  })

  it('a wrong key: the 401 with the permission hint, and the key never printed', async () => {
    const key = 'wrong-key-0123456789'
    const r = await run(['hosts'], {client: clientOf({url: sb.url, apiKey: key})})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/hosts failed: 401 /)
    assert.match(r.stderr, /hint: check the API key/)
    assert.ok(!(r.stdout + r.stderr).includes(key))
  })

  it('the API down: a one-line connection error within the retry budget, exit 1', async () => {
    const down = await startSandbox({port: 0, seed: false})
    const url = down.url
    await down.close()
    const r = await run(['hosts'], {client: clientOf({url, apiKey: 'k'}, {budgetMs: 1000})})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/hosts failed: cannot connect to 127\.0\.0\.1:\d+ \(connection refused\)/)
    assert.ok(!r.stderr.includes('    at '), 'no stack trace')
  })

  it('503, 503, then success: retried, the user only sees the result', async () => {
    sb.addFault({method: 'GET', path: '/api/v0/hosts', status: 503, times: 2})
    const before = sb.requests().length
    const r = await mkr(['hosts'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    assert.ok(Array.isArray(JSON.parse(r.stdout)))
    assert.equal(sb.requests().slice(before).filter((x) => x.path === '/api/v0/hosts').length, 3)
  })

  it('a garbage body: an "invalid response" error, not a crash', async () => {
    sb.addFault({method: 'GET', path: '/api/v0/org', status: 200, body: '{"name": "trunc', times: 1})
    const r = await mkr(['org'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/org failed: invalid response: malformed JSON/)
  })
})
