// `mkr status`: one host in mkr's reduced shape (-v: the raw host plus its metric names), or, with
// --set, a new status for every host given (src/hosts/set-status.ts).
import type {ApiClient} from '../api/client.js'
import {getHost, getMetricNames, type HostStatus} from '../api/hosts.js'
import {checkIds, UsageError} from '../errors.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {reduceHost} from './format.js'
import {setHostStatuses} from './set-status.js'

export interface StatusOptions extends OutputOptions {
  /** the hosts (the command fills in the agent's id when none is given) */
  ids: string[]
  verbose?: boolean
  set?: HostStatus
}

export async function runStatus(opts: StatusOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const ids = checkIds('host id', opts.ids)
  if (opts.set) {
    if (opts.jq !== undefined || opts.json) throw new UsageError(`--set prints nothing: drop --${opts.jq === undefined ? 'json' : 'jq'}`)
    await setHostStatuses(await client(), ids, opts.set, (l) => io.info(l))
    return
  }
  if (ids.length !== 1) throw new UsageError('show one host at a time', {hint: 'to change several hosts, add --set STATUS'})
  const api = await client()
  const shown = await withProgress(io, `fetching host ${ids[0]}`, async () => {
    const host = await getHost(api, ids[0])
    return opts.verbose ? {...host, metrics: await getMetricNames(api, ids[0])} : reduceHost(host)
  })
  await exportData(shown, opts, undefined, io)
}
