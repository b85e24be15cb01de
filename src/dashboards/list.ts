// `mkr dashboards`: the custom dashboards, as mackerel-client-go's Dashboard marshals them (the list
// endpoint carries no widgets, so `widgets` is null as in mkr), or a table on a terminal.
import type {ApiClient} from '../api/client.js'
import {listDashboards, type Dashboard} from '../api/dashboards.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {renderTable, type Column} from '../output/table.js'
import {relativeTime} from '../output/time.js'
import {oneLine} from '../org/services.js'

/** One dashboard in mkr's list shape: Go field order; zero times left out; `widgets` null when absent. */
export function dashboardJson(d: Dashboard): Record<string, unknown> {
  return {
    ...(d.id ? {id: d.id} : {}),
    title: d.title,
    urlPath: d.urlPath,
    ...(d.createdAt ? {createdAt: Math.trunc(d.createdAt)} : {}),
    ...(d.updatedAt ? {updatedAt: Math.trunc(d.updatedAt)} : {}),
    memo: d.memo ?? '',
    widgets: d.widgets ?? null,
  }
}

const COLUMNS: Column[] = [{head: 'TITLE', fit: true}, {head: 'ID'}, {head: 'URL PATH', fit: true}, {head: 'UPDATED'}, {head: 'MEMO', fit: true}]

export async function runDashboards(opts: OutputOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const api = await client()
  const dashboards = await withProgress(io, 'fetching dashboards', () => listDashboards(api))
  const now = Date.now()
  const rows = dashboards.map((d) => [d.title, d.id, d.urlPath, d.updatedAt ? relativeTime(d.updatedAt, now) : '', oneLine(d.memo ?? '')])
  await exportData(dashboards.map(dashboardJson), opts, {render: (_p, width) => renderTable(COLUMNS, rows, {width}), empty: 'no dashboards'}, io)
}
