// Notification routing (src/sandbox/notification-routing.ts) and downtimes (src/sandbox/downtime.ts):
// which webhook channels hear of an alert through notification groups, and how a downtime keeps
// alerts from opening and notifying. Time only moves with the test clock; a receiver on 127.0.0.1
// records what arrives, each request tagged with the channel's path.
import assert from 'node:assert/strict'
import {downtimeActiveAt, downtimeCovers} from '../../src/sandbox/downtime.js'
import type {Rec} from '../../src/sandbox/store.js'
import {alertLoop, call, receiver, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: notification groups route alert webhooks', () => {
  let sb: SB
  let rx: Awaited<ReturnType<typeof receiver>>
  let logged: string[]
  let web: string
  let batch: string
  beforeEach(async () => {
    logged = []
    sb = await sandbox({seed: false, evaluateEveryMs: 0, webhookRetries: 0, log: (l) => logged.push(l)})
    rx = await receiver()
    web = sb.store.addHost({name: 'web', roleFullnames: ['shop:web']}).id
    batch = sb.store.addHost({name: 'batch', roleFullnames: ['jobs:worker']}).id
  })
  afterEach(async () => {
    await sb.close()
    await rx.close()
  })

  const channel = async (name: string, addToDefaultNotificationGroup = false) => {
    const r = await call(sb, 'POST', '/api/v0/channels', {name, type: 'webhook', url: `${rx.url}/${name}`, events: ['alert'], addToDefaultNotificationGroup})
    assert.equal(r.status, 200, r.text)
    return r.body.id as string
  }
  const group = async (body: object) => {
    const r = await call(sb, 'POST', '/api/v0/notification-groups', {childNotificationGroupIds: [], childChannelIds: [], ...body})
    assert.equal(r.status, 200, r.text)
    return r.body.id as string
  }
  const defaultGroup = () => [...sb.store.notificationGroups.values()].find((g) => g.type === 'group-default')!
  const monitor = (name: string) => sb.store.addMonitor({type: 'host', name, metric: 'loadavg5', operator: '>', warning: 2, critical: 4, duration: 1})
  /** Moves an alert through statuses, one per sandbox minute. */
  const walk = (monitorId: string, hostId: string, statuses: ('WARNING' | 'CRITICAL' | 'OK')[]) => {
    const a = sb.store.addAlert({type: 'host', monitorId, hostId, status: statuses[0]})
    for (const s of statuses.slice(1)) {
      sb.clock.ms += 60_000
      sb.store.setAlertStatus(a, s)
    }
    return a
  }
  const received = async () => {
    await sb.webhooksSettled()
    return rx.got.map((g) => `${g.url} ${g.body.alert.monitorName} ${g.body.alert.status}`).sort()
  }

  it('a channel in no group gets nothing, and the sandbox says so once; one in the default group gets every alert', async () => {
    await channel('loose')
    await channel('default', true)
    const m = monitor('load')
    walk(m.id, web, ['WARNING', 'CRITICAL', 'OK'])
    walk(m.id, batch, ['CRITICAL'])
    assert.deepEqual(await received(), ['/default load critical', '/default load critical', '/default load ok', '/default load warning'])
    assert.equal(logged.length, 1)
    assert.match(logged[0], /webhook channel "loose" is in no notification group, so it gets no alert notifications \(create it with "addToDefaultNotificationGroup": true/)
  })

  it('a group gets the alerts of the monitors and services it lists; skipDefault keeps a monitor from the default group', async () => {
    await channel('default', true)
    const byMonitor = await channel('by-monitor')
    const byService = await channel('by-service')
    const load = monitor('load')
    const disk = monitor('disk')
    await group({name: 'load team', notificationLevel: 'all', childChannelIds: [byMonitor], monitors: [{id: load.id, skipDefault: false}]})
    await group({name: 'jobs team', notificationLevel: 'all', childChannelIds: [byService], services: [{name: 'jobs'}]})
    walk(load.id, web, ['CRITICAL'])
    walk(disk.id, web, ['CRITICAL'])
    walk(disk.id, batch, ['WARNING'])
    assert.deepEqual(await received(), [
      '/by-monitor load critical',
      '/by-service disk warning',
      '/default disk critical',
      '/default disk warning',
      '/default load critical',
    ])

    rx.got.length = 0
    const pager = monitor('pager')
    await group({name: 'pager only', notificationLevel: 'all', childChannelIds: [byMonitor], monitors: [{id: pager.id, skipDefault: true}]})
    walk(pager.id, web, ['CRITICAL'])
    assert.deepEqual(await received(), ['/by-monitor pager critical'], 'skipDefault: not the default group')
  })

  it('notificationLevel "critical" passes critical alerts and the recovery of an alert that was critical, nothing else', async () => {
    await channel('all', true)
    const crit = await channel('crit')
    const m = monitor('load')
    await group({name: 'on-call', notificationLevel: 'critical', childChannelIds: [crit], monitors: [{id: m.id, skipDefault: false}]})
    walk(m.id, web, ['WARNING', 'CRITICAL', 'WARNING', 'OK'])
    walk(m.id, batch, ['WARNING', 'OK'])
    walk(m.id, batch, ['UNKNOWN' as 'WARNING', 'OK'])
    assert.deepEqual(await received(), [
      '/all load critical',
      '/all load ok',
      '/all load ok',
      '/all load ok',
      '/all load unknown',
      '/all load warning',
      '/all load warning',
      '/all load warning',
      '/crit load critical',
      '/crit load ok',
    ])

    // the default group's own level applies too
    rx.got.length = 0
    await call(sb, 'PUT', `/api/v0/notification-groups/${defaultGroup().id}`, {...defaultGroup(), notificationLevel: 'critical'})
    walk(m.id, batch, ['WARNING', 'OK'])
    assert.deepEqual(await received(), [])
  })

  it('a group passes alerts on to its child groups, each applying its own level; a channel reached twice is told once', async () => {
    const lead = await channel('lead', true)
    const ops = await channel('ops')
    const pager = await channel('pager')
    const m = monitor('load')
    const child = await group({name: 'pager', notificationLevel: 'critical', childChannelIds: [pager]})
    // the child's own (empty) scope does not matter when its parent passes the alert on
    await group({name: 'ops', notificationLevel: 'all', childChannelIds: [ops, lead], childNotificationGroupIds: [child], services: [{name: 'shop'}]})
    walk(m.id, web, ['WARNING', 'CRITICAL'])
    walk(m.id, batch, ['CRITICAL'])
    assert.deepEqual(await received(), [
      '/lead load critical',
      '/lead load critical',
      '/lead load warning',
      '/ops load critical',
      '/ops load warning',
      '/pager load critical',
    ])
  })

  it('a service monitor alert is routed by its service', async () => {
    const jobs = await channel('jobs')
    const svc = sb.store.addMonitor({type: 'service', name: 'queue', service: 'jobs', metric: 'q', operator: '>', critical: 1, duration: 1})
    await group({name: 'jobs', notificationLevel: 'all', childChannelIds: [jobs], services: [{name: 'jobs'}]})
    sb.store.addAlert({type: 'service', monitorId: svc.id, status: 'CRITICAL'})
    assert.deepEqual(await received(), ['/jobs queue critical'])
  })
})

describe('sandbox: downtimes', () => {
  const loop = alertLoop({web: ['shop:web'], db: ['shop:db']})
  let sb: SB
  let rx: Awaited<ReturnType<typeof receiver>>
  let web: string
  let db: string
  beforeEach(() => ({sb, rx, ids: {web, db}} = loop))

  const now = () => Math.floor(sb.clock.ms / 1000)
  const minutes = (n: number) => (sb.clock.ms += n * 60_000)
  const post = (hostId: string, value: number, name = 'loadavg5') => call(sb, 'POST', '/api/v0/tsdb', [{hostId, name, time: now(), value}])
  const evaluate = async () => (await call(sb, 'POST', '/_sandbox/evaluate', undefined, null)).body
  const openAlerts = async () =>
    (await call(sb, 'GET', '/api/v0/alerts')).body.alerts.map((a: any) => `${a.type} ${a.hostId === web ? 'web' : a.hostId === db ? 'db' : a.hostId} ${a.status}`).sort()
  const received = async () => {
    await sb.webhooksSettled()
    return rx.got.map((g) => `${g.body.alert.monitorName} ${g.body.alert.status}`)
  }
  const monitor = async (body: object = {type: 'host', name: 'load', metric: 'loadavg5', operator: '>', warning: 2, critical: 4, duration: 1}) => {
    const r = await call(sb, 'POST', '/api/v0/monitors', body)
    assert.equal(r.status, 200, r.text)
    return r.body.id as string
  }
  const downtime = async (body: object) => {
    const r = await call(sb, 'POST', '/api/v0/downtimes', {name: 'dt', start: now(), duration: 30, ...body})
    assert.equal(r.status, 200, r.text)
    return r.body.id as string
  }

  it('during a downtime a covered alert does not open; it stays unopened after the downtime until the value is seen OK again', async () => {
    const m = await monitor()
    await downtime({duration: 10, serviceScopes: ['shop'], roleExcludeScopes: ['shop:db'], monitorScopes: [m]})
    await post(web, 9)
    await post(db, 9) // excluded from the downtime by its role: opens
    assert.deepEqual(await openAlerts(), ['host db CRITICAL'])
    minutes(5)
    await post(web, 3)
    assert.deepEqual(await openAlerts(), ['host db CRITICAL'])
    minutes(6) // the downtime is over; still over the threshold: no alert (the docs' first example)
    await post(web, 9)
    assert.deepEqual(await openAlerts(), ['host db CRITICAL'])
    minutes(1)
    await post(web, 1) // seen OK
    minutes(1)
    await post(web, 9)
    assert.deepEqual(await openAlerts(), ['host db CRITICAL', 'host web CRITICAL'])
    assert.deepEqual(await received(), ['load critical', 'load critical'])
  })

  it('an alert opened before a downtime still moves and closes during it, without notifications; afterwards it notifies again', async () => {
    await monitor()
    await post(web, 9)
    assert.deepEqual(await openAlerts(), ['host web CRITICAL'])
    minutes(1)
    await downtime({duration: 5})
    await post(web, 3)
    assert.deepEqual(await openAlerts(), ['host web WARNING'])
    minutes(5)
    await post(web, 9)
    minutes(1)
    await post(web, 1)
    assert.deepEqual(await openAlerts(), [])
    assert.deepEqual(await received(), ['load critical', 'load critical', 'load ok'])
  })

  it('downtimes that do not cover the alert change nothing: another monitor, an excluded monitor, an other service, one not yet started', async () => {
    const m = await monitor()
    const other = await monitor({type: 'host', name: 'other', metric: 'x', operator: '>', critical: 1, duration: 1})
    await downtime({monitorScopes: [other]})
    await downtime({monitorExcludeScopes: [m]})
    sb.store.addService('batch')
    await downtime({serviceScopes: ['batch']})
    await downtime({start: now() + 60})
    await post(web, 9)
    assert.deepEqual(await openAlerts(), ['host web CRITICAL'])
    assert.deepEqual(await received(), ['load critical'])
  })

  it('check reports during a downtime open no alert; connectivity alerts when the host is still gone after it', async () => {
    await monitor({type: 'connectivity', name: 'conn'})
    await post(web, 1)
    await post(db, 1)
    await downtime({duration: 10, roleScopes: ['shop:web']})
    const report = (status: string) =>
      call(sb, 'POST', '/api/v0/monitoring/checks/report', {reports: [{source: {type: 'host', hostId: web}, name: 'backup', status, message: status, occurredAt: now()}]})
    await report('CRITICAL')
    assert.deepEqual(await openAlerts(), [])
    minutes(6) // web and db have been silent for 6 minutes (timeout 5): db alerts, web is in the downtime
    await evaluate()
    assert.deepEqual(await openAlerts(), ['connectivity db CRITICAL'])
    minutes(5) // the downtime is over and web is still gone
    await evaluate()
    assert.deepEqual(await openAlerts(), ['connectivity db CRITICAL', 'connectivity web CRITICAL'])
    await report('CRITICAL') // still failing after the downtime: suppressed until it reports OK
    assert.deepEqual(await openAlerts(), ['connectivity db CRITICAL', 'connectivity web CRITICAL'])
    minutes(1)
    await report('OK')
    minutes(1)
    await report('CRITICAL')
    assert.deepEqual(await openAlerts(), ['check web CRITICAL', 'connectivity db CRITICAL', 'connectivity web CRITICAL'])
    assert.deepEqual(await received(), ['conn critical', 'conn critical', 'backup critical'])
  })

  it('a daily downtime silences the same hour every day, with the sandbox clock', async () => {
    await monitor()
    await downtime({start: now() + 3600, duration: 60, recurrence: {type: 'daily', interval: 1}})
    minutes(24 * 60 + 90) // the next day, inside the window
    await post(web, 9)
    assert.deepEqual(await openAlerts(), [])
    minutes(60) // past the window, and seen OK once
    await post(web, 1)
    minutes(1)
    await post(web, 9)
    assert.deepEqual(await openAlerts(), ['host web CRITICAL'])
  })
})

describe('downtime schedule and scope (pure)', () => {
  const T = Date.UTC(2025, 0, 31, 10, 0) / 1000 // Friday 2025-01-31 10:00 UTC
  const at = (iso: string) => Date.parse(iso) / 1000
  const dt = (o: object): Rec => ({id: 'x', name: 'x', start: T, duration: 60, ...o}) as Rec
  const active = (d: Rec, iso: string) => downtimeActiveAt(d, at(iso))

  it('one-shot: [start, start + duration)', () => {
    const d = dt({})
    assert.deepEqual(
      ['2025-01-31T09:59:59Z', '2025-01-31T10:00:00Z', '2025-01-31T10:59:59Z', '2025-01-31T11:00:00Z'].map((t) => active(d, t)),
      [false, true, true, false],
    )
  })

  it('hourly and daily with intervals; until stops new occurrences, the last one runs its whole duration', () => {
    const h = dt({duration: 10, recurrence: {type: 'hourly', interval: 3}})
    assert.deepEqual(['2025-01-31T13:05:00Z', '2025-01-31T14:05:00Z', '2025-01-31T13:15:00Z'].map((t) => active(h, t)), [true, false, false])
    const d = dt({recurrence: {type: 'daily', interval: 2, until: at('2025-02-04T10:30:00Z')}})
    assert.deepEqual(
      ['2025-02-01T10:30:00Z', '2025-02-02T10:30:00Z', '2025-02-04T10:59:00Z', '2025-02-06T10:30:00Z'].map((t) => active(d, t)),
      [false, true, true, false],
    )
  })

  it('weekly: on the listed weekdays of every interval-th week (weeks start on Sunday), or on the start weekday', () => {
    const w = dt({recurrence: {type: 'weekly', interval: 2, weekdays: ['Monday', 'Saturday']}})
    assert.deepEqual(
      [
        '2025-01-31T10:30:00Z', // Friday, the start itself: not a listed weekday
        '2025-02-01T10:30:00Z', // Saturday of the start week
        '2025-02-03T10:30:00Z', // Monday of the next week: skipped (interval 2)
        '2025-02-10T10:30:00Z', // Monday two weeks on
        '2025-02-15T10:30:00Z', // Saturday two weeks on
        '2025-02-15T11:30:00Z',
      ].map((t) => active(w, t)),
      [false, true, false, true, true, false],
    )
    const plain = dt({recurrence: {type: 'weekly', interval: 1}})
    assert.deepEqual(['2025-02-07T10:30:00Z', '2025-02-08T10:30:00Z'].map((t) => active(plain, t)), [true, false])
  })

  it('monthly on the 31st falls on the last day of shorter months; yearly likewise', () => {
    const m = dt({recurrence: {type: 'monthly', interval: 1}})
    assert.deepEqual(
      ['2025-02-28T10:30:00Z', '2025-03-31T10:30:00Z', '2025-04-30T10:30:00Z', '2025-04-29T10:30:00Z'].map((t) => active(m, t)),
      [true, true, true, false],
    )
    const leap = dt({start: at('2024-02-29T00:00:00Z'), recurrence: {type: 'yearly', interval: 1}})
    assert.deepEqual(['2025-02-28T00:30:00Z', '2028-02-29T00:30:00Z', '2028-02-28T00:30:00Z'].map((t) => active(leap, t)), [true, true, false])
    const q = dt({recurrence: {type: 'monthly', interval: 3}})
    assert.deepEqual(['2025-03-31T10:30:00Z', '2025-04-30T10:30:00Z'].map((t) => active(q, t)), [false, true])
  })

  it('scopes: services/roles and monitors are AND conditions; excludes win', () => {
    const target = {monitorId: 'm1', services: ['shop'], roles: ['shop:web']}
    assert.equal(downtimeCovers(dt({}), target), true)
    assert.equal(downtimeCovers(dt({serviceScopes: ['shop'], monitorScopes: ['m1']}), target), true)
    assert.equal(downtimeCovers(dt({serviceScopes: ['shop'], monitorScopes: ['m2']}), target), false)
    assert.equal(downtimeCovers(dt({roleScopes: ['shop:db'], serviceScopes: ['other']}), target), false)
    assert.equal(downtimeCovers(dt({roleScopes: ['shop:web']}), target), true)
    assert.equal(downtimeCovers(dt({serviceScopes: ['shop'], roleExcludeScopes: ['shop:web']}), target), false)
    assert.equal(downtimeCovers(dt({monitorExcludeScopes: ['m1']}), target), false)
    assert.equal(downtimeCovers(dt({serviceScopes: ['shop']}), {monitorId: 'm1', services: [], roles: []}), false, 'an expression alert has no service')
  })
})
