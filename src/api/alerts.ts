// Alerts (/api/v0/alerts): list (nextId paging), get, close, memo update, logs.
import type {ApiClient} from './client.js'
import {arrayOf, checked, idString, isObject, number, object, optional, string, type Check} from './shape.js'

export type AlertStatus = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN'

export interface Alert {
  id: string
  status: AlertStatus | string
  monitorId: string
  type: string
  hostId?: string
  value?: number
  message?: string
  reason?: string
  /** epoch seconds */
  openedAt: number
  closedAt?: number
  memo?: string
  /** query monitors only */
  series?: {name: string; labels: Record<string, string>}
  [key: string]: unknown
}

export interface AlertLog {
  id: string
  createdAt: number
  status: string
  trigger: string
  monitorId: string | null
  targetValue: number | null
  statusDetail?: {type: string; detail: {message: string; memo: string}} | null
  [key: string]: unknown
}

/** The alert fields the commands use (JSON shape, alerts list lines, memo sections); others pass as they are. */
export const alertShape: Check = object({
  id: idString,
  status: string,
  monitorId: string,
  type: string,
  hostId: optional(string),
  value: optional(number),
  message: optional(string),
  reason: optional(string),
  openedAt: number,
  closedAt: optional(number),
  memo: optional(string),
})

/** The alert log fields `alerts logs` prints; `monitorId` and `targetValue` may be null (mkr prints null). */
export const alertLogShape: Check = object({
  id: idString,
  createdAt: number,
  status: string,
  trigger: string,
  monitorId: optional(string),
  targetValue: optional(number),
  statusDetail: optional(
    object({
      type: string,
      detail: optional(object({message: optional(string), memo: optional(string)})),
    }),
  ),
})

/** The API's page size limit for alerts and alert logs (above it: 400). */
export const ALERTS_PAGE_MAX = 100
/**
 * The memo limit. The API documents "80 KB" (413 above it) without saying 80,000 or 81,920 bytes;
 * 80,000 is safe under either reading.
 */
export const ALERT_MEMO_MAX_BYTES = 80_000
/** mkr's politeness pause between alert pages. */
export const DEFAULT_PAGE_DELAY_MS = 1000

export interface ListAlertsOptions {
  withClosed?: boolean
  /** stop after this many (default: all) */
  limit?: number
  /** pause between page requests (mkr: 1 s) */
  pageDelayMs?: number
  /** told the running total after every page */
  onPage?: (fetched: number) => void
}

/** Alerts newest first, following nextId until `limit` (or the end). */
export async function listAlerts(client: ApiClient, opts: ListAlertsOptions = {}): Promise<Alert[]> {
  if (opts.limit === 0) return []
  const alerts = await client.paginate<unknown>('/api/v0/alerts', 'alerts', {
    query: {withClosed: opts.withClosed ? 'true' : undefined},
    limit: opts.limit,
    pageDelayMs: opts.pageDelayMs ?? DEFAULT_PAGE_DELAY_MS,
    onPage: opts.onPage,
  })
  // checked as one list, so the index named is the alert's position across pages
  return checked<{alerts: Alert[]}>(client, 'GET', '/api/v0/alerts', {alerts}, object({alerts: arrayOf(alertShape)})).alerts
}

/**
 * Alerts (closed ones too) opened at or after `from` (epoch seconds), newest first: pages are
 * followed until one ends before `from`, so a week's review does not read the whole history.
 */
export async function listAlertsSince(
  client: ApiClient,
  from: number,
  opts: {pageDelayMs?: number; onPage?: (fetched: number) => void; maxAlerts?: number} = {},
): Promise<Alert[]> {
  const path = '/api/v0/alerts'
  const max = opts.maxAlerts ?? 100_000
  const out: Alert[] = []
  let nextId: string | undefined
  for (let page = 0; ; page++) {
    if (page > 0 && opts.pageDelayMs) await new Promise((r) => setTimeout(r, opts.pageDelayMs))
    const body = await client.get<unknown>(path, {withClosed: 'true', limit: ALERTS_PAGE_MAX, nextId})
    const {alerts, nextId: next} = checked<{alerts: Alert[]; nextId?: string}>(
      client,
      'GET',
      path,
      body,
      object({alerts: arrayOf(alertShape), nextId: optional(string)}),
    )
    out.push(...alerts)
    opts.onPage?.(out.length)
    if (!next || alerts.length === 0 || alerts[alerts.length - 1].openedAt < from || out.length >= max) break
    nextId = next
  }
  return out.filter((a) => a.openedAt >= from)
}

const alertPath = (id: string) => `/api/v0/alerts/${encodeURIComponent(id)}`

/** One alert (the body is the bare alert object). */
export async function getAlert(client: ApiClient, id: string): Promise<Alert> {
  const body = await client.get<unknown>(alertPath(id))
  return checked<Alert>(client, 'GET', alertPath(id), body, alertShape)
}

/**
 * Closes an alert; the API answers with the updated alert. A 2xx means it is closed, so an odd body
 * does not turn that into a failure: the answer is returned when it is an alert object, else `{id}`.
 */
export async function closeAlert(client: ApiClient, id: string, reason: string): Promise<Alert> {
  const body = await client.post<unknown>(`${alertPath(id)}/close`, {reason})
  return (isObject(body) ? body : {id}) as Alert
}

/** Replaces the alert's memo (PUT is idempotent, so it is retried like a GET). */
export function updateAlertMemo(client: ApiClient, id: string, memo: string): Promise<{id: string; memo: string}> {
  return client.put<{id: string; memo: string}>(alertPath(id), {memo})
}

/** Logs of one alert, newest first, following nextId until `limit`. mkr does not pause between these pages. */
export async function listAlertLogs(
  client: ApiClient,
  id: string,
  opts: {limit?: number; pageDelayMs?: number; onPage?: (n: number) => void} = {},
): Promise<AlertLog[]> {
  if (opts.limit === 0) return []
  const path = `${alertPath(id)}/logs`
  const logs = await client.paginate<unknown>(path, 'logs', {
    limit: opts.limit,
    pageDelayMs: opts.pageDelayMs,
    onPage: opts.onPage,
  })
  return checked<{logs: AlertLog[]}>(client, 'GET', path, {logs}, object({logs: arrayOf(alertLogShape)})).logs
}

const ALERT_KEYS = ['id', 'status', 'monitorId', 'type', 'hostId', 'value', 'message', 'reason', 'openedAt', 'closedAt', 'memo']

/**
 * An alert as mkr prints it: mackerel-client-go's field order with Go's `omitempty` (so `"value": 0`
 * and empty strings vanish). Fields mkr does not know (e.g. `series` of query alerts) follow them
 * rather than being dropped.
 */
export function alertJson(a: Alert): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of ALERT_KEYS) {
    const v = a[k]
    if (v === undefined || v === null || v === '' || v === 0) continue
    out[k] = v
  }
  for (const [k, v] of Object.entries(a)) if (!ALERT_KEYS.includes(k) && v !== undefined) out[k] = v
  return out
}

const LOG_KEYS = ['id', 'createdAt', 'status', 'trigger', 'monitorId', 'targetValue', 'statusDetail']

/** An alert log as mkr prints it: `monitorId` and `targetValue` always present (null), `statusDetail` only when set. */
export function alertLogJson(l: AlertLog): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: l.id,
    createdAt: l.createdAt,
    status: l.status,
    trigger: l.trigger,
    monitorId: l.monitorId ?? null,
    targetValue: l.targetValue ?? null,
  }
  if (l.statusDetail) {
    const d = l.statusDetail
    out.statusDetail = {type: d.type, detail: {message: d.detail?.message ?? '', memo: d.detail?.memo ?? ''}}
  }
  for (const [k, v] of Object.entries(l)) if (!LOG_KEYS.includes(k) && v !== undefined) out[k] = v
  return out
}
