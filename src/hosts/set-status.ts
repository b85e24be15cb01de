// Changing host status for `mkr status --set` and `mkr update --status`: one call for one host, the
// bulk endpoint in chunks of 30 otherwise; a failure part-way says exactly what was and was not changed.
import type {ApiClient} from '../api/client.js'
import {updateHostStatuses, type HostStatus} from '../api/hosts.js'
import {CliError} from '../errors.js'

export async function setHostStatuses(
  client: ApiClient,
  ids: string[],
  status: HostStatus,
  log: (line: string) => void,
): Promise<void> {
  const unique = [...new Set(ids)]
  const done = new Set<string>()
  try {
    await updateHostStatuses(client, unique, status, (chunk) => {
      for (const id of chunk) {
        done.add(id)
        log(`   updated ${id} ${status}`)
      }
    })
  } catch (error) {
    if (done.size === 0 || !(error instanceof CliError)) throw error
    const left = unique.filter((id) => !done.has(id))
    throw new CliError(`${error.message}; ${done.size} of ${unique.length} hosts were updated, not updated: ${left.join(' ')}`, {
      hint: error.hint,
    })
  }
}
