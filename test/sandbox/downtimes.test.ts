import assert from 'node:assert/strict'
import {call, errorOf, NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: downtimes and alert group settings', () => {
  let sb: SB
  let monitorId: string
  beforeEach(async () => {
    sb = await sandbox()
    monitorId = sb.store.listMonitors()[0].id
  })
  afterEach(() => sb.close())

  it('downtimes: create (the Go client body), list, update, delete; no single GET', async () => {
    const body = {
      name: 'weekly maintenance',
      memo: 'db patching',
      start: NOW_S + 3600,
      duration: 60,
      recurrence: {type: 'weekly', interval: 1, weekdays: ['Monday', 'Thursday'], until: NOW_S + 30 * 86_400},
      serviceScopes: ['demo'],
      roleExcludeScopes: ['demo:db'],
      monitorScopes: [monitorId],
    }
    const c = await call(sb, 'POST', '/api/v0/downtimes', body)
    assert.equal(c.status, 200)
    const {id, ...rest} = c.body
    assert.match(id, /^\w{11}$/)
    assert.deepEqual(rest, body)
    assert.deepEqual((await call(sb, 'GET', '/api/v0/downtimes')).body, {downtimes: [c.body]})
    assert.equal((await call(sb, 'GET', `/api/v0/downtimes/${id}`)).status, 405)

    // the Go client leaves memo and empty lists out (omitempty): memo reads back as ""
    const u = await call(sb, 'PUT', `/api/v0/downtimes/${id}`, {name: 'once', start: NOW_S, duration: 30})
    assert.deepEqual(u.body, {id, name: 'once', memo: '', start: NOW_S, duration: 30})
    assert.deepEqual((await call(sb, 'DELETE', `/api/v0/downtimes/${id}`)).body, u.body)
    assert.deepEqual(await call(sb, 'DELETE', `/api/v0/downtimes/${id}`).then((r) => [r.status, r.body]), [404, errorOf(`Downtime not found: ${id}`)])
    assert.equal((await call(sb, 'PUT', `/api/v0/downtimes/${id}`, {name: 'x', start: NOW_S, duration: 1})).status, 404)
  })

  it('downtimes: invalid input is a 400 naming the problem', async () => {
    const ok = {name: 'x', start: NOW_S, duration: 10}
    const cases: [unknown, RegExp][] = [
      [{start: NOW_S, duration: 10}, /name is required/],
      [{...ok, duration: 0}, /duration must be a positive/],
      [{...ok, duration: -5}, /duration must be a positive/],
      [{...ok, start: 'soon'}, /start must be a number/],
      [{...ok, recurrence: {type: 'fortnightly', interval: 1}}, /type must be one of/],
      [{...ok, recurrence: {type: 'daily', interval: 0}}, /interval must be at least 1/],
      [{...ok, recurrence: {type: 'daily', interval: 1, weekdays: ['Monday']}}, /only for weekly/],
      [{...ok, recurrence: {type: 'weekly', interval: 1, weekdays: ['Funday']}}, /unknown weekday/],
      [{...ok, recurrence: {type: 'daily', interval: 1, until: NOW_S - 1}}, /until must not be before start/],
      [{...ok, serviceScopes: ['nope']}, /service not found: nope/],
      [{...ok, roleScopes: ['demo']}, /invalid role fullname/],
      [{...ok, roleScopes: ['demo:nope']}, /role not found/],
      [{...ok, monitorScopes: ['nope']}, /monitor not found/],
      [{...ok, serviceScopes: ['demo'], serviceExcludeScopes: ['demo']}, /both a scope and an excluded scope/],
      [{...ok, name: 'n'.repeat(251)}, /at most 250/],
    ]
    for (const [body, re] of cases) {
      const r = await call(sb, 'POST', '/api/v0/downtimes', body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.match(r.body.error.message, re, JSON.stringify(body))
    }
    assert.deepEqual(sb.store.downtimes.size, 0)
  })

  it('alert group settings: CRUD with bare single items; lists always present; validation', async () => {
    const c = await call(sb, 'POST', '/api/v0/alert-group-settings', {name: 'web', serviceScopes: ['demo'], roleScopes: ['demo:web'], notificationInterval: 60})
    assert.equal(c.status, 200)
    const id = c.body.id
    assert.deepEqual(c.body, {id, name: 'web', memo: '', serviceScopes: ['demo'], roleScopes: ['demo:web'], monitorScopes: [], notificationInterval: 60})
    assert.deepEqual((await call(sb, 'GET', `/api/v0/alert-group-settings/${id}`)).body, c.body)
    assert.deepEqual((await call(sb, 'GET', '/api/v0/alert-group-settings')).body, {alertGroupSettings: [c.body]})
    const u = await call(sb, 'PUT', `/api/v0/alert-group-settings/${id}`, {name: 'web2', memo: 'm', monitorScopes: [monitorId]})
    assert.deepEqual(u.body, {id, name: 'web2', memo: 'm', serviceScopes: [], roleScopes: [], monitorScopes: [monitorId]})
    assert.deepEqual((await call(sb, 'DELETE', `/api/v0/alert-group-settings/${id}`)).body, u.body)
    assert.equal((await call(sb, 'GET', `/api/v0/alert-group-settings/${id}`)).status, 404)
    for (const bad of [{}, {name: 'x', serviceScopes: ['nope']}, {name: 'x', roleScopes: ['demo:nope']}, {name: 'x', monitorScopes: ['nope']}, {name: 'x', notificationInterval: 5}])
      assert.equal((await call(sb, 'POST', '/api/v0/alert-group-settings', bad)).status, 400, JSON.stringify(bad))
  })
})
