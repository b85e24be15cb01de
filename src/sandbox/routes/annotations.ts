// §4 graph annotations: create, list (service + time window, overlapping), update, delete.
import {badRequest, notFound, type Ctx} from '../http.js'
import type {Router} from '../router.js'
import type {Annotation, Store} from '../store.js'
import {asObject, optString, optStringArray, reqNumber, reqString} from '../validate.js'

export const TITLE_MAX = 250
export const DESCRIPTION_MAX = 1024

function parseAnnotation(store: Store, body: unknown): Omit<Annotation, 'id'> {
  const o = asObject(body)
  const title = reqString(o, 'title', {max: TITLE_MAX})
  const description = optString(o, 'description', {max: DESCRIPTION_MAX})
  const from = reqNumber(o, 'from', {integer: true})
  const to = reqNumber(o, 'to', {integer: true})
  if (from > to) throw badRequest('from must not be after to')
  const service = reqString(o, 'service')
  const roles = optStringArray(o, 'roles')
  const svc = store.services.get(service)
  if (!svc) throw notFound(`Service not found: ${service}`)
  for (const r of roles ?? []) if (!svc.roles.has(r)) throw notFound(`Role not found: ${service}:${r}`)
  return {title, ...(description !== undefined ? {description} : {}), from, to, service, ...(roles !== undefined ? {roles} : {})}
}

/** Create / update / delete answer with the annotation as sent (plus id), roles kept even when []. */
function echo(a: Annotation): Annotation {
  const {id, ...rest} = a
  return {id, ...rest}
}

function annotationOr404(store: Store, id: string): Annotation {
  const a = store.annotations.get(id)
  if (!a) throw notFound(`Graph annotation not found: ${id}`)
  return a
}

function timeParam(ctx: Ctx, key: string): number {
  const raw = ctx.query.get(key)
  if (raw === null || raw === '') throw badRequest(`${key} is required`)
  const n = Number(raw)
  if (!Number.isFinite(n)) throw badRequest(`${key} must be epoch seconds: ${JSON.stringify(raw)}`)
  return n
}

export function registerAnnotations(r: Router): void {
  r.post('/api/v0/graph-annotations', ({store, body}) => echo(store.addAnnotation(parseAnnotation(store, body))))

  r.get('/api/v0/graph-annotations', (ctx) => {
    const service = ctx.query.get('service')
    if (!service) throw badRequest('service is required')
    const from = timeParam(ctx, 'from')
    const to = timeParam(ctx, 'to')
    if (!ctx.store.services.has(service)) throw notFound(`Service not found: ${service}`)
    const items = [...ctx.store.annotations.values()]
      .filter((a) => a.service === service && a.from <= to && a.to >= from)
      .sort((a, b) => a.from - b.from || a.to - b.to)
    return {graphAnnotations: items.map((a) => ctx.store.annotationView(a))}
  })

  r.put('/api/v0/graph-annotations/:id', ({store, params, body}) => {
    const old = annotationOr404(store, params.id)
    const a: Annotation = {id: old.id, ...parseAnnotation(store, body)}
    store.annotations.set(a.id, a)
    return echo(a)
  })

  r.delete('/api/v0/graph-annotations/:id', ({store, params}) => {
    const a = annotationOr404(store, params.id)
    store.annotations.delete(a.id)
    return echo(a)
  })
}
