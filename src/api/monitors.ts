// Monitors (/api/v0/monitors). Monitors travel as plain JSON objects: fields and types this CLI does
// not know are kept, never dropped (reference/mackerel-api.md §3).
import type {Monitor} from '../monitors/types.js'
import type {ApiClient} from './client.js'
import {InvalidResponseError} from './errors.js'

export type {Monitor}

const PATH = '/api/v0/monitors'

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function checkMonitor(method: string, path: string, v: unknown): Monitor {
  if (!isObject(v)) throw new InvalidResponseError(method, path, 'expected a monitor object')
  if (typeof v.id !== 'string' || v.id === '') throw new InvalidResponseError(method, path, 'a monitor without an id')
  return v as Monitor
}

/** Every monitor, in the API's order (by type, then name). */
export async function listMonitors(client: ApiClient): Promise<Monitor[]> {
  const body = await client.get<unknown>(PATH)
  if (!isObject(body) || !Array.isArray(body.monitors)) throw new InvalidResponseError('GET', PATH, 'no `monitors` array in the body')
  return body.monitors.map((m) => checkMonitor('GET', PATH, m))
}

export async function getMonitor(client: ApiClient, id: string): Promise<Monitor> {
  const path = `${PATH}/${encodeURIComponent(id)}`
  const body = await client.get<unknown>(path)
  if (!isObject(body)) throw new InvalidResponseError('GET', path, 'expected {"monitor": {...}}')
  return checkMonitor('GET', path, body.monitor)
}

/**
 * Creating is not idempotent: the client retries it only when the request provably never left.
 * Returns the created monitor (with its new id) as the API answered it.
 */
export async function createMonitor(client: ApiClient, monitor: Monitor): Promise<Monitor> {
  const body = await client.post<unknown>(PATH, monitor)
  // a 2xx means it was created: an odd body must not turn that into a failure
  return isObject(body) ? (body as Monitor) : monitor
}

/** A full replace: fields left out are reset (scopes cleared, isMute false). */
export async function updateMonitor(client: ApiClient, id: string, monitor: Monitor): Promise<Monitor> {
  const path = `${PATH}/${encodeURIComponent(id)}`
  const body = await client.put<unknown>(path, monitor)
  return isObject(body) ? (body as Monitor) : monitor
}

export async function deleteMonitor(client: ApiClient, id: string): Promise<Monitor | undefined> {
  const body = await client.delete<unknown>(`${PATH}/${encodeURIComponent(id)}`)
  return isObject(body) ? (body as Monitor) : undefined
}
