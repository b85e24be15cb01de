// §1.13 host metadata and §6.4 service and role metadata: any JSON value per namespace, returned as
// stored with a Last-Modified header; at most 100 KB each, 50 namespaces per host or service and 10
// per role.
import {badRequest, HttpError, notFound, RawJson, type Ctx} from '../http.js'
import type {Router} from '../router.js'

export const METADATA_MAX_BYTES = 100 * 1024
const NAMESPACE_RE = /^[-a-zA-Z0-9_]+$/
const NAMESPACE_MAX = 128
const WEEK_S = 7 * 86_400

interface Owner {
  key: string
  /** namespaces allowed per owner */
  limit: number
}

type Access = 'read' | 'write'

function hostOwner({store, params}: Ctx, access: Access): Owner {
  const h = store.getHost(params.id)
  if (!h) throw notFound(`Host not found: ${params.id}`)
  if (h.isRetired) {
    if (access === 'write') throw badRequest(`Host is retired: ${h.id}`)
    if ((h.retiredAt ?? 0) < store.now() - WEEK_S) throw badRequest(`Host was retired more than a week ago: ${h.id}`)
  }
  return {key: `host\t${h.id}`, limit: 50}
}

function serviceOwner({store, params}: Ctx): Owner {
  if (!store.services.has(params.svc)) throw notFound(`Service not found: ${params.svc}`)
  return {key: `service\t${params.svc}`, limit: 50}
}

function roleOwner({store, params}: Ctx): Owner {
  const s = store.services.get(params.svc)
  if (!s) throw notFound(`Service not found: ${params.svc}`)
  if (!s.roles.has(params.role)) throw notFound(`Role not found: ${params.svc}:${params.role}`)
  return {key: `role\t${params.svc}\t${params.role}`, limit: 10}
}

function register(r: Router, base: string, owner: (ctx: Ctx, access: Access) => Owner): void {
  r.get(`${base}/metadata`, (ctx) => {
    const m = ctx.store.metadataOf(owner(ctx, 'read').key)
    return {metadata: [...(m?.keys() ?? [])].sort().map((namespace) => ({namespace}))}
  })

  r.get(`${base}/metadata/:ns`, (ctx) => {
    const e = ctx.store.metadataOf(owner(ctx, 'read').key)?.get(ctx.params.ns)
    if (!e) throw notFound(`Metadata not found: ${ctx.params.ns}`)
    return new RawJson(e.json, {'Last-Modified': new Date(e.updatedAt * 1000).toUTCString()})
  })

  r.put(`${base}/metadata/:ns`, (ctx) => {
    const o = owner(ctx, 'write')
    const ns = ctx.params.ns
    if (!NAMESPACE_RE.test(ns) || ns.length > NAMESPACE_MAX)
      throw badRequest(`invalid namespace (1-${NAMESPACE_MAX} characters of [-a-zA-Z0-9_]): ${JSON.stringify(ns)}`)
    if (/^mackerel/i.test(ns)) throw badRequest(`namespaces starting with "mackerel" are reserved: ${ns}`)
    if (ctx.body === undefined) throw badRequest('the request body must be a JSON value')
    const json = JSON.stringify(ctx.body)
    if (Buffer.byteLength(json) > METADATA_MAX_BYTES) throw new HttpError(413, `metadata must be at most ${METADATA_MAX_BYTES / 1024} KB`)
    const existing = ctx.store.metadataOf(o.key)
    if (!existing?.has(ns) && (existing?.size ?? 0) >= o.limit) throw badRequest(`at most ${o.limit} metadata namespaces are allowed here`)
    ctx.store.putMetadata(o.key, ns, json)
    return {success: true}
  })

  r.delete(`${base}/metadata/:ns`, (ctx) => {
    const o = owner(ctx, 'write')
    if (!ctx.store.deleteMetadata(o.key, ctx.params.ns)) throw notFound(`Metadata not found: ${ctx.params.ns}`)
    return {success: true}
  })
}

export function registerMetadata(r: Router): void {
  register(r, '/api/v0/hosts/:id', hostOwner)
  register(r, '/api/v0/services/:svc', serviceOwner)
  register(r, '/api/v0/services/:svc/roles/:role', roleOwner)
}
