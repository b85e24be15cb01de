// Downtimes at work: whether a downtime is active at a given time (its start, duration and
// recurrence) and whether it covers an alert's monitor and host or service (its scopes). The rules,
// from Mackerel's help page (https://mackerel.io/docs/entry/howto/downtimes) and API reference
// (reference/mackerel-api.md §7.2):
// - a downtime is `start` + `duration` minutes; with `recurrence` it repeats every `interval` hours,
//   days, weeks (on `weekdays`, or on the start's weekday), months or years, until `until`;
// - a monthly downtime set on the 31st (or any day a month lacks) falls on the month's last day;
// - services / roles and monitors narrow the scope, and the two are AND conditions; no scope at all
//   covers everything.
// Where the docs say nothing we chose (and the README says so): calendar arithmetic in UTC, weeks
// starting on Sunday (the order the API lists weekdays in), an occurrence starting at or before `until`
// runs its whole duration, services and roles (included) are one OR'ed list, and an alert with no
// host or service (expression monitors) is covered only by a downtime without service/role scopes.
import type {Rec} from './store.js'

const DAY_S = 86_400
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** What a downtime's scopes are matched against. */
export interface DowntimeTarget {
  monitorId: string
  /** service names of the host's roles, or the service monitor's service */
  services: string[]
  /** `svc:role` of the host */
  roles: string[]
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

/** Whether `d`'s scopes select this target. */
export function downtimeCovers(d: Rec, t: DowntimeTarget): boolean {
  const monitorScopes = list(d.monitorScopes)
  if (monitorScopes.length > 0 && !monitorScopes.includes(t.monitorId)) return false
  if (list(d.monitorExcludeScopes).includes(t.monitorId)) return false
  const serviceScopes = list(d.serviceScopes)
  const roleScopes = list(d.roleScopes)
  if (serviceScopes.length + roleScopes.length > 0) {
    const hit = t.services.some((s) => serviceScopes.includes(s)) || t.roles.some((r) => roleScopes.includes(r))
    if (!hit) return false
  }
  if (t.services.some((s) => list(d.serviceExcludeScopes).includes(s))) return false
  if (t.roles.some((r) => list(d.roleExcludeScopes).includes(r))) return false
  return true
}

/** Whether `d` is in effect at `t` (epoch s): inside the latest occurrence that started at or before `t`. */
export function downtimeActiveAt(d: Rec, t: number): boolean {
  const start = typeof d.start === 'number' ? d.start : NaN
  const duration = typeof d.duration === 'number' ? d.duration * 60 : NaN
  if (!(duration > 0) || !(t >= start)) return false
  const s = lastStart(d, start, t)
  return s !== undefined && t < s + duration
}

/** The start of the latest occurrence at or before `t` (and at or before `recurrence.until`). */
function lastStart(d: Rec, start: number, t: number): number | undefined {
  const r = d.recurrence as {type?: string; interval?: number; weekdays?: string[]; until?: number} | undefined
  if (!r || typeof r !== 'object') return start
  const x = typeof r.until === 'number' && r.until > 0 ? Math.min(t, r.until) : t
  if (x < start) return undefined
  const interval = typeof r.interval === 'number' && r.interval >= 1 ? Math.floor(r.interval) : 1
  const every = (period: number) => start + Math.floor((x - start) / period) * period
  switch (r.type) {
    case 'hourly':
      return every(interval * 3600)
    case 'daily':
      return every(interval * DAY_S)
    case 'weekly': {
      const days = list(r.weekdays)
        .map((w) => WEEKDAYS.indexOf(w))
        .filter((i) => i >= 0)
      if (days.length === 0) return every(interval * 7 * DAY_S)
      return lastWeekdayStart(start, x, interval, new Set(days))
    }
    case 'monthly':
      return lastCalendarStart(start, x, interval)
    case 'yearly':
      return lastCalendarStart(start, x, interval * 12)
    default:
      return start
  }
}

/** Weekly on some weekdays: every `interval`-th week (Sunday to Saturday) counted from the start's week. */
function lastWeekdayStart(start: number, x: number, interval: number, weekdays: Set<number>): number | undefined {
  const tod = ((start % DAY_S) + DAY_S) % DAY_S
  // 1970-01-01 (day 0) was a Thursday: weekday(d) = (d + 4) mod 7 with Sunday = 0
  const weekday = (day: number) => (((day + 4) % 7) + 7) % 7
  const day0 = Math.floor(start / DAY_S)
  const week0 = day0 - weekday(day0)
  const dayX = Math.floor((x - tod) / DAY_S)
  const weeksX = Math.floor((dayX - week0) / 7)
  for (let w = Math.floor(weeksX / interval) * interval; w >= 0; w -= interval) {
    for (let wd = 6; wd >= 0; wd--) {
      const s = (week0 + 7 * w + wd) * DAY_S + tod
      if (weekdays.has(wd) && s <= x && s >= start) return s
    }
  }
  return undefined
}

/** Monthly (and yearly, as 12 months): the start's day of month, or the month's last day when it lacks it. */
function lastCalendarStart(start: number, x: number, months: number): number | undefined {
  const d0 = new Date(start * 1000)
  const y0 = d0.getUTCFullYear()
  const m0 = d0.getUTCMonth()
  const dom = d0.getUTCDate()
  const tod = start - Date.UTC(y0, m0, dom) / 1000
  const at = (k: number) => {
    const y = y0 + Math.floor((m0 + k) / 12)
    const m = (m0 + k) % 12
    const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
    return Date.UTC(y, m, Math.min(dom, last)) / 1000 + tod
  }
  const dx = new Date(x * 1000)
  const elapsed = (dx.getUTCFullYear() - y0) * 12 + (dx.getUTCMonth() - m0)
  for (let k = Math.floor(elapsed / months) * months; k >= 0; k -= months) {
    const s = at(k)
    if (s <= x) return s
  }
  return undefined
}
