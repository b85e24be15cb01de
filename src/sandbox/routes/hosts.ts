// §1 Hosts: list, get, get by custom identifier, create, update, status, bulk status, retire,
// bulk retire, role full names, metric names, monitored statuses.
import {monitorCoversHost} from '../evaluate.js'
import {badRequest, notFound, type Ctx} from '../http.js'
import type {Router} from '../router.js'
import {HOST_STATUSES, normalizeInterfaces, type HostCheck, type HostInterface, type HostRecord, type HostStatus, type Store} from '../store.js'
import {asObject, isObject, oneOf, optString, optStringArray, parseRoleFullname, reqArray, reqString, type Obj, CHECK_NAME_RE} from '../validate.js'

const BULK_MAX = 30
const SUCCESS = {success: true}

function hostOr404(store: Store, id: string, live = false): HostRecord {
  const h = live ? store.liveHost(id) : store.getHost(id)
  if (!h) throw notFound(`Host not found: ${id}`)
  return h
}

interface HostInput {
  name?: string
  displayName?: string
  /** null = clear */
  customIdentifier?: string | null
  meta?: Obj
  memo?: string
  interfaces?: HostInterface[]
  roleFullnames?: string[]
  checks?: HostCheck[]
}

/** reqString for a field of a list item, so the error names the item (`interfaces[0].name is
 * required`), not a bare `name` the client would read as the host's own. */
function itemString(o: Obj, where: string, key: string, rule?: Parameters<typeof reqString>[2]): string {
  return reqString({[where]: o[key]}, where, rule)
}

function parseInterfaces(v: unknown): HostInterface[] {
  if (!Array.isArray(v)) throw badRequest('interfaces must be an array')
  return v.map((item, i) => {
    const o = asObject(item, `interfaces[${i}]`)
    const key = (k: string) => `interfaces[${i}].${k}`
    const out: HostInterface = {name: itemString(o, key('name'), 'name')}
    for (const k of ['macAddress', 'ipAddress', 'ipv6Address'] as const) {
      if (o[k] === undefined || o[k] === null) continue
      if (typeof o[k] !== 'string') throw badRequest(`${key(k)} must be a string`)
      out[k] = o[k] as string
    }
    for (const k of ['ipv4Addresses', 'ipv6Addresses'] as const) {
      const arr = optStringArray(o, k)
      if (arr) out[k] = arr
    }
    return out
  })
}

function parseChecks(v: unknown): HostCheck[] {
  if (!Array.isArray(v)) throw badRequest('checks must be an array')
  return v.map((item, i) => {
    const o = asObject(item, `checks[${i}]`)
    const name = itemString(o, `checks[${i}].name`, 'name', {pattern: CHECK_NAME_RE})
    const memo = optString(o, 'memo')
    return memo === undefined ? {name} : {name, memo}
  })
}

/** The §1.1 body (create) or the same shape for update, where every field may be left out. */
function parseHostInput(body: unknown, create: boolean): HostInput {
  const o = asObject(body)
  const out: HostInput = {}
  if (create || o.name !== undefined) out.name = reqString(o, 'name')
  out.displayName = optString(o, 'displayName')
  if (o.customIdentifier === null || o.customIdentifier === '') out.customIdentifier = null
  else out.customIdentifier = optString(o, 'customIdentifier')
  if (o.meta === undefined || o.meta === null) {
    if (create) throw badRequest('meta is required (send {} for none)')
  } else if (!isObject(o.meta)) throw badRequest('meta must be a JSON object')
  else out.meta = o.meta
  out.memo = optString(o, 'memo')
  if (o.interfaces !== undefined && o.interfaces !== null) out.interfaces = parseInterfaces(o.interfaces)
  const rf = optStringArray(o, 'roleFullnames')
  if (rf) out.roleFullnames = rf.map((s) => (parseRoleFullname(s), s))
  if (o.checks !== undefined && o.checks !== null) out.checks = parseChecks(o.checks)
  return out
}

function checkCustomIdentifier(store: Store, ci: string | null | undefined, selfId?: string): void {
  if (!ci) return
  for (const h of store.hosts.values())
    if (h.id !== selfId && !h.isRetired && h.customIdentifier === ci) throw badRequest(`customIdentifier is already used by host ${h.id}`)
}

function parseStatus(body: Obj): HostStatus {
  return oneOf(body, 'status', HOST_STATUSES, true)!
}

/** `ids` of a bulk call: ≤ 30, every one an existing, live host (else nothing changes). */
function bulkHosts(store: Store, body: Obj): HostRecord[] {
  const ids = reqArray(body, 'ids')
  if (ids.length > BULK_MAX) throw badRequest(`ids must contain at most ${BULK_MAX} host ids (got ${ids.length})`)
  return ids.map((id) => {
    if (typeof id !== 'string') throw badRequest('ids must be an array of strings')
    return hostOr404(store, id, true)
  })
}

function listHosts(ctx: Ctx) {
  const q = ctx.query
  const statuses = q.getAll('status').filter((s) => s !== '')
  for (const s of statuses)
    if (!(HOST_STATUSES as readonly string[]).includes(s)) throw badRequest(`status must be one of ${HOST_STATUSES.join(', ')}: ${JSON.stringify(s)}`)
  const hosts = ctx.store.listHosts({
    service: q.get('service') || undefined,
    roles: q.getAll('role').filter((r) => r !== ''),
    name: q.get('name') ?? undefined,
    statuses,
    customIdentifier: q.get('customIdentifier') ?? undefined,
  })
  return {hosts: hosts.map((h) => ctx.store.hostView(h))}
}

export function registerHosts(r: Router): void {
  r.get('/api/v0/hosts', listHosts)
  r.get('/api/v0/hosts.json', listHosts)

  r.get('/api/v0/hosts/:id', ({store, params}) => ({host: store.hostView(hostOr404(store, params.id))}))

  r.get('/api/v0/hosts-by-custom-identifier/:ci', ({store, params, query}) => {
    const ci = params.ci
    const ci2 = query.get('caseInsensitive') === 'true' ? ci.toLowerCase() : undefined
    let found: HostRecord | undefined
    for (const h of store.hosts.values()) {
      if (h.isRetired || !h.customIdentifier) continue
      const hit = ci2 === undefined ? h.customIdentifier === ci : h.customIdentifier.toLowerCase() === ci2
      if (hit && (!found || h.createdAt < found.createdAt)) found = h
      if (hit && ci2 === undefined) break
    }
    if (!found) throw notFound(`Host not found for customIdentifier: ${ci}`)
    return {host: store.hostView(found)}
  })

  r.post('/api/v0/hosts', ({store, body}) => {
    const input = parseHostInput(body, true)
    checkCustomIdentifier(store, input.customIdentifier)
    const h = store.addHost({...input, name: input.name!, customIdentifier: input.customIdentifier ?? null})
    return {id: h.id}
  })

  // roleFullnames is additive; customIdentifier null/"" clears it; other omitted fields are kept.
  r.put('/api/v0/hosts/:id', ({store, params, body}) => {
    const h = hostOr404(store, params.id, true)
    const input = parseHostInput(body, false)
    checkCustomIdentifier(store, input.customIdentifier, h.id)
    if (input.name !== undefined) h.name = input.name
    if (input.displayName !== undefined) h.displayName = input.displayName || undefined
    if (input.customIdentifier !== undefined) h.customIdentifier = input.customIdentifier
    if (input.meta !== undefined) h.meta = input.meta
    if (input.memo !== undefined) h.memo = input.memo
    if (input.interfaces !== undefined) h.interfaces = normalizeInterfaces(input.interfaces)
    if (input.checks !== undefined) h.checks = input.checks
    if (input.roleFullnames) store.addHostRoles(h, input.roleFullnames)
    return {id: h.id}
  })

  r.post('/api/v0/hosts/:id/status', ({store, params, body}) => {
    const h = hostOr404(store, params.id, true)
    h.status = parseStatus(asObject(body))
    return SUCCESS
  })

  r.post('/api/v0/hosts/bulk-update-statuses', ({store, body}) => {
    const o = asObject(body)
    const status = parseStatus(o)
    for (const h of bulkHosts(store, o)) h.status = status
    return SUCCESS
  })

  // 404 first; then the body may be {}, JSON null (what mackerel-client-go and the agent send) or empty.
  r.post('/api/v0/hosts/:id/retire', (ctx) => {
    const {store, params} = ctx
    const h = hostOr404(store, params.id, true)
    const body = ctx.body
    if (body !== undefined && body !== null) asObject(body, 'the request body (send {})')
    store.retireHost(h)
    return SUCCESS
  })

  r.post('/api/v0/hosts/bulk-retire', ({store, body}) => {
    for (const h of bulkHosts(store, asObject(body))) store.retireHost(h)
    return SUCCESS
  })

  r.put('/api/v0/hosts/:id/role-fullnames', ({store, params, body}) => {
    const h = hostOr404(store, params.id, true)
    const o = asObject(body)
    // mkr update -o without -R sends null: remove every role
    const list = o.roleFullnames === null ? [] : reqArray(o, 'roleFullnames')
    for (const s of list) parseRoleFullname(s)
    store.setHostRoles(h, list as string[])
    return SUCCESS
  })

  r.get('/api/v0/hosts/:id/metric-names', ({store, params}) => ({names: [...hostOr404(store, params.id).metricNames]}))

  r.get('/api/v0/hosts/:id/monitored-statuses', ({store, params}) => {
    const h = hostOr404(store, params.id)
    const out: unknown[] = []
    for (const m of store.listMonitors()) {
      if (m.type !== 'connectivity' && m.type !== 'host' && m.type !== 'anomalyDetection') continue
      if (!monitorCoversHost(m, h)) continue
      const open = store.openAlertFor(m.id, h.id)
      out.push({monitorId: m.id, status: open?.status ?? 'OK'})
    }
    for (const c of store.checkStates.values()) {
      if (c.hostId !== h.id) continue
      const memo = h.checks.find((x) => x.name === c.name)?.memo
      out.push({monitorId: c.monitorId, status: c.status, detail: {type: 'check', message: c.message, ...(memo ? {memo} : {})}})
    }
    return {monitoredStatuses: out}
  })
}
