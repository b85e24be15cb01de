// Custom dashboards (/api/v0/dashboards): list (without widgets), get, create, update. Bodies are sent
// as the caller gives them (every field of a pulled file survives a push).
import type {ApiClient} from './client.js'
import {arrayOf, checked, idString, number, object, optional, string, type Check} from './shape.js'

export interface Dashboard {
  id: string
  title: string
  urlPath: string
  memo?: string | null
  createdAt?: number
  updatedAt?: number
  widgets?: Record<string, unknown>[] | null
  [key: string]: unknown
}

const dashboardShape: Check = object({
  id: idString,
  title: string,
  urlPath: string,
  memo: optional(string),
  createdAt: optional(number),
  updatedAt: optional(number),
  widgets: optional(arrayOf(object({type: string}))),
})

const path = (id: string) => `/api/v0/dashboards/${encodeURIComponent(id)}`

export async function listDashboards(client: ApiClient): Promise<Dashboard[]> {
  const p = '/api/v0/dashboards'
  const body = await client.get<unknown>(p)
  return checked<{dashboards: Dashboard[]}>(client, 'GET', p, body, object({dashboards: arrayOf(dashboardShape)})).dashboards
}

export async function getDashboard(client: ApiClient, id: string): Promise<Dashboard> {
  const body = await client.get<unknown>(path(id))
  return checked<Dashboard>(client, 'GET', path(id), body, dashboardShape)
}

/** Creates a dashboard. Not idempotent: retried only when the request provably never left. */
export async function createDashboard(client: ApiClient, body: Record<string, unknown>): Promise<Dashboard> {
  const p = '/api/v0/dashboards'
  const res = await client.request<unknown>('POST', p, {body})
  return checked<Dashboard>(client, 'POST', p, res, dashboardShape)
}

/** Replaces a dashboard (a full PUT: safe to resend). */
export async function updateDashboard(client: ApiClient, id: string, body: Record<string, unknown>): Promise<Dashboard> {
  const res = await client.put<unknown>(path(id), body)
  return checked<Dashboard>(client, 'PUT', path(id), res, dashboardShape)
}
