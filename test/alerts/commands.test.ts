// `mkr alerts`, `alerts list`, `alerts close` and `alerts logs` in-process (test IO, TTY on/off)
// against the in-process sandbox: the argv is parsed by the command classes, so flags, aliases and
// usage errors are covered. What needs a process (exit codes through bin/run.js, a real terminal)
// is in test/e2e/alerts.test.ts.
import assert from 'node:assert/strict'
import {closeAgent} from '../../src/api/client.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {clientOf, mkr as run, type IOOptions} from '../cli/run.js'
import {useTZ} from '../helpers/tz.js'

const NOW_MS = 1_800_000_000_000 // the sandbox clock: 2027-01-15T08:00:00Z

describe('alerts commands (in-process)', () => {
  let sb: Sandbox
  let client: ReturnType<typeof clientOf>
  let cpu: string
  let open: string[] // ids of open alerts, newest first
  useTZ('UTC')

  before(async () => {
    sb = await startSandbox({port: 0, seed: false, now: () => NOW_MS})
    const s = sb.store
    const web01 = s.addHost({name: 'web01', status: 'working', roleFullnames: ['demo:web']}).id
    const db01 = s.addHost({name: 'db01', status: 'maintenance', roleFullnames: ['db:master']}).id
    cpu = s.addMonitor({type: 'host', name: 'CPU %', metric: 'cpu%', operator: '>', warning: 80, critical: 90, duration: 1}).id
    const conn = s.addMonitor({type: 'connectivity', name: 'connectivity'}).id
    s.addAlerts(230, {type: 'host', hostId: web01, monitorId: cpu, status: 'CRITICAL', value: 95.5})
    s.addAlert({type: 'connectivity', hostId: db01, monitorId: conn, status: 'CRITICAL', openedAt: NOW_MS / 1000 + 60})
    s.addAlert({type: 'host', hostId: web01, monitorId: cpu, status: 'OK', value: 10, openedAt: NOW_MS / 1000 - 100000, closedAt: NOW_MS / 1000 - 99000})
    open = s.sortedAlerts(false).map((a) => a.id)
    client = clientOf(sb)
  })
  after(async () => {
    await sb.close()
    await closeAgent()
  })

  const mkr = (args: string[], io?: IOOptions) => run(args, {client, io})
  const tty = (args: string[], io: IOOptions = {}) => run(args, {client, io: {stdoutTTY: true, stderrTTY: true, width: 200, ...io}})
  const alertGets = (since: number) => sb.requests().slice(since).filter((r) => r.method === 'GET' && r.path === '/api/v0/alerts')
  const mark = () => sb.requests().length

  it("mkr alerts: every open alert across three pages, newest first, in mkr's JSON shape", async () => {
    const m = mark()
    const r = await mkr(['alerts', '--page-interval', '0'])
    assert.equal(r.code, 0, r.stderr)
    const got = JSON.parse(r.stdout) as Record<string, unknown>[]
    assert.equal(got.length, 231)
    assert.deepEqual(
      got.map((a) => a.id),
      open,
    )
    assert.deepEqual(Object.keys(got[1]), ['id', 'status', 'monitorId', 'type', 'hostId', 'value', 'openedAt'])
    assert.deepEqual(
      alertGets(m).map((q) => q.query.replace(/nextId=[^&]+/, 'nextId=X')),
      ['limit=100', 'limit=100&nextId=X', 'limit=100&nextId=X'],
    )
    assert.equal(r.stderr, '') // no progress line when stderr is not a terminal
  })

  it('alerts --jq / --json, alerts logs --jq (before any alert is closed)', async () => {
    let r = await mkr(['alerts', '--page-interval', '0', '--jq', 'length'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '231\n')
    r = await mkr(['alerts', '-l', '2', '--jq', '.[] | "\\(.id) \\(.status) \\(.value // "-")"'])
    assert.equal(r.stdout, `${open[0]} CRITICAL -\n${open[1]} CRITICAL 95.5\n`)
    r = await tty(['alerts', '-l', '1', '--json'])
    assert.equal(JSON.parse(r.stdout)[0].id, open[0])
    r = await mkr(['alerts', 'logs', open.at(-1)!, '--jq', 'map(.status), .[0].monitorId'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `["CRITICAL"]\n${cpu}\n`)
  })

  it('--limit stops early and asks only for what is missing; --with-closed defaults to 100', async () => {
    let m = mark()
    let r = await mkr(['alerts', '-l', '150', '--page-interval=0'])
    assert.equal(JSON.parse(r.stdout).length, 150)
    assert.deepEqual(
      alertGets(m).map((q) => q.query.replace(/nextId=[^&]+/, 'nextId=X')),
      ['limit=100', 'limit=50&nextId=X'],
    )

    m = mark()
    r = await mkr(['alerts', '-w'])
    assert.equal(JSON.parse(r.stdout).length, 100)
    assert.deepEqual(
      alertGets(m).map((q) => q.query),
      ['withClosed=true&limit=100'],
    )

    m = mark()
    r = await mkr(['alerts', '--with-closed', '--limit', '1000', '--page-interval', '0'])
    const all = JSON.parse(r.stdout) as {status: string; closedAt?: number}[]
    assert.equal(all.length, 232)
    assert.equal(all.at(-1)!.status, 'OK')
    assert.equal(alertGets(m).length, 3)
  })

  it('--limit out of range or not a number is a usage error before any request', async () => {
    for (const bad of ['1000001', '-1', 'abc', '1.5']) {
      const m = mark()
      const r = await mkr(['alerts', '--limit', bad])
      assert.equal(r.code, 2, bad)
      assert.match(r.stderr, /--limit/)
      assert.equal(sb.requests().length, m)
    }
    const m = mark()
    const r = await mkr(['alerts', '-l', '0'])
    assert.equal(r.stdout, '[]\n')
    assert.equal(sb.requests().length, m)
  })

  it('alerts list: one mkr line per alert, two spaces after the status when piped, one with --no-color', async () => {
    let r = await mkr(['alerts', 'list', '-l', '3', '--page-interval', '0'])
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stdout.split('\n')
    assert.equal(lines.length, 4)
    assert.equal(lines[0], `${open[0]} 2027-01-15 08:01:00 CRITICAL  connectivity db01 maintenance [db:master]`)
    assert.equal(lines[1], `${open[1]} 2027-01-15 08:00:00 CRITICAL  CPU % cpu% 95.50 > 90.00 web01 working [demo:web]`)
    assert.doesNotMatch(r.stdout, /\u001B/)

    r = await mkr(['alerts', 'list', '-l', '2', '--no-color'])
    assert.equal(r.stdout.split('\n')[1], `${open[1]} 2027-01-15 08:00:00 CRITICAL CPU % cpu% 95.50 > 90.00 web01 working [demo:web]`)
  })

  it('alerts list filters by service and host status (repeatable, comma-separated)', async () => {
    const count = async (args: string[]) => {
      const r = await mkr(['alerts', 'list', '--page-interval', '0', ...args])
      assert.equal(r.code, 0, r.stderr)
      return r.stdout === '' ? 0 : r.stdout.trimEnd().split('\n').length
    }
    assert.equal(await count(['-s', 'db']), 1)
    assert.equal(await count(['-s', 'demo']), 230)
    assert.equal(await count(['-s', 'db,demo']), 231)
    assert.equal(await count(['-S', 'maintenance']), 1)
    assert.equal(await count(['-S', 'standby', '-S', 'poweroff']), 0)
    const m = mark()
    const r = await mkr(['alerts', 'list', '-S', 'retired'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--host-status "retired" is not a host status\nhint: use working, standby, maintenance, poweroff/)
    assert.equal(sb.requests().length, m)
  })

  it("alerts list on a terminal: colored status with mkr's spacing; NO_COLOR turns color off", async () => {
    let r = await tty(['alerts', 'list', '-l', '2'])
    assert.equal(r.code, 0, r.stderr)
    assert.ok(
      r.stdout.includes(`${open[0]} 2027-01-15 08:01:00 \u001B[31mCRITICAL \u001B[39m connectivity db01 \u001B[33mmaintenance\u001B[39m [db:master]`),
      JSON.stringify(r.stdout),
    )
    r = await tty(['alerts', 'list', '-l', '2'], {env: {NO_COLOR: '1'}})
    assert.doesNotMatch(r.stdout, /\u001B\[3/)
    assert.ok(r.stdout.includes(`${open[0]} 2027-01-15 08:01:00 CRITICAL  connectivity`))
  })

  it('alerts list escapes control characters from the server (no terminal retitling, no forged lines)', async () => {
    const h = sb.store.addHost({name: 'evil\u001b]0;pwned\u0007', status: 'working'})
    const chk = sb.store.newId()
    sb.store.checkMonitors.set(chk, {id: chk, name: 'chk\u001b[2J'})
    const added = sb.store.addAlert({type: 'check', monitorId: chk, hostId: h.id, status: 'CRITICAL', message: 'x\u001b[1Ay\rmkr: all good', openedAt: NOW_MS / 1000 + 3600})
    try {
      const r = await mkr(['alerts', 'list', '--no-color', '--limit', '1', '--page-interval', '0'])
      assert.equal(r.code, 0, r.stderr)
      assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f]/)
      assert.equal(r.stdout.slice(r.stdout.indexOf(' CRITICAL ')), ' CRITICAL chk\\x1b[2J x\\x1b[1Ay... evil\\x1b]0;pwned\\x07 working []\n')
    } finally {
      sb.store.alerts.delete(added.id)
    }
  })

  it('alerts close closes each alert, logs it, -v prints it; stops at the first failure and says what was done', async () => {
    const [a, b] = open.slice(-2)
    let r = await mkr(['alerts', 'close', a, '-r', 'fixed', '-v'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, `Alert closed ${a}\n`)
    const closed = JSON.parse(r.stdout)
    assert.equal(closed.status, 'OK')
    assert.equal(closed.reason, 'fixed')
    assert.equal(sb.store.alerts.get(a)!.status, 'OK')

    r = await mkr(['alerts', 'close', b, 'no-such-alert', 'never-tried', '--reason', 'x'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, new RegExp(`^Alert closed ${b}\\nmkr: POST /api/v0/alerts/no-such-alert/close failed: 404 .*\\nhint: closed: ${b}; failed: no-such-alert; not tried: never-tried\\n$`))
    assert.equal(sb.store.alerts.get(b)!.reason, 'x')

    const m = mark()
    r = await mkr(['alerts', 'close'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /give at least one alert id/)
    assert.equal(sb.requests().length, m)
  })

  it('alerts close A B C with a network error on B: says what was closed, what failed, what was not tried', async () => {
    const [a, b, c] = open.slice(-5, -2)
    sb.addFault({method: 'POST', path: `/api/v0/alerts/${b}/close`, drop: true})
    try {
      const r = await mkr(['alerts', 'close', a, b, c])
      assert.equal(r.code, 1)
      const lines = r.stderr.split('\n')
      assert.equal(lines[0], `Alert closed ${a}`)
      assert.match(lines[1], new RegExp(`^mkr: POST /api/v0/alerts/${b}/close`))
      assert.match(r.stderr, new RegExp(`\\nhint: closed: ${a}; failed: ${b}; not tried: ${c}(;|\\n)`))
      assert.equal(sb.store.alerts.get(c)!.status, 'CRITICAL')
      assert.equal(sb.requests().filter((q) => q.path === `/api/v0/alerts/${c}/close`).length, 0)
    } finally {
      sb.clearFaults()
    }
  })

  it('an empty alert id is a usage error and nothing is sent (close, logs, memo)', async () => {
    const m = mark()
    for (const args of [['alerts', 'close', ''], ['alerts', 'close', open[0], ' '], ['alerts', 'logs', ''], ['alerts', 'memo', '', '--text', 'x']]) {
      const r = await mkr(args)
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^mkr: alert id is empty\n/)
    }
    assert.equal(sb.requests().length, m)
  })

  it('alerts logs: JSON of the log entries, newest first', async () => {
    const a = open.at(-1)!
    const r = await mkr(['alerts', 'logs', a])
    assert.equal(r.code, 0, r.stderr)
    const logs = JSON.parse(r.stdout) as Record<string, unknown>[]
    assert.deepEqual(
      logs.map((l) => l.status),
      ['OK', 'CRITICAL'],
    )
    assert.deepEqual(Object.keys(logs[1]), ['id', 'createdAt', 'status', 'trigger', 'monitorId', 'targetValue'])
    assert.equal(logs[0].trigger, 'manual')
    const one = await mkr(['alerts', 'logs', a, '-l', '1'])
    assert.equal(JSON.parse(one.stdout).length, 1)
    const m = mark()
    const none = await mkr(['alerts', 'logs'])
    assert.equal(none.code, 2)
    assert.match(none.stderr, /^mkr: give the alert id\n/)
    assert.equal(sb.requests().length, m)
  })
})
