// Metric values and metric names (/api/v0/tsdb, /api/v0/services/<s>/tsdb, .../metric-names).
// See /work/shared/reference/mackerel-api.md §6.3 and §1.11 / §6.1.
import type {ApiClient} from './client.js'
import {getMetricNames} from './hosts.js'
import {arrayOf, checked, object, string} from './shape.js'

/** One value as the API takes it: `time` in epoch seconds. */
export interface MetricPoint {
  name: string
  time: number
  value: number
}

export interface PostOptions {
  /** attempts for this request (the client's default otherwise) */
  maxAttempts?: number
  /** total time for all attempts and waits of this request */
  budgetMs?: number
}

/**
 * Posting a value again overwrites the stored point with the same value (the API keeps one point per
 * name and time), so a resent batch is harmless: the POST is idempotent and retried like a GET.
 */
export async function postHostMetrics(client: ApiClient, hostId: string, points: readonly MetricPoint[], opts: PostOptions = {}): Promise<void> {
  const body = points.map((p) => ({hostId, name: p.name, time: p.time, value: p.value}))
  await client.request('POST', '/api/v0/tsdb', {body, idempotent: true, ...opts})
}

export async function postServiceMetrics(client: ApiClient, service: string, points: readonly MetricPoint[], opts: PostOptions = {}): Promise<void> {
  const body = points.map((p) => ({name: p.name, time: p.time, value: p.value}))
  await client.request('POST', `/api/v0/services/${encodeURIComponent(service)}/tsdb`, {body, idempotent: true, ...opts})
}

export {getMetricNames as getHostMetricNames}

export async function getServiceMetricNames(client: ApiClient, service: string): Promise<string[]> {
  const path = `/api/v0/services/${encodeURIComponent(service)}/metric-names`
  const body = await client.get<unknown>(path)
  return checked<{names: string[]}>(client, 'GET', path, body, object({names: arrayOf(string)})).names
}
