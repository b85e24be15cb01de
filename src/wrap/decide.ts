// What a finished run means for Mackerel: its status, its status line, whether a report is due,
// and the state to keep. Pure: everything comes in as arguments.
import type {CheckStatus} from '../api/checks.js'
import type {StatusRule} from './args.js'
import {formatDuration} from '../duration.js'
import type {RunResult} from './runner.js'
import type {WrapState} from './state.js'

export interface DecideInput {
  result: RunResult
  warning: boolean
  autoClose: boolean
  statusOn: readonly StatusRule[]
  timeoutMs?: number
  maxDurationMs?: number
  failAfter?: number
  /** previous state (undefined: none known, e.g. no host id) */
  prev?: WrapState
}

export interface Decision {
  status: CheckStatus
  /** the first line of the message */
  statusLine: string
  /** a report is due */
  send: boolean
  /** why (for logs and --result-json) */
  why: string
  /** consecutive failures including this run */
  failures: number
}

/** mkr's first line, plus what wrap adds (timeouts). */
export function statusLine(r: RunResult, timeoutMs?: number): string {
  if (r.startError) return `command invocation failed with following error: ${r.startError.message}`
  const end = r.signal !== null ? `died with signal: ${r.signal}` : `exited with code: ${r.code}`
  if (r.timedOut) return `command timed out after ${formatDuration(timeoutMs ?? 0)} and ${end}`
  return `command ${end}`
}

export function decide(i: DecideInput): Decision {
  const r = i.result
  const failStatus: CheckStatus = i.warning ? 'WARNING' : 'CRITICAL'
  let status: CheckStatus = r.exitCode === 0 && !r.startError ? 'OK' : failStatus
  // --status-on: later rules win
  for (const rule of i.statusOn) if (r.exitCode >= rule.from && r.exitCode <= rule.to) status = rule.status
  if (r.timedOut) status = failStatus
  let line = statusLine(r, i.timeoutMs)
  if (status === 'OK' && i.maxDurationMs !== undefined && r.durationMs > i.maxDurationMs) {
    status = 'WARNING'
    line += ` but ran for ${formatDuration(r.durationMs)}, longer than --max-duration ${formatDuration(i.maxDurationMs)}`
  }
  const prevFailures = i.prev?.failures ?? 0
  if (status !== 'OK') {
    const failures = prevFailures + 1
    if (i.failAfter !== undefined && i.failAfter > 1) {
      if (failures < i.failAfter) return {status, statusLine: line, send: false, why: `failure ${failures} of ${i.failAfter} (--fail-after)`, failures}
      line += ` (${failures} consecutive failures)`
    }
    return {status, statusLine: line, send: true, why: 'failure', failures}
  }
  if (!i.autoClose) return {status, statusLine: line, send: false, why: 'success (no --auto-close)', failures: 0}
  const reported = i.prev?.reported
  if (reported === 'OK') return {status, statusLine: line, send: false, why: 'success, already reported OK', failures: 0}
  return {
    status,
    statusLine: line,
    send: true,
    why: reported === undefined ? 'success, previous status unknown (--auto-close)' : `success after ${reported} (--auto-close)`,
    failures: 0,
  }
}
