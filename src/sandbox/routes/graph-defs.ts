// §6.3 custom graph definitions: created (or replaced, by name) in bulk as mackerel-agent and plugins
// post them, deleted by name (a JSON body on DELETE); and service graph deletes.
import {badRequest, notFound} from '../http.js'
import type {Router} from '../router.js'
import {asObject, listOrEmpty, oneOf, optBoolean, optString, reqString} from '../validate.js'

/** `custom.` then dot-separated parts of [-a-zA-Z0-9_], or a `*` / `#` wildcard (§0.7). */
export const GRAPH_NAME_RE = /^custom(\.([-a-zA-Z0-9_]+|[*#]))+$/
export const UNITS = ['float', 'integer', 'percentage', 'seconds', 'milliseconds', 'bytes', 'bytes/sec', 'bits/sec', 'iops'] as const

export function registerGraphDefs(r: Router): void {
  r.post('/api/v0/graph-defs/create', ({store, body}) => {
    if (!Array.isArray(body)) throw badRequest('the request body must be a JSON array of graph definitions')
    const defs = body.map((raw, i) => {
      const where = `[${i}]`
      try {
        const o = asObject(raw, 'a graph definition')
        const name = reqString(o, 'name', {pattern: GRAPH_NAME_RE})
        if ((name.match(/#/g) ?? []).length > 1) throw badRequest(`name may contain # only once: ${name}`)
        const displayName = optString(o, 'displayName')
        const unit = o.unit === '' ? undefined : oneOf(o, 'unit', UNITS, false)
        const metrics = listOrEmpty(o, 'metrics').map((m, j) => {
          const mo = asObject(m, `metrics[${j}]`)
          const metric = {
            name: reqString(mo, 'name', {pattern: GRAPH_NAME_RE}),
            displayName: optString(mo, 'displayName') ?? '',
            isStacked: optBoolean(mo, 'isStacked') ?? false,
          }
          return metric
        })
        return {name, displayName: displayName ?? '', unit: unit ?? 'float', metrics}
      } catch (error) {
        if (error instanceof Error) error.message = `${where}: ${error.message}`
        throw error
      }
    })
    for (const d of defs) store.graphDefs.set(d.name, d)
    return {success: true}
  })

  r.delete('/api/v0/graph-defs', ({store, body}) => {
    const name = reqString(asObject(body), 'name')
    if (!store.graphDefs.delete(name)) throw badRequest(`graph definition not found: ${name}`)
    return {success: true}
  })

  // service graphs come from posted service metrics: they reappear with the next post
  r.delete('/api/v0/services/:svc/graph-defs/:graph', ({store, params}) => {
    if (!store.services.has(params.svc)) throw notFound(`Service not found: ${params.svc}`)
    return {success: true}
  })
}
