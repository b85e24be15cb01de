// `mkr metric-names`: the metric names of a host or a service. On a terminal one name a line (sorted,
// so related names sit together); piped, the exporter prints mkr's JSON array in the API's order.
import type {ApiClient} from '../api/client.js'
import {getHostMetricNames, getServiceMetricNames} from '../api/metrics.js'
import {checkIds, UsageError} from '../errors.js'
import {exportData, type OutputOptions, type View} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {escapeControl} from '../output/sanitize.js'

export function metricNamesView(names: readonly string[]): View {
  return {render: () => [...names].sort().map((n) => escapeControl(n) + '\n').join(''), empty: 'no metric names'}
}

export interface MetricNamesOptions extends OutputOptions {
  host?: string
  service?: string
}

export async function runMetricNames(opts: MetricNamesOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  if (opts.host === undefined && opts.service === undefined)
    throw new UsageError('give --host HOSTID or --service SERVICE', {hint: 'e.g. mkr metric-names --service demo'})
  const host = opts.host === undefined ? undefined : checkIds('host id', [opts.host])[0]
  const service = host === undefined ? checkIds('service name', [opts.service!])[0] : undefined
  if (host !== undefined && opts.service !== undefined)
    io.warn("--host and --service both given: listing the host's metric names (as mkr does), --service ignored")
  const api = await client()
  const names = await withProgress(io, 'fetching metric names', () =>
    host !== undefined ? getHostMetricNames(api, host) : getServiceMetricNames(api, service!),
  )
  await exportData(names, opts, metricNamesView(names), io)
}
