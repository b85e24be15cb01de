import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {METRIC_MAX_POINTS} from '../../src/sandbox/metrics.js'
import {SEED_IDS} from '../../src/sandbox/seed.js'
import {startSandbox} from '../../src/sandbox/server.js'
import {SERVICE_TSDB_MAX_PER_MINUTE} from '../../src/sandbox/routes/metrics.js'
import {call, errorOf, NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: metrics (tsdb, latest, ranges, metric names)', () => {
  let sb: SB
  let host: string
  beforeEach(async () => {
    sb = await sandbox()
    // registered the way mackerel-agent does it: null arrays, meta, checks
    const r = await call(sb, 'POST', '/api/v0/hosts', {
      name: 'agent01',
      meta: {'agent-name': 'mackerel-agent/0.80.0', 'agent-version': '0.80.0'},
      interfaces: null,
      roleFullnames: null,
      checks: [{name: 'check-http'}],
      displayName: '',
      customIdentifier: '',
    })
    assert.equal(r.status, 200)
    host = r.body.id
  })
  afterEach(() => sb.close())

  /** one agent post: a few system metrics at time t */
  const agentPost = (t: number, load: number) => [
    {hostId: host, name: 'loadavg5', time: t, value: load},
    {hostId: host, name: 'memory.used', time: t, value: 1_000_000 + load},
    {hostId: host, name: 'custom.jobs.queued', time: t, value: 3},
  ]

  it('POST /tsdb takes the agent\'s array, answers {"success":true}; host metrics read back as ranges, oldest first', async () => {
    for (let i = 0; i < 5; i++) {
      const t = NOW_S - 240 + i * 60
      const r = await call(sb, 'POST', '/api/v0/tsdb', agentPost(t, i / 2))
      assert.equal(r.status, 200)
      assert.deepEqual(r.body, {success: true})
    }
    const range = await call(sb, 'GET', `/api/v0/hosts/${host}/metrics?name=loadavg5&from=${NOW_S - 180}&to=${NOW_S}`)
    assert.equal(range.status, 200)
    assert.deepEqual(range.body, {
      metrics: [
        {time: NOW_S - 180, value: 0.5},
        {time: NOW_S - 120, value: 1},
        {time: NOW_S - 60, value: 1.5},
        {time: NOW_S, value: 2},
      ],
    })
    const names = await call(sb, 'GET', `/api/v0/hosts/${host}/metric-names`)
    assert.deepEqual(names.body, {names: ['loadavg5', 'memory.used', 'custom.jobs.queued']})
  })

  it('a point posted again for the same time overwrites; points older than 24 h are dropped with 200', async () => {
    await call(sb, 'POST', '/api/v0/tsdb', [{hostId: host, name: 'loadavg5', time: NOW_S - 60, value: 1}])
    await call(sb, 'POST', '/api/v0/tsdb', [{hostId: host, name: 'loadavg5', time: NOW_S - 60, value: 7}])
    const old = await call(sb, 'POST', '/api/v0/tsdb', [{hostId: host, name: 'loadavg5', time: NOW_S - 86401, value: 9}])
    assert.deepEqual([old.status, old.body], [200, {success: true}])
    const backfill = await call(sb, 'POST', '/api/v0/tsdb', [{hostId: host, name: 'loadavg5', time: NOW_S - 3600, value: 2}])
    assert.equal(backfill.status, 200)
    const r = await call(sb, 'GET', `/api/v0/hosts/${host}/metrics?name=loadavg5&from=${NOW_S - 90000}&to=${NOW_S}`)
    assert.deepEqual(r.body.metrics, [
      {time: NOW_S - 3600, value: 2},
      {time: NOW_S - 60, value: 7},
    ])
  })

  it('POST /tsdb validation: array body, hostId, name charset, numeric time and value (400, nothing stored); unknown or retired host 404', async () => {
    const bad: [unknown, string][] = [
      [{hostId: host, name: 'x', time: NOW_S, value: 1}, 'the request body must be a JSON array of {hostId, name, time, value}'],
      [[{name: 'x', time: NOW_S, value: 1}], '[0].hostId is required and must be a string'],
      [[{hostId: host, time: NOW_S, value: 1}], '[0].name is required and must be a string'],
      [[{hostId: host, name: 'ok', time: NOW_S, value: 1}, {hostId: host, name: 'bad name', time: NOW_S, value: 1}], '[1].name must match [a-zA-Z0-9._-]+: "bad name"'],
      [[{hostId: host, name: 'x', time: '1749556800', value: 1}], '[0].time is required and must be a number (epoch seconds)'],
      [[{hostId: host, name: 'x', time: NOW_S, value: null}], '[0].value is required and must be a number'],
      [[1], '[0] must be an object {hostId, name, time, value}'],
    ]
    for (const [body, message] of bad) {
      const r = await call(sb, 'POST', '/api/v0/tsdb', body)
      assert.equal(r.status, 400, message)
      assert.deepEqual(r.body, errorOf(message))
    }
    assert.equal((await call(sb, 'POST', '/api/v0/tsdb', 'not json')).status, 400)
    // the valid first item of a rejected batch was not stored
    assert.deepEqual((await call(sb, 'GET', `/api/v0/hosts/${host}/metric-names`)).body, {names: []})

    const unknown = await call(sb, 'POST', '/api/v0/tsdb', [{hostId: 'NoSuchHost1', name: 'x', time: NOW_S, value: 1}])
    assert.deepEqual([unknown.status, unknown.body], [404, errorOf('Host not found: NoSuchHost1')])
    assert.deepEqual((await call(sb, 'POST', '/api/v0/tsdb', [])).body, {success: true})
    assert.equal((await call(sb, 'POST', '/api/v0/tsdb', agentPost(NOW_S, 1), 'sandbox-readonly')).status, 403)

    assert.equal((await call(sb, 'POST', `/api/v0/hosts/${host}/retire`, 'null')).status, 200)
    const retired = await call(sb, 'POST', '/api/v0/tsdb', agentPost(NOW_S, 1))
    assert.equal(retired.status, 404)
  })

  it('GET /tsdb/latest: repeated hostId and name; {"tsdbLatest":{host:{name:{time,value}}}}, names without data left out', async () => {
    const other = (await call(sb, 'POST', '/api/v0/hosts', {name: 'agent02', meta: {}})).body.id
    await call(sb, 'POST', '/api/v0/tsdb', agentPost(NOW_S - 120, 1))
    await call(sb, 'POST', '/api/v0/tsdb', agentPost(NOW_S - 60, 2))
    await call(sb, 'POST', '/api/v0/tsdb', [{hostId: other, name: 'loadavg5', time: NOW_S - 60, value: 0.25}])
    const r = await call(sb, 'GET', `/api/v0/tsdb/latest?hostId=${host}&hostId=${other}&name=loadavg5&name=memory.used&name=nothing.here`)
    assert.equal(r.status, 200)
    assert.deepEqual(r.body, {
      tsdbLatest: {
        [host]: {loadavg5: {time: NOW_S - 60, value: 2}, 'memory.used': {time: NOW_S - 60, value: 1_000_002}},
        [other]: {loadavg5: {time: NOW_S - 60, value: 0.25}},
      },
    })
    assert.deepEqual((await call(sb, 'GET', `/api/v0/tsdb/latest?name=loadavg5`)).body, errorOf('hostId is required (repeatable)'))
    assert.deepEqual((await call(sb, 'GET', `/api/v0/tsdb/latest?hostId=${host}`)).body, errorOf('name is required (repeatable)'))
    assert.equal((await call(sb, 'GET', `/api/v0/tsdb/latest?hostId=NoSuchHost1&name=loadavg5`)).status, 404)
  })

  it('GET host metrics: 404 host or metric, 400 missing/bad name, from, to; a known name with no points is []', async () => {
    await call(sb, 'POST', '/api/v0/tsdb', agentPost(NOW_S, 1))
    const q = (s: string) => call(sb, 'GET', `/api/v0/hosts/${host}/metrics${s}`)
    assert.deepEqual((await q(`?from=1&to=2`)).body, errorOf('name is required'))
    assert.deepEqual((await q(`?name=loadavg5&to=2`)).body, errorOf('from is required (epoch seconds)'))
    assert.deepEqual((await q(`?name=loadavg5&from=1&to=x`)).body, errorOf('to must be an integer (epoch seconds): "x"'))
    assert.deepEqual((await q(`?name=loadavg5&from=3&to=2`)).body, errorOf('from must not be after to'))
    const noMetric = await q(`?name=no.such&from=1&to=2`)
    assert.deepEqual([noMetric.status, noMetric.body], [404, errorOf('Metric not found: no.such')])
    assert.deepEqual((await q(`?name=loadavg5&from=${NOW_S - 600}&to=${NOW_S - 1}`)).body, {metrics: []})
    assert.equal((await call(sb, 'GET', `/api/v0/hosts/NoSuchHost1/metrics?name=loadavg5&from=1&to=2`)).status, 404)
  })

  it('service metrics: POST /services/<s>/tsdb, range, metric-names; 404 unknown service; 429 past the per-minute cap', async () => {
    await call(sb, 'POST', '/api/v0/services', {name: 'shop', memo: ''})
    const body = [
      {name: 'orders.count', time: NOW_S - 60, value: 12},
      {name: 'orders.count', time: NOW_S, value: 15},
      {name: 'latency.p99', time: NOW_S, value: 0.25},
    ]
    const r = await call(sb, 'POST', '/api/v0/services/shop/tsdb', body)
    assert.deepEqual([r.status, r.body], [200, {success: true}])
    assert.deepEqual((await call(sb, 'GET', '/api/v0/services/shop/metric-names')).body, {names: ['orders.count', 'latency.p99']})
    const range = await call(sb, 'GET', `/api/v0/services/shop/metrics?name=orders.count&from=${NOW_S - 60}&to=${NOW_S}`)
    assert.deepEqual(range.body, {metrics: [{time: NOW_S - 60, value: 12}, {time: NOW_S, value: 15}]})
    assert.equal((await call(sb, 'GET', `/api/v0/services/shop/metrics?name=nope&from=1&to=2`)).status, 404)
    assert.equal((await call(sb, 'GET', `/api/v0/services/nope/metrics?name=x&from=1&to=2`)).status, 404)
    const unknown = await call(sb, 'POST', '/api/v0/services/nope/tsdb', body)
    assert.deepEqual([unknown.status, unknown.body], [404, errorOf('Service not found: nope')])
    assert.deepEqual((await call(sb, 'POST', '/api/v0/services/shop/tsdb', [{name: 'a b', time: NOW_S, value: 1}])).body, errorOf('[0].name must match [a-zA-Z0-9._-]+: "a b"'))
    assert.equal((await call(sb, 'POST', '/api/v0/services/shop/tsdb', {name: 'x', time: NOW_S, value: 1})).status, 400)

    // the first valid post above counted (rejected ones do not); 59 more fill the minute, the next is 429
    for (let i = 1; i < SERVICE_TSDB_MAX_PER_MINUTE; i++) assert.equal((await call(sb, 'POST', '/api/v0/services/shop/tsdb', [])).status, 200)
    const limited = await call(sb, 'POST', '/api/v0/services/shop/tsdb', [])
    assert.equal(limited.status, 429)
    assert.match(limited.body.error.message, /^Too many requests/)
    sb.clock.ms += 60_000
    assert.equal((await call(sb, 'POST', '/api/v0/services/shop/tsdb', [])).status, 200)

    // deleting the service deletes its metrics
    await call(sb, 'DELETE', '/api/v0/services/shop')
    await call(sb, 'POST', '/api/v0/services', {name: 'shop', memo: ''})
    assert.deepEqual((await call(sb, 'GET', '/api/v0/services/shop/metric-names')).body, {names: []})
  })

  it(`keeps at most ${METRIC_MAX_POINTS} points per series and only the last 24 h of sandbox time`, async () => {
    // two days of 30-second points, posted in order as the clock moves: the count bound bites first
    const start = NOW_S
    for (let day = 0; day < 2; day++) {
      const batch = []
      for (let i = 0; i < 2880; i++) batch.push({hostId: host, name: 'fast', time: start + day * 86400 + i * 30, value: i})
      sb.clock.ms = (start + day * 86400 + 86400) * 1000
      assert.equal((await call(sb, 'POST', '/api/v0/tsdb', batch)).status, 200)
    }
    const now = start + 2 * 86400
    const all = (await call(sb, 'GET', `/api/v0/hosts/${host}/metrics?name=fast&from=0&to=${now}`)).body.metrics
    assert.equal(all.length, METRIC_MAX_POINTS)
    assert.deepEqual(all.at(-1), {time: start + 86400 + 2879 * 30, value: 2879})
    assert.deepEqual(all[0], {time: start + 86400 + (2880 - METRIC_MAX_POINTS) * 30, value: 2880 - METRIC_MAX_POINTS})
    // time bound: a minute-a-point series reads nothing older than 24 h before the sandbox clock
    await call(sb, 'POST', '/api/v0/tsdb', [{hostId: host, name: 'slow', time: now - 600, value: 1}])
    sb.clock.ms = (now + 86400 - 700) * 1000
    assert.equal((await call(sb, 'GET', `/api/v0/hosts/${host}/metrics?name=slow&from=0&to=${now + 86400}`)).body.metrics.length, 1)
    sb.clock.ms = (now + 86400) * 1000
    assert.deepEqual((await call(sb, 'GET', `/api/v0/hosts/${host}/metrics?name=slow&from=0&to=${now + 86400}`)).body, {metrics: []})
    assert.deepEqual((await call(sb, 'GET', `/api/v0/tsdb/latest?hostId=${host}&name=slow`)).body, {tsdbLatest: {[host]: {}}})
  })

  it('agent life cycle: register, post metrics every minute for 5 minutes with check reports, update the host, retire with null', async () => {
    for (let m = 0; m < 5; m++) {
      sb.clock.ms = (NOW_S + m * 60) * 1000
      const t = NOW_S + m * 60
      assert.deepEqual((await call(sb, 'POST', '/api/v0/tsdb', agentPost(t, m))).body, {success: true})
      const report = {
        reports: [{source: {type: 'host', hostId: host}, name: 'check-http', status: m < 3 ? 'OK' : 'CRITICAL', message: m < 3 ? 'HTTP OK' : 'HTTP 500', occurredAt: t}],
      }
      assert.deepEqual((await call(sb, 'POST', '/api/v0/monitoring/checks/report', report)).body, {success: true})
    }
    // the agent re-sends its host spec with null arrays it has nothing for
    const put = await call(sb, 'PUT', `/api/v0/hosts/${host}`, {name: 'agent01', meta: {'agent-version': '0.80.0'}, interfaces: null, roleFullnames: null, checks: [{name: 'check-http'}]})
    assert.deepEqual([put.status, put.body], [200, {id: host}])
    const latest = await call(sb, 'GET', `/api/v0/tsdb/latest?hostId=${host}&name=loadavg5`)
    assert.deepEqual(latest.body, {tsdbLatest: {[host]: {loadavg5: {time: NOW_S + 240, value: 4}}}})
    const alerts = (await call(sb, 'GET', '/api/v0/alerts')).body.alerts.filter((a: any) => a.hostId === host)
    assert.deepEqual(alerts.map((a: any) => [a.type, a.status, a.message, a.memo]), [['check', 'CRITICAL', 'HTTP 500', '']])
    const retire = await call(sb, 'POST', `/api/v0/hosts/${host}/retire`, 'null')
    assert.deepEqual([retire.status, retire.body], [200, {success: true}])
    // a retired host's data stays readable; its open alerts are closed
    assert.equal((await call(sb, 'GET', `/api/v0/hosts/${host}/metrics?name=loadavg5&from=${NOW_S}&to=${NOW_S + 240}`)).body.metrics.length, 5)
    assert.equal((await call(sb, 'GET', `/api/v0/alerts/${alerts[0].id}`)).body.status, 'OK')
  })

  it('posted metrics and their names survive a restart with --data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mkr-sandbox-metrics-'))
    try {
      const dataFile = join(dir, 'state.json')
      const a = await sandbox({dataFile})
      const h = (await call(a, 'POST', '/api/v0/hosts', {name: 'persist01', meta: {}})).body.id
      await call(a, 'POST', '/api/v0/services', {name: 'shop', memo: ''})
      await call(a, 'POST', '/api/v0/tsdb', [{hostId: h, name: 'loadavg5', time: NOW_S - 60, value: 0.5}])
      await call(a, 'POST', '/api/v0/services/shop/tsdb', [{name: 'orders.count', time: NOW_S - 60, value: 3}])
      await a.close()
      const b = await sandbox({dataFile})
      try {
        assert.deepEqual((await call(b, 'GET', `/api/v0/tsdb/latest?hostId=${h}&name=loadavg5`)).body, {tsdbLatest: {[h]: {loadavg5: {time: NOW_S - 60, value: 0.5}}}})
        assert.deepEqual((await call(b, 'GET', `/api/v0/hosts/${h}/metric-names`)).body, {names: ['loadavg5']})
        assert.deepEqual((await call(b, 'GET', `/api/v0/services/shop/metrics?name=orders.count&from=0&to=${NOW_S}`)).body, {
          metrics: [{time: NOW_S - 60, value: 3}],
        })
        assert.deepEqual((await call(b, 'GET', '/api/v0/services/shop/metric-names')).body, {names: ['orders.count']})
      } finally {
        await b.close()
      }
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('sandbox demo seed: metrics and a trace to show at once', () => {
  it('demo has three hours of access.count and access.latency.p99; the seeded latency alert stays WARNING; the seeded trace is served', async () => {
    const sb = await startSandbox()
    try {
      const now = Math.floor(Date.now() / 1000)
      const r = await call(sb, 'GET', `/api/v0/services/demo/metrics?name=access.count&from=${now - 3 * 3600}&to=${now}`)
      assert.equal(r.status, 200)
      assert.ok(r.body.metrics.length >= 180, String(r.body.metrics.length))
      const lat = await call(sb, 'GET', `/api/v0/services/demo/metrics?name=access.latency.p99&from=${now - 600}&to=${now}`)
      for (const p of lat.body.metrics) assert.ok(p.value > 800 && p.value < 1500, String(p.value))
      sb.evaluate()
      const open = [...sb.store.alerts.values()].filter((a) => a.type === 'service' && a.status !== 'OK')
      assert.deepEqual(open.map((a) => a.status), ['WARNING'])
      const t = await call(sb, 'GET', `/api/v0/traces/${SEED_IDS.trace}`)
      assert.equal(t.status, 200)
      assert.deepEqual(t.body.spans.map((s: {name: string}) => s.name), ['GET /checkout', 'SELECT orders'])
      assert.equal((await call(sb, 'GET', `/api/v0/traces/${'0'.repeat(32)}`)).status, 404)
      assert.equal((await call(sb, 'GET', '/api/v0/traces/nothex')).status, 400)
    } finally {
      await sb.close()
    }
  })
})
