// `mkr update [HOSTID...]` with mkr's flags and semantics (reference/mkr-compat.md §1.2):
//   --status only          -> the bulk status path (set-status.ts), as `mkr status --set`
//   -o/--overwriteRoles    -> PUT role-fullnames with the -R list (none: every role removed)
//   -n, --displayName, --memo, -R without -o (roles added)
//                          -> GET the host, then PUT it back with the new values, keeping its meta,
//                             interfaces and customIdentifier (mkr leaves customIdentifier out of the PUT,
//                             which the API may take as "clear it")
// Every host is read first, so an unknown or retired id stops the command before anything changes.
// Then statuses (in bulk), then per host its roles and fields, in order; the first failure stops, and
// the error says what was changed, on which hosts, and what was not.
import type {ApiClient} from '../api/client.js'
import {getHosts, replaceHostRoles, updateHost, type Host, type HostStatus, type UpdateHostParam} from '../api/hosts.js'
import {CliError, UsageError} from '../errors.js'
import {failureOutcome} from '../monitors/plan.js'
import type {IOStreams} from '../output/iostreams.js'
import {escapeControl} from '../output/sanitize.js'
import {parseRoleFullnames} from './create.js'
import {setHostStatuses} from './set-status.js'

export interface UpdateOptions {
  ids: string[]
  name?: string
  displayName?: string
  status?: HostStatus
  /** -R values as given (repeatable, comma-separated) */
  roleFullnames?: string[]
  overwriteRoles?: boolean
  memo?: string
}

/** What an update does to every host, decided before anything is sent. */
interface Change {
  status?: HostStatus
  /** -o: the new role set (null: remove every role, as mkr sends it) */
  replaceRoles?: string[] | null
  /** the fields of the PUT, or undefined when no PUT is needed */
  fields?: {name?: string; displayName?: string; memo?: string; addRoles?: string[]}
}

/** The options as one change; a usage error when there is nothing to do. Empty values are ignored, as mkr does. */
export function planChange(opts: Omit<UpdateOptions, 'ids'>, warn: (line: string) => void): Change {
  const given = (flag: string, v: string | undefined) => {
    if (v === '') warn(`${flag} is empty: ignored (mkr cannot clear a field either)`)
    return v ? v : undefined
  }
  const name = given('--name', opts.name)
  const displayName = given('--displayName', opts.displayName)
  const memo = given('--memo', opts.memo)
  const roles = parseRoleFullnames(opts.roleFullnames)
  if (opts.roleFullnames?.length && roles.length === 0 && !opts.overwriteRoles) warn('--roleFullname is empty: ignored')
  const change: Change = {}
  if (opts.status) change.status = opts.status
  if (opts.overwriteRoles) change.replaceRoles = roles.length ? roles : null
  const addRoles = !opts.overwriteRoles && roles.length ? roles : undefined
  if (name || displayName || memo || addRoles) change.fields = {name, displayName, memo, addRoles}
  if (!change.status && change.replaceRoles === undefined && !change.fields)
    throw new UsageError('nothing to update', {
      hint: 'give at least one of --name, --displayName, --status, --roleFullname (-R), --overwriteRoles (-o), --memo; e.g. mkr update --status maintenance HOSTID',
    })
  return change
}

/** The PUT body: new values where given, the host's current ones otherwise (meta, interfaces, customIdentifier kept). */
export function putBody(h: Host, f: NonNullable<Change['fields']>): UpdateHostParam {
  const displayName = f.displayName ?? h.displayName
  const memo = f.memo ?? h.memo
  return {
    name: f.name ?? h.name,
    ...(displayName ? {displayName} : {}),
    ...(h.customIdentifier ? {customIdentifier: h.customIdentifier} : {}),
    ...(memo ? {memo} : {}),
    meta: h.meta ?? {},
    interfaces: h.interfaces ?? [],
    ...(f.addRoles ? {roleFullnames: f.addRoles} : {}),
  }
}

export async function updateHostsRun(opts: UpdateOptions, io: IOStreams, getClient: () => Promise<ApiClient>): Promise<void> {
  const change = planChange(opts, (l) => io.warn(l))
  const client = await getClient()
  const ids = [...new Set(opts.ids)]
  if (change.replaceRoles === undefined && !change.fields) {
    await setHostStatuses(client, ids, change.status!, (l) => io.info(l))
    return
  }

  let hosts: Host[]
  try {
    hosts = await getHosts(client, ids)
  } catch (error) {
    if (error instanceof CliError) throw new CliError(`${error.message}; nothing was changed`, {hint: error.hint})
    throw error
  }
  const retired = hosts.filter((h) => h.isRetired)
  if (retired.length)
    throw new CliError(`${retired.length === 1 ? 'host' : 'hosts'} ${retired.map((h) => h.id).join(' ')} ${retired.length === 1 ? 'is' : 'are'} retired; nothing was changed`, {
      hint: 'a retired host cannot be updated: leave its id out',
    })

  if (change.status) {
    try {
      await setHostStatuses(client, ids, change.status, () => {})
    } catch (error) {
      if (error instanceof CliError) throw new CliError(`${error.message}; no other change was made`, {hint: error.hint})
      throw error
    }
  }

  const done: string[] = []
  for (const h of hosts) {
    let rolesReplaced = false
    try {
      if (change.replaceRoles !== undefined) {
        await replaceHostRoles(client, h.id, change.replaceRoles)
        rolesReplaced = true
      }
      if (change.fields) await updateHost(client, h.id, putBody(h, change.fields))
    } catch (error) {
      if (!(error instanceof CliError)) throw error
      throw partFailure(error, h.id, {change, ids, done, rolesReplaced})
    }
    done.push(h.id)
    io.info(`   updated ${escapeControl(h.id)}`)
  }
}

/** The error of a failed write, saying what was changed on which hosts and what was not. */
function partFailure(
  error: CliError,
  failedId: string,
  s: {change: Change; ids: string[]; done: string[]; rolesReplaced: boolean},
): CliError {
  const parts: string[] = []
  if (s.change.status) parts.push(`status set to ${s.change.status} on ${s.ids.length === 1 ? 'the host' : `all ${s.ids.length} hosts`}`)
  if (s.done.length) parts.push(`updated: ${s.done.join(' ')}`)
  const unknown = failureOutcome(error) === 'unknown'
  if (s.rolesReplaced) parts.push(`${failedId}: roles replaced, other fields ${unknown ? 'may or may not have been updated' : 'not updated'}`)
  else parts.push(`${failedId}: ${unknown ? 'may or may not have been updated' : 'not updated'}`)
  const rest = s.ids.slice(s.ids.indexOf(failedId) + 1)
  if (rest.length) parts.push(`not updated: ${rest.join(' ')}`)
  return new CliError(`${error.message}; ${parts.join('; ')}`, {
    hint: error.hint ?? (unknown ? `check with \`mkr status -v ${failedId}\` whether it took effect` : undefined),
  })
}
