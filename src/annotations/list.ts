// `mkr annotations list`: the graph annotations of a service that overlap a time range; a table on a
// terminal (local times), mkr's JSON otherwise, or what --jq makes of it.
import {annotationJson, listAnnotations} from '../api/annotations.js'
import type {ApiClient} from '../api/client.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {renderTable, type Column} from '../output/table.js'
import {localDateTime} from '../output/time.js'
import {annotationTimes, checkRange, missing} from './input.js'

export interface ListOptions extends OutputOptions {
  service?: string
  from?: string
  to?: string
}

const COLUMNS: Column[] = [{head: 'ID'}, {head: 'FROM'}, {head: 'TO'}, {head: 'TITLE', fit: true}, {head: 'ROLES', fit: true}]

export async function runList(opts: ListOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const action = 'list graph annotations'
  if (!opts.service) throw missing('service', action, 'NAME')
  const {from, to} = annotationTimes(opts, action)
  checkRange(from, to)
  const api = await client()
  const list = await withProgress(io, 'fetching annotations', () => listAnnotations(api, {service: opts.service!, from, to}))
  const rows = () => list.map((a) => [a.id, localDateTime(a.from), localDateTime(a.to), a.title, (a.roles ?? []).join(',') || '(all)'])
  const table = {render: (_: unknown, width: number) => renderTable(COLUMNS, rows(), {width}), empty: 'no annotations'}
  await exportData(
    list.map((a) => annotationJson(a)),
    opts,
    table,
    io,
  )
}
