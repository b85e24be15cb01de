// Who is told about an alert change: downtimes silence it, notification groups pick the channels.
// The rules, and where they come from:
// - a muted monitor, a standby host: no notification (reference/mackerel-api.md §3.0,
//   https://mackerel.io/docs/entry/howto/alerts) — checked by the webhook sender;
// - a downtime in effect that covers the alert's monitor and host or service: no notification, even
//   for an alert opened before it began (https://mackerel.io/docs/entry/howto/downtimes: "notifications
//   will be paused during the downtime period, even if the alert was triggered before downtime began");
// - notification groups (reference/mackerel-api.md §7.4, https://mackerel.io/api-docs/entry/notification-groups):
//   the default group gets every alert, other groups the alerts of the monitors and services they
//   list; `skipDefault` on a listed monitor keeps that monitor's alerts from the default group;
//   `notificationLevel: "critical"` passes only critical alerts. Channels are reached through groups
//   only: a channel in no group is told nothing (channels join the default group only when created
//   with `addToDefaultNotificationGroup`, §7.3).
// Where the docs say nothing we chose: a group passes its alerts on to its child groups, each of which
// applies its own level too (but not its own monitors/services, which select alerts for it directly);
// "critical" passes a recovery (OK) only for an alert that was critical at some point, as Mackerel's
// PagerDuty "Critical only" level does (https://mackerel.io/docs/entry/howto/alerts/pagerduty); a
// channel reached along several paths is told once.
import {downtimeActiveAt, downtimeCovers, type DowntimeTarget} from './downtime.js'
import type {Alert, Rec, Store} from './store.js'

/** The monitor, services and roles of an alert, for downtime and group scopes. */
export function alertTarget(store: Store, monitorId: string, hostId?: string): DowntimeTarget {
  const host = hostId !== undefined ? store.getHost(hostId) : undefined
  if (host) return {monitorId, services: [...new Set(host.roleFullnames.map((rf) => rf.slice(0, rf.indexOf(':'))))], roles: host.roleFullnames}
  const svc = store.monitors.get(monitorId)?.service
  return {monitorId, services: typeof svc === 'string' ? [svc] : [], roles: []}
}

/** The downtime in effect now (sandbox clock) that covers this monitor + host, if any. */
export function activeDowntime(store: Store, monitorId: string, hostId?: string, now = store.now()): Rec | undefined {
  if (store.downtimes.size === 0) return undefined
  const target = alertTarget(store, monitorId, hostId)
  for (const d of store.downtimes.values()) if (downtimeActiveAt(d, now) && downtimeCovers(d, target)) return d
  return undefined
}

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

/** Whether a group at this level passes a notification of the alert's current status. */
function levelPasses(g: Rec, store: Store, a: Alert): boolean {
  if (g.notificationLevel !== 'critical') return true
  if (a.status === 'CRITICAL') return true
  if (a.status !== 'OK') return false
  return (store.alertLogs.get(a.id) ?? []).some((l) => l.status === 'CRITICAL')
}

/** The groups an alert selects by their own scope (the default group, or by monitor or service). */
function selectingGroups(store: Store, a: Alert): Rec[] {
  const target = alertTarget(store, a.monitorId, a.hostId)
  const listed = (g: Rec) => (Array.isArray(g.monitors) ? (g.monitors as {id?: unknown; skipDefault?: unknown}[]) : [])
  let skipDefault = false
  const out: Rec[] = []
  for (const g of store.notificationGroups.values()) {
    if (g.type === 'group-default') continue
    const m = listed(g).find((x) => x?.id === a.monitorId)
    if (m?.skipDefault === true) skipDefault = true
    const services = Array.isArray(g.services) ? (g.services as {name?: unknown}[]).map((s) => s?.name) : []
    if (m || target.services.some((s) => services.includes(s))) out.push(g)
  }
  if (!skipDefault) for (const g of store.notificationGroups.values()) if (g.type === 'group-default') out.unshift(g)
  return out
}

/** Ids of the channels to tell about `a`'s change to its current status, in channel creation order. */
export function channelsFor(store: Store, a: Alert): string[] {
  const reached = new Set<string>()
  const visited = new Set<string>()
  const walk = (g: Rec) => {
    if (visited.has(g.id) || !levelPasses(g, store, a)) return
    visited.add(g.id)
    for (const c of ids(g.childChannelIds)) reached.add(c)
    for (const child of ids(g.childNotificationGroupIds)) {
      const cg = store.notificationGroups.get(child)
      if (cg) walk(cg)
    }
  }
  for (const g of selectingGroups(store, a)) walk(g)
  return [...store.channels.keys()].filter((id) => reached.has(id))
}

/** Whether any notification group holds the channel (directly). */
export function channelInSomeGroup(store: Store, channelId: string): boolean {
  for (const g of store.notificationGroups.values()) if (ids(g.childChannelIds).includes(channelId)) return true
  return false
}
