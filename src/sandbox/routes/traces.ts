// §APM traces: `GET /api/v0/traces/<traceId>` (a 32-hex-digit id) answers the stored trace's spans.
// The sandbox receives no traces (that is the OpenTelemetry endpoint's job); the demo seed has one.
import {badRequest, notFound} from '../http.js'
import type {Router} from '../router.js'

export function registerTraces(r: Router): void {
  r.get('/api/v0/traces/:id', ({store, params}) => {
    if (!/^[0-9a-f]{32}$/.test(params.id)) throw badRequest(`invalid trace id: ${params.id} (32 hexadecimal digits)`)
    const t = store.traces.get(params.id)
    if (!t) throw notFound('Trace not found')
    return t
  })
}
