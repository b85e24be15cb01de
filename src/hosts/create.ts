// `mkr create NAME`: registers a host (POST /api/v0/hosts), then sets its status when --status is
// given. Like mkr, the new id goes to stderr as `   created <id>` (never hidden by -q: it is the one
// thing the command tells), then `   updated <id> <status>`.
import type {ApiClient} from '../api/client.js'
import {createHost, updateHostStatus, type HostStatus} from '../api/hosts.js'
import {CliError, UsageError} from '../errors.js'
import {failureOutcome} from '../monitors/plan.js'
import type {IOStreams} from '../output/iostreams.js'
import {escapeControl} from '../output/sanitize.js'

export interface CreateOptions {
  name: string
  status?: HostStatus
  /** -R values as given (repeatable, comma-separated) */
  roleFullnames?: string[]
  customIdentifier?: string
  memo?: string
}

/** A service or role name (mackerel-api.md §0.7): 2-63 of `A-Z a-z 0-9 _ -`, not starting with `_` or `-`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,62}$/

/**
 * -R values checked before anything is sent: `SERVICE:ROLE` with valid names, comma-separated as in
 * mkr. Blanks around a value are dropped (mkr keeps the space of `-R "a:b, a:c"` and the API refuses " a:c"); duplicates too.
 */
export function parseRoleFullnames(values: readonly string[] | undefined, flag = '--roleFullname'): string[] {
  const out: string[] = []
  for (const raw of (values ?? []).flatMap((v) => v.split(','))) {
    const v = raw.trim()
    if (v === '') continue
    const parts = v.split(':')
    if (parts.length !== 2 || !NAME.test(parts[0]) || !NAME.test(parts[1]))
      throw new UsageError(`${flag} ${JSON.stringify(raw)}: expected SERVICE:ROLE`, {
        hint: 'service and role names are 2-63 letters, digits, `-` or `_` (not first), e.g. -R demo:web',
      })
    if (!out.includes(v)) out.push(v)
  }
  return out
}

/** Usage errors, found before anything is read or sent; returns the roles to register. */
export function checkCreate(opts: CreateOptions): string[] {
  if (opts.name.trim() === '') throw new UsageError('the host name is empty', {hint: 'e.g. mkr create web01'})
  return parseRoleFullnames(opts.roleFullnames)
}

export async function createHostRun(opts: CreateOptions, io: IOStreams, getClient: () => Promise<ApiClient>): Promise<string> {
  const roleFullnames = checkCreate(opts)
  const client = await getClient()
  let id: string
  try {
    id = await createHost(client, {
      name: opts.name,
      roleFullnames,
      ...(opts.customIdentifier ? {customIdentifier: opts.customIdentifier} : {}),
      ...(opts.memo ? {memo: opts.memo} : {}),
    })
  } catch (error) {
    // a POST that may have arrived is never resent (it would register a second host): say so
    if (error instanceof CliError && failureOutcome(error) === 'unknown')
      throw new CliError(`${error.message}; the host may or may not have been registered`, {
        hint: `check with \`mkr hosts --name ${opts.name}\` before creating it again`,
      })
    throw error
  }
  io.err(`   created ${escapeControl(id)}\n`)
  if (opts.status) {
    try {
      await updateHostStatus(client, id, opts.status)
    } catch (error) {
      if (!(error instanceof CliError)) throw error
      throw new CliError(`host ${id} was created, but setting its status failed: ${error.message}`, {
        hint: error.hint ?? `set it with \`mkr update --status ${opts.status} ${id}\``,
      })
    }
    io.err(`   updated ${escapeControl(id)} ${opts.status}\n`)
  }
  return id
}
