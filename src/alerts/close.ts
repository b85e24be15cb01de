// `mkr alerts close`: closes each alert in turn and stops at the first failure, saying which were
// closed, which failed and which were not tried; -v (or --json) prints each closed alert as JSON.
import {alertJson, closeAlert} from '../api/alerts.js'
import type {ApiClient} from '../api/client.js'
import {checkIds, CliError, UsageError} from '../errors.js'
import {exportData} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'

export interface CloseOptions {
  ids: string[]
  reason?: string
  verbose?: boolean
  json?: boolean
}

export async function runClose(opts: CloseOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const ids = checkIds('alert id', opts.ids)
  if (ids.length === 0) throw new UsageError('give at least one alert id', {hint: 'mkr alerts close ID... [--reason TEXT]'})
  const api = await client()
  const closed: string[] = []
  for (const [i, id] of ids.entries()) {
    let alert
    try {
      alert = await withProgress(io, `closing alert ${id}`, () => closeAlert(api, id, opts.reason ?? ''))
    } catch (error) {
      if (ids.length > 1) {
        const summary = closeSummary(closed, id, ids.slice(i + 1))
        if (error instanceof CliError) error.hint = error.hint ? `${summary}; ${error.hint}` : summary
        else io.err(`mkr: ${summary}\n`)
      }
      throw error
    }
    closed.push(id)
    io.info(`Alert closed ${id}`)
    if (opts.verbose || opts.json) await exportData(alertJson(alert), {json: true}, undefined, io)
  }
}

/** Which alerts were closed, which one failed and which were not tried (the command stops at the first failure). */
export function closeSummary(closed: readonly string[], failed: string, notTried: readonly string[]): string {
  const list = (ids: readonly string[]) => (ids.length ? ids.join(' ') : '(none)')
  return `closed: ${list(closed)}; failed: ${failed}; not tried: ${list(notTried)}`
}
