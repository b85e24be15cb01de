// `mkr alerts report`: the weekly review's agenda. Per monitor: alerts opened in the window, how long
// they stayed open (median, 95th percentile of the closed ones), how many are still open, and how
// many the runbook handled and healed (a remedy succeeded and the alert closed after it); per host,
// the ones with the most alerts.
import type {Alert} from '../api/alerts.js'
import {listAlertsSince} from '../api/alerts.js'
import type {ApiClient} from '../api/client.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {renderTable} from '../output/table.js'
import {isoLocal} from '../output/time.js'
import {Lookup} from './handle.js'
import type {AlertRecord, RunbookState} from './state.js'

export const TOP_HOSTS = 10

export interface MonitorRow {
  monitorId: string
  monitorName: string
  type: string
  opened: number
  stillOpen: number
  /** seconds, over the alerts of the window that closed; null when none closed */
  medianOpenSeconds: number | null
  p95OpenSeconds: number | null
  handled: number
  healed: number
}

export interface HostRow {
  hostId: string
  hostName: string
  opened: number
  stillOpen: number
}

export interface Report {
  from: string
  to: string
  alerts: number
  monitors: MonitorRow[]
  hosts: HostRow[]
}

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/** Whether the runbook healed the alert: a remedy of some rule succeeded and the alert closed after it started. */
export function healed(a: Alert, r: AlertRecord | undefined): boolean {
  if (!r || a.status !== 'OK' || !a.closedAt) return false
  return Object.values(r.rules).some((rule) => rule.remedies?.some((m) => m.ok && m.at <= a.closedAt! * 1000))
}

export function buildReport(
  alerts: Alert[],
  records: Map<string, AlertRecord>,
  names: {monitor: (a: Alert) => {name: string; type: string}; host: (id: string) => string},
  window: {from: number; to: number},
): Report {
  const inWindow = alerts.filter((a) => a.openedAt >= window.from && a.openedAt <= window.to)
  const byMonitor = new Map<string, Alert[]>()
  for (const a of inWindow) byMonitor.set(a.monitorId, [...(byMonitor.get(a.monitorId) ?? []), a])
  const monitors: MonitorRow[] = [...byMonitor.entries()].map(([id, list]) => {
    const durations = list
      .filter((a) => a.status === 'OK' && a.closedAt)
      .map((a) => a.closedAt! - a.openedAt)
      .sort((x, y) => x - y)
    const m = names.monitor(list[0])
    return {
      monitorId: id,
      monitorName: m.name,
      type: m.type,
      opened: list.length,
      stillOpen: list.filter((a) => a.status !== 'OK').length,
      medianOpenSeconds: percentile(durations, 50),
      p95OpenSeconds: percentile(durations, 95),
      handled: list.filter((a) => records.has(a.id)).length,
      healed: list.filter((a) => healed(a, records.get(a.id))).length,
    }
  })
  monitors.sort((a, b) => b.opened - a.opened || a.monitorName.localeCompare(b.monitorName))
  const byHost = new Map<string, Alert[]>()
  for (const a of inWindow) if (a.hostId) byHost.set(a.hostId, [...(byHost.get(a.hostId) ?? []), a])
  const hosts: HostRow[] = [...byHost.entries()]
    .map(([id, list]) => ({hostId: id, hostName: names.host(id), opened: list.length, stillOpen: list.filter((a) => a.status !== 'OK').length}))
    .sort((a, b) => b.opened - a.opened || a.hostName.localeCompare(b.hostName))
    .slice(0, TOP_HOSTS)
  return {from: isoLocal(window.from), to: isoLocal(window.to), alerts: inWindow.length, monitors, hosts}
}

/** 90 -> "1m30s", 7200 -> "2h0m" */
export function shortDuration(s: number | null): string {
  if (s === null) return '-'
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`
}

export interface ReportOptions extends OutputOptions {
  /** epoch seconds */
  from: number
  to: number
}

export async function runReport(opts: ReportOptions, io: IOStreams, client: ApiClient, state: RunbookState): Promise<void> {
  io.progress.start('fetching alerts…')
  let alerts: Alert[]
  const lookup = new Lookup(client)
  const monitorNames = new Map<string, {name: string; type: string}>()
  const hostNames = new Map<string, string>()
  try {
    alerts = await listAlertsSince(client, opts.from, {onPage: (n) => io.progress.start(`fetched ${n} alerts…`)})
    for (const a of alerts) {
      if (monitorNames.has(a.monitorId)) continue
      const m = await lookup.monitor(a)
      monitorNames.set(a.monitorId, {name: m.name || m.id, type: m.type})
    }
    const top = buildReport(alerts, new Map(), {monitor: () => ({name: '', type: ''}), host: (id) => id}, opts).hosts
    await Promise.all(
      top.map(async (h) => {
        const host = await lookup.host(h.hostId).catch(() => undefined)
        hostNames.set(h.hostId, host?.name ?? h.hostId)
      }),
    )
  } finally {
    io.progress.stop()
  }
  const records = new Map(state.allAlerts().map((r) => [r.id, r]))
  const report = buildReport(
    alerts,
    records,
    {monitor: (a) => monitorNames.get(a.monitorId) ?? {name: a.monitorId, type: a.type}, host: (id) => hostNames.get(id) ?? id},
    opts,
  )
  await exportData(
    report,
    opts,
    {
      render: async () => {
        const head = `alerts opened from ${report.from} to ${report.to}: ${report.alerts}\n\n`
        if (report.alerts === 0) return head
        const m = await renderTable(
          ['MONITOR', 'TYPE', 'OPENED', 'STILL OPEN', 'MEDIAN OPEN', 'P95 OPEN', 'RUNBOOK HANDLED', 'HEALED'],
          report.monitors.map((r) => [r.monitorName, r.type, r.opened, r.stillOpen, shortDuration(r.medianOpenSeconds), shortDuration(r.p95OpenSeconds), r.handled, r.healed]),
          {width: io.width},
        )
        const h = await renderTable(['HOST', 'OPENED', 'STILL OPEN'], report.hosts.map((r) => [r.hostName, r.opened, r.stillOpen]), {width: io.width})
        return `${head}${m}\nhosts with the most alerts:\n${h}`
      },
    },
    io,
  )
}
