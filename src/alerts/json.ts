// `mkr alerts`: alerts newest first in mkr's JSON shape, paged through nextId up to the limit.
import {alertJson, listAlerts} from '../api/alerts.js'
import type {ApiClient} from '../api/client.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {alertsLimit, pageInterval, pageProgress} from './cli.js'

export interface FetchOptions {
  'with-closed'?: boolean
  limit?: string
  'page-interval'?: string
}

/** The alerts the fetch flags select (limits checked before any request), with progress on a terminal. */
export async function fetchAlerts(opts: FetchOptions, io: IOStreams, client: () => Promise<ApiClient>) {
  const limit = alertsLimit(opts)
  const pageDelayMs = pageInterval(opts)
  const api = await client()
  return withProgress(io, 'fetching alerts', () =>
    listAlerts(api, {withClosed: opts['with-closed'], limit, pageDelayMs, onPage: pageProgress(io, 'alerts')}),
  )
}

export async function runAlerts(opts: FetchOptions & OutputOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const alerts = await fetchAlerts(opts, io, client)
  await exportData(
    alerts.map((a) => alertJson(a)),
    opts,
    undefined,
    io,
  )
}
