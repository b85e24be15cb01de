import assert from 'node:assert/strict'
import {call, NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: alerts', () => {
  let sb: SB
  beforeEach(async () => {
    sb = await sandbox()
  })
  afterEach(() => sb.close())

  const get = (q = '') => call(sb, 'GET', '/api/v0/alerts' + q)

  it('seeds open and closed alerts; lists open ones newest first by default', async () => {
    const open = (await get()).body
    assert.ok(open.alerts.length >= 4)
    assert.ok(open.alerts.every((a: any) => a.status !== 'OK'))
    const times = open.alerts.map((a: any) => a.openedAt)
    assert.deepEqual(times, [...times].sort((x: number, y: number) => y - x))
    assert.equal('nextId' in open, false)
    const all = (await get('?withClosed=true')).body.alerts
    assert.ok(all.length >= 8)
    const closed = all.filter((a: any) => a.status === 'OK')
    assert.ok(closed.length >= 4)
    assert.ok(closed.every((a: any) => typeof a.closedAt === 'number'))
    const types = new Set(all.map((a: any) => a.type))
    for (const t of ['connectivity', 'host', 'service', 'external', 'check', 'query']) assert.ok(types.has(t), t)
  })

  it('pages with limit and nextId (older than that alert); nextId only when more remain', async () => {
    sb.store.alerts.clear()
    const made = sb.store.addAlerts(250, {type: 'host', status: 'WARNING'})
    const newestFirst = made.map((a) => a.id).reverse()
    const p1 = (await get()).body
    assert.equal(p1.alerts.length, 100)
    assert.equal(p1.nextId, newestFirst[99])
    const p2 = (await get(`?nextId=${p1.nextId}&limit=100`)).body
    assert.deepEqual(p2.alerts.map((a: any) => a.id), newestFirst.slice(100, 200))
    const p3 = (await get(`?nextId=${p2.nextId}`)).body
    assert.deepEqual(p3.alerts.map((a: any) => a.id), newestFirst.slice(200))
    assert.equal('nextId' in p3, false)
    const small = (await get('?limit=3')).body
    assert.equal(small.alerts.length, 3)
    assert.equal(small.nextId, newestFirst[2])
    const exact = (await get(`?nextId=${newestFirst[246]}&limit=3`)).body
    assert.equal(exact.alerts.length, 3)
    assert.equal('nextId' in exact, false)
    for (const q of ['?limit=101', '?limit=0', '?limit=x']) assert.equal((await get(q)).status, 400, q)
  })

  it('get is bare; 404 for unknown ids', async () => {
    const a = sb.store.addAlert({type: 'host', status: 'CRITICAL', value: 9.5})
    const r = await call(sb, 'GET', `/api/v0/alerts/${a.id}`)
    assert.deepEqual(r.body, {id: a.id, status: 'CRITICAL', monitorId: a.monitorId, type: 'host', value: 9.5, openedAt: NOW_S, memo: ''})
    const missing = await call(sb, 'GET', '/api/v0/alerts/NoSuchAlert')
    assert.equal(missing.status, 404)
    assert.ok(missing.body.error.message)
  })

  it('PUT memo: sets it; {} clears it (what mackerel-client-go sends); non-string 400; > 80 KB is 413', async () => {
    const a = sb.store.addAlert()
    const r = await call(sb, 'PUT', `/api/v0/alerts/${a.id}`, {memo: 'investigating'})
    assert.deepEqual(r.body, {id: a.id, memo: 'investigating'})
    assert.equal((await call(sb, 'GET', `/api/v0/alerts/${a.id}`)).body.memo, 'investigating')
    const cleared = await call(sb, 'PUT', `/api/v0/alerts/${a.id}`, {})
    assert.equal(cleared.status, 200)
    assert.deepEqual(cleared.body, {id: a.id, memo: ''})
    assert.equal((await call(sb, 'GET', `/api/v0/alerts/${a.id}`)).body.memo, '')
    assert.deepEqual((await call(sb, 'PUT', `/api/v0/alerts/${a.id}`, {memo: null})).body, {id: a.id, memo: ''})
    assert.equal((await call(sb, 'PUT', `/api/v0/alerts/${a.id}`, {memo: 5})).status, 400)
    assert.equal((await call(sb, 'PUT', `/api/v0/alerts/${a.id}`, 'null')).status, 400)
    assert.equal((await call(sb, 'PUT', `/api/v0/alerts/${a.id}`, {memo: 'x'.repeat(80 * 1024)})).status, 200)
    const big = await call(sb, 'PUT', `/api/v0/alerts/${a.id}`, {memo: 'x'.repeat(80 * 1024 + 1)})
    assert.equal(big.status, 413)
    assert.ok(big.body.error.message)
    assert.equal((await call(sb, 'PUT', '/api/v0/alerts/NoSuchAlert', {memo: ''})).status, 404)
  })

  it('every alert carries memo, a string ("" when unset), in list, get and close', async () => {
    sb.store.alerts.clear()
    const a = sb.store.addAlert({type: 'host', status: 'WARNING', value: 1})
    const b = sb.store.addAlert({type: 'check', status: 'CRITICAL', message: 'down', memo: 'known'})
    const list = (await call(sb, 'GET', '/api/v0/alerts?withClosed=true')).body.alerts
    assert.deepEqual(list.map((x: any) => [x.id, x.memo]), [[b.id, 'known'], [a.id, '']])
    assert.equal((await call(sb, 'GET', `/api/v0/alerts/${a.id}`)).body.memo, '')
    const closed = (await call(sb, 'POST', `/api/v0/alerts/${a.id}/close`, {reason: 'ok'})).body
    assert.equal(closed.memo, '')
    assert.equal(closed.status, 'OK')
  })

  it('close: reason required; returns the bare alert with status OK, reason and closedAt', async () => {
    const a = sb.store.addAlert({type: 'connectivity', status: 'CRITICAL'})
    assert.equal((await call(sb, 'POST', `/api/v0/alerts/${a.id}/close`, {})).status, 400)
    sb.clock.ms += 5000
    const r = await call(sb, 'POST', `/api/v0/alerts/${a.id}/close`, {reason: 'fixed'})
    assert.equal(r.status, 200)
    assert.equal(r.body.id, a.id)
    assert.equal(r.body.status, 'OK')
    assert.equal(r.body.reason, 'fixed')
    assert.equal(r.body.closedAt, NOW_S + 5)
    assert.equal((await get()).body.alerts.some((x: any) => x.id === a.id), false)
    assert.equal((await call(sb, 'POST', '/api/v0/alerts/NoSuchAlert/close', {reason: ''})).status, 404)
    assert.equal((await call(sb, 'POST', `/api/v0/alerts/${a.id}/close`, {reason: 'x'}, 'sandbox-readonly')).status, 403)
  })

  it('logs: newest first with nextId + limit; 404 unknown alert; 400 limit', async () => {
    const a = sb.store.addAlert({status: 'WARNING'})
    for (let i = 1; i <= 4; i++) sb.store.addAlertLog(a, {status: i % 2 ? 'CRITICAL' : 'WARNING', createdAt: NOW_S + i})
    const all = (await call(sb, 'GET', `/api/v0/alerts/${a.id}/logs`)).body
    assert.equal(all.logs.length, 5)
    assert.deepEqual(all.logs.map((l: any) => l.createdAt), [NOW_S + 4, NOW_S + 3, NOW_S + 2, NOW_S + 1, NOW_S])
    assert.deepEqual(Object.keys(all.logs[0]).sort(), ['createdAt', 'id', 'monitorId', 'status', 'statusDetail', 'targetValue', 'trigger'])
    const p1 = (await call(sb, 'GET', `/api/v0/alerts/${a.id}/logs?limit=2`)).body
    assert.equal(p1.nextId, all.logs[1].id)
    const p2 = (await call(sb, 'GET', `/api/v0/alerts/${a.id}/logs?limit=2&nextId=${p1.nextId}`)).body
    assert.deepEqual(p2.logs, all.logs.slice(2, 4))
    assert.equal((await call(sb, 'GET', `/api/v0/alerts/${a.id}/logs?limit=101`)).status, 400)
    assert.equal((await call(sb, 'GET', '/api/v0/alerts/NoSuchAlert/logs')).status, 404)
  })
})
