// §6.1/6.2 services and roles, §7.8 the organization.
import {badRequest, notFound} from '../http.js'
import type {Router} from '../router.js'
import type {ServiceRecord, Store} from '../store.js'
import {asObject, checkName, optString} from '../validate.js'

export function serviceOr404(store: Store, name: string): ServiceRecord {
  const s = store.services.get(name)
  if (!s) throw notFound(`Service not found: ${name}`)
  return s
}

export function registerServices(r: Router): void {
  r.get('/api/v0/org', ({store}) => ({name: store.org.name, displayName: store.org.displayName}))

  r.get('/api/v0/services', ({store}) => ({
    services: [...store.services.values()].map((s) => store.serviceView(s)),
  }))

  r.post('/api/v0/services', ({store, body}) => {
    const o = asObject(body)
    const name = checkName('service', o.name)
    const memo = optString(o, 'memo') ?? ''
    if (store.services.has(name)) throw badRequest(`service already exists: ${name}`)
    return store.serviceView(store.addService(name, memo))
  })

  r.delete('/api/v0/services/:svc', ({store, params}) => {
    const s = serviceOr404(store, params.svc)
    const view = store.serviceView(s)
    store.deleteService(s.name)
    return view
  })

  r.get('/api/v0/services/:svc/metric-names', ({store, params}) => ({names: [...serviceOr404(store, params.svc).metricNames]}))

  r.get('/api/v0/services/:svc/roles', ({store, params}) => ({roles: store.rolesView(serviceOr404(store, params.svc))}))

  r.post('/api/v0/services/:svc/roles', ({store, params, body}) => {
    const s = serviceOr404(store, params.svc)
    const o = asObject(body)
    const name = checkName('role', o.name)
    const memo = optString(o, 'memo') ?? ''
    if (s.roles.has(name)) throw badRequest(`role already exists: ${s.name}:${name}`)
    return {...store.addRole(s.name, name, memo)}
  })

  r.delete('/api/v0/services/:svc/roles/:role', ({store, params}) => {
    const s = serviceOr404(store, params.svc)
    const role = store.deleteRole(s.name, params.role)
    if (!role) throw notFound(`Role not found: ${s.name}:${params.role}`)
    return {...role}
  })
}
