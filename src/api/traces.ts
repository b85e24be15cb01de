// Traces (/api/v0/traces/<traceId>): one trace with its spans.
import type {ApiClient} from './client.js'
import {arrayOf, checked, object, optional, string, type Check} from './shape.js'

export interface Trace {
  spans: Record<string, unknown>[]
  [key: string]: unknown
}

const spanShape: Check = object({
  traceId: optional(string),
  spanId: optional(string),
  parentSpanId: optional(string),
  name: optional(string),
  kind: optional(string),
  startTime: optional(string),
  endTime: optional(string),
})

export async function getTrace(client: ApiClient, traceId: string): Promise<Trace> {
  const path = `/api/v0/traces/${encodeURIComponent(traceId)}`
  const body = await client.get<unknown>(path)
  return checked<Trace>(client, 'GET', path, body, object({spans: arrayOf(spanShape)}))
}
