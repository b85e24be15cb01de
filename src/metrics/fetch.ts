// `mkr fetch HOSTID... -n NAME...`: the newest value of each named metric of each host
// (GET /api/v0/tsdb/latest, 100 hosts a request, merged). Piped or --json: mkr's JSON,
// `{"<hostId>": {"<name>": {"time": …, "value": …}}}` with keys sorted as Go prints its maps; on a
// terminal, one row per host and metric, `-` where there is no value.
import type {ApiClient} from '../api/client.js'
import {fetchLatestValues, type LatestValues, type MetricValue} from '../api/metrics.js'
import {UsageError} from '../errors.js'
import {exportData, type View} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {renderTable} from '../output/table.js'
import {relativeTime} from '../output/time.js'

export interface FetchOptions {
  hostIds: string[]
  /** -n values as given (repeatable, comma-separated) */
  names: string[]
  json?: boolean
  jq?: string
  color?: boolean
  /** the clock for relative times on a terminal (ms) */
  now?: () => number
}

/** Names from -n (repeatable, comma-separated as in mkr): blanks around a name dropped, empty ones and duplicates left out. */
export function metricNameList(values: readonly string[]): string[] {
  return [...new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''))]
}

/** mkr's shape: a Go map per level (sorted keys); a value as its MetricValue prints (omitempty: a zero time is left out). */
export function latestJson(values: LatestValues): LatestValues {
  const out: LatestValues = {}
  for (const host of Object.keys(values).sort()) {
    const byName: Record<string, MetricValue | null> = {}
    for (const name of Object.keys(values[host]).sort()) {
      const v = values[host][name]
      byName[name] = v === null ? null : ({...(v.time ? {time: v.time} : {}), value: v.value} as MetricValue)
    }
    out[host] = byName
  }
  return out
}

function fetchView(values: LatestValues, hostIds: string[], names: string[], nowMs: number): View {
  return {
    render: (_p, width) => {
      const rows: string[][] = []
      for (const host of hostIds)
        for (const name of names) {
          const v = values[host]?.[name]
          rows.push(v ? [host, name, String(v.value), relativeTime(v.time, nowMs)] : [host, name, '-', ''])
        }
      return renderTable(['HOST', {head: 'METRIC', fit: true}, 'VALUE', 'TIME'], rows, {width})
    },
  }
}

/** Usage errors, found before anything is sent; the host ids and names to ask for. */
export function checkFetch(opts: Pick<FetchOptions, 'hostIds' | 'names'>): {hostIds: string[]; names: string[]} {
  const hostIds = [...new Set(opts.hostIds)]
  if (hostIds.length === 0) throw new UsageError('give at least one host id', {hint: 'e.g. mkr fetch -n loadavg5 2eQGDXqtoXs'})
  const names = metricNameList(opts.names)
  if (names.length === 0) throw new UsageError('give at least one metric name with -n/--name', {hint: 'e.g. mkr fetch -n loadavg5,memory.used 2eQGDXqtoXs'})
  return {hostIds, names}
}

export async function fetchRun(opts: FetchOptions, io: IOStreams, getClient: () => Promise<ApiClient>): Promise<void> {
  const {hostIds, names} = checkFetch(opts)
  const client = await getClient()
  io.progress.start(`fetching the latest values of ${hostIds.length} host${hostIds.length === 1 ? '' : 's'}`)
  let values: LatestValues
  try {
    values = latestJson(await fetchLatestValues(client, hostIds, names))
  } finally {
    io.progress.stop()
  }
  const nowMs = (opts.now ?? Date.now)()
  await exportData(values, {json: opts.json, jq: opts.jq, color: opts.color, quiet: io.quiet, tty: io.stdoutTTY}, fetchView(values, hostIds, names, nowMs), io)
}
