// `mkr services`: the organization's services with their roles, as mkr's JSON ({name, memo, roles})
// or a table on a terminal.
import type {ApiClient} from '../api/client.js'
import {listServices, type Service} from '../api/services.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {renderTable, type Column} from '../output/table.js'

/** mackerel-client-go's Service as mkr prints it: every field, `roles` null when the API gave none. */
export function serviceJson(s: Service): {name: string; memo: string; roles: string[] | null} {
  return {name: s.name, memo: s.memo ?? '', roles: s.roles ?? null}
}

const COLUMNS: Column[] = [{head: 'NAME'}, {head: 'ROLES', fit: true}, {head: 'MEMO', fit: true}]

export async function runServices(opts: OutputOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const api = await client()
  const services = await withProgress(io, 'fetching services', () => listServices(api))
  const rows = services.map((s) => [s.name, (s.roles ?? []).join(', '), oneLine(s.memo ?? '')])
  await exportData(services.map(serviceJson), opts, {render: (_p, width) => renderTable(COLUMNS, rows, {width}), empty: 'no services'}, io)
}

/** A memo on one table line: its first line, `…` when there is more. */
export function oneLine(text: string): string {
  const lines = text.trim().split(/\r?\n/)
  return lines.length > 1 ? `${lines[0]} …` : lines[0]
}
