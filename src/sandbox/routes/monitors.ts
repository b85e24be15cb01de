// §3 monitors: list (by type, then name), get {monitor}, create / update / delete (bare).
// Every documented type is validated with its required fields and ranges; fields the sandbox does not
// know are stored and returned as sent. PUT replaces the monitor (omitted scopes are cleared, isMute
// becomes false), except connectivity alertStatusOnGone and external headers, which are kept (§3.0).
import {badRequest, notFound} from '../http.js'
import type {Router} from '../router.js'
import type {Monitor, Store} from '../store.js'
import {asObject, oneOf, optBoolean, optNumber, optString, optStringArray, reqNumber, reqString, type Obj} from '../validate.js'

export const MONITOR_TYPES = ['host', 'connectivity', 'service', 'external', 'expression', 'anomalyDetection', 'query'] as const
export const MEMO_MAX = 2048
const PERCENT_METRICS = new Set(['cpu%', 'memory%', 'disk%', 'swap%', 'container-cpu%', 'container-memory%'])
const SENSITIVITIES = ['insensitive', 'normal', 'sensitive'] as const
const OPERATORS = ['>', '<'] as const
const RANGE_1_10 = {min: 1, max: 10, integer: true}

function monitorOr404(store: Store, id: string): Monitor {
  const m = store.monitors.get(id)
  if (!m) throw notFound(`Monitor not found: ${id}`)
  return m
}

function scopes(store: Store, o: Obj, key: 'scopes' | 'excludeScopes'): string[] | undefined {
  const list = optStringArray(o, key)
  for (const s of list ?? []) if (!store.hasScope(s)) throw badRequest(`${key}: service or role not found: ${JSON.stringify(s)}`)
  return list
}

/** operator, warning and critical (thresholds may be null). */
function thresholds(o: Obj, percentage = false): void {
  oneOf(o, 'operator', OPERATORS, true)
  const rule = percentage ? {min: 0, max: 100} : {}
  optNumber(o, 'warning', rule)
  optNumber(o, 'critical', rule)
}

function existingService(store: Store, o: Obj, key: string, required: boolean): string | undefined {
  const name = required ? reqString(o, key) : optString(o, key)
  if (name && !store.services.has(name)) throw badRequest(`${key}: service not found: ${name}`)
  return name
}

function balanced(s: string, open: string, close: string): boolean {
  let depth = 0
  for (const c of s) {
    if (c === open) depth++
    else if (c === close && --depth < 0) return false
  }
  return depth === 0
}

/** Defaults the API fills in when a field is left out. */
function defaults(type: string): Obj {
  switch (type) {
    case 'host':
      return {isMute: false, maxCheckAttempts: 1, scopes: [], excludeScopes: []}
    case 'connectivity':
      return {name: 'connectivity', isMute: false, alertStatusOnGone: 'CRITICAL', scopes: [], excludeScopes: []}
    case 'service':
      return {isMute: false, maxCheckAttempts: 1}
    case 'external':
      return {isMute: false, maxCheckAttempts: 1, method: 'GET', headers: []}
    case 'expression':
      return {isMute: false, evaluateBackwardMinutes: 2}
    case 'anomalyDetection':
      return {isMute: false, maxCheckAttempts: 3}
    case 'query':
      return {isMute: false, legend: '', evaluateBackwardMinutes: 0}
    default:
      return {isMute: false}
  }
}

/** Validates a create/update body; returns the monitor to store (without id). */
export function parseMonitor(store: Store, body: unknown, existing?: Monitor): Obj & {type: string} {
  const o = asObject(body)
  const type = oneOf(o, 'type', MONITOR_TYPES, true)!
  if (existing && existing.type !== type) throw badRequest(`type cannot be changed (from ${existing.type} to ${type})`)
  if (type === 'connectivity') {
    if (o.name !== undefined && o.name !== null) reqString(o, 'name')
  } else reqString(o, 'name')
  optString(o, 'memo', {max: MEMO_MAX})
  // whole minutes: the Go client reads it (and the other counts below) into an unsigned integer, so
  // 10.5 stored here would make every later GET of the monitor undecodable for it
  optNumber(o, 'notificationInterval', {min: 10, integer: true})
  optBoolean(o, 'isMute')

  switch (type) {
    case 'host': {
      const metric = reqString(o, 'metric')
      thresholds(o, PERCENT_METRICS.has(metric))
      reqNumber(o, 'duration', RANGE_1_10)
      optNumber(o, 'maxCheckAttempts', RANGE_1_10)
      scopes(store, o, 'scopes')
      scopes(store, o, 'excludeScopes')
      break
    }
    case 'connectivity':
      oneOf(o, 'alertStatusOnGone', ['CRITICAL', 'WARNING'], false)
      scopes(store, o, 'scopes')
      scopes(store, o, 'excludeScopes')
      break
    case 'service':
      existingService(store, o, 'service', true)
      reqString(o, 'metric')
      thresholds(o)
      reqNumber(o, 'duration', RANGE_1_10)
      optNumber(o, 'maxCheckAttempts', RANGE_1_10)
      for (const k of ['missingDurationWarning', 'missingDurationCritical']) optNumber(o, k, {min: 0, max: 10080, multipleOf: 10})
      break
    case 'external': {
      const url = reqString(o, 'url')
      let scheme = ''
      try {
        scheme = new URL(url).protocol
      } catch {}
      if (scheme !== 'http:' && scheme !== 'https:') throw badRequest(`url must be an http or https URL: ${JSON.stringify(url)}`)
      oneOf(o, 'method', ['GET', 'POST', 'PUT', 'DELETE'], false)
      const service = existingService(store, o, 'service', false)
      for (const k of ['responseTimeWarning', 'responseTimeCritical']) optNumber(o, k, {min: 0})
      optNumber(o, 'responseTimeDuration', RANGE_1_10)
      if (!service && ['responseTimeWarning', 'responseTimeCritical', 'responseTimeDuration'].some((k) => o[k] !== undefined && o[k] !== null))
        throw badRequest('service is required for response time monitoring (responseTimeWarning, responseTimeCritical, responseTimeDuration)')
      optString(o, 'containsString')
      optNumber(o, 'maxCheckAttempts', RANGE_1_10)
      for (const k of ['certificationExpirationWarning', 'certificationExpirationCritical', 'certificationLimitWarning', 'certificationLimitCritical'])
        optNumber(o, k, {min: 0, integer: true})
      optBoolean(o, 'skipCertificateVerification')
      optBoolean(o, 'followRedirect')
      optNumber(o, 'expectedStatusCode', {min: 100, max: 599, integer: true})
      optString(o, 'requestBody')
      oneOf(o, 'dualstack', ['ipv4', 'ipv6', 'auto'], false)
      if (o.headers !== undefined && o.headers !== null) {
        if (!Array.isArray(o.headers)) throw badRequest('headers must be an array of {name, value}')
        o.headers.forEach((h, i) => {
          const ho = asObject(h, `headers[${i}]`)
          reqString(ho, 'name')
          if (typeof ho.value !== 'string') throw badRequest(`headers[${i}].value must be a string`)
        })
      }
      break
    }
    case 'expression': {
      const expr = reqString(o, 'expression')
      if (!balanced(expr, '(', ')')) throw badRequest(`expression is invalid: ${JSON.stringify(expr)}`)
      thresholds(o)
      optNumber(o, 'evaluateBackwardMinutes', {min: 2, max: 10, integer: true})
      break
    }
    case 'anomalyDetection': {
      const list = scopes(store, o, 'scopes')
      if (!list || list.length === 0) throw badRequest('scopes is required (role full names, svc:role)')
      for (const s of list) if (!s.includes(':')) throw badRequest(`scopes must be role full names (svc:role): ${JSON.stringify(s)}`)
      const w = oneOf(o, 'warningSensitivity', SENSITIVITIES, false)
      const c = oneOf(o, 'criticalSensitivity', SENSITIVITIES, false)
      if (!w && !c) throw badRequest('warningSensitivity or criticalSensitivity is required')
      optNumber(o, 'maxCheckAttempts', RANGE_1_10)
      const from = optNumber(o, 'trainingPeriodFrom', {min: 0, integer: true})
      if (from !== undefined && from > store.now()) throw badRequest('trainingPeriodFrom must not be in the future')
      break
    }
    case 'query': {
      const q = reqString(o, 'query')
      if (!balanced(q, '{', '}') || !balanced(q, '(', ')')) throw badRequest(`query is invalid: ${JSON.stringify(q)}`)
      optString(o, 'legend')
      thresholds(o)
      optNumber(o, 'evaluateBackwardMinutes', {min: 0, max: 10, integer: true})
      break
    }
  }

  const {id: _ignored, ...fields} = o
  // certificationLimit* is how the docs' response examples spell certificationExpiration* (a typo,
  // reference §9.5): accepted, and stored under the name the API and the Go client use
  if (type === 'external')
    for (const level of ['Warning', 'Critical']) {
      const typo = `certificationLimit${level}`
      if (fields[typo] === undefined) continue
      fields[`certificationExpiration${level}`] ??= fields[typo]
      delete fields[typo]
    }
  const kept: Obj = {}
  if (existing && type === 'connectivity' && fields.alertStatusOnGone === undefined) kept.alertStatusOnGone = existing.alertStatusOnGone
  // headers left out or null keep the stored ones; [] removes them (mackerel-client-go documents that nil
  // and an empty list differ, and it always sends the field, so nil goes out as `null`).
  if (existing && type === 'external' && (fields.headers === undefined || fields.headers === null) && Array.isArray(existing.headers))
    kept.headers = existing.headers
  const out: Obj = {...fields, ...kept}
  for (const [k, v] of Object.entries(defaults(type))) if (out[k] === undefined || out[k] === null) out[k] = Array.isArray(v) ? [...v] : v
  return out as Obj & {type: string}
}

/** A monitor as the API returns it: the defaults the API fills are present even on monitors seeded or
 * loaded without them (so external `headers` is always an array, never absent or null). */
export function monitorView(m: Monitor): Monitor {
  const out: Obj = {...m}
  for (const [k, v] of Object.entries(defaults(m.type))) if (out[k] === undefined || out[k] === null) out[k] = Array.isArray(v) ? [...v] : v
  return out as Monitor
}

export function registerMonitors(r: Router): void {
  r.get('/api/v0/monitors', ({store}) => ({monitors: store.listMonitors().map(monitorView)}))

  r.get('/api/v0/monitors/:id', ({store, params}) => ({monitor: monitorView(monitorOr404(store, params.id))}))

  r.post('/api/v0/monitors', ({store, body}) => monitorView(store.addMonitor(parseMonitor(store, body))))

  r.put('/api/v0/monitors/:id', ({store, params, body}) => {
    const old = monitorOr404(store, params.id)
    const m = {id: old.id, ...parseMonitor(store, body, old)} as Monitor
    store.monitors.set(m.id, m)
    store.monitorReplaced(m.id)
    return monitorView(m)
  })

  r.delete('/api/v0/monitors/:id', ({store, params}) => {
    const m = monitorOr404(store, params.id)
    store.monitors.delete(m.id)
    for (const a of store.alerts.values())
      if (a.monitorId === m.id && a.status !== 'OK') store.closeAlert(a.id, undefined, 'monitorDelete')
    store.monitorReplaced(m.id)
    return monitorView(m)
  })
}
