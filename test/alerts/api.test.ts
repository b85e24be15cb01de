import assert from 'node:assert/strict'
import nock from 'nock'
import {
  alertJson,
  alertLogJson,
  closeAlert,
  getAlert,
  listAlertLogs,
  listAlerts,
  updateAlertMemo,
  type Alert,
} from '../../src/api/alerts.js'
import {ApiClient} from '../../src/api/client.js'
import {ApiError, InvalidResponseError} from '../../src/api/errors.js'

const BASE = 'https://api.example.test'

function client() {
  const sleeps: number[] = []
  const c = new ApiClient({apiBase: BASE, apiKey: 'k', random: () => 0, sleep: async (ms) => void sleeps.push(ms)})
  return {c, sleeps}
}

const alert = (i: number): Alert => ({id: `al${i}`, status: 'CRITICAL', monitorId: 'mon1', type: 'host', hostId: 'h1', value: i, openedAt: 1700000000 - i})
const page = (from: number, n: number) => Array.from({length: n}, (_, k) => alert(from + k))

describe('api/alerts', () => {
  before(() => nock.disableNetConnect())
  after(() => nock.enableNetConnect())
  afterEach(() => nock.cleanAll())

  it('listAlerts follows nextId to the end, pausing 1 s between pages like mkr', async () => {
    const scope = nock(BASE)
      .get('/api/v0/alerts')
      .query({limit: '100'})
      .reply(200, {alerts: page(0, 100), nextId: 'al99'})
      .get('/api/v0/alerts')
      .query({limit: '100', nextId: 'al99'})
      .reply(200, {alerts: page(100, 100), nextId: 'al199'})
      .get('/api/v0/alerts')
      .query({limit: '100', nextId: 'al199'})
      .reply(200, {alerts: page(200, 20)})
    const {c, sleeps} = client()
    const seen: number[] = []
    const got = await listAlerts(c, {onPage: (n) => seen.push(n)})
    assert.equal(got.length, 220)
    assert.equal(got[219].id, 'al219')
    assert.deepEqual(sleeps, [1000, 1000])
    assert.deepEqual(seen, [100, 200, 220])
    assert.ok(scope.isDone())
  })

  it('listAlerts asks for withClosed=true, only as many as the limit, and the pause is configurable', async () => {
    const scope = nock(BASE)
      .get('/api/v0/alerts')
      .query({withClosed: 'true', limit: '100'})
      .reply(200, {alerts: page(0, 100), nextId: 'al99'})
      .get('/api/v0/alerts')
      .query({withClosed: 'true', limit: '50', nextId: 'al99'})
      .reply(200, {alerts: page(100, 50), nextId: 'al149'})
    const {c, sleeps} = client()
    const got = await listAlerts(c, {withClosed: true, limit: 150, pageDelayMs: 0})
    assert.equal(got.length, 150)
    assert.deepEqual(sleeps, [])
    assert.ok(scope.isDone())
  })

  it('listAlerts stops at the limit even when the server sends more than asked', async () => {
    nock(BASE).get('/api/v0/alerts').query({limit: '5'}).reply(200, {alerts: page(0, 8), nextId: 'x'})
    assert.deepEqual((await listAlerts(client().c, {limit: 5})).map((a) => a.id), ['al0', 'al1', 'al2', 'al3', 'al4'])
  })

  it('listAlerts with limit 0 sends nothing', async () => {
    assert.deepEqual(await listAlerts(client().c, {limit: 0}), []) // nock would reject any request
  })

  it('listAlerts rejects a body without the alerts array', async () => {
    nock(BASE).get('/api/v0/alerts').query(true).reply(200, {items: []})
    await assert.rejects(listAlerts(client().c), InvalidResponseError)
  })

  it('getAlert returns the bare alert; 404 is an ApiError', async () => {
    nock(BASE).get('/api/v0/alerts/al1').reply(200, {...alert(1), memo: 'hi'})
    assert.equal((await getAlert(client().c, 'al1')).memo, 'hi')
    nock(BASE).get('/api/v0/alerts/nope').reply(404, {error: {message: 'Alert not found'}})
    await assert.rejects(getAlert(client().c, 'nope'), (e: Error) => e instanceof ApiError && e.status === 404 && /Alert not found/.test(e.message))
    nock(BASE).get('/api/v0/alerts/weird').reply(200, {alerts: []})
    await assert.rejects(getAlert(client().c, 'weird'), InvalidResponseError)
  })

  it('closeAlert POSTs the reason; updateAlertMemo PUTs the memo', async () => {
    const s1 = nock(BASE).post('/api/v0/alerts/al1/close', {reason: 'fixed'}).reply(200, {...alert(1), status: 'OK', reason: 'fixed', closedAt: 1700000100})
    assert.equal((await closeAlert(client().c, 'al1', 'fixed')).status, 'OK')
    const s2 = nock(BASE).put('/api/v0/alerts/al1', {memo: 'note'}).reply(200, {id: 'al1', memo: 'note'})
    assert.deepEqual(await updateAlertMemo(client().c, 'al1', 'note'), {id: 'al1', memo: 'note'})
    assert.ok(s1.isDone() && s2.isDone())
  })

  it('listAlertLogs pages with limit ≤ 100 up to the limit, without pauses', async () => {
    const log = (i: number) => ({id: `lg${i}`, createdAt: 1700000000 - i, status: 'CRITICAL', trigger: 'monitoring', monitorId: 'm', targetValue: 1})
    const logs = (from: number, n: number) => Array.from({length: n}, (_, k) => log(from + k))
    const scope = nock(BASE)
      .get('/api/v0/alerts/al1/logs')
      .query({limit: '100'})
      .reply(200, {logs: logs(0, 100), nextId: 'lg99'})
      .get('/api/v0/alerts/al1/logs')
      .query({limit: '100', nextId: 'lg99'})
      .reply(200, {logs: logs(100, 100), nextId: 'lg199'})
      .get('/api/v0/alerts/al1/logs')
      .query({limit: '50', nextId: 'lg199'})
      .reply(200, {logs: logs(200, 50), nextId: 'lg249'})
    const {c, sleeps} = client()
    assert.equal((await listAlertLogs(c, 'al1', {limit: 250})).length, 250)
    assert.deepEqual(sleeps, [])
    assert.ok(scope.isDone())
  })
})

describe('alertJson / alertLogJson', () => {
  it("uses mackerel-client-go's order, drops Go-empty values, keeps unknown fields after", () => {
    const out = alertJson({
      series: {name: 's', labels: {a: 'b'}},
      closedAt: 0,
      openedAt: 10,
      memo: '',
      value: 0,
      hostId: 'h',
      type: 'query',
      monitorId: 'm',
      status: 'OK',
      id: 'a',
      reason: 'r',
    })
    assert.deepEqual(Object.keys(out), ['id', 'status', 'monitorId', 'type', 'hostId', 'reason', 'openedAt', 'series'])
    assert.deepEqual(Object.keys(alertJson({id: 'a', status: 'CRITICAL', monitorId: 'm', type: 'host', value: 1.5, message: 'x', openedAt: 1, closedAt: 2, memo: 'n'})), [
      'id', 'status', 'monitorId', 'type', 'value', 'message', 'openedAt', 'closedAt', 'memo',
    ])
  })

  it('logs keep monitorId/targetValue as null and statusDetail only when present', () => {
    assert.deepEqual(alertLogJson({id: 'l', createdAt: 1, status: 'OK', trigger: 'manual', monitorId: null, targetValue: null, statusDetail: null}), {
      id: 'l',
      createdAt: 1,
      status: 'OK',
      trigger: 'manual',
      monitorId: null,
      targetValue: null,
    })
    const withDetail = alertLogJson({
      createdAt: 1,
      id: 'l',
      status: 'CRITICAL',
      trigger: 'monitoring',
      monitorId: 'm',
      targetValue: null,
      statusDetail: {type: 'check', detail: {message: 'boom', memo: ''}},
    })
    assert.deepEqual(Object.keys(withDetail), ['id', 'createdAt', 'status', 'trigger', 'monitorId', 'targetValue', 'statusDetail'])
    assert.deepEqual(withDetail.statusDetail, {type: 'check', detail: {message: 'boom', memo: ''}})
  })
})
