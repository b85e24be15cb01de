// `mkr dashboards pull [--id ID]`: writes dashboard-<id>.json for one or every dashboard, with every
// field the API returns. Unlike mkr, pulling all fetches each dashboard in full (the list endpoint
// has no widgets, so mkr's files from it would wipe the widgets when pushed back), and everything is
// fetched before the first file is written.
import {join} from 'node:path'
import type {ApiClient} from '../api/client.js'
import {getDashboard, listDashboards, type Dashboard} from '../api/dashboards.js'
import {checkIds, CliError, fsReason} from '../errors.js'
import {writeFileSafely} from '../files.js'
import type {IOStreams} from '../output/iostreams.js'
import {formatJson} from '../output/json.js'
import {withProgress} from '../output/progress.js'
import {escapeControl} from '../output/sanitize.js'

export interface PullOptions {
  id?: string
  /** directory to write into (default: the current one) */
  dir?: string
}

/** An id safe to put in a file name (a server answer must not pick another directory). */
const SAFE_ID = /^[A-Za-z0-9_-]+$/

export function dashboardFileName(id: string): string {
  if (!SAFE_ID.test(id)) throw new CliError(`the API returned a dashboard id that cannot be a file name: ${JSON.stringify(id)}`, {hint: 'nothing was written'})
  return `dashboard-${id}.json`
}

export async function runDashboardsPull(opts: PullOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const api = await client()
  let dashboards: Dashboard[]
  if (opts.id !== undefined) {
    const [id] = checkIds('dashboard id', [opts.id])
    dashboards = [await withProgress(io, 'fetching the dashboard', () => getDashboard(api, id))]
  } else {
    const list = await withProgress(io, 'fetching dashboards', () => listDashboards(api))
    dashboards = []
    for (const [i, d] of list.entries()) dashboards.push(await withProgress(io, `fetching dashboard ${i + 1}/${list.length}`, () => getDashboard(api, d.id)))
  }
  const files = dashboards.map((d) => dashboardFileName(d.id))
  for (const [i, d] of dashboards.entries()) {
    const file = opts.dir ? join(opts.dir, files[i]) : files[i]
    try {
      writeFileSafely(file, formatJson(d), {mode: 0o666})
    } catch (error) {
      throw new CliError(`cannot write ${file}: ${fsReason(error, {enoent: 'no such directory'})}`, {
        hint: i > 0 ? `${i} of ${dashboards.length} dashboard files were written before this one` : undefined,
      })
    }
    io.info(`Dashboard file is saved to '${escapeControl(file)}'(title:${escapeControl(d.title)})`)
  }
  if (dashboards.length === 0) io.info('No dashboards to pull.')
}
