// §5 alerts: list (newest first, withClosed, nextId + limit), get (bare), memo, close, logs.
import {badRequest, HttpError, notFound} from '../http.js'
import type {Router} from '../router.js'
import type {Alert, Store} from '../store.js'
import {asObject, queryBool, queryLimit} from '../validate.js'

export const MEMO_MAX_BYTES = 80 * 1024

function alertOr404(store: Store, id: string): Alert {
  const a = store.alerts.get(id)
  if (!a) throw notFound(`Alert not found: ${id}`)
  return a
}

/** One page after the item with id `nextId` (exclusive); `nextId` in the answer only when more remain. */
export function pageAfter<T extends {id: string}>(items: T[], nextId: string | null, limit: number): {page: T[]; nextId?: string} {
  let start = 0
  if (nextId) {
    const i = items.findIndex((x) => x.id === nextId)
    if (i < 0) throw badRequest(`nextId not found: ${nextId}`)
    start = i + 1
  }
  const page = items.slice(start, start + limit)
  return start + limit < items.length ? {page, nextId: page.at(-1)!.id} : {page}
}

/** An alert as the API returns it: `memo` is always there (`""` when unset). */
export function alertView(a: Alert): Alert & {memo: string} {
  return {...a, memo: a.memo ?? ''}
}

export function registerAlerts(r: Router): void {
  r.get('/api/v0/alerts', ({store, query}) => {
    const limit = queryLimit(query)
    const {page, nextId} = pageAfter(store.sortedAlerts(queryBool(query, 'withClosed')), query.get('nextId'), limit)
    return {alerts: page.map(alertView), ...(nextId ? {nextId} : {})}
  })

  r.get('/api/v0/alerts/:id', ({store, params}) => alertView(alertOr404(store, params.id)))

  r.put('/api/v0/alerts/:id', ({store, params, body}) => {
    const a = alertOr404(store, params.id)
    const o = asObject(body)
    // mackerel-client-go sends `{}` to clear a memo (its UpdateAlertParam has memo `omitempty`), so a
    // missing or null memo clears it, as the API does; anything else that is not a string is a 400.
    const memo = o.memo === undefined || o.memo === null ? '' : o.memo
    if (typeof memo !== 'string') throw badRequest('memo must be a string')
    if (Buffer.byteLength(memo) > MEMO_MAX_BYTES) throw new HttpError(413, `memo must be at most ${MEMO_MAX_BYTES / 1024} KB`)
    a.memo = memo === '' ? undefined : memo
    return {id: a.id, memo}
  })

  r.post('/api/v0/alerts/:id/close', ({store, params, body}) => {
    const a = alertOr404(store, params.id)
    const o = asObject(body)
    if (typeof o.reason !== 'string') throw badRequest('reason is required and must be a string')
    // closing an alert that is already closed changes nothing
    if (a.status !== 'OK' || a.closedAt === undefined) store.closeAlert(a.id, o.reason)
    return {...alertView(a), reason: a.reason ?? '', closedAt: a.closedAt}
  })

  r.get('/api/v0/alerts/:id/logs', ({store, params, query}) => {
    const limit = queryLimit(query)
    const a = alertOr404(store, params.id)
    const newestFirst = [...(store.alertLogs.get(a.id) ?? [])].reverse()
    const {page, nextId} = pageAfter(newestFirst, query.get('nextId'), limit)
    return {logs: page.map((l) => ({...l})), ...(nextId ? {nextId} : {})}
  })
}
