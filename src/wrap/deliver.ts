// Sending reports. Loaded only when something is to be sent.
//
// Rules (README "failure modes"):
// - write-ahead: this run's report is on disk (the spool) before it is sent, and removed once accepted;
// - per-check order: a report never overtakes older spooled reports of the same host and check name
//   (the API ignores a report older than one it already accepted): they go first, in the same
//   request or earlier ones, oldest first;
// - a refusal of a whole batch (400/404/413/422) is narrowed down by splitting the batch: only the
//   reports the API refuses one by one are dropped, each named in the log with its message;
// - 401/403, a redirect or another refusal that says "not with this key/URL" keeps every report;
// - the service looks down (network error, 5xx, 429 after the client's retries): the breaker opens,
//   and the rest of the run spools instead of sending.
import {MAX_REPORTS_PER_REQUEST, postCheckReports, type CheckReport} from '../api/checks.js'
import type {ApiClient} from '../api/client.js'
import {ApiError, serviceDown} from '../api/errors.js'
import {maskSecret} from '../secret.js'
import type {Breaker} from './breaker.js'
import type {WrapLog} from './log.js'
import {checkKey, readSpooled, removeFile, tooOld, type Claimed, type Spool, type SpoolEntry, type SpoolFile} from './spool.js'

export type Delivery = 'delivered' | 'spooled' | 'lost'

/** Statuses that refuse a report itself (a batch is split to find which). */
const REFUSES_REPORT = new Set([400, 404, 413, 422])


export interface DeliverOptions {
  client: ApiClient
  apiBase: string
  spool: Spool
  /** time for everything this call sends */
  budgetMs: number
  log: WrapLog
  now: () => number
  breaker: Breaker
  /** aborting (a signal while reporting) stops sending: what is left stays in the spool */
  signal?: AbortSignal
  /** attempts per request (the client's retries), default the client's */
  maxAttempts?: number
  /** the API key: never written into the spool or the log */
  secret?: string
}

function describe(error: unknown): string {
  const e = error as Error & {hint?: string}
  return e.message + (e.hint ? ` (${e.hint})` : '')
}

function lostLine(r: CheckReport): string {
  return `--- lost report: ${r.name} ${r.status} on host ${r.source.hostId || '(unknown)'} at ${new Date(r.occurredAt * 1000).toISOString()} ---\n${r.message}\n--- end of lost report ---`
}

/** Logs a report that will never reach Mackerel, with its message (cron mails it). */
export function logLost(log: WrapLog, why: string, r: CheckReport): void {
  log.error(`${why}; this report is lost:\n${lostLine(r)}`)
}

const when = (r: CheckReport) => new Date(r.occurredAt * 1000).toISOString()
const label = (r: CheckReport) => `${r.name} (${r.status}, host ${r.source.hostId}, ${when(r)})`
const byAge = (a: Claimed, b: Claimed) => a.entry.report.occurredAt - b.entry.report.occurredAt || a.entry.spooledAt - b.entry.spooledAt

type Verdict = 'refused' | 'keep' | 'down'

function verdict(error: unknown): Verdict {
  if (error instanceof ApiError && REFUSES_REPORT.has(error.status)) return 'refused'
  if (serviceDown(error) || !(error instanceof ApiError)) return 'down' // a garbage answer too: nothing says they arrived
  return 'keep' // 401, 403, a redirect, ...: not with this key or URL
}

/** Resolves when `signal` aborts (never rejects). */
function aborted(signal?: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (!signal) return
    if (signal.aborted) return resolve('aborted')
    signal.addEventListener('abort', () => resolve('aborted'), {once: true})
  })
}

class Stop extends Error {}

interface Outcome {
  sent: Claimed[]
  refused: Claimed[]
  /** put back in the spool */
  kept: Claimed[]
  /** neither sent nor kept: the spool could not be written */
  lost: Claimed[]
  /** why sending stopped early */
  reason?: string
}

/**
 * Sends claimed reports oldest first in requests of up to 100, splitting refused batches; whatever is
 * not sent or refused is released to the spool with the reason.
 */
async function sendClaimed(items: Claimed[], o: DeliverOptions): Promise<Outcome> {
  const out: Outcome = {sent: [], refused: [], kept: [], lost: []}
  const deadline = Date.now() + o.budgetMs
  const done = new Set<Claimed>()
  const mask = (s: string) => maskSecret(s, o.secret)

  const post = async (batch: Claimed[]): Promise<void> => {
    if (o.breaker.open) throw new Stop(o.breaker.reason)
    if (o.signal?.aborted) throw new Stop('interrupted by a signal')
    const budgetMs = deadline - Date.now()
    if (budgetMs <= 0) throw new Stop('no time left (--report-timeout)')
    try {
      const r = await Promise.race([
        postCheckReports(o.client, batch.map((c) => c.entry.report), {budgetMs, signal: o.signal, maxAttempts: o.maxAttempts}),
        aborted(o.signal),
      ])
      if (r === 'aborted') throw new Stop('interrupted by a signal')
    } catch (error) {
      if (error instanceof Stop) throw error
      if (o.signal?.aborted) throw new Stop('interrupted by a signal')
      const v = verdict(error)
      if (v === 'refused') {
        if (batch.length > 1) {
          // narrow it down: per host first (a retired host refuses all its reports), then halves
          const hosts = [...new Set(batch.map((c) => c.entry.report.source.hostId))]
          const parts =
            hosts.length > 1
              ? hosts.map((h) => batch.filter((c) => c.entry.report.source.hostId === h))
              : [batch.slice(0, Math.ceil(batch.length / 2)), batch.slice(Math.ceil(batch.length / 2))]
          for (const p of parts) await post(p)
          return
        }
        const c = batch[0]
        logLost(o.log, mask(`the API refused the report for ${label(c.entry.report)}: ${describe(error)}`), c.entry.report)
        o.spool.remove(c)
        out.refused.push(c)
        done.add(c)
        return
      }
      const why = mask(describe(error))
      o.breaker.trip(v === 'keep' ? `${why}: this API key or URL cannot send reports` : why)
      throw new Stop(o.breaker.reason)
    }
    for (const c of batch) {
      o.spool.remove(c)
      out.sent.push(c)
      done.add(c)
    }
  }

  const sorted = [...items].sort(byAge)
  let reason: string | undefined
  try {
    for (let i = 0; i < sorted.length; i += MAX_REPORTS_PER_REQUEST) await post(sorted.slice(i, i + MAX_REPORTS_PER_REQUEST))
  } catch (error) {
    if (!(error instanceof Stop)) throw error
    reason = error.message
  }
  for (const c of sorted) {
    if (done.has(c)) continue
    try {
      o.spool.release(c, mask(reason ?? 'not sent'))
      out.kept.push(c)
    } catch (error) {
      logLost(o.log, mask(`could not send the report for ${label(c.entry.report)} (${reason}) nor keep it in the spool (${(error as Error).message})`), c.entry.report)
      out.lost.push(c)
    }
  }
  out.reason = reason
  return out
}

interface Candidate {
  file: SpoolFile
  entry: SpoolEntry
}

/**
 * Reads claimable spool files for this API base (at most `max`, oldest first, those matching `want`).
 * Too old ones are dropped and unreadable ones removed, each with a log line.
 */
function candidates(o: DeliverOptions, want: (f: SpoolFile, e?: SpoolEntry) => boolean, max: number): {found: Candidate[]; dropped: number; skipped: number} {
  const found: Candidate[] = []
  let dropped = 0
  let skipped = 0
  for (const f of o.spool.claimable()) {
    if (!want(f)) continue
    if (found.length >= max) {
      skipped++
      continue
    }
    const s = readSpooled(f.path)
    if (!s.entry) {
      if (s.error === 'gone') continue
      o.log.error(`removing unreadable spool file ${f.path}: ${s.error}`)
      removeFile(f.path)
      continue
    }
    const r = s.entry.report
    if (!want(f, s.entry)) continue
    if (tooOld(r, o.now())) {
      o.log.error(`dropped the spooled report for ${label(r)}: older than 6 hours, the API would ignore it`)
      removeFile(f.path)
      dropped++
      continue
    }
    if (s.entry.apiBase !== o.apiBase) {
      skipped++ // meant for another API base: waits for a run that uses it
      continue
    }
    found.push({file: f, entry: s.entry})
  }
  return {found, dropped, skipped}
}

function claimAll(o: DeliverOptions, cands: Candidate[]): Claimed[] {
  const out: Claimed[] = []
  for (const c of cands) {
    const claimed = o.spool.claim(c.file, c.entry)
    if (claimed) out.push(claimed)
  }
  return out
}

/**
 * Sends this run's report, after (and with) the spooled reports of the same check; spools it when it
 * cannot be delivered now. Never throws.
 */
export async function deliverReport(report: CheckReport, runId: string, o: DeliverOptions): Promise<Delivery> {
  const entry: SpoolEntry = {version: 1, apiBase: o.apiBase, spooledAt: o.now(), reason: 'being sent', report}
  const own = o.spool.prepare(entry, runId)
  const spoolIt = (why: string): Delivery => {
    try {
      const file = o.spool.release(own, maskSecret(why, o.secret))
      o.log.error(maskSecret(`could not send the report for ${report.name} (${why}); saved it to ${file}: the next mkr wrap or mkr wrap --flush sends it`, o.secret))
      return 'spooled'
    } catch (error) {
      logLost(o.log, maskSecret(`could not send the report for ${report.name} (${why}) nor spool it (${(error as Error).message})`, o.secret), report)
      return 'lost'
    }
  }
  if (o.breaker.open) return spoolIt(`not sent: ${o.breaker.reason}`)
  try {
    o.spool.writeAhead(own)
  } catch (error) {
    o.log.error(`cannot write the report for ${report.name} to the spool ${o.spool.dir} (${(error as Error).message}): sending it without a safety copy`)
  }
  // older reports of this check go first; one still being sent by someone else must not be overtaken
  const key = checkKey(report)
  const sameCheck = (f: SpoolFile, e?: SpoolEntry) =>
    (f.check === undefined || f.check === key) && (!e || (e.report.name === report.name && e.report.source.hostId === report.source.hostId))
  const busy = o.spool.inFlight().some((f) => f.check === key && f.path !== own.path)
  const older = busy ? undefined : claimAll(o, candidates(o, sameCheck, Infinity).found)
  if (!older) {
    if (own.path) {
      o.spool.release(own, 'waiting behind older reports of the same check that are being sent')
      o.log.error(`older reports of ${report.name} are still being sent: this run's report waits in the spool behind them (${own.pendingPath})`)
      return 'spooled'
    }
    return spoolIt('older reports of the same check are being sent')
  }
  const r = await sendClaimed([...older, own], o)
  if (r.sent.includes(own)) return 'delivered'
  if (r.refused.includes(own) || r.lost.includes(own)) return 'lost'
  o.log.error(maskSecret(`could not send the report for ${report.name} (${r.reason}); saved it to ${own.pendingPath}: the next mkr wrap or mkr wrap --flush sends it`, o.secret))
  return 'spooled'
}

export interface FlushResult {
  sent: number
  dropped: number
  refused: number
  /** still waiting in the spool */
  remaining: number
}

/**
 * Sends spooled reports for this API base, oldest first, in requests of up to 100, at most
 * `maxReports` of them, within the budget. Never throws for API problems.
 */
export async function flushSpool(o: DeliverOptions, maxReports = Infinity): Promise<FlushResult> {
  const c = candidates(o, () => true, maxReports)
  const claimed = claimAll(o, c.found)
  const r = await sendClaimed(claimed, o)
  if (r.kept.length > 0) o.log.error(maskSecret(`could not send ${r.kept.length} spooled report(s) yet: ${r.reason}`, o.secret))
  return {sent: r.sent.length, dropped: c.dropped, refused: r.refused.length, remaining: c.skipped + r.kept.length}
}
