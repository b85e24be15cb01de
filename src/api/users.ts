// Users of the organization (/api/v0/users): the list.
import type {ApiClient} from './client.js'
import {arrayOf, boolean, checked, idString, number, object, optional, string} from './shape.js'

export interface User {
  id: string
  screenName?: string
  email?: string
  authority?: string
  isInRegistrationProcess?: boolean
  isMFAEnabled?: boolean
  authenticationMethods?: string[] | null
  joinedAt?: number
  [key: string]: unknown
}

const userShape = object({
  id: idString,
  screenName: optional(string),
  email: optional(string),
  authority: optional(string),
  isInRegistrationProcess: optional(boolean),
  isMFAEnabled: optional(boolean),
  authenticationMethods: optional(arrayOf(string)),
  joinedAt: optional(number),
})

export async function listUsers(client: ApiClient): Promise<User[]> {
  const path = '/api/v0/users'
  const body = await client.get<unknown>(path)
  return checked<{users: User[]}>(client, 'GET', path, body, object({users: arrayOf(userShape)})).users
}
