// Scope lists shared by downtimes and alert group settings: services, roles (`svc:role`) and monitor
// ids that must exist; and the 404 for a record of one of the simple collections.
import {badRequest, notFound} from '../http.js'
import type {Rec, Store} from '../store.js'
import {parseRoleFullname, stringList, type Obj} from '../validate.js'

export function recordOr404(map: Map<string, Rec>, id: string, what: string): Rec {
  const r = map.get(id)
  if (!r) throw notFound(`${what} not found: ${id}`)
  return r
}

export function serviceList(store: Store, o: Obj, key: string): string[] {
  const list = stringList(o, key)
  for (const s of list) if (!store.services.has(s)) throw badRequest(`${key}: service not found: ${s}`)
  return list
}

export function roleList(store: Store, o: Obj, key: string): string[] {
  const list = stringList(o, key)
  for (const rf of list) {
    const {service, role} = parseRoleFullname(rf, key)
    if (!store.services.get(service)?.roles.has(role)) throw badRequest(`${key}: role not found: ${rf}`)
  }
  return list
}

export function monitorList(store: Store, o: Obj, key: string): string[] {
  const list = stringList(o, key)
  for (const id of list) if (!store.monitors.has(id) && !store.checkMonitors.has(id)) throw badRequest(`${key}: monitor not found: ${id}`)
  return list
}
