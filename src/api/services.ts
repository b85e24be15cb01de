// Services (/api/v0/services): the list.
import type {ApiClient} from './client.js'
import {arrayOf, checked, object, optional, string} from './shape.js'

export interface Service {
  name: string
  memo?: string | null
  roles?: string[] | null
  [key: string]: unknown
}

export async function listServices(client: ApiClient): Promise<Service[]> {
  const path = '/api/v0/services'
  const body = await client.get<unknown>(path)
  const shape = object({services: arrayOf(object({name: string, memo: optional(string), roles: optional(arrayOf(string))}))})
  return checked<{services: Service[]}>(client, 'GET', path, body, shape).services
}
