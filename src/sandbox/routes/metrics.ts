// §6.3 metrics: post host metrics (`POST /tsdb`, what mackerel-agent sends every minute) and service
// metrics, read the latest host values, host and service ranges. Posted names are added to the host's
// or service's metric names. Storage is bounded: see metrics.ts (1440 points / 24 h per series).
// A post is validated as a whole before anything is stored: one bad item is a 400 and nothing changes.
// After a post the monitors of the posting hosts (or the service) are evaluated at once (evaluate.ts).
import {badRequest, HttpError, notFound, type Ctx} from '../http.js'
import type {Router} from '../router.js'
import type {HostRecord} from '../store.js'
import {isObject, type Obj} from '../validate.js'
import {serviceOr404} from './services.js'

/** Metric names for host and service posts (§0.7). */
export const METRIC_NAME_RE = /^[a-zA-Z0-9._-]+$/
/**
 * Service-metric posts allowed per service per minute of sandbox time before a 429. The API documents a
 * per-minute cap without its value (and advises one post a minute); this one only stops runaway loops.
 */
export const SERVICE_TSDB_MAX_PER_MINUTE = 60

const SUCCESS = {success: true}

interface ParsedPoint {
  hostId?: string
  name: string
  time: number
  value: number
}

function parsePoints(body: unknown, withHost: boolean): ParsedPoint[] {
  const shape = withHost ? '{hostId, name, time, value}' : '{name, time, value}'
  if (!Array.isArray(body)) throw badRequest(`the request body must be a JSON array of ${shape}`)
  return body.map((item, i) => {
    if (!isObject(item)) throw badRequest(`[${i}] must be an object ${shape}`)
    const o: Obj = item
    let hostId: string | undefined
    if (withHost) {
      if (typeof o.hostId !== 'string' || o.hostId === '') throw badRequest(`[${i}].hostId is required and must be a string`)
      hostId = o.hostId
    }
    if (typeof o.name !== 'string' || o.name === '') throw badRequest(`[${i}].name is required and must be a string`)
    if (!METRIC_NAME_RE.test(o.name)) throw badRequest(`[${i}].name must match [a-zA-Z0-9._-]+: ${JSON.stringify(o.name)}`)
    if (typeof o.time !== 'number' || !Number.isFinite(o.time)) throw badRequest(`[${i}].time is required and must be a number (epoch seconds)`)
    if (typeof o.value !== 'number' || !Number.isFinite(o.value)) throw badRequest(`[${i}].value is required and must be a number`)
    return {hostId, name: o.name, time: Math.floor(o.time), value: o.value}
  })
}

function addName(names: string[], name: string): void {
  if (!names.includes(name)) names.push(name)
}

/** from, to: required epoch seconds, from <= to. */
function parseRange(ctx: Ctx): {name: string; from: number; to: number} {
  const q = ctx.query
  const name = q.get('name')
  if (!name) throw badRequest('name is required')
  const num = (key: string): number => {
    const raw = q.get(key)
    if (raw === null || raw === '') throw badRequest(`${key} is required (epoch seconds)`)
    const n = Number(raw)
    if (!Number.isInteger(n)) throw badRequest(`${key} must be an integer (epoch seconds): ${JSON.stringify(raw)}`)
    return n
  }
  const from = num('from')
  const to = num('to')
  if (from > to) throw badRequest('from must not be after to')
  return {name, from, to}
}

export function registerMetrics(r: Router): void {
  r.post('/api/v0/tsdb', ({store, body}) => {
    const points = parsePoints(body, true)
    const hosts = new Map<string, HostRecord>()
    for (const p of points) {
      if (hosts.has(p.hostId!)) continue
      const h = store.liveHost(p.hostId!)
      if (!h) throw notFound(`Host not found: ${p.hostId}`)
      hosts.set(h.id, h)
    }
    const now = store.now()
    for (const p of points) if (store.hostMetrics.put(p.hostId!, p.name, p.time, p.value, now)) addName(hosts.get(p.hostId!)!.metricNames, p.name)
    // a post (even of points too old to keep) shows the host is alive; then its monitors are evaluated
    for (const id of hosts.keys()) store.noteHostPost(id)
    store.metricsPosted('host', [...hosts.keys()])
    return SUCCESS
  })

  // per service: [minute of sandbox time, posts in it]
  const serviceRate = new Map<string, [number, number]>()

  r.post('/api/v0/services/:svc/tsdb', ({store, params, body}) => {
    const s = serviceOr404(store, params.svc)
    const points = parsePoints(body, false)
    const now = store.now()
    const minute = Math.floor(now / 60)
    const seen = serviceRate.get(s.name)
    const count = seen && seen[0] === minute ? seen[1] + 1 : 1
    if (count > SERVICE_TSDB_MAX_PER_MINUTE)
      throw new HttpError(429, `Too many requests: at most ${SERVICE_TSDB_MAX_PER_MINUTE} service metric posts per minute; post about once a minute and batch values`)
    serviceRate.set(s.name, [minute, count])
    for (const p of points) if (store.serviceMetrics.put(s.name, p.name, p.time, p.value, now)) addName(s.metricNames, p.name)
    store.metricsPosted('service', [s.name])
    return SUCCESS
  })

  r.get('/api/v0/tsdb/latest', ({store, query}) => {
    const hostIds = query.getAll('hostId').filter((x) => x !== '')
    const names = query.getAll('name').filter((x) => x !== '')
    if (hostIds.length === 0) throw badRequest('hostId is required (repeatable)')
    if (names.length === 0) throw badRequest('name is required (repeatable)')
    const now = store.now()
    const out: Record<string, Record<string, {time: number; value: number}>> = {}
    for (const id of hostIds) {
      if (!store.getHost(id)) throw notFound(`Host not found: ${id}`)
      const byName: Record<string, {time: number; value: number}> = {}
      for (const name of names) {
        const p = store.hostMetrics.latest(id, name, now)
        if (p) byName[name] = p
      }
      out[id] = byName
    }
    return {tsdbLatest: out}
  })

  r.get('/api/v0/hosts/:id/metrics', (ctx) => {
    const {store, params} = ctx
    const h = store.getHost(params.id)
    if (!h) throw notFound(`Host not found: ${params.id}`)
    const {name, from, to} = parseRange(ctx)
    if (!h.metricNames.includes(name) && !store.hostMetrics.has(h.id, name)) throw notFound(`Metric not found: ${name}`)
    return {metrics: store.hostMetrics.range(h.id, name, from, to, store.now())}
  })

  r.get('/api/v0/services/:svc/metrics', (ctx) => {
    const s = serviceOr404(ctx.store, ctx.params.svc)
    const {name, from, to} = parseRange(ctx)
    if (!s.metricNames.includes(name) && !ctx.store.serviceMetrics.has(s.name, name)) throw notFound(`Metric not found: ${name}`)
    return {metrics: ctx.store.serviceMetrics.range(s.name, name, from, to, ctx.store.now())}
  })
}
