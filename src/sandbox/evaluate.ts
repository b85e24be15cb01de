// Monitor evaluation: turns posted metrics into alerts, as Mackerel does (reference/mackerel-api.md §3,
// https://mackerel.io/docs/entry/howto/alerts). Alerts are opened, moved and closed only through the
// store (addAlert / setAlertStatus), which writes the alert logs and notifies webhook channels.
//
// What is evaluated, each time on the latest data in sandbox time (the store clock):
// - host metric monitors: the average of a host's points of the last `duration` minutes, for every
//   host the scopes select; `cpu%`, `memory%`, `swap%` and `disk%` are computed from the agent's
//   metrics (container-*% have no data here). No point in the window: nothing changes.
// - service metric monitors: the average of the latest `duration` points (fewer if fewer exist), and
//   `missingDurationWarning/Critical`: no point for that many minutes (only once the metric exists).
// - connectivity: a host that has posted metrics at least once and then none for CONNECTIVITY_TIMEOUT_S
//   gets `alertStatusOnGone`; an open alert keeps its status (the API switches it only on a
//   re-notification) and closes at the next post.
// Only `working` and `standby` hosts are monitored; alerts of `maintenance` / `poweroff` hosts stay as
// they are, and retiring a host closes its alerts (store.retireHost). `maxCheckAttempts` counts
// evaluation minutes in a row over a threshold. A muted monitor still opens alerts (§3.0) but the
// webhook sender sends nothing for it; a downtime keeps alerts from opening (store.mayOpenAlert).
// Check monitors are driven by check reports (store.ts).
// - expression monitors (the subset in expression.ts): the expression's value at its newest minute in
//   the last `evaluateBackwardMinutes` (default 2); the alert has no host. No data: nothing changes. An
//   expression outside the subset is never evaluated and is reported once on the log as not simulated.
//   `role()` / `roleSlots()` read the monitored hosts of the role.
// Not evaluated: anomalyDetection, external and query monitors.
//
// Re-notification: while an alert stays open, its notification is sent again every
// `notificationInterval` minutes (the monitor's; for a check alert, its latest report's) counted from
// its last status change, on each full pass (the timer). Mute, standby hosts and downtimes silence
// these as any notification (webhooks.ts); hosts in maintenance or poweroff are not monitored, so
// their alerts are not re-notified. A connectivity alert takes a changed `alertStatusOnGone` at its
// re-notification (reference/mackerel-api.md §3.0), which is then notified as a status change.
//
// The evaluation state (failing runs for maxCheckAttempts, downtime suppressions, the re-notification
// schedule) lives in the store, so `--data` keeps it across restarts.
import {ExpressionError, latestValue, parseExpression, type ExpressionSource, type ParsedExpression} from './expression.js'
import type {Alert, AlertStatus, HostRecord, Monitor, Store} from './store.js'
import type {Obj} from './validate.js'

/** No metric post for this long (sandbox seconds) makes a host "gone": Mackerel's FAQ says about 10 minutes. */
export const CONNECTIVITY_TIMEOUT_S = 10 * 60

const MONITORED_STATUSES = new Set(['working', 'standby'])

export interface EvaluationResult {
  /** alerts opened, moved to another status or closed */
  changed: number
  /** notifications of open alerts sent again (notificationInterval) */
  renotified: number
}

/** Whether a monitor's scopes / excludeScopes select this host (no scopes: every host). */
export function monitorCoversHost(m: Obj, h: HostRecord): boolean {
  const matches = (scope: unknown) =>
    typeof scope === 'string' && h.roleFullnames.some((rf) => rf === scope || rf.startsWith(scope + ':'))
  const scopes = Array.isArray(m.scopes) ? m.scopes : []
  const exclude = Array.isArray(m.excludeScopes) ? m.excludeScopes : []
  if (exclude.some(matches)) return false
  return scopes.length === 0 || scopes.some(matches)
}

/** `value op threshold` for warning and critical; null/absent thresholds never fire. */
export function judge(value: number, operator: unknown, warning: unknown, critical: unknown): AlertStatus {
  const over = (t: unknown) => typeof t === 'number' && (operator === '<' ? value < t : value > t)
  if (over(critical)) return 'CRITICAL'
  if (over(warning)) return 'WARNING'
  return 'OK'
}

export class MonitorEvaluator {
  private changed = 0
  private renotified = 0
  /** parsed expressions by monitor id, with the text they came from (a PUT may change it) */
  private readonly expressions = new Map<string, {text: string; parsed?: ParsedExpression}>()
  /** role full name -> monitored host ids, built once per evaluation pass */
  private roleIndex?: Map<string, string[]>

  constructor(
    private readonly store: Store,
    private readonly connectivityTimeoutS = CONNECTIVITY_TIMEOUT_S,
    /** where an expression that is not simulated is reported (once per monitor and text) */
    private readonly log: (line: string) => void = store.log,
  ) {}

  /** One pass over every monitor and host (the timer, and tests through the control API). */
  evaluateAll(): EvaluationResult {
    this.changed = 0
    this.renotified = 0
    const monitors = this.monitorsOf(['host', 'connectivity'])
    if (monitors.length > 0) for (const h of this.store.hosts.values()) this.evaluateHost(h, monitors)
    for (const m of this.monitorsOf(['service'])) this.evaluateService(m)
    this.roleIndex = undefined
    for (const m of this.monitorsOf(['expression'])) this.evaluateExpression(m)
    for (const id of this.expressions.keys()) if (!this.store.monitors.has(id)) this.expressions.delete(id)
    this.renotify(this.store.now())
    return {changed: this.changed, renotified: this.renotified}
  }

  /** Right after a post: only the monitors the posted data can affect. */
  afterPost(kind: 'host' | 'service', owners: string[]): EvaluationResult {
    this.changed = 0
    if (kind === 'host') {
      const monitors = this.monitorsOf(['host', 'connectivity'])
      for (const id of owners) {
        const h = this.store.getHost(id)
        if (h && monitors.length > 0) this.evaluateHost(h, monitors)
      }
    } else {
      for (const m of this.monitorsOf(['service'])) if (owners.includes(String(m.service))) this.evaluateService(m)
    }
    this.roleIndex = undefined
    for (const m of this.monitorsOf(['expression'])) {
      const e = this.expressionOf(m)
      if (e && dependsOn(e, kind, owners, this.store)) this.evaluateExpression(m)
    }
    return {changed: this.changed, renotified: 0}
  }

  private monitorsOf(types: string[]): Monitor[] {
    const out: Monitor[] = []
    for (const m of this.store.monitors.values()) if (types.includes(m.type)) out.push(m)
    return out
  }

  private evaluateHost(h: HostRecord, monitors: Monitor[]): void {
    if (h.isRetired || !MONITORED_STATUSES.has(h.status)) return
    const now = this.store.now()
    for (const m of monitors) {
      if (!monitorCoversHost(m, h)) continue
      if (m.type === 'connectivity') {
        const last = this.store.hostLastPost.get(h.id)
        if (last === undefined) continue
        const gone = now - last >= this.connectivityTimeoutS
        const open = this.store.openAlertFor(m.id, h.id)
        // an open alert keeps its status after an alertStatusOnGone change (§3.0): only close it
        if (open && gone) continue
        this.apply(m, h.id, gone ? (m.alertStatusOnGone === 'WARNING' ? 'WARNING' : 'CRITICAL') : 'OK', undefined, now)
        continue
      }
      const duration = typeof m.duration === 'number' ? m.duration : 1
      const value = hostMetricValue(this.store, h.id, String(m.metric), now - duration * 60, now)
      if (value === undefined) continue
      this.apply(m, h.id, judge(value, m.operator, m.warning, m.critical), value, now)
    }
  }

  private evaluateService(m: Monitor): void {
    const svc = String(m.service)
    const metric = String(m.metric)
    if (!this.store.services.has(svc)) return
    const now = this.store.now()
    const sm = this.store.serviceMetrics
    const last = sm.lastTime(svc, metric)
    if (last === undefined) return
    const age = now - last
    const missing = (k: string) => typeof m[k] === 'number' && (m[k] as number) > 0 && age >= (m[k] as number) * 60
    if (missing('missingDurationCritical')) return this.apply(m, undefined, 'CRITICAL', undefined, now)
    if (missing('missingDurationWarning')) return this.apply(m, undefined, 'WARNING', undefined, now)
    const value = sm.averageLatest(svc, metric, typeof m.duration === 'number' ? m.duration : 1, now)
    if (value === undefined) return
    this.apply(m, undefined, judge(value, m.operator, m.warning, m.critical), value, now)
  }

  /** The parsed expression of an expression monitor; undefined (reported once) when it is not simulated. */
  private expressionOf(m: Monitor): ParsedExpression | undefined {
    const text = typeof m.expression === 'string' ? m.expression : ''
    const known = this.expressions.get(m.id)
    if (known && known.text === text) return known.parsed
    let parsed: ParsedExpression | undefined
    try {
      parsed = parseExpression(text)
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error
      // the name and text come from API clients: JSON.stringify escapes control characters
      const shown = text.length > 200 ? text.slice(0, 200) + '…' : text
      this.log(`mkr sandbox: expression monitor ${m.id} ${JSON.stringify(String(m.name ?? ''))} is not simulated (${error.message}): ${JSON.stringify(shown)}`)
    }
    this.expressions.set(m.id, {text, parsed})
    return parsed
  }

  private evaluateExpression(m: Monitor): void {
    const e = this.expressionOf(m)
    if (!e) return
    const now = this.store.now()
    const back = typeof m.evaluateBackwardMinutes === 'number' ? m.evaluateBackwardMinutes : 2
    const value = latestValue(e, this.source(), now - back * 60, now)
    if (value === undefined) return
    this.apply(m, undefined, judge(value, m.operator, m.warning, m.critical), value, now)
  }

  /** Metric reads for expressions: points with from < time <= to. */
  private source(): ExpressionSource {
    const st = this.store
    const now = st.now()
    const after = (points: {time: number; value: number}[], from: number) => points.filter((p) => p.time > from)
    return {
      hostPoints: (id, metric, from, to) => {
        const h = st.getHost(id)
        return h && !h.isRetired ? after(st.hostMetrics.range(id, metric, from, to, now), from) : []
      },
      servicePoints: (svc, metric, from, to) => (st.services.has(svc) ? after(st.serviceMetrics.range(svc, metric, from, to, now), from) : []),
      roleHosts: (rf) => {
        if (!this.roleIndex) {
          this.roleIndex = new Map()
          for (const h of st.hosts.values()) {
            if (h.isRetired || !MONITORED_STATUSES.has(h.status)) continue
            for (const r of h.roleFullnames) {
              const list = this.roleIndex.get(r)
              if (list) list.push(h.id)
              else this.roleIndex.set(r, [h.id])
            }
          }
        }
        return this.roleIndex.get(rf) ?? []
      },
    }
  }

  /** Opens, moves or closes the alert of monitor `m` for `hostId` (undefined: a service monitor). */
  private apply(m: Monitor, hostId: string | undefined, status: AlertStatus, value: number | undefined, now: number): void {
    const key = `${m.id}\t${hostId ?? ''}`
    const open = this.store.openAlertFor(m.id, hostId)
    const extra = value === undefined ? {} : {value: round(value)}
    const attempts = this.store.attempts
    if (status === 'OK') {
      if (attempts.delete(key)) this.store.revision++
      this.store.clearSuppression(m.id, hostId)
      if (open) this.move(open, 'OK', extra)
      return
    }
    if (open) return this.move(open, status, extra)
    const minute = Math.floor(now / 60)
    const seen = attempts.get(key)
    const count = seen ? (seen.minute === minute ? seen.count : seen.count + 1) : 1
    if (count !== seen?.count || minute !== seen.minute) this.store.revision++
    attempts.set(key, {count, minute})
    const max = typeof m.maxCheckAttempts === 'number' ? m.maxCheckAttempts : 1
    if (count < max) return
    attempts.delete(key)
    // a downtime keeps the alert from opening (store.mayOpenAlert)
    if (!this.store.mayOpenAlert(m.id, m.type, hostId)) return
    this.store.addAlert({type: m.type, monitorId: m.id, ...(hostId !== undefined ? {hostId} : {}), status, ...extra, openedAt: now})
    this.changed++
  }

  /** Sends the notification of each open alert again whose notificationInterval has passed since its last one. */
  private renotify(now: number): void {
    for (const a of this.store.openAlerts()) {
      const minutes = this.notificationInterval(a)
      if (!minutes) continue
      const host = a.hostId !== undefined ? this.store.getHost(a.hostId) : undefined
      if (host && (host.isRetired || !MONITORED_STATUSES.has(host.status))) continue
      const every = minutes * 60
      const last = this.store.lastNotifiedAt(a)
      if (now < last + every) continue
      const m = this.store.monitors.get(a.monitorId)
      if (m?.type === 'connectivity') {
        const onGone: AlertStatus = m.alertStatusOnGone === 'WARNING' ? 'WARNING' : 'CRITICAL'
        if (a.status !== onGone) {
          this.move(a, onGone, {})
          continue
        }
      }
      // one notification however many intervals passed (a stopped sandbox catches up once), on the schedule
      this.store.renotify(a, last + Math.floor((now - last) / every) * every)
      this.renotified++
    }
  }

  /** Minutes between notifications of an open alert; undefined: never again. */
  private notificationInterval(a: Alert): number | undefined {
    let v: unknown
    if (a.type === 'check') {
      const name = this.store.checkMonitors.get(a.monitorId)?.name
      v = name !== undefined ? this.store.checkStates.get(`${a.hostId}\t${name}`)?.notificationInterval : undefined
    } else v = this.store.monitors.get(a.monitorId)?.notificationInterval
    return typeof v === 'number' && v > 0 ? v : undefined
  }

  private move(a: Alert, status: AlertStatus, extra: {value?: number}): void {
    const before = a.status
    this.store.setAlertStatus(a, status, extra)
    if (a.status !== before) this.changed++
  }
}

/** Whether a post by these owners can change the expression's value. */
function dependsOn(e: ParsedExpression, kind: 'host' | 'service', owners: string[], store: Store): boolean {
  if (kind === 'service') return owners.some((o) => e.services.has(o))
  if (owners.some((o) => e.hosts.has(o))) return true
  if (e.roles.size === 0) return false
  return owners.some((o) => store.getHost(o)?.roleFullnames.some((rf) => e.roles.has(rf)) ?? false)
}

/** Values are kept to a few decimals, as the API shows them. */
function round(n: number): number {
  return Math.round(n * 1e4) / 1e4
}

/** The average over (from, now] of a host metric, or of one of the percentage pseudo-metrics. */
export function hostMetricValue(store: Store, hostId: string, metric: string, from: number, now: number): number | undefined {
  const hm = store.hostMetrics
  const avg = (name: string) => hm.averageSince(hostId, name, from, now)
  const ratio = (used: number | undefined, total: number | undefined) =>
    used === undefined || total === undefined || total <= 0 ? undefined : (used / total) * 100
  switch (metric) {
    case 'cpu%': {
      // the agent posts cpu.<mode>.percentage summing to 100 × CPUs
      let total = 0
      let any = false
      for (const name of hm.names(hostId)) {
        if (!name.startsWith('cpu.') || !name.endsWith('.percentage')) continue
        const v = avg(name)
        if (v !== undefined) ((total += v), (any = true))
      }
      const idle = avg('cpu.idle.percentage')
      return any && idle !== undefined ? ratio(total - idle, total) : undefined
    }
    case 'memory%': {
      const total = avg('memory.total')
      const available = avg('memory.available')
      return available !== undefined && total !== undefined ? ratio(total - available, total) : ratio(avg('memory.used'), total)
    }
    case 'swap%': {
      const total = avg('memory.swap_total')
      const free = avg('memory.swap_free')
      return free === undefined || total === undefined ? undefined : ratio(total - free, total)
    }
    case 'disk%': {
      // the fullest filesystem
      let max: number | undefined
      for (const name of hm.names(hostId)) {
        const m = /^filesystem\.(.+)\.size$/.exec(name)
        if (!m) continue
        const v = ratio(avg(`filesystem.${m[1]}.used`), avg(name))
        if (v !== undefined && (max === undefined || v > max)) max = v
      }
      return max
    }
    default:
      return avg(metric)
  }
}
