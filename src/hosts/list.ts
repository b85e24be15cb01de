// `mkr hosts`: the hosts the filters select, as a table on a terminal, mkr's reduced JSON otherwise
// (the raw API objects with -v), or what --jq makes of that JSON.
import type {ApiClient} from '../api/client.js'
import {listHosts} from '../api/hosts.js'
import {UsageError} from '../errors.js'
import type {Palette} from '../output/color.js'
import {exportData, type OutputOptions} from '../output/export.js'
import {goTemplate} from '../output/go-format.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {renderTable} from '../output/table.js'
import {HOST_COLUMNS, hostTableRows, reduceHost} from './format.js'

export interface HostsOptions extends OutputOptions {
  name?: string
  service?: string
  role?: string[]
  status?: string[]
  /** the raw host objects, as JSON even on a terminal */
  verbose?: boolean
  /** -f: a Go text/template over the raw hosts (mackerel-client-go's Host fields), as mkr */
  format?: string
}

export async function runHosts(opts: HostsOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  if (opts.role?.length && !opts.service) throw new UsageError('--role needs --service', {hint: 'e.g. mkr hosts --service demo --role web'})
  const template = opts.format === undefined ? undefined : await goTemplate(opts.format, opts.jq, 'hosts')
  const api = await client()
  const hosts = await withProgress(io, 'fetching hosts', () =>
    listHosts(api, {name: opts.name, service: opts.service, role: opts.role, status: opts.status}),
  )
  if (template) return template.print(hosts, io)
  if (opts.verbose) return exportData(hosts, opts, undefined, io)
  const table = {render: (p: Palette, width: number) => renderTable(HOST_COLUMNS, hostTableRows(hosts, p), {width}), empty: 'no hosts'}
  await exportData(
    hosts.map((h) => reduceHost(h)),
    opts,
    table,
    io,
  )
}
