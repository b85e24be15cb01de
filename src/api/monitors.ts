// Monitors (/api/v0/monitors). Monitors travel as plain JSON objects: fields and types this CLI does
// not know are kept, never dropped (reference/mackerel-api.md §3).
import type {Monitor} from '../monitors/types.js'
import type {ApiClient} from './client.js'
import {arrayOf, checked, idString, isObject, object, optional, string, type Check} from './shape.js'

export type {Monitor}

const PATH = '/api/v0/monitors'

/**
 * What every command needs of a monitor: an id to update or delete it by, its type, its name (when it has
 * one). Everything else is kept exactly as the API sent it (pull writes every field; diff compares them).
 */
export const monitorShape: Check = object({id: idString, type: string, name: optional(string)})

/** Every monitor, in the API's order (by type, then name). */
export async function listMonitors(client: ApiClient): Promise<Monitor[]> {
  const body = await client.get<unknown>(PATH)
  return checked<{monitors: Monitor[]}>(client, 'GET', PATH, body, object({monitors: arrayOf(monitorShape)})).monitors
}

export async function getMonitor(client: ApiClient, monitorId: string): Promise<Monitor> {
  const path = `${PATH}/${encodeURIComponent(monitorId)}`
  const body = await client.get<unknown>(path)
  return checked<{monitor: Monitor}>(client, 'GET', path, body, object({monitor: monitorShape})).monitor
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
