// `mkr users`: the organization's members. mkr's JSON (reference/mkr-compat.md §1.2): a reduced shape
// with `joinedAt` as local ISO-8601; with -v the client struct as Go marshals it (empty fields and
// false booleans left out, epoch `joinedAt`); with -f a Go template over the raw users.
import type {ApiClient} from '../api/client.js'
import {listUsers, type User} from '../api/users.js'
import {exportData, type OutputOptions} from '../output/export.js'
import {goTemplate} from '../output/go-format.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {renderTable, type Column} from '../output/table.js'
import {isoLocal, relativeTime} from '../output/time.js'

export interface UsersOptions extends OutputOptions {
  /** mackerel-client-go's User as Go marshals it, as JSON even on a terminal */
  verbose?: boolean
  /** -f: a Go text/template over the raw users (Go field names: .ScreenName, .Email, ...) */
  format?: string
}

const nonEmpty = <T>(key: string, v: T | undefined | null, empty: boolean): Record<string, T> => (v === undefined || v === null || empty ? {} : {[key]: v})

/** mkr's users shape: id, screenName, email, authority (left out when empty), both booleans, methods, local ISO joinedAt. */
export function userJson(u: User): Record<string, unknown> {
  const methods = u.authenticationMethods ?? []
  return {
    ...nonEmpty('id', u.id, !u.id),
    ...nonEmpty('screenName', u.screenName, !u.screenName),
    ...nonEmpty('email', u.email, !u.email),
    ...nonEmpty('authority', u.authority, !u.authority),
    isInRegistrationProcess: u.isInRegistrationProcess === true,
    isMFAEnabled: u.isMFAEnabled === true,
    ...nonEmpty('authenticationMethods', methods, methods.length === 0),
    joinedAt: isoLocal(u.joinedAt ?? 0),
  }
}

/** `mkr users -v`: mackerel-client-go's User marshalled (every field omitempty). */
export function rawUserJson(u: User): Record<string, unknown> {
  const methods = u.authenticationMethods ?? []
  return {
    ...nonEmpty('id', u.id, !u.id),
    ...nonEmpty('screenName', u.screenName, !u.screenName),
    ...nonEmpty('email', u.email, !u.email),
    ...nonEmpty('authority', u.authority, !u.authority),
    ...nonEmpty('isInRegistrationProcess', u.isInRegistrationProcess, u.isInRegistrationProcess !== true),
    ...nonEmpty('isMFAEnabled', u.isMFAEnabled, u.isMFAEnabled !== true),
    ...nonEmpty('authenticationMethods', methods, methods.length === 0),
    ...nonEmpty('joinedAt', Math.trunc(u.joinedAt ?? 0), !Math.trunc(u.joinedAt ?? 0)),
  }
}

const COLUMNS: Column[] = [{head: 'SCREEN NAME', fit: true}, {head: 'EMAIL', fit: true}, {head: 'AUTHORITY'}, {head: 'MFA'}, {head: 'SIGN-IN', fit: true}, {head: 'JOINED'}, {head: 'ID'}]

function userRows(users: User[], nowMs = Date.now()): string[][] {
  return users.map((u) => [
    u.screenName ?? '',
    u.email ?? '',
    (u.authority ?? '') + (u.isInRegistrationProcess ? ' (registering)' : ''),
    u.isMFAEnabled ? 'yes' : 'no',
    (u.authenticationMethods ?? []).join(', '),
    u.joinedAt ? relativeTime(u.joinedAt, nowMs) : '',
    u.id,
  ])
}

export async function runUsers(opts: UsersOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  // an empty -f is no template, as in mkr
  const template = opts.format ? await goTemplate(opts.format, opts.jq, 'users') : undefined
  const api = await client()
  const users = await withProgress(io, 'fetching users', () => listUsers(api))
  if (template) return template.print(users, io)
  if (opts.verbose) return exportData(users.map(rawUserJson), opts, undefined, io)
  await exportData(users.map(userJson), opts, {render: (_p, width) => renderTable(COLUMNS, userRows(users), {width}), empty: 'no users'}, io)
}
