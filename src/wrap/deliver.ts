// Sending reports: the spool first (oldest first), then this run's report; what cannot be delivered
// within the budget is spooled, what the API refuses for good (400/401/403/...) is logged with the
// message that was lost. Loaded only when something is to be sent (it pulls in the API client).
import {postCheckReports, type CheckReport} from '../api/checks.js'
import type {ApiClient} from '../api/client.js'
import {ApiError} from '../api/errors.js'
import type {WrapLog} from './log.js'
import {readSpooled, removeSpooled, spooledFiles, spoolReport, tooOld, type SpoolEntry} from './spool.js'

export type Delivery = 'delivered' | 'spooled' | 'lost'

/** A refusal that sending again cannot fix. */
export function permanent(error: unknown): error is ApiError {
  return error instanceof ApiError && !error.retryable
}

function describe(error: unknown): string {
  const e = error as Error & {hint?: string}
  return e.message + (e.hint ? ` (${e.hint})` : '')
}

function lostLine(r: CheckReport): string {
  return `--- lost report: ${r.name} ${r.status} on host ${r.source.hostId || '(unknown)'} at ${new Date(r.occurredAt * 1000).toISOString()} ---\n${r.message}\n--- end of lost report ---`
}

export function logLost(log: WrapLog, why: string, r: CheckReport): void {
  log.error(`${why}; this report is lost:\n${lostLine(r)}`)
}

/** Resolves when `signal` aborts (never rejects). */
function aborted(signal?: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (!signal) return
    if (signal.aborted) return resolve('aborted')
    signal.addEventListener('abort', () => resolve('aborted'), {once: true})
  })
}

export interface DeliverOptions {
  client: ApiClient
  apiBase: string
  spoolDir: string
  budgetMs: number
  runId: string
  log: WrapLog
  now: () => number
  /** aborting (a signal while reporting) spools at once */
  signal?: AbortSignal
}

/** Sends one report; spools it when the API cannot be reached within the budget. */
export async function deliverReport(report: CheckReport, o: DeliverOptions): Promise<Delivery> {
  let reason: string
  try {
    const r = await Promise.race([postCheckReports(o.client, [report], {budgetMs: Math.max(1, o.budgetMs), signal: o.signal}), aborted(o.signal)])
    if (r !== 'aborted') return 'delivered'
    reason = 'interrupted by a signal'
  } catch (error) {
    if (permanent(error)) {
      logLost(o.log, `the report for ${report.name} was refused: ${describe(error)}`, report)
      return 'lost'
    }
    reason = (error as Error).message
  }
  const entry: SpoolEntry = {version: 1, apiBase: o.apiBase, spooledAt: o.now(), reason, report}
  try {
    const file = spoolReport(o.spoolDir, entry, o.runId)
    o.log.error(`could not send the report for ${report.name} (${reason}); saved it to ${file}: the next mkr wrap or mkr wrap --flush sends it`)
    return 'spooled'
  } catch (error) {
    logLost(o.log, `could not send the report for ${report.name} (${reason}) nor spool it (${(error as Error).message})`, report)
    return 'lost'
  }
}

export interface FlushResult {
  sent: number
  dropped: number
  /** still waiting in the spool */
  remaining: number
}

/**
 * Sends spooled reports for this API base, oldest first, in requests of up to 100, within the budget.
 * Reports too old for the server are dropped with a log line; corrupt files are removed with one.
 */
export async function flushSpool(o: Omit<DeliverOptions, 'runId'>): Promise<FlushResult> {
  const deadline = Date.now() + o.budgetMs
  const res: FlushResult = {sent: 0, dropped: 0, remaining: 0}
  const pending: {file: string; entry: SpoolEntry}[] = []
  for (const file of spooledFiles(o.spoolDir)) {
    const s = readSpooled(file)
    if (!s.entry) {
      if (s.error === 'gone') continue
      o.log.error(`removing unreadable spool file ${file}: ${s.error}`)
      removeSpooled(file)
      continue
    }
    const r = s.entry.report
    if (tooOld(r, o.now())) {
      o.log.error(
        `dropped the spooled report for ${r.name} (${r.status}, host ${r.source.hostId}) from ${new Date(r.occurredAt * 1000).toISOString()}: older than 6 hours, the API would ignore it`,
      )
      removeSpooled(file)
      res.dropped++
      continue
    }
    if (s.entry.apiBase !== o.apiBase) {
      res.remaining++ // meant for another API base: waits for a run that uses it
      continue
    }
    pending.push({file, entry: s.entry})
  }
  for (let i = 0; i < pending.length; i += 100) {
    const chunk = pending.slice(i, i + 100)
    const budget = deadline - Date.now()
    if (budget <= 0 || o.signal?.aborted) {
      res.remaining += pending.length - i
      break
    }
    try {
      const r = await Promise.race([postCheckReports(o.client, chunk.map((p) => p.entry.report), {budgetMs: budget, signal: o.signal}), aborted(o.signal)])
      if (r === 'aborted') {
        res.remaining += pending.length - i
        break
      }
      for (const p of chunk) removeSpooled(p.file)
      res.sent += chunk.length
    } catch (error) {
      if (permanent(error)) {
        for (const p of chunk) {
          logLost(o.log, `the spooled report for ${p.entry.report.name} was refused: ${describe(error)}`, p.entry.report)
          removeSpooled(p.file)
        }
        continue
      }
      o.log.error(`could not send ${pending.length - i} spooled report(s) yet: ${(error as Error).message}`)
      res.remaining += pending.length - i
      break
    }
  }
  return res
}
