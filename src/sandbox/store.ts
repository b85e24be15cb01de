// The sandbox's in-memory state and the operations on it. Routes validate requests and then call
// these methods; tests call the same public helpers (addHost, addAlert, addMonitor, ...) to seed data.
// Everything the API returns is built by the `*View` methods, so shapes live in one place.
import {uniqueId} from './ids.js'
import {MetricSeriesStore, type MetricsSnapshot} from './metrics.js'
import {activeDowntime} from './notification-routing.js'
import type {Obj} from './validate.js'

export const HOST_STATUSES = ['working', 'standby', 'maintenance', 'poweroff'] as const
export type HostStatus = (typeof HOST_STATUSES)[number]
export const ALERT_STATUSES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const
export type AlertStatus = (typeof ALERT_STATUSES)[number]

export interface HostInterface {
  name: string
  macAddress?: string
  ipAddress?: string
  ipv4Addresses?: string[]
  ipv6Address?: string
  ipv6Addresses?: string[]
}

export interface HostCheck {
  name: string
  memo?: string
}

export interface HostRecord {
  id: string
  name: string
  displayName?: string
  customIdentifier: string | null
  createdAt: number
  meta: Obj
  interfaces: HostInterface[]
  size: 'standard' | 'micro'
  status: HostStatus
  memo: string
  isRetired: boolean
  retiredAt?: number
  /** `svc:role`, sorted */
  roleFullnames: string[]
  metricNames: string[]
  checks: HostCheck[]
}

/** The Host object of §1.0. */
export interface Host {
  id: string
  name: string
  displayName?: string
  customIdentifier?: string
  createdAt: number
  meta: Obj
  interfaces: HostInterface[]
  size: string
  status: HostStatus
  memo: string
  isRetired: boolean
  retiredAt?: number
  roles: Record<string, string[]>
}

export interface Role {
  name: string
  memo: string
}

export interface ServiceRecord {
  name: string
  memo: string
  roles: Map<string, Role>
  metricNames: string[]
}

export type Monitor = Obj & {id: string; type: string}

export interface Alert {
  id: string
  status: AlertStatus
  monitorId: string
  type: string
  hostId?: string
  series?: {name: string; labels: Record<string, string>}
  value?: number
  message?: string
  reason?: string
  openedAt: number
  closedAt?: number
  memo?: string
}

export interface AlertLog {
  id: string
  status: AlertStatus
  trigger: string
  monitorId: string | null
  targetValue: number | null
  statusDetail: {type: 'check'; detail: {message: string; memo: string}} | null
  createdAt: number
}

export interface Annotation {
  id: string
  title: string
  description?: string
  from: number
  to: number
  service: string
  roles?: string[]
}

export interface CheckMonitor {
  id: string
  name: string
}

/** What the store remembers about the latest accepted report of one host + check name. */
export interface CheckState {
  hostId: string
  name: string
  monitorId: string
  occurredAt: number
  status: AlertStatus
  message: string
  /** consecutive non-OK reports */
  failures: number
  /** minutes between re-notifications of this check's alert, from the latest report (absent: none) */
  notificationInterval?: number
}

export interface CheckReportInput {
  hostId: string
  name: string
  status: AlertStatus
  message: string
  occurredAt: number
  notificationInterval?: number
  maxCheckAttempts?: number
}

export interface Org {
  name: string
  displayName: string | null
}

/** A stored object of one of the simpler collections (channels, downtimes, dashboards, ...): the
 * validated request body plus its id; each route module builds the API view from it. */
export type Rec = Obj & {id: string}

export interface User {
  id: string
  screenName: string
  email: string
  authority: 'owner' | 'manager' | 'collaborator' | 'viewer'
  isInRegistrationProcess: boolean
  isMFAEnabled: boolean
  authenticationMethods: string[]
  joinedAt: number
}

export interface Invitation {
  email: string
  authority: 'manager' | 'collaborator' | 'viewer'
  expiresAt: number
}

/** One metadata namespace of a host, service or role: the stored JSON text and when it was written. */
export interface MetadataEntry {
  /** `host\t<id>`, `service\t<svc>` or `role\t<svc>\t<role>` */
  owner: string
  namespace: string
  /** the value as JSON text */
  json: string
  /** epoch s */
  updatedAt: number
}

/** What changed on an alert, for notifications: `trigger` is the alert log trigger (monitoring, manual, ...). */
export type AlertListener = (a: Alert, trigger: string) => void

/** Metrics were just stored: host ids (`POST /tsdb`) or one service name (`POST /services/<s>/tsdb`). */
export type MetricsListener = (kind: 'host' | 'service', owners: string[]) => void

export interface HostFilter {
  service?: string
  roles?: string[]
  name?: string
  statuses?: string[]
  customIdentifier?: string
}

/** Reports whose occurredAt is this old (or older) are dropped. */
export const CHECK_REPORT_MAX_AGE_S = 6 * 3600

const SNAPSHOT_VERSION = 1

export interface Snapshot {
  version: number
  org: Org
  services: {name: string; memo: string; roles: Role[]; metricNames: string[]}[]
  hosts: HostRecord[]
  monitors: Monitor[]
  alerts: Alert[]
  alertLogs: Record<string, AlertLog[]>
  annotations: Annotation[]
  checkMonitors: CheckMonitor[]
  checkStates: CheckState[]
  /** posted host metrics by host id (absent in files written before metrics existed) */
  hostMetrics?: MetricsSnapshot
  /** posted service metrics by service name */
  serviceMetrics?: MetricsSnapshot
  /** host id -> when (epoch s, sandbox clock) it last posted metrics: what connectivity monitors watch */
  hostLastPost?: Record<string, number>
  // the collections below are absent in files written before they existed
  channels?: Rec[]
  notificationGroups?: Rec[]
  downtimes?: Rec[]
  dashboards?: Rec[]
  users?: User[]
  invitations?: Invitation[]
  alertGroupSettings?: Rec[]
  awsIntegrations?: Rec[]
  graphDefs?: (Obj & {name: string})[]
  metadata?: MetadataEntry[]
  // monitor evaluation state (absent in files written before it was kept)
  /** consecutive failing evaluation minutes per `monitorId\thostId` (maxCheckAttempts) */
  attempts?: Record<string, FailingRun>
  /** `monitorId\thostId` of targets a downtime kept from alerting, until they are seen OK */
  suppressed?: string[]
  /** alert id -> when (epoch s) its notification was last sent again (notificationInterval) */
  renotifiedAt?: Record<string, number>
}

/** A run of failing evaluations of one monitor for one target: how many, and the minute of the last. */
export interface FailingRun {
  count: number
  /** epoch minute */
  minute: number
}

export class Store {
  org: Org = {name: 'sandbox', displayName: 'Mackerel sandbox'}
  readonly services = new Map<string, ServiceRecord>()
  readonly hosts = new Map<string, HostRecord>()
  readonly monitors = new Map<string, Monitor>()
  /** in creation order */
  readonly alerts = new Map<string, Alert>()
  /** per alert, oldest first */
  readonly alertLogs = new Map<string, AlertLog[]>()
  readonly annotations = new Map<string, Annotation>()
  readonly checkMonitors = new Map<string, CheckMonitor>()
  readonly checkStates = new Map<string, CheckState>()
  /** posted host metric points, bounded (see metrics.ts) */
  readonly hostMetrics = new MetricSeriesStore()
  /** posted service metric points, bounded (see metrics.ts) */
  readonly serviceMetrics = new MetricSeriesStore()
  /** notification channels, in creation order */
  readonly channels = new Map<string, Rec>()
  /** notification groups; the one of type `group-default` always exists */
  readonly notificationGroups = new Map<string, Rec>()
  readonly downtimes = new Map<string, Rec>()
  readonly dashboards = new Map<string, Rec>()
  readonly users = new Map<string, User>()
  /** by email */
  readonly invitations = new Map<string, Invitation>()
  /** APM traces by trace id (seeded only: nothing in the API creates them) */
  readonly traces = new Map<string, {spans: Record<string, unknown>[]}>()
  readonly alertGroupSettings = new Map<string, Rec>()
  readonly awsIntegrations = new Map<string, Rec>()
  /** custom graph definitions posted by agents and plugins, by name */
  readonly graphDefs = new Map<string, Obj & {name: string}>()
  /** metadata by owner (`host\t<id>`, ...), then namespace */
  readonly metadata = new Map<string, Map<string, MetadataEntry>>()
  /** host id -> when (epoch s) its last metric post arrived; only hosts that ever posted are here */
  readonly hostLastPost = new Map<string, number>()
  /** called after an alert opens, changes status or closes (the server sends webhooks from it) */
  alertListener?: AlertListener
  /**
   * Where the sandbox reports what it cannot answer with (failed webhooks, listener errors):
   * startSandbox sets it from its `log` option (`mkr sandbox` prints through its IO object); a store
   * on its own says nothing.
   */
  log: (line: string) => void = () => {}
  /** called after metrics are stored (the server evaluates monitors from it) */
  metricsListener?: MetricsListener
  /** open alerts by `monitorId\thostId`, oldest first: monitor evaluation looks one up per host and monitor */
  private readonly openIndex = new Map<string, Alert[]>()
  /** `monitorId\thostId` of targets whose alert a downtime kept from opening, until they are seen OK again */
  private readonly suppressed = new Set<string>()
  /** consecutive failing evaluation minutes per `monitorId\thostId`, for maxCheckAttempts (evaluate.ts) */
  readonly attempts = new Map<string, FailingRun>()
  /** alert id -> when (epoch s) its notification was last sent again; the schedule of notificationInterval */
  private readonly renotifiedAt = new Map<string, number>()
  /** bumped by every change of evaluation state that is saved but is no API write (attempts,
   * suppressions, re-notifications), so the server knows to save after a timer evaluation */
  revision = 0
  /** every id ever handed out, so no two objects share one */
  private readonly ids = new Set<string>()

  constructor(private readonly clockMs: () => number = Date.now) {
    this.ensureDefaultNotificationGroup()
  }

  /** The store clock in epoch seconds. */
  now(): number {
    return Math.floor(this.clockMs() / 1000)
  }

  newId(): string {
    const id = uniqueId(this.ids)
    this.ids.add(id)
    return id
  }

  // ---- services and roles ----

  addService(name: string, memo = '', roles: string[] = []): ServiceRecord {
    let s = this.services.get(name)
    if (!s) {
      s = {name, memo, roles: new Map(), metricNames: []}
      this.services.set(name, s)
    }
    for (const r of roles) this.addRole(name, r)
    return s
  }

  addRole(service: string, role: string, memo = ''): Role {
    const s = this.addService(service)
    let r = s.roles.get(role)
    if (!r) {
      r = {name: role, memo}
      s.roles.set(role, r)
    }
    return r
  }

  hasScope(scope: string): boolean {
    const [svc, role, extra] = scope.split(':')
    if (extra !== undefined) return false
    const s = this.services.get(svc)
    if (!s) return false
    return role === undefined || s.roles.has(role)
  }

  serviceView(s: ServiceRecord): {name: string; memo: string; roles: string[]} {
    return {name: s.name, memo: s.memo, roles: [...s.roles.keys()].sort()}
  }

  rolesView(s: ServiceRecord): Role[] {
    return [...s.roles.values()].sort((a, b) => cmp(a.name, b.name)).map((r) => ({...r}))
  }

  /** Deletes a service with its roles, monitors scoped only to it and its annotations. */
  deleteService(name: string): ServiceRecord | undefined {
    const s = this.services.get(name)
    if (!s) return undefined
    this.services.delete(name)
    for (const h of this.hosts.values()) h.roleFullnames = h.roleFullnames.filter((rf) => !rf.startsWith(name + ':'))
    for (const a of this.annotations.values()) if (a.service === name) this.annotations.delete(a.id)
    this.serviceMetrics.deleteOwner(name)
    this.metadata.delete(`service\t${name}`)
    for (const role of s.roles.keys()) this.metadata.delete(`role\t${name}\t${role}`)
    return s
  }

  deleteRole(service: string, role: string): Role | undefined {
    const s = this.services.get(service)
    const r = s?.roles.get(role)
    if (!s || !r) return undefined
    s.roles.delete(role)
    const rf = `${service}:${role}`
    for (const h of this.hosts.values()) h.roleFullnames = h.roleFullnames.filter((x) => x !== rf)
    this.metadata.delete(`role\t${service}\t${role}`)
    return r
  }

  // ---- hosts ----

  /** Registers a host; unknown services/roles in roleFullnames are created. */
  addHost(input: Partial<Omit<HostRecord, 'id'>> & {name: string; id?: string}): HostRecord {
    const id = input.id ?? this.newId()
    this.ids.add(id)
    const h: HostRecord = {
      id,
      name: input.name,
      displayName: input.displayName,
      customIdentifier: input.customIdentifier || null,
      createdAt: input.createdAt ?? this.now(),
      meta: input.meta ?? {},
      interfaces: normalizeInterfaces(input.interfaces ?? []),
      size: input.size ?? 'standard',
      status: input.status ?? 'working',
      memo: input.memo ?? '',
      isRetired: input.isRetired ?? false,
      retiredAt: input.retiredAt,
      roleFullnames: [],
      metricNames: input.metricNames ?? [],
      checks: input.checks ?? [],
    }
    if (h.isRetired && h.retiredAt === undefined) h.retiredAt = this.now()
    this.hosts.set(id, h)
    this.addHostRoles(h, input.roleFullnames ?? [])
    return h
  }

  getHost(id: string): HostRecord | undefined {
    return this.hosts.get(id)
  }

  /** A host that exists and is not retired. */
  liveHost(id: string): HostRecord | undefined {
    const h = this.hosts.get(id)
    return h && !h.isRetired ? h : undefined
  }

  addHostRoles(h: HostRecord, roleFullnames: string[]): void {
    const set = new Set(h.roleFullnames)
    for (const rf of roleFullnames) {
      const [svc, role] = rf.split(':')
      this.addRole(svc, role)
      set.add(`${svc}:${role}`)
    }
    h.roleFullnames = [...set].sort()
  }

  setHostRoles(h: HostRecord, roleFullnames: string[]): void {
    h.roleFullnames = []
    this.addHostRoles(h, roleFullnames)
  }

  retireHost(h: HostRecord): void {
    h.isRetired = true
    h.retiredAt = this.now()
    for (const a of this.alerts.values())
      if (a.hostId === h.id && a.status !== 'OK') this.closeAlert(a.id, undefined, 'hostRetire')
  }

  listHosts(f: HostFilter = {}): HostRecord[] {
    const statuses = new Set(f.statuses && f.statuses.length > 0 ? f.statuses : ['working', 'standby'])
    const roles = f.service && f.roles && f.roles.length > 0 ? new Set(f.roles.map((r) => `${f.service}:${r}`)) : undefined
    const svcPrefix = f.service ? f.service + ':' : undefined
    const out: HostRecord[] = []
    for (const h of this.hosts.values()) {
      if (h.isRetired || !statuses.has(h.status)) continue
      if (f.name !== undefined && h.name !== f.name) continue
      if (f.customIdentifier !== undefined && h.customIdentifier !== f.customIdentifier) continue
      if (roles) {
        if (!h.roleFullnames.some((rf) => roles.has(rf))) continue
      } else if (svcPrefix && !h.roleFullnames.some((rf) => rf.startsWith(svcPrefix))) continue
      out.push(h)
    }
    return out
  }

  hostView(h: HostRecord): Host {
    const roles: Record<string, string[]> = {}
    for (const rf of h.roleFullnames) {
      const i = rf.indexOf(':')
      ;(roles[rf.slice(0, i)] ??= []).push(rf.slice(i + 1))
    }
    const v: Host = {
      id: h.id,
      name: h.name,
      ...(h.displayName ? {displayName: h.displayName} : {}),
      ...(h.customIdentifier ? {customIdentifier: h.customIdentifier} : {}),
      createdAt: h.createdAt,
      meta: h.meta,
      interfaces: h.interfaces,
      size: h.size,
      status: h.status,
      memo: h.memo,
      isRetired: h.isRetired,
      ...(h.retiredAt !== undefined ? {retiredAt: h.retiredAt} : {}),
      roles,
    }
    return v
  }

  // ---- monitors ----

  /** Stores a monitor as given (plus an id); no validation, for seeding and tests. */
  addMonitor(m: Obj & {type: string}): Monitor {
    const id = typeof m.id === 'string' ? m.id : this.newId()
    this.ids.add(id)
    const mon = {id, ...m} as Monitor
    this.monitors.set(id, mon)
    return mon
  }

  /**
   * The monitor was changed or deleted: its alerts' existing log entries no longer name it (their
   * `monitorId` reads null, reference/mackerel-api.md §5.5); entries written later name it again.
   */
  monitorReplaced(id: string): void {
    for (const a of this.alerts.values()) {
      if (a.monitorId !== id) continue
      for (const l of this.alertLogs.get(a.id) ?? []) l.monitorId = null
    }
  }

  /** Monitors ordered by type, then name (as the web UI and the API list them). */
  listMonitors(): Monitor[] {
    return [...this.monitors.values()].sort(
      (a, b) => cmp(String(a.type), String(b.type)) || cmp(String(a.name ?? ''), String(b.name ?? '')) || cmp(a.id, b.id),
    )
  }

  // ---- alerts ----

  /** Opens (or records) an alert; adds its first log entry. For seeding and tests. */
  addAlert(input: Partial<Alert> & {type?: string} = {}): Alert {
    const now = this.now()
    const a: Alert = {
      id: input.id ?? this.newId(),
      status: input.status ?? 'CRITICAL',
      monitorId: input.monitorId ?? this.anyMonitorId(input.type ?? 'host'),
      type: input.type ?? 'host',
      ...(input.hostId !== undefined ? {hostId: input.hostId} : {}),
      ...(input.series !== undefined ? {series: input.series} : {}),
      ...(input.value !== undefined ? {value: input.value} : {}),
      ...(input.message !== undefined ? {message: input.message} : {}),
      ...(input.reason !== undefined ? {reason: input.reason} : {}),
      openedAt: input.openedAt ?? now,
      ...(input.closedAt !== undefined ? {closedAt: input.closedAt} : {}),
      ...(input.memo !== undefined ? {memo: input.memo} : {}),
    }
    this.ids.add(a.id)
    this.alerts.set(a.id, a)
    if (a.status !== 'OK') this.indexOpen(a)
    this.alertLogs.set(a.id, [])
    this.addAlertLog(a, {status: a.status === 'OK' ? 'WARNING' : a.status, createdAt: a.openedAt})
    if (a.status === 'OK') this.addAlertLog(a, {status: 'OK', trigger: a.reason ? 'manual' : 'monitoring', createdAt: a.closedAt ?? now})
    else this.alertChanged(a, 'monitoring')
    return a
  }

  /**
   * Moves an open alert to `status` (OK closes it), with a log entry and a notification. A change of
   * message or value alone is recorded without either, as Mackerel notifies only status changes.
   * Monitor evaluation and check reports both go through here.
   */
  setAlertStatus(a: Alert, status: AlertStatus, extra: {message?: string; value?: number; trigger?: string} = {}): void {
    if (extra.message !== undefined) a.message = extra.message
    if (extra.value !== undefined) a.value = extra.value
    if (a.status === status || a.closedAt !== undefined) return
    const now = this.now()
    a.status = status
    // a status change is notified: the re-notification schedule starts again from it
    this.renotifiedAt.delete(a.id)
    if (status === 'OK') {
      a.closedAt = now
      this.unindexOpen(a)
    }
    this.addAlertLog(a, {status, trigger: extra.trigger ?? 'monitoring', createdAt: now})
    this.alertChanged(a, extra.trigger ?? 'monitoring')
  }

  private alertChanged(a: Alert, trigger: string): void {
    if (!this.alertListener) return
    try {
      this.alertListener(a, trigger)
    } catch (error) {
      // a notification problem must never fail the API call that changed the alert
      this.log(`mkr sandbox: alert notification failed: ${(error as Error).message}`)
    }
  }

  /** `n` alerts opened one minute apart ending now (newest last), built from `template`. */
  addAlerts(n: number, template: Partial<Alert> & {type?: string} = {}): Alert[] {
    const now = this.now()
    const out: Alert[] = []
    for (let i = 0; i < n; i++) out.push(this.addAlert({...template, openedAt: template.openedAt ?? now - (n - 1 - i) * 60}))
    return out
  }

  addAlertLog(
    a: Alert,
    entry: Partial<Omit<AlertLog, 'id'>> = {},
  ): AlertLog {
    const log: AlertLog = {
      id: this.newId(),
      status: entry.status ?? a.status,
      trigger: entry.trigger ?? 'monitoring',
      monitorId: entry.monitorId === undefined ? a.monitorId : entry.monitorId,
      targetValue: entry.targetValue === undefined ? (a.value ?? null) : entry.targetValue,
      statusDetail:
        entry.statusDetail === undefined
          ? a.type === 'check'
            ? {type: 'check', detail: {message: a.message ?? '', memo: ''}}
            : null
          : entry.statusDetail,
      createdAt: entry.createdAt ?? this.now(),
    }
    let logs = this.alertLogs.get(a.id)
    if (!logs) this.alertLogs.set(a.id, (logs = []))
    logs.push(log)
    return log
  }

  /**
   * Whether a new alert of this monitor for this host (none: a service or expression monitor) may open
   * now. Not while a downtime covers it; and an alert a downtime kept from opening stays unopened after
   * the downtime ends, until the target is seen OK again (clearSuppression) — except connectivity, which
   * alerts when the host is still gone after the downtime (https://mackerel.io/docs/entry/howto/downtimes).
   */
  mayOpenAlert(monitorId: string, type: string, hostId?: string): boolean {
    const key = `${monitorId}\t${hostId ?? ''}`
    if (activeDowntime(this, monitorId, hostId)) {
      if (type !== 'connectivity' && !this.suppressed.has(key)) {
        this.suppressed.add(key)
        this.revision++
      }
      return false
    }
    return !this.suppressed.has(key)
  }

  /** The monitor judged this target OK: a past downtime's suppression ends. */
  clearSuppression(monitorId: string, hostId?: string): void {
    if (this.suppressed.size > 0 && this.suppressed.delete(`${monitorId}\t${hostId ?? ''}`)) this.revision++
  }

  // ---- re-notification (a monitor's or check's notificationInterval) ----

  /** Open (not OK) alerts, oldest first per monitor and target. */
  openAlerts(): Alert[] {
    return [...this.openIndex.values()].flat()
  }

  /** When the alert's notification last went out: its last status change, or its last re-notification. */
  lastNotifiedAt(a: Alert): number {
    const changed = this.alertLogs.get(a.id)?.at(-1)?.createdAt ?? a.openedAt
    return Math.max(changed, this.renotifiedAt.get(a.id) ?? -Infinity)
  }

  /**
   * Sends the notification of an open alert again (same payload as for its last change), as due at
   * `at`; the listener applies mute, standby and downtimes as for every other notification.
   */
  renotify(a: Alert, at: number): void {
    this.notifiedAt(a, at)
    this.alertChanged(a, 'monitoring')
  }

  /** Records that the alert's notification went out at `at`: the next re-notification counts from it. */
  notifiedAt(a: Alert, at: number): void {
    this.renotifiedAt.set(a.id, at)
    this.revision++
  }

  /** Closes an open alert: status OK, reason, closedAt, and a log entry. */
  closeAlert(id: string, reason: string | undefined, trigger = 'manual'): Alert | undefined {
    const a = this.alerts.get(id)
    if (!a) return undefined
    a.status = 'OK'
    if (reason !== undefined) a.reason = reason
    a.closedAt = this.now()
    this.unindexOpen(a)
    this.renotifiedAt.delete(a.id)
    this.addAlertLog(a, {status: 'OK', trigger, createdAt: a.closedAt})
    // Mackerel sends no recovery notification for alerts closed because their host was retired
    if (trigger !== 'hostRetire') this.alertChanged(a, trigger)
    return a
  }

  /** Alerts newest first (by open time, then creation). */
  sortedAlerts(withClosed: boolean): Alert[] {
    const all = [...this.alerts.values()]
    const order = new Map(all.map((a, i) => [a.id, i]))
    return all
      .filter((a) => withClosed || a.status !== 'OK')
      .sort((a, b) => b.openedAt - a.openedAt || order.get(b.id)! - order.get(a.id)!)
  }

  private anyMonitorId(type: string): string {
    for (const m of this.monitors.values()) if (m.type === type) return m.id
    return this.newId()
  }

  // ---- graph annotations ----

  addAnnotation(a: Omit<Annotation, 'id'> & {id?: string}): Annotation {
    const ann: Annotation = {...a, id: a.id ?? this.newId()}
    this.ids.add(ann.id)
    this.annotations.set(ann.id, ann)
    return ann
  }

  annotationView(a: Annotation): Annotation {
    const {roles, description, ...rest} = a
    return {
      id: rest.id,
      title: rest.title,
      ...(description !== undefined ? {description} : {}),
      from: rest.from,
      to: rest.to,
      service: rest.service,
      ...(roles && roles.length > 0 ? {roles} : {}),
    }
  }

  // ---- check monitoring ----

  checkMonitorByName(name: string): CheckMonitor | undefined {
    for (const c of this.checkMonitors.values()) if (c.name === name) return c
    return undefined
  }

  /**
   * Applies one validated check report: drops it when it is 6 h old or older than the latest accepted
   * report for the host + name; otherwise creates the check monitor on first sight and opens,
   * updates or closes the host's check alert. Returns whether it was accepted.
   */
  applyCheckReport(r: CheckReportInput): boolean {
    const now = this.now()
    if (r.occurredAt <= now - CHECK_REPORT_MAX_AGE_S) return false
    const key = `${r.hostId}\t${r.name}`
    const prev = this.checkStates.get(key)
    if (prev && r.occurredAt < prev.occurredAt) return false
    let mon = this.checkMonitorByName(r.name)
    if (!mon) {
      mon = {id: this.newId(), name: r.name}
      this.checkMonitors.set(mon.id, mon)
    }
    const failures = r.status === 'OK' ? 0 : (prev?.failures ?? 0) + 1
    this.checkStates.set(key, {
      hostId: r.hostId,
      name: r.name,
      monitorId: mon.id,
      occurredAt: r.occurredAt,
      status: r.status,
      message: r.message,
      failures,
      ...(r.notificationInterval ? {notificationInterval: r.notificationInterval} : {}),
    })
    if (r.status === 'OK') this.clearSuppression(mon.id, r.hostId)
    const open = this.openAlertFor(mon.id, r.hostId)
    if (open) this.setAlertStatus(open, r.status, {message: r.message})
    else if (r.status !== 'OK' && failures >= (r.maxCheckAttempts ?? 1) && this.mayOpenAlert(mon.id, 'check', r.hostId))
      this.addAlert({type: 'check', monitorId: mon.id, hostId: r.hostId, status: r.status, message: r.message, openedAt: now})
    return true
  }

  /** The oldest open alert of a monitor for a host (hostId undefined: for a monitor without hosts). */
  openAlertFor(monitorId: string, hostId?: string): Alert | undefined {
    return this.openIndex.get(`${monitorId}\t${hostId ?? ''}`)?.[0]
  }

  private indexOpen(a: Alert): void {
    const key = `${a.monitorId}\t${a.hostId ?? ''}`
    const list = this.openIndex.get(key)
    if (list) list.push(a)
    else this.openIndex.set(key, [a])
  }

  private unindexOpen(a: Alert): void {
    const key = `${a.monitorId}\t${a.hostId ?? ''}`
    const list = this.openIndex.get(key)
    if (!list) return
    const rest = list.filter((x) => x !== a)
    if (rest.length > 0) this.openIndex.set(key, rest)
    else this.openIndex.delete(key)
  }

  /** Records that a host just posted metrics (sandbox time), for connectivity monitors. */
  noteHostPost(hostId: string): void {
    this.hostLastPost.set(hostId, this.now())
  }

  /** Tells the listener (monitor evaluation) that metrics were stored. */
  metricsPosted(kind: 'host' | 'service', owners: string[]): void {
    if (!this.metricsListener || owners.length === 0) return
    try {
      this.metricsListener(kind, owners)
    } catch (error) {
      // evaluation problems must never fail the post that triggered them
      this.log(`mkr sandbox: monitor evaluation failed: ${(error as Error).stack}`)
    }
  }

  // ---- simple collections (channels, downtimes, dashboards, ...) ----

  /** Stores a record under a fresh id (or the one it has, for seeding and loading). */
  addRecord(map: Map<string, Rec>, o: Obj): Rec {
    const id = typeof o.id === 'string' ? o.id : this.newId()
    this.ids.add(id)
    const rec = {...o, id} as Rec
    map.set(id, rec)
    return rec
  }

  /** The organization's default notification group (created when missing: every org has one). */
  ensureDefaultNotificationGroup(): Rec {
    for (const g of this.notificationGroups.values()) if (g.type === 'group-default') return g
    return this.addRecord(this.notificationGroups, {
      type: 'group-default',
      name: 'Default',
      notificationLevel: 'all',
      childNotificationGroupIds: [],
      childChannelIds: [],
      monitors: [],
      services: [],
    })
  }

  addUser(u: Omit<User, 'id'> & {id?: string}): User {
    const user: User = {...u, id: u.id ?? this.newId()}
    this.ids.add(user.id)
    this.users.set(user.id, user)
    return user
  }

  // ---- metadata ----

  metadataOf(owner: string): Map<string, MetadataEntry> | undefined {
    return this.metadata.get(owner)
  }

  putMetadata(owner: string, namespace: string, json: string): void {
    let m = this.metadata.get(owner)
    if (!m) this.metadata.set(owner, (m = new Map()))
    m.set(namespace, {owner, namespace, json, updatedAt: this.now()})
  }

  deleteMetadata(owner: string, namespace: string): boolean {
    const m = this.metadata.get(owner)
    if (!m?.delete(namespace)) return false
    if (m.size === 0) this.metadata.delete(owner)
    return true
  }

  // ---- persistence ----

  toJSON(): Snapshot {
    return {
      version: SNAPSHOT_VERSION,
      org: this.org,
      services: [...this.services.values()].map((s) => ({name: s.name, memo: s.memo, roles: [...s.roles.values()], metricNames: s.metricNames})),
      hosts: [...this.hosts.values()],
      monitors: [...this.monitors.values()],
      alerts: [...this.alerts.values()],
      alertLogs: Object.fromEntries(this.alertLogs),
      annotations: [...this.annotations.values()],
      checkMonitors: [...this.checkMonitors.values()],
      checkStates: [...this.checkStates.values()],
      hostMetrics: this.hostMetrics.toJSON(),
      serviceMetrics: this.serviceMetrics.toJSON(),
      hostLastPost: Object.fromEntries(this.hostLastPost),
      channels: [...this.channels.values()],
      notificationGroups: [...this.notificationGroups.values()],
      downtimes: [...this.downtimes.values()],
      dashboards: [...this.dashboards.values()],
      users: [...this.users.values()],
      invitations: [...this.invitations.values()],
      alertGroupSettings: [...this.alertGroupSettings.values()],
      awsIntegrations: [...this.awsIntegrations.values()],
      graphDefs: [...this.graphDefs.values()],
      metadata: [...this.metadata.values()].flatMap((m) => [...m.values()]),
      attempts: Object.fromEntries(this.attempts),
      suppressed: [...this.suppressed],
      renotifiedAt: Object.fromEntries(this.renotifiedAt),
    }
  }

  /** Rebuilds a store from `toJSON()` output; throws on a file that is not a snapshot. */
  static fromJSON(data: unknown, clockMs?: () => number): Store {
    const d = data as Partial<Snapshot>
    if (!d || typeof d !== 'object' || d.version !== SNAPSHOT_VERSION || !Array.isArray(d.hosts))
      throw new Error('not a sandbox data file (version 1)')
    const s = new Store(clockMs)
    if (d.org) s.org = d.org
    for (const svc of d.services ?? []) {
      const rec = s.addService(svc.name, svc.memo)
      rec.metricNames = svc.metricNames ?? []
      for (const r of svc.roles ?? []) s.addRole(svc.name, r.name, r.memo)
    }
    for (const h of d.hosts) {
      s.hosts.set(h.id, h)
      s.ids.add(h.id)
    }
    for (const m of d.monitors ?? []) s.addMonitor(m)
    for (const a of d.alerts ?? []) {
      s.alerts.set(a.id, a)
      s.ids.add(a.id)
      if (a.status !== 'OK') s.indexOpen(a)
    }
    for (const [id, logs] of Object.entries(d.alertLogs ?? {})) {
      s.alertLogs.set(id, logs)
      for (const l of logs) s.ids.add(l.id)
    }
    for (const a of d.annotations ?? []) s.addAnnotation(a)
    for (const c of d.checkMonitors ?? []) {
      s.checkMonitors.set(c.id, c)
      s.ids.add(c.id)
    }
    for (const c of d.checkStates ?? []) s.checkStates.set(`${c.hostId}\t${c.name}`, c)
    s.hostMetrics.load(d.hostMetrics)
    s.serviceMetrics.load(d.serviceMetrics)
    for (const [id, t] of Object.entries(d.hostLastPost ?? {})) if (typeof t === 'number') s.hostLastPost.set(id, t)
    const load = (map: Map<string, Rec>, list: Rec[] | undefined) => {
      for (const r of list ?? []) s.addRecord(map, r)
    }
    load(s.channels, d.channels)
    if (d.notificationGroups) {
      s.notificationGroups.clear()
      load(s.notificationGroups, d.notificationGroups)
      s.ensureDefaultNotificationGroup()
    }
    load(s.downtimes, d.downtimes)
    load(s.dashboards, d.dashboards)
    for (const u of d.users ?? []) s.addUser(u)
    for (const i of d.invitations ?? []) s.invitations.set(i.email, i)
    load(s.alertGroupSettings, d.alertGroupSettings)
    load(s.awsIntegrations, d.awsIntegrations)
    for (const g of d.graphDefs ?? []) s.graphDefs.set(g.name, g)
    for (const m of d.metadata ?? []) {
      s.putMetadata(m.owner, m.namespace, m.json)
      s.metadata.get(m.owner)!.get(m.namespace)!.updatedAt = m.updatedAt
    }
    for (const [key, run] of Object.entries(d.attempts ?? {}))
      if (typeof run?.count === 'number' && typeof run.minute === 'number') s.attempts.set(key, {count: run.count, minute: run.minute})
    for (const key of d.suppressed ?? []) if (typeof key === 'string') s.suppressed.add(key)
    for (const [id, t] of Object.entries(d.renotifiedAt ?? {})) {
      const a = s.alerts.get(id)
      if (typeof t === 'number' && a && a.status !== 'OK') s.renotifiedAt.set(id, t)
    }
    return s
  }
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** If both the singular and the array form of an address are given, the array wins (§1.1). */
export function normalizeInterfaces(list: HostInterface[]): HostInterface[] {
  return list.map((i) => {
    const out: HostInterface = {...i}
    if (out.ipv4Addresses && out.ipv4Addresses.length > 0) out.ipAddress = out.ipv4Addresses[0]
    else if (out.ipAddress) out.ipv4Addresses = [out.ipAddress]
    if (out.ipv6Addresses && out.ipv6Addresses.length > 0) out.ipv6Address = out.ipv6Addresses[0]
    else if (out.ipv6Address) out.ipv6Addresses = [out.ipv6Address]
    return out
  })
}
