import assert from 'node:assert/strict'
import {call, NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

const VALID: Record<string, Record<string, unknown>> = {
  host: {type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', warning: 80, critical: 90, duration: 3, scopes: ['shop'], excludeScopes: ['shop:db']},
  connectivity: {type: 'connectivity', scopes: ['shop:web']},
  service: {type: 'service', name: 'latency', service: 'shop', metric: 'lat', operator: '>', warning: 1, critical: 2, duration: 5, missingDurationWarning: 30},
  external: {type: 'external', name: 'top', url: 'https://example.com/', method: 'GET', service: 'shop', responseTimeWarning: 500, responseTimeDuration: 3},
  expression: {type: 'expression', name: 'load', expression: 'avg(roleSlots("shop:web","loadavg5"))', operator: '>', warning: 4, critical: null},
  anomalyDetection: {type: 'anomalyDetection', name: 'anomaly', scopes: ['shop:web'], warningSensitivity: 'normal'},
  query: {type: 'query', name: 'q', query: 'container.cpu.utilization{k8s.deployment.name="x"}', legend: '{{pod}}', operator: '>', warning: 1},
}

describe('sandbox: monitors', () => {
  let sb: SB
  beforeEach(async () => {
    sb = await sandbox({seed: false})
    sb.store.addService('shop', '', ['web', 'db'])
  })
  afterEach(() => sb.close())

  const create = (body: unknown) => call(sb, 'POST', '/api/v0/monitors', body)

  it('creates every type (bare, with id) and fills the documented defaults', async () => {
    for (const [type, body] of Object.entries(VALID)) {
      const r = await create(body)
      assert.equal(r.status, 200, `${type}: ${r.text}`)
      assert.match(r.body.id, /^[0-9A-Za-z]{11}$/)
      for (const [k, v] of Object.entries(body)) assert.deepEqual(r.body[k], v, `${type}.${k}`)
      assert.equal(r.body.isMute, false)
    }
    const list = (await call(sb, 'GET', '/api/v0/monitors')).body.monitors
    const conn = list.find((m: any) => m.type === 'connectivity')
    assert.equal(conn.name, 'connectivity')
    assert.equal(conn.alertStatusOnGone, 'CRITICAL')
    assert.equal(list.find((m: any) => m.type === 'anomalyDetection').maxCheckAttempts, 3)
    assert.equal(list.find((m: any) => m.type === 'expression').evaluateBackwardMinutes, 2)
    assert.equal(list.find((m: any) => m.type === 'query').evaluateBackwardMinutes, 0)
    assert.equal(list.find((m: any) => m.type === 'host').maxCheckAttempts, 1)
  })

  it('lists ordered by type, then name; get wraps in {monitor}; 404 unknown', async () => {
    await create({...VALID.host, name: 'b'})
    await create({...VALID.host, name: 'a'})
    await create(VALID.connectivity)
    await create({...VALID.expression, name: 'z'})
    const list = (await call(sb, 'GET', '/api/v0/monitors')).body.monitors
    assert.deepEqual(list.map((m: any) => `${m.type}/${m.name}`), ['connectivity/connectivity', 'expression/z', 'host/a', 'host/b'])
    const one = await call(sb, 'GET', `/api/v0/monitors/${list[2].id}`)
    assert.deepEqual(one.body, {monitor: list[2]})
    assert.equal((await call(sb, 'GET', '/api/v0/monitors/NoSuchMon01')).status, 404)
  })

  it('keeps fields it does not know, as sent', async () => {
    const body = {...VALID.host, futureField: {nested: [1, 'two']}, alertGroupingMode: 'x'}
    const r = await create(body)
    assert.deepEqual(r.body.futureField, {nested: [1, 'two']})
    const got = (await call(sb, 'GET', `/api/v0/monitors/${r.body.id}`)).body.monitor
    assert.deepEqual(got.futureField, {nested: [1, 'two']})
    assert.equal(got.alertGroupingMode, 'x')
    const put = await call(sb, 'PUT', `/api/v0/monitors/${r.body.id}`, {...VALID.host, futureField: 2})
    assert.equal(put.body.futureField, 2)
    assert.equal('alertGroupingMode' in put.body, false)
  })

  it('rejects invalid monitors with 400 and an error message', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['no type', {name: 'x'}],
      ['unknown type', {type: 'check', name: 'x'}],
      ['host without name', {...VALID.host, name: undefined}],
      ['empty name', {...VALID.host, name: ''}],
      ['memo 2049', {...VALID.host, memo: 'x'.repeat(2049)}],
      ['notificationInterval 9', {...VALID.host, notificationInterval: 9}],
      ['isMute string', {...VALID.host, isMute: 'yes'}],
      ['host no metric', {...VALID.host, metric: undefined}],
      ['host bad operator', {...VALID.host, operator: '>='}],
      ['host duration 0', {...VALID.host, duration: 0}],
      ['host duration 11', {...VALID.host, duration: 11}],
      ['host no duration', {...VALID.host, duration: undefined}],
      ['host percent 101', {...VALID.host, critical: 101}],
      ['host percent -1', {...VALID.host, warning: -1}],
      ['host maxCheckAttempts 11', {...VALID.host, maxCheckAttempts: 11}],
      ['host unknown scope', {...VALID.host, scopes: ['nope']}],
      ['host unknown role scope', {...VALID.host, excludeScopes: ['shop:nope']}],
      ['connectivity alertStatusOnGone', {...VALID.connectivity, alertStatusOnGone: 'UNKNOWN'}],
      ['service unknown service', {...VALID.service, service: 'nope'}],
      ['service missingDuration 15', {...VALID.service, missingDurationWarning: 15}],
      ['service missingDuration 10090', {...VALID.service, missingDurationCritical: 10090}],
      ['service duration 11', {...VALID.service, duration: 11}],
      ['external ftp', {...VALID.external, url: 'ftp://example.com/'}],
      ['external not a url', {...VALID.external, url: 'example.com'}],
      ['external response time without service', {...VALID.external, service: undefined}],
      ['external method', {...VALID.external, method: 'PATCH'}],
      ['external maxCheckAttempts 0', {...VALID.external, maxCheckAttempts: 0}],
      ['expression missing', {...VALID.expression, expression: undefined}],
      ['expression unbalanced', {...VALID.expression, expression: 'avg(roleSlots("shop:web","loadavg5")'}],
      ['expression evaluateBackwardMinutes 1', {...VALID.expression, evaluateBackwardMinutes: 1}],
      ['expression evaluateBackwardMinutes 11', {...VALID.expression, evaluateBackwardMinutes: 11}],
      ['anomaly no scopes', {...VALID.anomalyDetection, scopes: undefined}],
      ['anomaly no sensitivity', {...VALID.anomalyDetection, warningSensitivity: undefined}],
      ['anomaly bad sensitivity', {...VALID.anomalyDetection, criticalSensitivity: 'very'}],
      ['anomaly future training', {...VALID.anomalyDetection, trainingPeriodFrom: NOW_S + 60}],
      ['query evaluateBackwardMinutes 11', {...VALID.query, evaluateBackwardMinutes: 11}],
      ['query missing', {...VALID.query, query: undefined}],
    ]
    for (const [what, body] of cases) {
      const r = await create(body)
      assert.equal(r.status, 400, what)
      assert.equal(typeof r.body.error.message, 'string', what)
    }
    assert.deepEqual((await call(sb, 'GET', '/api/v0/monitors')).body, {monitors: []})
    // boundaries that are fine
    for (const body of [
      {...VALID.host, warning: 0, critical: 100, duration: 10, maxCheckAttempts: 10, notificationInterval: 10, memo: 'x'.repeat(2048)},
      {...VALID.service, missingDurationWarning: 10080, duration: 1},
      {...VALID.expression, evaluateBackwardMinutes: 10},
      {...VALID.query, evaluateBackwardMinutes: 0},
      {...VALID.anomalyDetection, trainingPeriodFrom: NOW_S},
      {type: 'connectivity', name: 'named', alertStatusOnGone: 'WARNING'},
      {...VALID.host, metric: 'loadavg5', warning: 500},
    ])
      assert.equal((await create(body)).status, 200, JSON.stringify(body))
  })

  it('PUT replaces: omitted scopes cleared, isMute false; type change 400; 404 unknown', async () => {
    const m = (await create({...VALID.host, isMute: true, notificationInterval: 60})).body
    const r = await call(sb, 'PUT', `/api/v0/monitors/${m.id}`, {type: 'host', name: 'cpu2', metric: 'cpu%', operator: '<', duration: 2})
    assert.equal(r.status, 200)
    assert.equal(r.body.id, m.id)
    assert.equal(r.body.name, 'cpu2')
    assert.deepEqual(r.body.scopes, [])
    assert.deepEqual(r.body.excludeScopes, [])
    assert.equal(r.body.isMute, false)
    assert.equal('notificationInterval' in r.body, false)
    assert.deepEqual((await call(sb, 'GET', `/api/v0/monitors/${m.id}`)).body.monitor, r.body)
    const t = await call(sb, 'PUT', `/api/v0/monitors/${m.id}`, VALID.expression)
    assert.equal(t.status, 400)
    assert.match(t.body.error.message, /type/)
    assert.equal((await call(sb, 'PUT', '/api/v0/monitors/NoSuchMon01', VALID.host)).status, 404)
    assert.equal((await call(sb, 'PUT', `/api/v0/monitors/${m.id}`, {...VALID.host, duration: 0})).status, 400)
  })

  it('PUT keeps connectivity alertStatusOnGone and external headers when left out', async () => {
    const c = (await create({...VALID.connectivity, alertStatusOnGone: 'WARNING'})).body
    assert.equal((await call(sb, 'PUT', `/api/v0/monitors/${c.id}`, {type: 'connectivity'})).body.alertStatusOnGone, 'WARNING')
    const e = (await create({...VALID.external, headers: [{name: 'X-A', value: '1'}]})).body
    const kept = await call(sb, 'PUT', `/api/v0/monitors/${e.id}`, {...VALID.external})
    assert.deepEqual(kept.body.headers, [{name: 'X-A', value: '1'}])
    const cleared = await call(sb, 'PUT', `/api/v0/monitors/${e.id}`, {...VALID.external, headers: []})
    assert.deepEqual(cleared.body.headers, [])
  })

  it('external headers read back as []: omitted or null on create; PUT with null keeps them (mackerel-client-go sends nil as null), [] clears', async () => {
    const {headers: _h, method: _m, ...bare} = VALID.external
    const omitted = await create(bare)
    assert.equal(omitted.status, 200)
    assert.deepEqual(omitted.body.headers, [])
    assert.equal(omitted.body.method, 'GET')
    const nulled = (await create({...bare, name: 'n', headers: null})).body
    assert.deepEqual(nulled.headers, [])
    assert.deepEqual((await call(sb, 'GET', `/api/v0/monitors/${nulled.id}`)).body.monitor.headers, [])
    const e = (await create({...bare, name: 'h', headers: [{name: 'X-A', value: '1'}]})).body
    const keptByNull = await call(sb, 'PUT', `/api/v0/monitors/${e.id}`, {...bare, name: 'h', headers: null})
    assert.equal(keptByNull.status, 200)
    assert.deepEqual(keptByNull.body.headers, [{name: 'X-A', value: '1'}])
    const cleared = await call(sb, 'PUT', `/api/v0/monitors/${e.id}`, {...bare, name: 'h', headers: []})
    assert.deepEqual(cleared.body.headers, [])
    // a monitor stored without headers (seeded / older data file) still lists with headers: []
    const raw = sb.store.addMonitor({type: 'external', name: 'raw', url: 'https://example.org/'})
    const listed = (await call(sb, 'GET', '/api/v0/monitors')).body.monitors
    for (const m of listed.filter((x: any) => x.type === 'external')) assert.ok(Array.isArray(m.headers), m.name)
    const rawView = listed.find((x: any) => x.id === raw.id)
    assert.deepEqual([rawView.headers, rawView.method], [[], 'GET'])
  })

  it('query monitor legend defaults to ""', async () => {
    const {legend: _l, ...bare} = VALID.query
    const m = (await create(bare)).body
    assert.equal(m.legend, '')
    assert.equal((await call(sb, 'GET', `/api/v0/monitors/${m.id}`)).body.monitor.legend, '')
    assert.equal((await create({...bare, name: 'q2', legend: '{{pod}}'})).body.legend, '{{pod}}')
  })

  it('DELETE returns the monitor as it was; then 404', async () => {
    const m = (await create(VALID.query)).body
    const d = await call(sb, 'DELETE', `/api/v0/monitors/${m.id}`)
    assert.deepEqual(d.body, m)
    assert.equal((await call(sb, 'DELETE', `/api/v0/monitors/${m.id}`)).status, 404)
    assert.equal((await call(sb, 'GET', `/api/v0/monitors/${m.id}`)).status, 404)
  })

  it('an id in a create body is ignored (the server assigns one)', async () => {
    const r = await create({...VALID.host, id: 'clientChosen'})
    assert.notEqual(r.body.id, 'clientChosen')
  })

  it('seeds one monitor of each type', async () => {
    const seeded = await sandbox()
    try {
      const types = (await call(seeded, 'GET', '/api/v0/monitors')).body.monitors.map((m: any) => m.type).sort()
      assert.deepEqual(types, ['anomalyDetection', 'connectivity', 'expression', 'external', 'host', 'query', 'service'])
    } finally {
      await seeded.close()
    }
  })
})
