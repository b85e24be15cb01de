// Hosts (/api/v0/hosts): list, get, status changes, metric names.
import type {ApiClient} from './client.js'
import {InvalidResponseError} from './errors.js'

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

function expectArray<T>(body: unknown, key: string, path: string): T[] {
  const v = (body as Record<string, unknown> | null)?.[key]
  if (!Array.isArray(v)) throw new InvalidResponseError('GET', path, `no \`${key}\` array in the body`)
  return v as T[]
}

export async function listHosts(client: ApiClient, q: HostQuery = {}): Promise<Host[]> {
  const body = await client.get<unknown>('/api/v0/hosts', {...q})
  return expectArray<Host>(body, 'hosts', '/api/v0/hosts')
}

export async function getHost(client: ApiClient, id: string): Promise<Host> {
  const path = `/api/v0/hosts/${encodeURIComponent(id)}`
  const body = await client.get<{host?: Host}>(path)
  if (!body?.host || typeof body.host !== 'object') throw new InvalidResponseError('GET', path, 'no `host` object in the body')
  return body.host
}

export async function getMetricNames(client: ApiClient, id: string): Promise<string[]> {
  const path = `/api/v0/hosts/${encodeURIComponent(id)}/metric-names`
  return expectArray<string>(await client.get<unknown>(path), 'names', path)
}

/** Sets one host's status (idempotent: setting the same status twice is harmless). */
export async function updateHostStatus(client: ApiClient, id: string, status: HostStatus): Promise<void> {
  await client.request('POST', `/api/v0/hosts/${encodeURIComponent(id)}/status`, {body: {status}, idempotent: true})
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
