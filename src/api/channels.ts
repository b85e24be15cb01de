// Notification channels (/api/v0/channels): the list. Details come only for email, slack and webhook
// channels (reference/mackerel-api.md §7.3).
import type {ApiClient} from './client.js'
import {arrayOf, boolean, checked, idString, number, object, optional, string} from './shape.js'

export interface Channel {
  id: string
  name: string
  type: string
  suspendedAt?: number | null
  emails?: string[] | null
  userIds?: string[] | null
  mentions?: {ok?: string; warning?: string; critical?: string} | null
  enabledGraphImage?: boolean | null
  url?: string | null
  events?: string[] | null
  [key: string]: unknown
}

const channelShape = object({
  id: idString,
  name: string,
  type: string,
  suspendedAt: optional(number),
  emails: optional(arrayOf(string)),
  userIds: optional(arrayOf(string)),
  mentions: optional(object({ok: optional(string), warning: optional(string), critical: optional(string)})),
  enabledGraphImage: optional(boolean),
  url: optional(string),
  events: optional(arrayOf(string)),
})

export async function listChannels(client: ApiClient): Promise<Channel[]> {
  const path = '/api/v0/channels'
  const body = await client.get<unknown>(path)
  return checked<{channels: Channel[]}>(client, 'GET', path, body, object({channels: arrayOf(channelShape)})).channels
}
