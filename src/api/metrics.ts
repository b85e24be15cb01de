// Metric values (post, latest, ranges) and metric names (/api/v0/tsdb, .../metrics, .../metric-names).
// See /work/shared/reference/mackerel-api.md §6.3 and §1.11 / §6.1.
import type {ApiClient} from './client.js'
import {getMetricNames} from './hosts.js'
import {arrayOf, checked, nullable, number, object, recordOf, string} from './shape.js'

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

/** One stored value as the read endpoints return it. */
export interface MetricValue {
  time: number
  value: number
}

const metricValue = object({time: number, value: number})

/** host id -> metric name -> the newest value (`null` or absent: no data). */
export type LatestValues = Record<string, Record<string, MetricValue | null>>

/** Hosts per `tsdb/latest` request, as mkr sends them: keeps the URL short (mackerel-api.md §6.3). */
export const LATEST_HOSTS_PER_REQUEST = 100

/**
 * The newest value of each metric of each host (`GET /api/v0/tsdb/latest`), in requests of at most
 * 100 hosts whose answers are merged.
 */
export async function fetchLatestValues(client: ApiClient, hostIds: readonly string[], names: readonly string[]): Promise<LatestValues> {
  const path = '/api/v0/tsdb/latest'
  const out: LatestValues = {}
  for (let i = 0; i < hostIds.length; i += LATEST_HOSTS_PER_REQUEST) {
    const body = await client.get<unknown>(path, {hostId: hostIds.slice(i, i + LATEST_HOSTS_PER_REQUEST), name: names})
    const got = checked<{tsdbLatest: LatestValues}>(client, 'GET', path, body, object({tsdbLatest: recordOf(recordOf(nullable(metricValue)))})).tsdbLatest
    Object.assign(out, got)
  }
  return out
}

/** Values of one metric between two times (epoch seconds, both included), oldest first. */
export async function fetchHostMetricValues(client: ApiClient, hostId: string, name: string, from: number, to: number): Promise<MetricValue[]> {
  return metricRange(client, `/api/v0/hosts/${encodeURIComponent(hostId)}/metrics`, name, from, to)
}

export async function fetchServiceMetricValues(client: ApiClient, service: string, name: string, from: number, to: number): Promise<MetricValue[]> {
  return metricRange(client, `/api/v0/services/${encodeURIComponent(service)}/metrics`, name, from, to)
}

async function metricRange(client: ApiClient, path: string, name: string, from: number, to: number): Promise<MetricValue[]> {
  const body = await client.get<unknown>(path, {name, from, to})
  return checked<{metrics: MetricValue[]}>(client, 'GET', path, body, object({metrics: arrayOf(metricValue)})).metrics
}
