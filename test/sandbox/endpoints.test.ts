// Every endpoint of the README's sandbox table, replayed over plain HTTP with the bodies
// mackerelio/mackerel-client-go sends (written here from its JSON tags: omitempty fields left out,
// nil slices as null, empty strings sent where the tag has no omitempty). The area suites
// (hosts.test.ts, monitors.test.ts, ...) hold the deep behaviour; this file holds the audit's gaps:
// every route answers 401 without a key, 403 to the read-only key on writes and its documented
// wrapper on reads; exact shapes and 404/400 cases no other suite asserts.
import assert from 'node:assert/strict'
import {SEED_IDS} from '../../src/sandbox/seed.js'
import {call, errorOf, NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

/** Ids and names the table needs, made in `fixtures` with the read-write key. */
interface Fx {
  hostId: string
  monitorId: string
  checkId: string
  alertId: string
  annotationId: string
  channelId: string
  groupId: string
  downtimeId: string
  dashboardId: string
  userId: string
  settingId: string
  awsId: string
}

async function fixtures(sb: SB): Promise<Fx> {
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await call(sb, method, path, body)
    assert.equal(r.status, 200, `${method} ${path}: ${r.text}`)
    return r.body
  }
  const hostId = SEED_IDS.web01
  const monitorId = (await ok('GET', '/api/v0/monitors')).monitors[0].id
  const checkId = (await ok('GET', '/api/v0/monitoring/checks')).checks[0].id
  const channelId = (await ok('GET', '/api/v0/channels')).channels[0].id
  const groupId = (await ok('POST', '/api/v0/notification-groups', {name: 'ops', notificationLevel: 'all', childNotificationGroupIds: null, childChannelIds: null})).id
  const downtimeId = (await ok('POST', '/api/v0/downtimes', {name: 'patch', start: NOW_S + 3600, duration: 30})).id
  const dashboardId = (await ok('POST', '/api/v0/dashboards', {title: 'x', memo: '', urlPath: 'x', widgets: null})).id
  const userId = (await ok('GET', '/api/v0/users')).users.find((u: any) => u.authority !== 'owner').id
  const settingId = (await ok('POST', '/api/v0/alert-group-settings', {name: 'web'})).id
  const awsId = (await ok('POST', '/api/v0/aws-integrations', {name: 'aws', memo: '', key: 'AKIAEXAMPLE', secretKey: 's', region: 'ap-northeast-1', includedTags: '', excludedTags: '', services: {}})).id
  for (const owner of [`/api/v0/hosts/${hostId}`, '/api/v0/services/demo', '/api/v0/services/demo/roles/web']) await ok('PUT', `${owner}/metadata/inv`, {rack: 'A1'})
  return {hostId, monitorId, checkId, alertId: SEED_IDS.cpuAlert, annotationId: SEED_IDS.deployAnnotation, channelId, groupId, downtimeId, dashboardId, userId, settingId, awsId}
}

/** A README row as a concrete request: method, path, a Go-client-shaped body for writes. */
interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  body?: unknown
  /** reads: the top-level keys of the answer, sorted (undefined: a bare value, checked by `bare`) */
  keys?: string[]
}

function rows(f: Fx): Row[] {
  const h = `/api/v0/hosts/${f.hostId}`
  const range = `from=${NOW_S - 3600}&to=${NOW_S}`
  const monitor = {type: 'host', name: 'load', metric: 'loadavg5', operator: '>', warning: null, critical: 4, duration: 1}
  const channel = {name: 'hook', type: 'webhook', mentions: {}, url: 'https://hooks.example.com/', events: ['alert']}
  const group = {name: 'ops', notificationLevel: 'all', childNotificationGroupIds: null, childChannelIds: null}
  const aws = {name: 'aws', memo: '', key: 'AKIAEXAMPLE', secretKey: 's', region: 'ap-northeast-1', includedTags: '', excludedTags: '', services: {}}
  return [
    // org
    {method: 'GET', path: '/api/v0/org', keys: ['displayName', 'name']},
    // hosts
    {method: 'GET', path: '/api/v0/hosts', keys: ['hosts']},
    {method: 'POST', path: '/api/v0/hosts', body: {name: 'ro', meta: {}, interfaces: null, roleFullnames: null, checks: null}},
    {method: 'GET', path: h, keys: ['host']},
    {method: 'PUT', path: h, body: {name: 'web01', meta: {}, interfaces: null, roleFullnames: null, checks: null}},
    {method: 'GET', path: '/api/v0/hosts-by-custom-identifier/i-0a1b2c3d4e5f60001', keys: ['host']},
    {method: 'POST', path: `${h}/status`, body: {status: 'standby'}},
    {method: 'POST', path: '/api/v0/hosts/bulk-update-statuses', body: {ids: [f.hostId], status: 'standby'}},
    {method: 'POST', path: `${h}/retire`, body: null},
    {method: 'POST', path: '/api/v0/hosts/bulk-retire', body: {ids: [f.hostId]}},
    {method: 'PUT', path: `${h}/role-fullnames`, body: {roleFullnames: ['demo:db']}},
    {method: 'GET', path: `${h}/metric-names`, keys: ['names']},
    {method: 'GET', path: `${h}/monitored-statuses`, keys: ['monitoredStatuses']},
    // metrics
    {method: 'POST', path: '/api/v0/tsdb', body: [{hostId: f.hostId, name: 'loadavg5', time: NOW_S, value: 1}]},
    {method: 'POST', path: '/api/v0/services/demo/tsdb', body: [{name: 'access.count', time: NOW_S, value: 1}]},
    {method: 'GET', path: `/api/v0/tsdb/latest?hostId=${f.hostId}&name=loadavg5`, keys: ['tsdbLatest']},
    {method: 'GET', path: `${h}/metrics?name=loadavg5&${range}`, keys: ['metrics']},
    {method: 'GET', path: `/api/v0/services/demo/metrics?name=access.count&${range}`, keys: ['metrics']},
    {method: 'GET', path: '/api/v0/services/demo/metric-names', keys: ['names']},
    // check monitoring
    {method: 'POST', path: '/api/v0/monitoring/checks/report', body: {reports: [{source: {type: 'host', hostId: f.hostId}, name: 'ro', status: 'OK', message: '', occurredAt: NOW_S}]}},
    {method: 'GET', path: '/api/v0/monitoring/checks', keys: ['checks']},
    {method: 'GET', path: `/api/v0/monitoring/checks/${f.checkId}`, keys: ['check']},
    // monitors
    {method: 'GET', path: '/api/v0/monitors', keys: ['monitors']},
    {method: 'POST', path: '/api/v0/monitors', body: monitor},
    {method: 'GET', path: `/api/v0/monitors/${f.monitorId}`, keys: ['monitor']},
    {method: 'PUT', path: `/api/v0/monitors/${f.monitorId}`, body: monitor},
    {method: 'DELETE', path: `/api/v0/monitors/${f.monitorId}`},
    // alerts
    {method: 'GET', path: '/api/v0/alerts', keys: ['alerts']},
    {method: 'GET', path: `/api/v0/alerts/${f.alertId}`},
    {method: 'PUT', path: `/api/v0/alerts/${f.alertId}`, body: {memo: 'x'}},
    {method: 'POST', path: `/api/v0/alerts/${f.alertId}/close`, body: {reason: 'x'}},
    {method: 'GET', path: `/api/v0/alerts/${f.alertId}/logs`, keys: ['logs']},
    // services, roles
    {method: 'GET', path: '/api/v0/services', keys: ['services']},
    {method: 'POST', path: '/api/v0/services', body: {name: 'ro-svc', memo: ''}},
    {method: 'DELETE', path: '/api/v0/services/batch'},
    {method: 'GET', path: '/api/v0/services/demo/roles', keys: ['roles']},
    {method: 'POST', path: '/api/v0/services/demo/roles', body: {name: 'ro-role', memo: ''}},
    {method: 'DELETE', path: '/api/v0/services/demo/roles/db'},
    // graph annotations
    {method: 'GET', path: `/api/v0/graph-annotations?service=demo&from=${NOW_S - 86_400}&to=${NOW_S}`, keys: ['graphAnnotations']},
    {method: 'POST', path: '/api/v0/graph-annotations', body: {title: 't', from: NOW_S, to: NOW_S, service: 'demo'}},
    {method: 'PUT', path: `/api/v0/graph-annotations/${f.annotationId}`, body: {title: 't', from: NOW_S, to: NOW_S, service: 'demo'}},
    {method: 'DELETE', path: `/api/v0/graph-annotations/${f.annotationId}`},
    // notification channels and groups
    {method: 'GET', path: '/api/v0/channels', keys: ['channels']},
    {method: 'POST', path: '/api/v0/channels', body: channel},
    {method: 'PUT', path: `/api/v0/channels/${f.channelId}`, body: {...channel, type: 'email', emails: ['a@example.com'], url: undefined}},
    {method: 'DELETE', path: `/api/v0/channels/${f.channelId}`},
    {method: 'GET', path: '/api/v0/notification-groups', keys: ['notificationGroups']},
    {method: 'POST', path: '/api/v0/notification-groups', body: group},
    {method: 'PUT', path: `/api/v0/notification-groups/${f.groupId}`, body: group},
    {method: 'DELETE', path: `/api/v0/notification-groups/${f.groupId}`},
    // downtimes
    {method: 'GET', path: '/api/v0/downtimes', keys: ['downtimes']},
    {method: 'POST', path: '/api/v0/downtimes', body: {name: 'd', start: NOW_S, duration: 10}},
    {method: 'PUT', path: `/api/v0/downtimes/${f.downtimeId}`, body: {name: 'd', start: NOW_S, duration: 10}},
    {method: 'DELETE', path: `/api/v0/downtimes/${f.downtimeId}`},
    // dashboards
    {method: 'GET', path: '/api/v0/dashboards', keys: ['dashboards']},
    {method: 'POST', path: '/api/v0/dashboards', body: {title: 'y', memo: '', urlPath: 'y', widgets: null}},
    {method: 'GET', path: `/api/v0/dashboards/${f.dashboardId}`},
    {method: 'PUT', path: `/api/v0/dashboards/${f.dashboardId}`, body: {title: 'x', memo: '', urlPath: 'x', widgets: null}},
    {method: 'DELETE', path: `/api/v0/dashboards/${f.dashboardId}`},
    // users, invitations
    {method: 'GET', path: '/api/v0/users', keys: ['users']},
    {method: 'DELETE', path: `/api/v0/users/${f.userId}`},
    {method: 'GET', path: '/api/v0/invitations', keys: ['invitations']},
    {method: 'POST', path: '/api/v0/invitations', body: {email: 'ro@example.com', authority: 'viewer'}},
    {method: 'POST', path: '/api/v0/invitations/revoke', body: {email: 'carol@example.com'}},
    // alert group settings
    {method: 'GET', path: '/api/v0/alert-group-settings', keys: ['alertGroupSettings']},
    {method: 'POST', path: '/api/v0/alert-group-settings', body: {name: 'ro'}},
    {method: 'GET', path: `/api/v0/alert-group-settings/${f.settingId}`},
    {method: 'PUT', path: `/api/v0/alert-group-settings/${f.settingId}`, body: {name: 'ro'}},
    {method: 'DELETE', path: `/api/v0/alert-group-settings/${f.settingId}`},
    // AWS integrations
    {method: 'GET', path: '/api/v0/aws-integrations', keys: ['aws_integrations']},
    {method: 'POST', path: '/api/v0/aws-integrations', body: aws},
    {method: 'GET', path: `/api/v0/aws-integrations/${f.awsId}`},
    {method: 'PUT', path: `/api/v0/aws-integrations/${f.awsId}`, body: aws},
    {method: 'DELETE', path: `/api/v0/aws-integrations/${f.awsId}`},
    {method: 'POST', path: '/api/v0/aws-integrations-external-id', body: null},
    {method: 'GET', path: '/api/v0/aws-integrations-excludable-metrics'},
    // graph definitions
    {method: 'POST', path: '/api/v0/graph-defs/create', body: [{name: 'custom.ro', metrics: [{name: 'custom.ro.x', isStacked: false}]}]},
    {method: 'DELETE', path: '/api/v0/graph-defs', body: {name: 'custom.ro'}},
    {method: 'DELETE', path: '/api/v0/services/demo/graph-defs/access.*'},
    // metadata: host, service, role
    ...[h, '/api/v0/services/demo', '/api/v0/services/demo/roles/web'].flatMap((owner): Row[] => [
      {method: 'GET', path: `${owner}/metadata`, keys: ['metadata']},
      {method: 'GET', path: `${owner}/metadata/inv`},
      {method: 'PUT', path: `${owner}/metadata/inv`, body: {rack: 'B2'}},
      {method: 'DELETE', path: `${owner}/metadata/inv`},
    ]),
    // traces
    {method: 'GET', path: `/api/v0/traces/${SEED_IDS.trace}`},
  ]
}

describe('sandbox: every endpoint of the README table', () => {
  let sb: SB
  let table: Row[]
  before(async () => {
    // no evaluation timer: the state compared before and after the read-only pass must not move by itself
    sb = await sandbox({evaluateEveryMs: 0})
    table = rows(await fixtures(sb))
  })
  after(() => sb.close())

  const label = (r: Row) => `${r.method} ${r.path}`

  it('covers each README row once (a new endpoint needs a row here)', () => {
    // one row per method + route pattern; metadata rows count three owners
    assert.equal(table.length, 92)
    assert.equal(new Set(table.map(label)).size, table.length)
  })

  it('answers 401 in the error shape without an API key, before anything else', async () => {
    for (const r of table) {
      const res = await call(sb, r.method, r.path, r.body, null)
      assert.deepEqual([res.status, res.body], [401, errorOf('Authentication failed: a valid X-Api-Key header is required')], label(r))
    }
  })

  it('the read-only key reads every GET with its documented wrapper, and gets 403 on every write, changing nothing', async () => {
    const state = async () => (await call(sb, 'GET', '/_sandbox/state', undefined, null)).text
    const before = await state()
    for (const r of table) {
      const res = await call(sb, r.method, r.path, r.body, 'sandbox-readonly')
      if (r.method === 'GET') {
        assert.equal(res.status, 200, `${label(r)}: ${res.text}`)
        if (r.keys) assert.deepEqual(Object.keys(res.body).sort(), r.keys, label(r))
        else assert.ok(res.body !== null && typeof res.body === 'object' && !Array.isArray(res.body), label(r))
        for (const k of r.keys ?? []) assert.notEqual(res.body[k], null, `${label(r)}: ${k}`)
      } else {
        assert.deepEqual([res.status, res.body], [403, errorOf('Permission denied: this API key does not have Write permission')], label(r))
      }
    }
    assert.equal(await state(), before)
  })
})

describe('sandbox: shapes and error cases the area suites leave out', () => {
  let sb: SB
  beforeEach(async () => {
    sb = await sandbox({seed: false, evaluateEveryMs: 0})
    sb.store.addService('shop', '', ['web', 'db'])
  })
  afterEach(() => sb.close())

  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await call(sb, method, path, body)
    assert.equal(r.status, 200, `${method} ${path}: ${r.text}`)
    return r.body
  }
  const fails = async (method: string, path: string, body: unknown, status: number, message: string) => {
    const r = await call(sb, method, path, body)
    assert.deepEqual([r.status, r.body], [status, errorOf(message)], `${method} ${path} ${JSON.stringify(body)}`)
  }

  it('empty collections are [] (Go decodes null as a nil slice, but jq and TypeScript clients do not)', async () => {
    sb.store.deleteService('shop')
    const lists: [string, string][] = [
      ['/api/v0/hosts', 'hosts'],
      ['/api/v0/services', 'services'],
      ['/api/v0/monitors', 'monitors'],
      ['/api/v0/alerts?withClosed=true', 'alerts'],
      ['/api/v0/monitoring/checks', 'checks'],
      ['/api/v0/dashboards', 'dashboards'],
      ['/api/v0/downtimes', 'downtimes'],
      ['/api/v0/channels', 'channels'],
      ['/api/v0/users', 'users'],
      ['/api/v0/invitations', 'invitations'],
      ['/api/v0/alert-group-settings', 'alertGroupSettings'],
      ['/api/v0/aws-integrations', 'aws_integrations'],
    ]
    for (const [path, key] of lists) assert.deepEqual(await ok('GET', path), {[key]: []}, path)
    // a fresh organization still has its default notification group, with empty lists
    const {notificationGroups} = await ok('GET', '/api/v0/notification-groups')
    assert.deepEqual(notificationGroups, [
      {id: notificationGroups[0].id, type: 'group-default', name: 'Default', notificationLevel: 'all', childNotificationGroupIds: [], childChannelIds: [], monitors: [], services: []},
    ])
    await ok('POST', '/api/v0/services', {name: 'empty', memo: ''})
    assert.deepEqual(await ok('GET', '/api/v0/services/empty/roles'), {roles: []})
    assert.deepEqual(await ok('GET', '/api/v0/services/empty/metric-names'), {names: []})
    assert.deepEqual(await ok('GET', '/api/v0/services/empty/metadata'), {metadata: []})
    assert.deepEqual(await ok('GET', `/api/v0/graph-annotations?service=empty&from=0&to=${NOW_S}`), {graphAnnotations: []})
    const host = (await ok('POST', '/api/v0/hosts', {name: 'bare', meta: {}, interfaces: null, roleFullnames: null, checks: null})).id
    assert.deepEqual(await ok('GET', `/api/v0/hosts/${host}/monitored-statuses`), {monitoredStatuses: []})
    assert.deepEqual(await ok('GET', `/api/v0/hosts/${host}/metadata`), {metadata: []})
    assert.deepEqual(await ok('GET', `/api/v0/tsdb/latest?hostId=${host}&name=loadavg5`), {tsdbLatest: {[host]: {}}})
  })

  it("hosts: the Go client's CreateHostParam reads back field for field; by custom identifier URL-encoded, never a retired host", async () => {
    // CreateHostParam: displayName, memo and customIdentifier are omitempty; meta's agent fields too
    const create = {
      name: 'app01',
      displayName: 'App 01',
      memo: 'primary',
      meta: {'agent-name': 'mackerel-agent/0.85.0', 'agent-version': '0.85.0', cpu: [{model_name: 'Xeon', mhz: '2400'}], kernel: {name: 'Linux', release: '6.1.0'}},
      interfaces: [
        {name: 'eth0', ipv4Addresses: ['10.0.0.7'], macAddress: '06:00:00:00:00:01'},
        {name: 'eth1', ipAddress: '10.0.1.7'},
      ],
      roleFullnames: ['shop:web'],
      checks: [{name: 'check-http', memo: 'see runbook'}, {name: 'check-disk'}],
      customIdentifier: 'i-0abc/def',
    }
    const c = await ok('POST', '/api/v0/hosts', create)
    assert.deepEqual(Object.keys(c), ['id'])
    const id = c.id
    const expected = {
      id,
      name: 'app01',
      displayName: 'App 01',
      customIdentifier: 'i-0abc/def',
      createdAt: NOW_S,
      meta: create.meta,
      // both address forms are filled from whichever was sent
      interfaces: [
        {name: 'eth0', macAddress: '06:00:00:00:00:01', ipAddress: '10.0.0.7', ipv4Addresses: ['10.0.0.7']},
        {name: 'eth1', ipAddress: '10.0.1.7', ipv4Addresses: ['10.0.1.7']},
      ],
      size: 'standard',
      status: 'working',
      memo: 'primary',
      isRetired: false,
      roles: {shop: ['web']},
    }
    assert.deepEqual(await ok('GET', `/api/v0/hosts/${id}`), {host: expected})
    // the identifier may hold "/": clients URL-encode it
    assert.deepEqual(await ok('GET', `/api/v0/hosts-by-custom-identifier/${encodeURIComponent('i-0abc/def')}`), {host: expected})
    assert.deepEqual(await ok('GET', '/api/v0/hosts?customIdentifier=i-0abc%2Fdef'), {hosts: [expected]})

    // UpdateHostParam is the same struct: empty displayName and customIdentifier are left out, nil slices are null
    assert.deepEqual(await ok('PUT', `/api/v0/hosts/${id}`, {name: 'app01', meta: {}, interfaces: null, roleFullnames: ['shop:db'], checks: null}), {id})
    const after = (await ok('GET', `/api/v0/hosts/${id}`)).host
    assert.deepEqual([after.displayName, after.customIdentifier, after.meta, after.roles], ['App 01', 'i-0abc/def', {}, {shop: ['db', 'web']}])
    await fails('PUT', `/api/v0/hosts/${id}`, [], 400, 'the request body must be a JSON object')
    await fails('PUT', `/api/v0/hosts/${id}`, {name: 'app01', meta: []}, 400, 'meta must be a JSON object')
    await fails('PUT', `/api/v0/hosts/${id}`, {name: 'app01', meta: {}, interfaces: [{}]}, 400, 'interfaces[0].name is required')
    await fails('PUT', `/api/v0/hosts/${id}`, {name: 'app01', meta: {}, checks: [{name: 'check-http'}, {name: 'check disk'}]}, 400, 'checks[1].name is invalid: "check disk"')

    assert.deepEqual(await ok('POST', `/api/v0/hosts/${id}/retire`, 'null'), {success: true})
    await fails('GET', `/api/v0/hosts-by-custom-identifier/${encodeURIComponent('i-0abc/def')}`, undefined, 404, 'Host not found for customIdentifier: i-0abc/def')
    await fails('PUT', `/api/v0/hosts/${id}`, {name: 'app01', meta: {}}, 404, `Host not found: ${id}`)
  })

  it('host status calls: Go bodies answer {"success":true}; a bad status, null ids or an unknown host change nothing', async () => {
    const a = (await ok('POST', '/api/v0/hosts', {name: 'a', meta: {}})).id
    const b = (await ok('POST', '/api/v0/hosts', {name: 'b', meta: {}})).id
    assert.deepEqual(await ok('POST', `/api/v0/hosts/${a}/status`, {status: 'poweroff'}), {success: true})
    // the default list is working + standby only
    assert.deepEqual((await ok('GET', '/api/v0/hosts')).hosts.map((h: any) => h.name), ['b'])
    assert.deepEqual(await ok('POST', '/api/v0/hosts/bulk-update-statuses', {ids: [a, b], status: 'maintenance'}), {success: true})
    await fails('POST', '/api/v0/hosts/bulk-update-statuses', {ids: [a, b], status: 'retired'}, 400, 'status must be one of "working", "standby", "maintenance", "poweroff"')
    // a nil Go slice goes out as null
    await fails('POST', '/api/v0/hosts/bulk-update-statuses', {ids: null, status: 'working'}, 400, 'ids is required')
    await fails('POST', '/api/v0/hosts/bulk-retire', {ids: null}, 400, 'ids is required')
    assert.deepEqual([sb.store.getHost(a)!.status, sb.store.getHost(b)!.status], ['maintenance', 'maintenance'])
    await fails('PUT', '/api/v0/hosts/NoSuchHost1/role-fullnames', {roleFullnames: ['shop:web']}, 404, 'Host not found: NoSuchHost1')
    await fails('GET', '/api/v0/hosts/NoSuchHost1/monitored-statuses', undefined, 404, 'Host not found: NoSuchHost1')
    await fails('GET', '/api/v0/hosts-by-custom-identifier/none', undefined, 404, 'Host not found for customIdentifier: none')
  })

  it('monitored-statuses: connectivity, host-metric, anomaly and check monitors of the host; detail only for checks, memo from the host spec', async () => {
    const id = (await ok('POST', '/api/v0/hosts', {name: 'app01', meta: {}, roleFullnames: ['shop:web'], checks: [{name: 'check-http', memo: 'see runbook'}, {name: 'check-disk'}]})).id
    const conn = (await ok('POST', '/api/v0/monitors', {type: 'connectivity', scopes: ['shop']})).id
    const load = (await ok('POST', '/api/v0/monitors', {name: 'load', type: 'host', metric: 'loadavg5', operator: '>', warning: 2, critical: 4, duration: 1, scopes: ['shop:web']})).id
    const anomaly = (await ok('POST', '/api/v0/monitors', {name: 'anom', type: 'anomalyDetection', warningSensitivity: 'normal', scopes: ['shop:web']})).id
    // neither is about a host: not listed
    await ok('POST', '/api/v0/monitors', {name: 'lat', type: 'service', service: 'shop', metric: 'lat', operator: '>', warning: null, critical: 2, duration: 3})
    await ok('POST', '/api/v0/monitors', {name: 'other', type: 'host', metric: 'loadavg5', operator: '>', warning: 2, critical: 4, duration: 1, scopes: ['shop:db']})
    await ok('POST', '/api/v0/tsdb', [{hostId: id, name: 'loadavg5', time: NOW_S, value: 3}])
    const report = (name: string, status: string, message: string) => ({source: {type: 'host', hostId: id}, name, status, message, occurredAt: NOW_S})
    await ok('POST', '/api/v0/monitoring/checks/report', {reports: [report('check-http', 'CRITICAL', 'HTTP 500'), report('check-disk', 'OK', 'ok')]})
    const checks = (await ok('GET', '/api/v0/monitoring/checks')).checks
    const checkId = (name: string) => checks.find((c: any) => c.name === name).id
    assert.deepEqual(await ok('GET', `/api/v0/hosts/${id}/monitored-statuses`), {
      monitoredStatuses: [
        {monitorId: anomaly, status: 'OK'},
        {monitorId: conn, status: 'OK'},
        {monitorId: load, status: 'WARNING'},
        {monitorId: checkId('check-http'), status: 'CRITICAL', detail: {type: 'check', message: 'HTTP 500', memo: 'see runbook'}},
        {monitorId: checkId('check-disk'), status: 'OK', detail: {type: 'check', message: 'ok'}},
      ],
    })
  })

  it('services and roles: the answers the Go client decodes, duplicates 400, unknown names 404', async () => {
    assert.deepEqual(await ok('POST', '/api/v0/services', {name: 'blog', memo: 'the blog'}), {name: 'blog', memo: 'the blog', roles: []})
    await fails('POST', '/api/v0/services', {name: 'blog', memo: ''}, 400, 'service already exists: blog')
    assert.deepEqual(await ok('POST', '/api/v0/services/blog/roles', {name: 'web', memo: 'front'}), {name: 'web', memo: 'front'})
    assert.deepEqual(await ok('POST', '/api/v0/services/blog/roles', {name: 'app', memo: ''}), {name: 'app', memo: ''})
    await fails('POST', '/api/v0/services/blog/roles', {name: 'web', memo: ''}, 400, 'role already exists: blog:web')
    assert.deepEqual(await ok('GET', '/api/v0/services/blog/roles'), {roles: [{name: 'app', memo: ''}, {name: 'web', memo: 'front'}]})
    assert.deepEqual((await ok('GET', '/api/v0/services')).services.find((s: any) => s.name === 'blog'), {name: 'blog', memo: 'the blog', roles: ['app', 'web']})

    assert.deepEqual(await ok('DELETE', '/api/v0/services/blog/roles/app'), {name: 'app', memo: ''})
    await fails('DELETE', '/api/v0/services/blog/roles/app', undefined, 404, 'Role not found: blog:app')
    await fails('DELETE', '/api/v0/services/nope/roles/app', undefined, 404, 'Service not found: nope')
    // the service as it was, with its roles
    assert.deepEqual(await ok('DELETE', '/api/v0/services/blog'), {name: 'blog', memo: 'the blog', roles: ['web']})
    await fails('DELETE', '/api/v0/services/blog', undefined, 404, 'Service not found: blog')
    await fails('GET', '/api/v0/services/blog/roles', undefined, 404, 'Service not found: blog')
    await fails('GET', '/api/v0/services/blog/metric-names', undefined, 404, 'Service not found: blog')
    await fails('GET', `/api/v0/services/shop/metrics?from=0&to=${NOW_S}`, undefined, 400, 'name is required')

    // DeleteServiceGraphDef: no body, {"success":true}
    assert.deepEqual(await ok('DELETE', '/api/v0/services/shop/graph-defs/access.*'), {success: true})
  })

  it('monitors: every type created from the Go client body reads back exactly: defaults filled, unset optional fields absent', async () => {
    // the Go structs: warning/critical always sent (null when unset), everything else omitempty,
    // anomalyDetection's scopes and external's headers always sent
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{type: 'connectivity', scopes: ['shop']}, {type: 'connectivity', name: 'connectivity', scopes: ['shop'], excludeScopes: [], isMute: false, alertStatusOnGone: 'CRITICAL'}],
      [
        {name: 'load', type: 'host', metric: 'loadavg5', operator: '>', warning: 2, critical: null, duration: 3, scopes: ['shop:web'], notificationInterval: 60},
        {name: 'load', type: 'host', metric: 'loadavg5', operator: '>', warning: 2, critical: null, duration: 3, scopes: ['shop:web'], excludeScopes: [], notificationInterval: 60, isMute: false, maxCheckAttempts: 1},
      ],
      [
        {name: 'lat', type: 'service', service: 'shop', metric: 'lat', operator: '<', warning: null, critical: 2, duration: 3, missingDurationCritical: 60},
        {name: 'lat', type: 'service', service: 'shop', metric: 'lat', operator: '<', warning: null, critical: 2, duration: 3, missingDurationCritical: 60, isMute: false, maxCheckAttempts: 1},
      ],
      [
        {name: 'top', type: 'external', url: 'https://example.com/', headers: null},
        {name: 'top', type: 'external', url: 'https://example.com/', method: 'GET', headers: [], isMute: false, maxCheckAttempts: 1},
      ],
      [
        {name: 'expr', type: 'expression', expression: 'avg(roleSlots("shop:web","loadavg5"))', operator: '>', warning: null, critical: 3},
        {name: 'expr', type: 'expression', expression: 'avg(roleSlots("shop:web","loadavg5"))', operator: '>', warning: null, critical: 3, evaluateBackwardMinutes: 2, isMute: false},
      ],
      [
        {name: 'anom', type: 'anomalyDetection', criticalSensitivity: 'sensitive', scopes: ['shop:web']},
        {name: 'anom', type: 'anomalyDetection', criticalSensitivity: 'sensitive', scopes: ['shop:web'], maxCheckAttempts: 3, isMute: false},
      ],
      [
        {name: 'q', type: 'query', query: 'x{a="b"}', operator: '>', warning: 1, critical: null, isMute: true},
        {name: 'q', type: 'query', query: 'x{a="b"}', operator: '>', warning: 1, critical: null, legend: '', evaluateBackwardMinutes: 0, isMute: true},
      ],
    ]
    for (const [body, want] of cases) {
      const c = await ok('POST', '/api/v0/monitors', body)
      assert.deepEqual(c, {id: c.id, ...want}, String(body.type))
      assert.deepEqual(await ok('GET', `/api/v0/monitors/${c.id}`), {monitor: c}, String(body.type))
      assert.deepEqual(await ok('PUT', `/api/v0/monitors/${c.id}`, body), c, String(body.type))
      assert.deepEqual(await ok('DELETE', `/api/v0/monitors/${c.id}`), c, String(body.type))
    }
    assert.deepEqual(await ok('GET', '/api/v0/monitors'), {monitors: []})
    await fails('DELETE', '/api/v0/monitors/NoSuchMon01', undefined, 404, 'Monitor not found: NoSuchMon01')
  })

  it('channels and notification groups: Go bodies read back exactly, DELETE returns what it deleted', async () => {
    // Channel: mentions is a struct (always sent, {} when empty); the pointer fields are omitempty
    const email = await ok('POST', '/api/v0/channels', {name: 'mail', type: 'email', mentions: {}, emails: ['a@example.com'], userIds: [], events: ['alert']})
    assert.deepEqual(email, {id: email.id, name: 'mail', type: 'email', suspendedAt: null, emails: ['a@example.com'], userIds: [], events: ['alert']})
    const slack = await ok('POST', '/api/v0/channels', {name: 'slack', type: 'slack', mentions: {}, url: 'https://hooks.slack.com/x', enabledGraphImage: false, events: ['alert']})
    assert.deepEqual(slack, {id: slack.id, name: 'slack', type: 'slack', suspendedAt: null, url: 'https://hooks.slack.com/x', mentions: {}, enabledGraphImage: false, events: ['alert']})
    assert.deepEqual(await ok('GET', '/api/v0/channels'), {channels: [email, slack]})
    const put = await ok('PUT', `/api/v0/channels/${email.id}`, {name: 'mail2', type: 'email', mentions: {}, emails: ['b@example.com'], events: ['alert', 'hostRetire']})
    assert.deepEqual(put, {...email, name: 'mail2', emails: ['b@example.com'], events: ['alert', 'hostRetire']})

    // NotificationGroup: child lists always sent (null when nil), monitors and services omitempty
    const group = await ok('POST', '/api/v0/notification-groups', {name: 'ops', notificationLevel: 'critical', childNotificationGroupIds: null, childChannelIds: [email.id]})
    assert.deepEqual(group, {id: group.id, type: 'group', name: 'ops', notificationLevel: 'critical', childNotificationGroupIds: [], childChannelIds: [email.id], monitors: [], services: []})
    assert.deepEqual(await ok('DELETE', `/api/v0/channels/${email.id}`), put)
    assert.deepEqual(await ok('DELETE', `/api/v0/notification-groups/${group.id}`), {...group, childChannelIds: []})
  })

  it('read-modify-write: PUT back what GET returned (id, type, createdAt and all, as a Go struct round-trips) changes nothing; the path id wins', async () => {
    const creates: [string, unknown][] = [
      ['/api/v0/monitors', {name: 'load', type: 'host', metric: 'loadavg5', operator: '>', warning: 2, critical: null, duration: 1}],
      ['/api/v0/dashboards', {title: 'x', memo: '', urlPath: 'x', widgets: [{type: 'markdown', title: 'm', markdown: '# hi', layout: {x: 0, y: 0, width: 4, height: 2}}]}],
      ['/api/v0/notification-groups', {name: 'ops', notificationLevel: 'all', childNotificationGroupIds: null, childChannelIds: null}],
      ['/api/v0/channels', {name: 'hook', type: 'webhook', mentions: {}, url: 'https://a.example/', events: ['alert']}],
      ['/api/v0/downtimes', {name: 'd', start: NOW_S, duration: 10, serviceScopes: ['shop']}],
      ['/api/v0/alert-group-settings', {name: 'x', roleScopes: ['shop:web']}],
      ['/api/v0/graph-annotations', {title: 't', from: NOW_S, to: NOW_S, service: 'shop', roles: ['web']}],
    ]
    for (const [base, body] of creates) {
      const c = await ok('POST', base, body)
      assert.deepEqual(await ok('PUT', `${base}/${c.id}`, c), c, base)
      assert.deepEqual(await ok('PUT', `${base}/${c.id}`, {...c, id: 'OtherId0001'}), c, base)
    }
    const [def] = (await ok('GET', '/api/v0/notification-groups')).notificationGroups.filter((g: any) => g.type === 'group-default')
    assert.deepEqual(await ok('PUT', `/api/v0/notification-groups/${def.id}`, def), def)
  })

  it('PUT and DELETE of an unknown id are 404 in the error shape, for every resource with ids', async () => {
    const bodies: [string, string, unknown][] = [
      ['/api/v0/channels', 'Channel', {name: 'x', type: 'webhook', mentions: {}, url: 'https://a.example/', events: ['alert']}],
      ['/api/v0/notification-groups', 'Notification group', {name: 'x', notificationLevel: 'all', childNotificationGroupIds: null, childChannelIds: null}],
      ['/api/v0/downtimes', 'Downtime', {name: 'x', start: NOW_S, duration: 10}],
      ['/api/v0/dashboards', 'Dashboard', {title: 'x', memo: '', urlPath: 'x', widgets: null}],
      ['/api/v0/alert-group-settings', 'Alert group setting', {name: 'x'}],
      ['/api/v0/aws-integrations', 'AWS integration', {name: 'x', memo: '', key: 'AKIA', secretKey: 's', region: 'ap-northeast-1', includedTags: '', excludedTags: '', services: {}}],
      ['/api/v0/graph-annotations', 'Graph annotation', {title: 'x', from: NOW_S, to: NOW_S, service: 'shop'}],
      ['/api/v0/monitors', 'Monitor', {type: 'connectivity'}],
    ]
    for (const [base, what, body] of bodies) {
      await fails('PUT', `${base}/NoSuchId001`, body, 404, `${what} not found: NoSuchId001`)
      await fails('DELETE', `${base}/NoSuchId001`, undefined, 404, `${what} not found: NoSuchId001`)
    }
    await fails('GET', '/api/v0/alert-group-settings/NoSuchId001', undefined, 404, 'Alert group setting not found: NoSuchId001')
    await fails('GET', '/api/v0/aws-integrations/NoSuchId001', undefined, 404, 'AWS integration not found: NoSuchId001')
    await fails('GET', '/api/v0/dashboards/NoSuchId001', undefined, 404, 'Dashboard not found: NoSuchId001')
    await fails('DELETE', '/api/v0/users/NoSuchUser1', undefined, 404, 'User not found in the organization: NoSuchUser1')
  })

  it("alert group settings and downtimes: the Go client's minimal bodies (omitempty) read back with [] lists and memo \"\"", async () => {
    const s = await ok('POST', '/api/v0/alert-group-settings', {name: 'web'})
    assert.deepEqual(s, {id: s.id, name: 'web', memo: '', serviceScopes: [], roleScopes: [], monitorScopes: []})
    assert.deepEqual(await ok('GET', `/api/v0/alert-group-settings/${s.id}`), s)
    const d = await ok('POST', '/api/v0/downtimes', {name: 'patch', start: NOW_S, duration: 30, recurrence: {type: 'daily', interval: 1}})
    assert.deepEqual(d, {id: d.id, name: 'patch', memo: '', start: NOW_S, duration: 30, recurrence: {type: 'daily', interval: 1}})
    assert.deepEqual(await ok('GET', '/api/v0/downtimes'), {downtimes: [d]})
  })

  it("AWS integrations: Go's marshalling of service settings, the external id for a null body, excludable metrics as name -> string[]", async () => {
    // AWSIntegrationService sends both lists (null when nil) unless exactly one is set, then only that one
    const body = {
      name: 'prod',
      memo: '',
      roleArn: 'arn:aws:iam::123456789012:role/mackerel',
      externalId: (await ok('POST', '/api/v0/aws-integrations-external-id', 'null')).externalId,
      region: 'ap-northeast-1',
      includedTags: '',
      excludedTags: '',
      services: {
        EC2: {enable: true, role: 'shop:web', includedMetrics: null, excludedMetrics: null},
        RDS: {enable: true, role: null, excludedMetrics: ['rds.cpu.used'], retireAutomatically: true},
        ELB: {enable: false, role: null, includedMetrics: []},
      },
    }
    assert.match(body.externalId, /^[0-9a-f]{32}$/)
    const c = await ok('POST', '/api/v0/aws-integrations', body)
    assert.deepEqual(c, {
      ...body,
      id: c.id,
      services: {
        EC2: {enable: true, role: 'shop:web', excludedMetrics: []},
        RDS: {enable: true, role: null, excludedMetrics: ['rds.cpu.used'], retireAutomatically: true},
        ELB: {enable: false, role: null, includedMetrics: []},
      },
    })
    assert.deepEqual(await ok('GET', '/api/v0/aws-integrations'), {aws_integrations: [c]})
    const ex = await ok('GET', '/api/v0/aws-integrations-excludable-metrics')
    assert.ok(Object.keys(ex).length > 0)
    for (const [service, names] of Object.entries(ex)) assert.ok(Array.isArray(names) && names.every((n) => typeof n === 'string'), service)
  })

  it('invitations: a body without an email is a 400 naming the field', async () => {
    await fails('POST', '/api/v0/invitations', {authority: 'viewer'}, 400, 'email is required and must be a string')
    await fails('POST', '/api/v0/invitations/revoke', {}, 400, 'email is required and must be a string')
    await fails('POST', '/api/v0/invitations/revoke', {email: 'nobody@example.com'}, 404, 'No invitation for nobody@example.com')
  })
})
