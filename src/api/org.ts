// The organization (/api/v0/org) the API key belongs to.
import type {ApiClient} from './client.js'
import {checked, object, optional, string} from './shape.js'

export interface Org {
  name: string
  displayName?: string | null
  [key: string]: unknown
}

export async function getOrg(client: ApiClient): Promise<Org> {
  const body = await client.get<unknown>('/api/v0/org')
  return checked<Org>(client, 'GET', '/api/v0/org', body, object({name: string, displayName: optional(string)}))
}
