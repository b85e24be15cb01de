// `mkr runbook run`: one pass over the open alerts (--once, for cron), the same every `interval`
// until SIGTERM/SIGINT (finishing the step in progress), or one alert by id (--alert, even if it was
// handled before: the way to try a rule on a real alert).
import {listAlerts, type Alert} from '../api/alerts.js'
import {CliError} from '../errors.js'
import {showDuration} from '../duration.js'
import type {Runbook} from './config.js'
import {handleAlert, Lookup, ruleMatches, type AlertOutcome, type HandleOptions, type RunbookDeps} from './handle.js'

export interface RunOptions extends HandleOptions {
  /** handle this alert only */
  alertId?: string
  /** one pass, then return */
  once?: boolean
}

/** Whether a listed alert has a rule to apply at its current status (a cheap filter before the re-read). */
async function pending(alert: Alert, runbook: Runbook, deps: RunbookDeps, lookup: Lookup): Promise<boolean> {
  if (alert.status === 'OK') return false
  if (!runbook.rules.some((r) => r.statuses.includes(alert.status))) return false
  const record = deps.state.alert(alert.id)
  const [monitor, host] = await Promise.all([lookup.monitor(alert), lookup.host(alert.hostId).catch(() => undefined)])
  const ctx = {alert, monitor, host, url: ''}
  return runbook.rules.some((r) => ruleMatches(r, ctx) && record?.rules[r.name]?.status !== alert.status)
}

/** One pass: every open alert that a rule matches and that was not handled at its current status. */
export async function runPass(runbook: Runbook, deps: RunbookDeps, opts: HandleOptions = {}): Promise<AlertOutcome[]> {
  const lookup = new Lookup(deps.client)
  let alerts: Alert[]
  try {
    alerts = await listAlerts(deps.client, {pageDelayMs: 0})
  } catch (error) {
    throw new CliError(`cannot list the open alerts: ${(error as Error).message}`, {hint: 'nothing was run; the next pass tries again'})
  }
  const outcomes: AlertOutcome[] = []
  for (const a of alerts) {
    if (deps.stopping?.()) break
    let todo: boolean
    try {
      todo = await pending(a, runbook, deps, lookup)
    } catch (error) {
      deps.io.err(`mkr: runbook: alert ${a.id}: ${(error as Error).message}\n`)
      outcomes.push({alertId: a.id, result: 'failed', ok: false, rules: [], reason: (error as Error).message})
      continue
    }
    if (todo) outcomes.push(await handleAlert(a.id, runbook, deps, opts, lookup))
  }
  return outcomes
}

/**
 * Runs as asked and returns the exit code: 0 when every matching alert was handled, 1 when a step or
 * a request failed.
 */
export async function runRunbook(
  runbook: Runbook,
  deps: RunbookDeps & {sleep?: (ms: number) => Promise<void>},
  opts: RunOptions,
): Promise<number> {
  if (opts.alertId !== undefined) {
    const o = await handleAlert(opts.alertId, runbook, deps, {...opts, force: true})
    if (o.result === 'skipped') deps.io.info(`runbook: alert ${opts.alertId}: nothing to do (${o.reason})`)
    return o.ok ? 0 : 1
  }
  let failed = false
  for (;;) {
    let outcomes: AlertOutcome[] = []
    try {
      outcomes = await runPass(runbook, deps, opts)
    } catch (error) {
      if (opts.once) throw error
      deps.io.err(`mkr: runbook: ${(error as Error).message}\n`)
      failed = true
    }
    if (outcomes.some((o) => !o.ok)) failed = true
    const handled = outcomes.filter((o) => o.result === 'handled').length
    if (opts.once) {
      if (handled === 0 && !opts.dryRun) deps.io.info('runbook: no alert to handle')
      return failed ? 1 : 0
    }
    if (deps.stopping?.()) break
    await (deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(runbook.intervalMs)
    if (deps.stopping?.()) break
  }
  deps.io.info(`runbook: stopped (interval ${showDuration(runbook.intervalMs)})`)
  return failed ? 1 : 0
}
