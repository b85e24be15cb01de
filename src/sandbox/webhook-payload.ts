// The JSON Mackerel POSTs to a webhook channel when an alert opens, changes status or closes
// (https://mackerel.io/docs/entry/howto/alerts/webhook): `event: "alert"`, the monitor type, a
// message, the host (or the service) and the alert with a lowercase status. URLs point at the sandbox.
import type {Alert, HostRecord, Store} from './store.js'
import type {Obj} from './validate.js'

/** Monitor types whose alerts carry a metric value and thresholds. */
const METRIC_TYPES = new Set(['host', 'service', 'expression', 'query'])

/** Alert log triggers as the webhook names them: the docs' example sends `monitor` for monitoring. */
function webhookTrigger(trigger: string): string {
  return trigger === 'monitoring' ? 'monitor' : trigger
}

/** Like Mackerel's messages ("MetricName 2.26 > 1.96"): two decimals at most. */
function fmt(n: number): string {
  return String(Math.round(n * 100) / 100)
}

function roleInfo(web: string, fullname: string): Obj {
  const i = fullname.indexOf(':')
  const svc = fullname.slice(0, i)
  const role = fullname.slice(i + 1)
  const serviceUrl = `${web}/services/${encodeURIComponent(svc)}`
  return {fullname, serviceName: svc, serviceUrl, roleName: role, roleUrl: `${serviceUrl}#role=${encodeURIComponent(role)}`}
}

function hostInfo(web: string, h: HostRecord): Obj {
  return {
    id: h.id,
    name: h.name,
    url: `${web}/hosts/${h.id}`,
    type: 'unknown',
    status: h.status,
    memo: h.memo,
    isRetired: h.isRetired,
    roles: h.roleFullnames.map((rf) => roleInfo(web, rf)),
  }
}

/**
 * The webhook body for `a` right after it changed. `trigger` is the alert log trigger of the change
 * (monitoring, manual, hostRetire, monitorDelete); `baseUrl` is the sandbox's own URL.
 */
export function alertWebhookPayload(store: Store, a: Alert, trigger: string, baseUrl: string): Obj {
  const org = store.org.name
  const web = `${baseUrl}/orgs/${encodeURIComponent(org)}`
  const monitor = store.monitors.get(a.monitorId)
  const check = a.type === 'check' ? store.checkMonitors.get(a.monitorId) : undefined
  const host = a.hostId ? store.getHost(a.hostId) : undefined
  const logs = store.alertLogs.get(a.id) ?? []

  const alert: Obj = {
    id: a.id,
    url: `${web}/alerts/${a.id}`,
    status: a.status.toLowerCase(),
    isOpen: a.status !== 'OK',
    trigger: webhookTrigger(trigger),
    openedAt: a.openedAt,
    closedAt: a.closedAt ?? null,
    statusChangedAt: logs.at(-1)?.createdAt ?? a.openedAt,
    // deprecated by Mackerel but still sent: the open time in milliseconds
    createdAt: a.openedAt * 1000,
    monitorName: String(monitor?.name ?? check?.name ?? (a.type === 'connectivity' ? 'connectivity' : '')),
  }

  let message = a.message ?? ''
  if (monitor && METRIC_TYPES.has(a.type)) {
    const label = String(monitor.metric ?? monitor.expression ?? monitor.query ?? '')
    alert.metricLabel = label
    if (a.value !== undefined) alert.metricValue = a.value
    if (typeof monitor.critical === 'number') alert.criticalThreshold = monitor.critical
    if (typeof monitor.warning === 'number') alert.warningThreshold = monitor.warning
    if (typeof monitor.operator === 'string') alert.monitorOperator = monitor.operator
    if (typeof monitor.duration === 'number') alert.duration = monitor.duration
    if (a.value !== undefined) {
      const threshold = a.status === 'CRITICAL' ? monitor.critical : a.status === 'WARNING' ? monitor.warning : undefined
      message =
        typeof threshold === 'number' && typeof monitor.operator === 'string'
          ? `${label} ${fmt(a.value)} ${monitor.operator} ${fmt(threshold)}`
          : `${label} ${fmt(a.value)}`
    }
  }

  const memo = check ? (host?.checks.find((c) => c.name === check.name)?.memo ?? '') : String(monitor?.memo ?? '')
  const payload: Obj = {orgName: org, event: 'alert', imageUrl: null, memo, type: a.type, message}
  if (host) payload.host = hostInfo(web, host)
  const serviceName = a.type === 'service' && typeof monitor?.service === 'string' ? monitor.service : undefined
  const svc = serviceName ? store.services.get(serviceName) : undefined
  if (svc)
    payload.service = {
      id: svc.name,
      name: svc.name,
      memo: svc.memo,
      orgId: org,
      roles: [...svc.roles.keys()].sort().map((r) => roleInfo(web, `${svc.name}:${r}`)),
    }
  payload.alert = alert
  return payload
}
