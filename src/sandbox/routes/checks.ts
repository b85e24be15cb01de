// §2 check monitoring: posting reports (validated as a whole before any is applied) and listing the
// check monitors they create.
import {badRequest, notFound} from '../http.js'
import type {Router} from '../router.js'
import {ALERT_STATUSES, cmp, type CheckReportInput, type Store} from '../store.js'
import {asObject, codePoints, oneOf, optNumber, queryLimit, reqArray, reqNumber, reqString, CHECK_NAME_RE} from '../validate.js'

export const MAX_REPORTS = 100
export const MAX_MESSAGE = 1024

/** A report as received, and whether it was applied (false = silently dropped). */
export interface ReceivedReport {
  /** epoch s */
  receivedAt: number
  accepted: boolean
  report: Record<string, unknown>
}

function parseReport(store: Store, raw: unknown, i: number): CheckReportInput {
  const where = `reports[${i}]`
  const prefix = (e: unknown) => {
    if (e instanceof Error) e.message = `${where}: ${e.message}`
    return e
  }
  try {
    const o = asObject(raw, 'the report')
    const source = asObject(o.source, 'source')
    if (source.type !== 'host') throw badRequest('source.type must be "host"')
    if (typeof source.hostId !== 'string' || source.hostId === '') throw badRequest('source.hostId is required')
    if (!store.liveHost(source.hostId)) throw badRequest(`source.hostId: host not found: ${source.hostId}`)
    const name = reqString(o, 'name', {pattern: CHECK_NAME_RE})
    const status = oneOf(o, 'status', ALERT_STATUSES, true)!
    if (typeof o.message !== 'string') throw badRequest('message is required and must be a string')
    if (codePoints(o.message) > MAX_MESSAGE) throw badRequest(`message must be at most ${MAX_MESSAGE} characters`)
    const occurredAt = reqNumber(o, 'occurredAt')
    const notificationInterval = optNumber(o, 'notificationInterval', {min: 0})
    const maxCheckAttempts = optNumber(o, 'maxCheckAttempts', {min: 1, max: 10, integer: true})
    return {
      hostId: source.hostId,
      name,
      status,
      message: o.message,
      occurredAt,
      // < 10 is quietly raised to 10 (§2.1); 0 is what Go clients leave out (omitempty): no re-notification
      notificationInterval: notificationInterval ? Math.max(10, notificationInterval) : undefined,
      maxCheckAttempts,
    }
  } catch (error) {
    throw prefix(error)
  }
}

export function registerChecks(r: Router, received: ReceivedReport[]): void {
  r.post('/api/v0/monitoring/checks/report', ({store, body}) => {
    const reports = reqArray(asObject(body), 'reports')
    if (reports.length > MAX_REPORTS) throw badRequest(`reports must contain at most ${MAX_REPORTS} reports (got ${reports.length})`)
    const parsed = reports.map((raw, i) => parseReport(store, raw, i))
    const receivedAt = store.now()
    parsed.forEach((p, i) => {
      const accepted = store.applyCheckReport(p)
      received.push({receivedAt, accepted, report: reports[i] as Record<string, unknown>})
    })
    return {success: true}
  })

  r.get('/api/v0/monitoring/checks', ({store, query}) => {
    const limit = queryLimit(query)
    const all = [...store.checkMonitors.values()].sort((a, b) => cmp(a.id, b.id))
    const nextId = query.get('nextId')
    let start = 0
    if (nextId) {
      start = all.findIndex((c) => c.id === nextId)
      if (start < 0) throw badRequest(`nextId not found: ${nextId}`)
    }
    const page = all.slice(start, start + limit)
    const more = all[start + limit]
    return {checks: page.map((c) => ({id: c.id, name: c.name})), ...(more ? {nextId: more.id} : {})}
  })

  r.get('/api/v0/monitoring/checks/:id', ({store, params}) => {
    const c = store.checkMonitors.get(params.id)
    if (!c) throw notFound(`Check monitor not found: ${params.id}`)
    return {check: {id: c.id, name: c.name}}
  })
}
