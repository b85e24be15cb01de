// §7.2 downtimes (list, create, update, delete; there is no GET of one), scoped by services, roles and
// monitors that must exist. While one is in effect, the alerts it covers neither open nor notify
// (downtime.ts, store.mayOpenAlert, notification-routing.ts).
import {badRequest} from '../http.js'
import type {Router} from '../router.js'
import type {Rec, Store} from '../store.js'
import {asObject, isObject, oneOf, optNumber, optString, reqNumber, reqString, stringList, type Obj} from '../validate.js'
import {monitorList, recordOr404, roleList, serviceList} from './scopes.js'

const RECURRENCE_TYPES = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
export const NAME_MAX = 250
export const MEMO_MAX = 2048

/** A scope both targeted and excluded is an error (the API's "scope duplicated"). */
function noOverlap(a: string[], b: string[], key: string): void {
  const both = a.find((x) => b.includes(x))
  if (both !== undefined) throw badRequest(`${key}: ${JSON.stringify(both)} is both a scope and an excluded scope`)
}

function parseRecurrence(v: unknown, start: number): Obj | undefined {
  if (v === undefined || v === null) return undefined
  if (!isObject(v)) throw badRequest('recurrence must be an object {type, interval, weekdays?, until?}')
  const type = oneOf(v, 'type', RECURRENCE_TYPES, true)!
  const interval = reqNumber(v, 'interval', {min: 1, integer: true})
  const out: Obj = {type, interval}
  const weekdays = stringList(v, 'weekdays')
  if (weekdays.length > 0) {
    if (type !== 'weekly') throw badRequest('recurrence.weekdays is only for weekly recurrence')
    for (const d of weekdays) if (!WEEKDAYS.includes(d)) throw badRequest(`recurrence.weekdays: unknown weekday ${JSON.stringify(d)}`)
    out.weekdays = weekdays
  }
  // the Go client leaves until out when unset (omitempty); 0 means the same
  const until = optNumber(v, 'until', {integer: true, min: 0})
  if (until) {
    if (until < start) throw badRequest('recurrence.until must not be before start')
    out.until = until
  }
  return out
}

function parseDowntime(store: Store, body: unknown): Obj {
  const o = asObject(body)
  const name = reqString(o, 'name', {max: NAME_MAX})
  const memo = optString(o, 'memo', {max: MEMO_MAX}) ?? ''
  const start = reqNumber(o, 'start', {integer: true, min: 0})
  const duration = reqNumber(o, 'duration', {integer: true})
  if (duration <= 0) throw badRequest('duration must be a positive number of minutes')
  const out: Obj = {name, memo, start, duration}
  const recurrence = parseRecurrence(o.recurrence, start)
  if (recurrence) out.recurrence = recurrence
  const scopes: [string, string[]][] = [
    ['serviceScopes', serviceList(store, o, 'serviceScopes')],
    ['serviceExcludeScopes', serviceList(store, o, 'serviceExcludeScopes')],
    ['roleScopes', roleList(store, o, 'roleScopes')],
    ['roleExcludeScopes', roleList(store, o, 'roleExcludeScopes')],
    ['monitorScopes', monitorList(store, o, 'monitorScopes')],
    ['monitorExcludeScopes', monitorList(store, o, 'monitorExcludeScopes')],
  ]
  for (let i = 0; i < scopes.length; i += 2) noOverlap(scopes[i][1], scopes[i + 1][1], scopes[i][0])
  // scope lists are returned when they are set, as the API echoes its input
  for (const [k, list] of scopes) if (list.length > 0) out[k] = list
  return out
}

function downtimeView(d: Rec): Obj {
  const {id, ...rest} = d
  return {id, ...rest}
}

export function registerDowntimes(r: Router): void {
  r.get('/api/v0/downtimes', ({store}) => ({downtimes: [...store.downtimes.values()].map(downtimeView)}))

  r.post('/api/v0/downtimes', ({store, body}) => downtimeView(store.addRecord(store.downtimes, parseDowntime(store, body))))

  r.put('/api/v0/downtimes/:id', ({store, params, body}) => {
    const d = recordOr404(store.downtimes, params.id, 'Downtime')
    const updated = {id: d.id, ...parseDowntime(store, body)} as Rec
    store.downtimes.set(d.id, updated)
    return downtimeView(updated)
  })

  r.delete('/api/v0/downtimes/:id', ({store, params}) => {
    const d = recordOr404(store.downtimes, params.id, 'Downtime')
    store.downtimes.delete(d.id)
    return downtimeView(d)
  })
}
