// Field-by-field faithfulness to reference/mackerel-api.md and to what mackerel-client-go decodes
// (the comparison is written up in the sandbox's review notes): exact shapes where the sandbox
// differed.
import assert from 'node:assert/strict'
import {call, NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: response fields as the API and the Go client have them', () => {
  let sb: SB
  beforeEach(async () => {
    sb = await sandbox({seed: false, evaluateEveryMs: 0})
    sb.store.addService('shop', '', ['web'])
  })
  afterEach(() => sb.close())

  const HOST_MONITOR = {type: 'host', name: 'load', metric: 'loadavg5', operator: '>', warning: null, critical: 4, duration: 1}

  it('alert logs written before a monitor was changed or deleted read monitorId null (§5.5); later ones name it', async () => {
    const web = (await call(sb, 'POST', '/api/v0/hosts', {name: 'web', meta: {}})).body.id
    const m = (await call(sb, 'POST', '/api/v0/monitors', HOST_MONITOR)).body
    await call(sb, 'POST', '/api/v0/tsdb', [{hostId: web, name: 'loadavg5', time: NOW_S, value: 9}])
    const [alert] = (await call(sb, 'GET', '/api/v0/alerts')).body.alerts
    const logs = async () => (await call(sb, 'GET', `/api/v0/alerts/${alert.id}/logs`)).body.logs.map((l: any) => [l.status, l.trigger, l.monitorId])
    assert.deepEqual(await logs(), [['CRITICAL', 'monitoring', m.id]])
    assert.equal((await call(sb, 'PUT', `/api/v0/monitors/${m.id}`, {...HOST_MONITOR, warning: 2})).status, 200)
    sb.clock.ms += 60_000
    await call(sb, 'POST', '/api/v0/tsdb', [{hostId: web, name: 'loadavg5', time: NOW_S + 60, value: 3}])
    assert.deepEqual(await logs(), [
      ['WARNING', 'monitoring', m.id],
      ['CRITICAL', 'monitoring', null],
    ])
    assert.equal((await call(sb, 'DELETE', `/api/v0/monitors/${m.id}`)).status, 200)
    assert.deepEqual(await logs(), [
      ['OK', 'monitorDelete', null],
      ['WARNING', 'monitoring', null],
      ['CRITICAL', 'monitoring', null],
    ])
  })

  it('counts the Go client decodes as unsigned integers must be whole numbers (400 otherwise)', async () => {
    const cases: [object, string][] = [
      [{...HOST_MONITOR, notificationInterval: 10.5}, 'notificationInterval must be an integer'],
      [{type: 'external', name: 'top', url: 'https://example.com/', certificationExpirationWarning: 7.5}, 'certificationExpirationWarning must be an integer'],
      [{type: 'anomalyDetection', name: 'a', scopes: ['shop:web'], warningSensitivity: 'normal', trainingPeriodFrom: NOW_S - 0.5}, 'trainingPeriodFrom must be an integer'],
      [{type: 'anomalyDetection', name: 'a', scopes: ['shop:web'], warningSensitivity: 'normal', trainingPeriodFrom: -1}, 'trainingPeriodFrom must be at least 0'],
    ]
    for (const [body, message] of cases) {
      const r = await call(sb, 'POST', '/api/v0/monitors', body)
      assert.deepEqual([r.status, r.body], [400, {error: {message}}], JSON.stringify(body))
    }
    assert.equal((await call(sb, 'GET', '/api/v0/monitors')).body.monitors.length, 0)
  })

  it('external certificationLimit* (the docs’ typo) is stored and returned as certificationExpiration*', async () => {
    const r = await call(sb, 'POST', '/api/v0/monitors', {type: 'external', name: 'top', url: 'https://example.com/', certificationLimitWarning: 30, certificationLimitCritical: 7})
    assert.equal(r.status, 200, r.text)
    assert.deepEqual(r.body, {
      id: r.body.id,
      type: 'external',
      name: 'top',
      url: 'https://example.com/',
      certificationExpirationWarning: 30,
      certificationExpirationCritical: 7,
      isMute: false,
      maxCheckAttempts: 1,
      method: 'GET',
      headers: [],
    })
    assert.deepEqual((await call(sb, 'GET', `/api/v0/monitors/${r.body.id}`)).body, {monitor: r.body})
  })
})
