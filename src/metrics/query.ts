// `mkr metrics`: the values of one host or service metric in a time range
// (GET /api/v0/hosts/<id>/metrics or /api/v0/services/<name>/metrics). Piped or --json: mkr's JSON,
// `[{"time": …, "value": …}]` oldest first; on a terminal a TIME / VALUE table in local time.
// --from and --to take epoch seconds as mkr does, and every form of src/timespec.ts (-3h, now,
// 2024-05-01T12:00); as in mkr, --from defaults to 0 and --to to now (0 also means now).
import type {ApiClient} from '../api/client.js'
import {fetchHostMetricValues, fetchServiceMetricValues, type MetricValue} from '../api/metrics.js'
import {UsageError} from '../errors.js'
import {exportData, type View} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {renderTable} from '../output/table.js'
import {localDateTime} from '../output/time.js'
import {parseTimeFlag} from '../timespec.js'

export interface QueryOptions {
  host?: string
  service?: string
  name?: string
  from?: string
  to?: string
  json?: boolean
  jq?: string
  color?: boolean
  /** the clock (ms) for `now`, relative times and the default --to */
  now?: () => number
}

/** A --from/--to value: mkr's 0 (the epoch for --from, now for --to) or any time form. */
export function rangeBound(flag: 'from' | 'to', value: string | undefined, nowMs: number): number {
  if (value === undefined || value.trim() === '0') return flag === 'from' ? 0 : Math.floor(nowMs / 1000)
  return parseTimeFlag(flag, value, nowMs)
}

/** The range asked for, checked: epoch seconds, from <= to. */
export function timeRange(opts: Pick<QueryOptions, 'from' | 'to'>, nowMs: number): {from: number; to: number} {
  const from = rangeBound('from', opts.from, nowMs)
  const to = rangeBound('to', opts.to, nowMs)
  if (from > to)
    throw new UsageError(`--from (${localDateTime(from)}) is after --to (${localDateTime(to)})`, {hint: 'e.g. mkr metrics -s demo -n access.count --from -3h --to now'})
  return {from, to}
}

function valuesView(values: MetricValue[]): View {
  return {
    render: (_p, width) => renderTable(['TIME', 'VALUE'], values.map((v) => [localDateTime(v.time), String(v.value)]), {width}),
    empty: 'no values in that time range',
  }
}

/** Usage errors, found before anything is sent; the time range asked for. */
export function checkQuery(opts: QueryOptions, nowMs: number): {from: number; to: number} {
  if (opts.host === undefined && opts.service === undefined)
    throw new UsageError('give --host HOSTID or --service SERVICE', {hint: 'e.g. mkr metrics --service demo --name access.count --from -1h'})
  for (const [flag, v] of [['--host', opts.host], ['--service', opts.service]] as const)
    if (v !== undefined && v.trim() === '') throw new UsageError(`${flag} is empty`, {hint: 'check the variable that should hold it'})
  if (opts.name === undefined || opts.name.trim() === '')
    throw new UsageError('give the metric with -n/--name', {hint: 'list them with `mkr metric-names --host HOSTID` or `--service SERVICE`'})
  return timeRange(opts, nowMs)
}

export async function metricsRun(opts: QueryOptions, io: IOStreams, getClient: () => Promise<ApiClient>): Promise<void> {
  const nowMs = (opts.now ?? Date.now)()
  const {from, to} = checkQuery(opts, nowMs)
  const client = await getClient()
  if (opts.host !== undefined && opts.service !== undefined) io.warn('--host and --service both given: reading the host metric (as mkr does), --service ignored')
  io.progress.start(`fetching ${opts.name}`)
  let values: MetricValue[]
  try {
    values =
      opts.host !== undefined
        ? await fetchHostMetricValues(client, opts.host, opts.name!, from, to)
        : await fetchServiceMetricValues(client, opts.service!, opts.name!, from, to)
  } finally {
    io.progress.stop()
  }
  // mkr's MetricValue: `name` and a zero `time` are left out (omitempty)
  const data = values.map((v) => ({...(v.time ? {time: v.time} : {}), value: v.value}))
  await exportData(data, {json: opts.json, jq: opts.jq, color: opts.color, quiet: io.quiet, tty: io.stdoutTTY}, valuesView(values), io)
}
