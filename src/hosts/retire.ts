// `mkr retire [HOSTID...]`: retiring is irreversible, so every host is read first (an unknown id stops
// the command before anything is retired), the hosts are shown by id and name, and at a terminal
// retiring needs a "yes" (or --force). Without a terminal it retires without asking, as mkr does
// (termination scripts rely on it), naming each host. One host goes through the single endpoint, more
// through the bulk one in chunks of 30; a failure part-way names the hosts retired and not retired.
import type {ApiClient} from '../api/client.js'
import {BULK_LIMIT, getHosts, retireHosts, type Host} from '../api/hosts.js'
import {CliError} from '../errors.js'
import {failureOutcome} from '../monitors/plan.js'
import type {IOStreams} from '../output/iostreams.js'
import {escapeControl} from '../output/sanitize.js'

export interface RetireOptions {
  ids: string[]
  force?: boolean
}

const label = (h: Host) => `${escapeControl(h.id)} (${escapeControl(h.displayName ? `${h.name}, ${h.displayName}` : h.name)})`

export async function retireHostsRun(opts: RetireOptions, io: IOStreams, getClient: () => Promise<ApiClient>): Promise<void> {
  const client = await getClient()
  const ids = [...new Set(opts.ids)]
  let hosts: Host[]
  try {
    hosts = await getHosts(client, ids)
  } catch (error) {
    if (error instanceof CliError) throw new CliError(`${error.message}; nothing was retired`, {hint: error.hint})
    throw error
  }
  for (const h of hosts) if (h.isRetired) io.warn(`host ${label(h)} is already retired: skipped`)
  const live = hosts.filter((h) => !h.isRetired)
  if (live.length === 0) return

  // Without --force, someone at a terminal must say yes. Without a terminal (a termination script)
  // mkr retires without asking, and scripts rely on it: so do we, naming each host as it goes.
  if (!opts.force && io.confirm) {
    io.err(`Retire following ${live.length === 1 ? 'host' : `${live.length} hosts`} (this cannot be undone):\n${live.map((h) => `  ${label(h)}\n`).join('')}`)
    if (!(await io.confirm('Are you sure?'))) {
      io.info('retirement is canceled.')
      return
    }
  }

  const byId = new Map(live.map((h) => [h.id, h]))
  const done: string[] = []
  try {
    await retireHosts(
      client,
      live.map((h) => h.id),
      (chunk) => {
        for (const id of chunk) {
          done.push(id)
          io.info(`   retired ${label(byId.get(id)!)}`)
        }
      },
    )
  } catch (error) {
    if (!(error instanceof CliError)) throw error
    const left = live.map((h) => h.id).filter((id) => !done.includes(id))
    const unknown = failureOutcome(error) === 'unknown'
    // chunks go one after another: the failed one is the next chunk after those retired
    const failed = left.slice(0, BULK_LIMIT)
    const parts = [`${done.length} of ${live.length} ${live.length === 1 ? 'host was' : 'hosts were'} retired`]
    if (unknown) {
      parts.push(`may or may not have been retired: ${failed.join(' ')}`)
      if (left.length > failed.length) parts.push(`not retired: ${left.slice(failed.length).join(' ')}`)
    } else parts.push(`not retired: ${left.join(' ')}`)
    throw new CliError(`${error.message}; ${parts.join(', ')}`, {
      hint: error.hint ?? (unknown ? `check with \`mkr status ID\` (isRetired) before retrying` : undefined),
    })
  }
}

