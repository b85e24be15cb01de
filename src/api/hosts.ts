// Hosts (/api/v0/hosts): list, get, create, update, status and role changes, retire, metric names.
import type {ApiClient} from './client.js'
import {arrayOf, boolean, checked, idString, number, object, optional, recordOf, string, type Check} from './shape.js'

export interface HostInterface {
  name: string
  macAddress?: string
  ipAddress?: string
  ipv4Addresses?: string[]
  ipv6Addresses?: string[]
  ipv6Address?: string
}

export interface Host {
  id: string
  name: string
  displayName?: string
  customIdentifier?: string
  size?: string
  status: string
  memo?: string
  roles?: Record<string, string[]>
  isRetired: boolean
  createdAt: number
  retiredAt?: number
  meta?: Record<string, unknown>
  interfaces?: HostInterface[]
  [key: string]: unknown
}

export const HOST_STATUSES = ['working', 'standby', 'maintenance', 'poweroff'] as const
export type HostStatus = (typeof HOST_STATUSES)[number]
/** The bulk status endpoint takes at most this many ids. */
export const BULK_LIMIT = 30

export interface HostQuery {
  service?: string
  role?: string[]
  name?: string
  status?: string[]
  customIdentifier?: string
}

/**
 * The host fields the commands use (the table, mkr's reduced shape, alerts list): an absent or null
 * optional field is "not set"; a field of another type is an invalid response. Other fields pass as
 * they are (`hosts -v` prints the raw objects).
 */
export const hostShape: Check = object({
  id: idString,
  name: string,
  displayName: optional(string),
  customIdentifier: optional(string),
  status: string,
  memo: optional(string),
  roles: optional(recordOf(arrayOf(string))),
  isRetired: boolean,
  createdAt: number,
  retiredAt: optional(number),
  interfaces: optional(
    arrayOf(
      object({
        name: string,
        ipAddress: optional(string),
        ipv4Addresses: optional(arrayOf(string)),
      }),
    ),
  ),
})

export async function listHosts(client: ApiClient, q: HostQuery = {}): Promise<Host[]> {
  const path = '/api/v0/hosts'
  const body = await client.get<unknown>(path, {...q})
  return checked<{hosts: Host[]}>(client, 'GET', path, body, object({hosts: arrayOf(hostShape)})).hosts
}

export async function getHost(client: ApiClient, hostId: string): Promise<Host> {
  const path = `/api/v0/hosts/${encodeURIComponent(hostId)}`
  const body = await client.get<unknown>(path)
  return checked<{host: Host}>(client, 'GET', path, body, object({host: hostShape})).host
}

export async function getMetricNames(client: ApiClient, hostId: string): Promise<string[]> {
  const path = `/api/v0/hosts/${encodeURIComponent(hostId)}/metric-names`
  const body = await client.get<unknown>(path)
  return checked<{names: string[]}>(client, 'GET', path, body, object({names: arrayOf(string)})).names
}

/** Sets one host's status (idempotent: setting the same status twice is harmless). */
export async function updateHostStatus(client: ApiClient, hostId: string, status: HostStatus): Promise<void> {
  await client.request('POST', `/api/v0/hosts/${encodeURIComponent(hostId)}/status`, {body: {status}, idempotent: true})
}

/**
 * Sets the status of many hosts: one call for one host, else the bulk endpoint in chunks of 30.
 * `onChunk` is told after each successful call which ids changed, so a failure can say what was applied.
 */
export async function updateHostStatuses(
  client: ApiClient,
  ids: string[],
  status: HostStatus,
  onChunk?: (ids: string[]) => void,
): Promise<void> {
  if (ids.length === 1) {
    await updateHostStatus(client, ids[0], status)
    onChunk?.(ids)
    return
  }
  for (let i = 0; i < ids.length; i += BULK_LIMIT) {
    const chunk = ids.slice(i, i + BULK_LIMIT)
    await client.request('POST', '/api/v0/hosts/bulk-update-statuses', {body: {status, ids: chunk}, idempotent: true})
    onChunk?.(chunk)
  }
}

/** What a new host is registered with (mackerel-api.md §1.1); `meta` is required by the API, `{}` when none. */
export interface CreateHostParam {
  name: string
  displayName?: string
  customIdentifier?: string
  memo?: string
  meta?: Record<string, unknown>
  interfaces?: HostInterface[]
  roleFullnames?: string[]
}

/**
 * Registers a host and returns its id. Not idempotent (a resent POST registers a second host), so the
 * client retries it only when the request provably never left.
 */
export async function createHost(client: ApiClient, param: CreateHostParam): Promise<string> {
  const path = '/api/v0/hosts'
  const body = await client.request<unknown>('POST', path, {body: {...param, meta: param.meta ?? {}}})
  return checked<{id: string}>(client, 'POST', path, body, object({id: idString})).id
}

/**
 * The body of `PUT /api/v0/hosts/<id>` (§1.4): the API keeps roles not listed (roleFullnames is
 * additive) and clears customIdentifier when it is null or "", so callers re-send the current one.
 */
export interface UpdateHostParam {
  name: string
  displayName?: string
  customIdentifier?: string
  memo?: string
  meta: Record<string, unknown>
  interfaces: HostInterface[]
  roleFullnames?: string[]
}

/** Replaces a host's fields (idempotent: the same PUT twice leaves the same host). */
export async function updateHost(client: ApiClient, hostId: string, param: UpdateHostParam): Promise<void> {
  const path = `/api/v0/hosts/${encodeURIComponent(hostId)}`
  const body = await client.request<unknown>('PUT', path, {body: param})
  checked<{id: string}>(client, 'PUT', path, body, object({id: idString}))
}

/** Replaces a host's role set (§1.7); `null` (what mkr sends for `update -o` without -R) removes every role. */
export async function replaceHostRoles(client: ApiClient, hostId: string, roleFullnames: string[] | null): Promise<void> {
  await client.request('PUT', `/api/v0/hosts/${encodeURIComponent(hostId)}/role-fullnames`, {body: {roleFullnames}})
}

/**
 * Retires hosts: the single endpoint for one host, else the bulk endpoint in chunks of 30 (§1.8, §1.9).
 * A retired host cannot be retired again (the API answers 404), so these POSTs are not resent after
 * they may have arrived. `onChunk` is told after each successful call which ids were retired.
 */
export async function retireHosts(client: ApiClient, ids: string[], onChunk?: (ids: string[]) => void): Promise<void> {
  if (ids.length === 1) {
    await client.request('POST', `/api/v0/hosts/${encodeURIComponent(ids[0])}/retire`, {body: {}})
    onChunk?.(ids)
    return
  }
  for (let i = 0; i < ids.length; i += BULK_LIMIT) {
    const chunk = ids.slice(i, i + BULK_LIMIT)
    await client.request('POST', '/api/v0/hosts/bulk-retire', {body: {ids: chunk}})
    onChunk?.(chunk)
  }
}

/** GETs at once when reading many hosts one by one: a few in flight, never a burst of hundreds. */
export const GET_CONCURRENCY = 8

/** Several hosts by id, in the order given; the first failure (a 404 for an unknown id) rejects. */
export async function getHosts(client: ApiClient, ids: readonly string[], concurrency = GET_CONCURRENCY): Promise<Host[]> {
  const out: Host[] = new Array(ids.length)
  let next = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < ids.length) {
      const i = next++
      try {
        out[i] = await getHost(client, ids[i])
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(concurrency, ids.length)}, worker))
  return out
}
