// `mkr alerts list`: joins alerts with hosts, monitors and check monitor names, applies mkr's filters
// and produces one line per alert (see format.ts).
import {alertJson, type Alert} from '../api/alerts.js'
import type {ApiClient} from '../api/client.js'
import {listHosts} from '../api/hosts.js'
import {listMonitors} from '../api/monitors.js'
import {UsageError} from '../errors.js'
import type {Palette} from '../output/color.js'
import {exportData} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {formatAlertLine, type HostLike, type MonitorLike} from './format.js'
import {fetchAlerts, type FetchOptions} from './json.js'

/** Host statuses `--host-status` can match (retired hosts are not listed, so they never match). */
export const HOST_STATUSES = ['working', 'standby', 'maintenance', 'poweroff'] as const

export interface ListFilter {
  /** keep alerts whose host is in one of these services, or whose service/external monitor is */
  services?: string[]
  /** keep alerts whose host has one of these statuses (host-less alerts are dropped) */
  hostStatuses?: string[]
}

export interface Joined {
  alert: Alert
  host?: HostLike
  monitor?: MonitorLike
}

/** Every host that is not retired, as mkr asks for them (all four statuses). */
export async function fetchHosts(client: ApiClient): Promise<HostLike[]> {
  return (await listHosts(client, {status: [...HOST_STATUSES]})) as HostLike[]
}

export async function fetchMonitors(client: ApiClient): Promise<MonitorLike[]> {
  return (await listMonitors(client)) as MonitorLike[]
}

/**
 * Names of check monitors by id (GET /api/v0/monitoring/checks/<id>, each id once, a few at a time).
 * Like mkr, a failed lookup just leaves the name out.
 */
export async function fetchCheckNames(client: ApiClient, ids: string[], concurrency = 4): Promise<Map<string, string>> {
  const names = new Map<string, string>()
  const queue = [...new Set(ids)]
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        const body = await client.get<{check?: {name?: unknown}}>(`/api/v0/monitoring/checks/${encodeURIComponent(id)}`)
        if (typeof body?.check?.name === 'string') names.set(id, body.check.name)
      } catch {
        // mkr ignores it too: the line then shows the message without the check's name
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(concurrency, queue.length)}, worker))
  return names
}

export function join(alerts: Alert[], hosts: HostLike[], monitors: MonitorLike[]): Joined[] {
  const hostById = new Map(hosts.map((h) => [h.id, h]))
  const monitorById = new Map(monitors.map((m) => [m.id, m]))
  return alerts.map((alert) => ({
    alert,
    host: alert.hostId ? hostById.get(alert.hostId) : undefined,
    monitor: monitorById.get(alert.monitorId),
  }))
}

/** mkr's filters (#866: with several --service values an alert matches any of them). */
export function matchesFilter(j: Joined, f: ListFilter): boolean {
  if (f.services && f.services.length > 0) {
    let found = false
    for (const svc of f.services) {
      if (j.host) {
        if (j.host.roles && Object.hasOwn(j.host.roles, svc)) found = true
      } else if (j.monitor && (j.monitor.type === 'service' || j.monitor.type === 'external')) {
        if (j.monitor.service === svc) found = true
      }
    }
    if (!found) return false
  }
  if (f.hostStatuses && f.hostStatuses.length > 0) {
    if (!j.host || !f.hostStatuses.includes(j.host.status)) return false
  }
  return true
}

/** The lines of `mkr alerts list` for these alerts (hosts, monitors and check names fetched as needed). */
export async function alertLines(
  client: ApiClient,
  alerts: Alert[],
  opts: ListFilter & {colorize: boolean; palette: Palette; formatTime?: (t: number) => string},
): Promise<string[]> {
  if (alerts.length === 0) return []
  const [hosts, monitors] = await Promise.all([fetchHosts(client), fetchMonitors(client)])
  const kept = join(alerts, hosts, monitors).filter((j) => matchesFilter(j, opts))
  const checkIds = kept.filter((j) => j.alert.type === 'check' && j.alert.monitorId).map((j) => j.alert.monitorId)
  const checkNames = checkIds.length > 0 ? await fetchCheckNames(client, checkIds) : new Map<string, string>()
  return kept.map((j) =>
    formatAlertLine(j.alert, {
      host: j.host,
      monitor: j.monitor,
      checkName: checkNames.get(j.alert.monitorId),
      colorize: opts.colorize,
      palette: opts.palette,
      formatTime: opts.formatTime,
    }),
  )
}

export interface AlertsListOptions extends FetchOptions {
  service?: string[]
  'host-status'?: string[]
  /** mkr's --color (default on): --no-color also drops the space mkr paints after the status */
  color?: boolean
  /** the alerts as JSON (`mkr alerts`' shape) instead of lines */
  json?: boolean
}

const split = (values: readonly string[] | undefined) =>
  (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '')

/** `mkr alerts list`: one mkr line per alert, colored on a terminal (the IO decides color). */
export async function runAlertsList(opts: AlertsListOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const services = split(opts.service)
  const hostStatuses = split(opts['host-status'])
  for (const s of hostStatuses)
    if (!(HOST_STATUSES as readonly string[]).includes(s))
      throw new UsageError(`--host-status ${JSON.stringify(s)} is not a host status`, {hint: `use ${HOST_STATUSES.join(', ')}`})
  const alerts = await fetchAlerts(opts, io, client)
  if (opts.json) return exportData(alerts.map((a) => alertJson(a)), {json: true}, undefined, io)
  const api = await client()
  const lines = await withProgress(io, 'fetching hosts and monitors', async () =>
    alertLines(api, alerts, {services, hostStatuses, colorize: opts.color !== false, palette: await io.palette()}),
  )
  if (lines.length > 0) io.out(lines.join('\n') + '\n')
}
