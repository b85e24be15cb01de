// `mkr alerts logs`: the logs of one alert, newest first, in mkr's JSON shape, paged up to --limit.
import {alertLogJson, listAlertLogs} from '../api/alerts.js'
import type {ApiClient} from '../api/client.js'
import {checkIds, UsageError} from '../errors.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {pageProgress, parseLimit} from './cli.js'

export interface LogsOptions extends OutputOptions {
  id?: string
  limit?: string
}

export async function runLogs(opts: LogsOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  if (opts.id === undefined) throw new UsageError('give the alert id', {hint: 'mkr alerts logs ID [--limit N]'})
  const [id] = checkIds('alert id', [opts.id])
  const limit = parseLimit(opts.limit, 100)
  const api = await client()
  const logs = await withProgress(io, 'fetching alert logs', () => listAlertLogs(api, id, {limit, onPage: pageProgress(io, 'logs')}))
  await exportData(
    logs.map((l) => alertLogJson(l)),
    opts,
    undefined,
    io,
  )
}
