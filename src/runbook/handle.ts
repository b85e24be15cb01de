// Handling one alert: re-read it, find the rules it matches, and for each rule write the memo section
// `runbook:<rule>` (owner, doc, each collect step's output), then run each remedy — announced in the
// memo before it starts, reported after — within its hourly budget, and record it in the state.
// Nothing from the alert is ever put into a command line: commands get the context as environment.
import {ALERT_MEMO_MAX_BYTES, getAlert, updateAlertMemo, type Alert} from '../api/alerts.js'
import {createAnnotation} from '../api/annotations.js'
import type {ApiClient} from '../api/client.js'
import {getHost, type Host} from '../api/hosts.js'
import {listMonitors} from '../api/monitors.js'
import {getOrg} from '../api/org.js'
import {buildMemo} from '../alerts/memo.js'
import {showDuration} from '../duration.js'
import type {IOStreams} from '../output/iostreams.js'
import {escapeControl} from '../output/sanitize.js'
import type {Rule, Runbook, Step} from './config.js'
import {describeResult, runStep, succeeded, type StepResult} from './exec.js'
import type {RunbookState} from './state.js'

/** The share of Mackerel's memo limit one rule's section may use (other rules and people's text need the rest). */
export const SECTION_BUDGET_BYTES = 24_000
const STEP_MIN_BYTES = 1_000
const STEP_MAX_BYTES = 16_000

export interface RunbookDeps {
  client: ApiClient
  io: IOStreams
  state: RunbookState
  /** what commands need so that `mkr` inside them works (never printed) */
  api: {apiBase: string; apiKey: string}
  /** the environment commands inherit (default process.env) */
  env?: NodeJS.ProcessEnv
  now?: () => number
  /** a stop was asked for (SIGTERM/SIGINT): finish the step in progress, start no other */
  stopping?: () => boolean
}

export interface HandleOptions {
  dryRun?: boolean
  noRemedy?: boolean
  /** handle even if the state says it was handled (`run --alert ID`) */
  force?: boolean
}

export interface MonitorInfo {
  id: string
  name: string
  type: string
}

/** Per-pass caches of what several alerts share: monitors, hosts, the org's name. */
export class Lookup {
  private monitors?: Promise<Map<string, MonitorInfo>>
  private checks = new Map<string, Promise<MonitorInfo | undefined>>()
  private hosts = new Map<string, Promise<Host | undefined>>()
  private org?: Promise<string | undefined>

  constructor(private readonly client: ApiClient) {}

  async monitor(alert: Alert): Promise<MonitorInfo> {
    const fallback = {id: alert.monitorId, name: '', type: alert.type}
    if (alert.type === 'check') {
      let p = this.checks.get(alert.monitorId)
      if (!p) {
        p = this.client
          .get<{check?: {id: string; name: string}}>(`/api/v0/monitoring/checks/${encodeURIComponent(alert.monitorId)}`)
          .then((b) => (b?.check && typeof b.check.name === 'string' ? {id: alert.monitorId, name: b.check.name, type: 'check'} : undefined))
          .catch(() => undefined)
        this.checks.set(alert.monitorId, p)
      }
      return (await p) ?? fallback
    }
    this.monitors ??= listMonitors(this.client).then(
      (list) => new Map(list.map((m) => [String(m.id), {id: String(m.id), name: String(m.name ?? ''), type: String(m.type)}])),
    )
    return (await this.monitors).get(alert.monitorId) ?? fallback
  }

  host(id: string | undefined): Promise<Host | undefined> {
    if (!id) return Promise.resolve(undefined)
    let p = this.hosts.get(id)
    if (!p) {
      p = getHost(this.client, id)
      this.hosts.set(id, p)
    }
    return p
  }

  orgName(): Promise<string | undefined> {
    this.org ??= getOrg(this.client)
      .then((o) => o.name)
      .catch(() => undefined)
    return this.org
  }
}

export interface AlertContext {
  alert: Alert
  monitor: MonitorInfo
  host?: Host
  url: string
}

export function hostRoles(h: Host | undefined): string[] {
  const out: string[] = []
  for (const [svc, roles] of Object.entries(h?.roles ?? {})) for (const r of roles ?? []) out.push(`${svc}:${r}`)
  return out
}

function hostIps(h: Host | undefined): string[] {
  const ips: string[] = []
  for (const i of h?.interfaces ?? []) {
    for (const a of [i.ipAddress, ...(i.ipv4Addresses ?? []), ...(i.ipv6Addresses ?? [])]) if (a && !ips.includes(a)) ips.push(a)
  }
  return ips
}

/** Whether the rule applies to the alert in this context (status included). */
export function ruleMatches(rule: Rule, c: AlertContext): boolean {
  if (!rule.statuses.includes(c.alert.status)) return false
  if (rule.monitors.length > 0 && !rule.monitorMatchers.some((m) => m(c.monitor))) return false
  const needsHost = rule.services.length + rule.roles.length + rule.hosts.length + rule.hostStatuses.length > 0
  if (!needsHost) return true
  const h = c.host
  if (!h) return false
  const roles = hostRoles(h)
  if (rule.services.length > 0 && !rule.services.some((s) => roles.some((r) => r.startsWith(`${s}:`)))) return false
  if (rule.roles.length > 0 && !rule.roles.some((r) => roles.includes(r))) return false
  if (rule.hosts.length > 0 && !rule.hostMatchers.some((m) => m(h.name))) return false
  if (rule.hostStatuses.length > 0 && !rule.hostStatuses.includes(h.status)) return false
  return true
}

/** The web address of an alert: mackerel.io for the public API, else the API's own origin. */
export function alertUrl(apiBase: string, org: string | undefined, id: string): string {
  let origin: string
  try {
    const u = new URL(apiBase)
    origin = u.hostname === 'api.mackerelio.com' ? 'https://mackerel.io' : u.origin
  } catch {
    origin = 'https://mackerel.io'
  }
  return `${origin}/orgs/${encodeURIComponent(org ?? '-')}/alerts/${encodeURIComponent(id)}`
}

const clean = (v: unknown) => String(v ?? '').replace(/\0/g, '')

/** The environment of every command of a rule: the alert's context, and the API settings for `mkr`. */
export function stepEnv(rule: Rule, c: AlertContext, deps: Pick<RunbookDeps, 'api' | 'env'>): NodeJS.ProcessEnv {
  const a = c.alert
  return {
    ...(deps.env ?? process.env),
    MACKEREL_APIKEY: deps.api.apiKey,
    MACKEREL_APIBASE: deps.api.apiBase,
    MKR_RULE: clean(rule.name),
    MKR_ALERT_ID: clean(a.id),
    MKR_ALERT_STATUS: clean(a.status),
    MKR_ALERT_TYPE: clean(a.type),
    MKR_ALERT_VALUE: a.value === undefined ? '' : clean(a.value),
    MKR_ALERT_OPENED_AT: clean(a.openedAt),
    MKR_ALERT_URL: clean(c.url),
    MKR_MONITOR_ID: clean(c.monitor.id),
    MKR_MONITOR_NAME: clean(c.monitor.name),
    MKR_HOST_ID: clean(c.host?.id ?? a.hostId ?? ''),
    MKR_HOST_NAME: clean(c.host?.name ?? ''),
    MKR_HOST_STATUS: clean(c.host?.status ?? ''),
    MKR_HOST_ROLES: clean(hostRoles(c.host).join(',')),
    MKR_HOST_IPS: clean(hostIps(c.host).join(',')),
  }
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19) + 'Z'
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`

/** Builds the section text as the handling goes, so every memo write shows everything so far. */
class Section {
  private parts: string[] = []
  constructor(rule: Rule, c: AlertContext, now: number) {
    if (rule.owner) this.parts.push(`owner: ${rule.owner}`)
    if (rule.doc) this.parts.push(`runbook: ${rule.doc}`)
    const where = c.host ? ` on ${c.host.name}` : ''
    this.parts.push(
      `${c.alert.status}${where} · ${c.monitor.name || c.monitor.id} · handled by mkr runbook (rule "${rule.name}") at ${new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    )
  }
  add(text: string): void {
    this.parts.push(text)
  }
  text(): string {
    return this.parts.join('\n') + '\n'
  }
}

function stepBlock(kind: string, step: Step, r: StepResult): string {
  const body = r.output.replace(/\s+$/, '')
  return `\n--- ${kind}: ${step.name}: ${describeResult(r, showDuration(step.timeoutMs))} in ${seconds(r.durationMs)} ---${body ? `\n${body}` : ''}`
}

export interface RuleOutcome {
  rule: string
  ok: boolean
  /** human summary for the log */
  summary: string
}

export interface AlertOutcome {
  alertId: string
  /** handled (some rule applied), skipped (nothing to do), failed (an error before any rule ran) */
  result: 'handled' | 'skipped' | 'failed'
  ok: boolean
  rules: RuleOutcome[]
  reason?: string
}

/**
 * Handles one alert by id. Never throws for a problem with this alert (API error, command missing):
 * it is logged, written into the section when possible, and reported as not ok.
 */
export async function handleAlert(
  alertId: string,
  runbook: Runbook,
  deps: RunbookDeps,
  opts: HandleOptions = {},
  lookup = new Lookup(deps.client),
): Promise<AlertOutcome> {
  const {io} = deps
  const now = deps.now ?? Date.now
  const log = (line: string) => io.info(`runbook: ${escapeControl(line)}`)
  const fail = (reason: string): AlertOutcome => {
    io.err(`mkr: runbook: alert ${escapeControl(alertId)}: ${escapeControl(reason)}\n`)
    return {alertId, result: 'failed', ok: false, rules: [], reason}
  }

  const lock = opts.dryRun ? undefined : deps.state.lockAlert(alertId)
  if (!opts.dryRun && !lock) {
    log(`alert ${alertId}: being handled by another mkr runbook process; skipped`)
    return {alertId, result: 'skipped', ok: true, rules: [], reason: 'locked'}
  }
  try {
    let alert: Alert
    let ctx: AlertContext
    try {
      alert = await getAlert(deps.client, alertId) // 1. re-read: it may have closed since it was listed
      if (alert.status === 'OK' || alert.closedAt) return {alertId, result: 'skipped', ok: true, rules: [], reason: 'closed'}
      const [monitor, host, org] = await Promise.all([lookup.monitor(alert), lookup.host(alert.hostId), lookup.orgName()])
      ctx = {alert, monitor, host, url: alertUrl(deps.api.apiBase, org, alert.id)}
    } catch (error) {
      return fail((error as Error).message)
    }
    const record = deps.state.alert(alertId) ?? {id: alertId, monitorId: alert.monitorId, hostId: alert.hostId, rules: {}}
    const rules = runbook.rules.filter((r) => ruleMatches(r, ctx))
    const todo = rules.filter((r) => opts.force || record.rules[r.name]?.status !== alert.status)
    if (todo.length === 0)
      return {alertId, result: 'skipped', ok: true, rules: [], reason: rules.length === 0 ? 'no rule matches' : 'already handled'}

    const outcomes: RuleOutcome[] = []
    for (const rule of todo) {
      if (deps.stopping?.()) break
      const o = await handleRule(rule, ctx, deps, opts, record)
      outcomes.push(o)
      log(`alert ${alertId} (${alert.status}, ${ctx.monitor.name || ctx.monitor.id}${ctx.host ? ` on ${ctx.host.name}` : ''}): rule "${rule.name}": ${o.summary}`)
      if (!opts.dryRun) {
        try {
          deps.state.saveAlert(record)
        } catch (error) {
          io.err(`mkr: runbook: cannot record alert ${alertId} in ${deps.state.dir}: ${(error as Error).message}\n`)
          o.ok = false
        }
      }
    }
    return {alertId, result: 'handled', ok: outcomes.every((o) => o.ok), rules: outcomes}
  } finally {
    lock?.release()
  }
}

async function handleRule(
  rule: Rule,
  c: AlertContext,
  deps: RunbookDeps,
  opts: HandleOptions,
  record: {rules: Record<string, {status: string; at: number; ok: boolean; remedies: {name: string; at: number; ok: boolean}[]}>},
): Promise<RuleOutcome> {
  const now = deps.now ?? Date.now
  const {io} = deps
  const env = stepEnv(rule, c, deps)
  const steps = rule.collect.length + (opts.noRemedy ? 0 : rule.remedy.length)
  const stepBytes = Math.max(STEP_MIN_BYTES, Math.min(STEP_MAX_BYTES, Math.floor(SECTION_BUDGET_BYTES / Math.max(1, steps))))
  const section = new Section(rule, c, now())
  let ok = true
  const notes: string[] = []
  const remedies: {name: string; at: number; ok: boolean}[] = []

  // the memo is re-read before every write: what people wrote meanwhile is kept
  const write = async (): Promise<boolean> => {
    if (opts.dryRun) return true
    try {
      const current = (await getAlert(deps.client, c.alert.id)).memo ?? ''
      const built = buildMemo(current, section.text(), {section: rule.section, maxBytes: ALERT_MEMO_MAX_BYTES})
      await updateAlertMemo(deps.client, c.alert.id, built.memo)
      return true
    } catch (error) {
      ok = false
      io.err(`mkr: runbook: alert ${c.alert.id}: rule "${rule.name}": cannot write the memo: ${escapeControl((error as Error).message)}\n`)
      return false
    }
  }

  if (opts.dryRun) {
    io.out(`alert ${c.alert.id} (${c.alert.status}, ${escapeControl(c.monitor.name || c.monitor.id)}${c.host ? ` on ${escapeControl(c.host.name)}` : ''}): rule "${rule.name}"\n`)
    for (const s of rule.collect) {
      io.out(`  would collect ${JSON.stringify(s.name)}: ${JSON.stringify(s.command)} (timeout ${showDuration(s.timeoutMs)})\n`)
      section.add(`\n--- collect: ${s.name}: not run (--dry-run) ---`)
    }
    for (const s of rule.remedy) {
      io.out(
        opts.noRemedy
          ? `  remedy ${JSON.stringify(s.name)}: not run (--no-remedy)\n`
          : `  would run remedy ${JSON.stringify(s.name)}: ${JSON.stringify(s.command)} (timeout ${showDuration(s.timeoutMs)}, at most ${s.maxPerHour} per hour)\n`,
      )
    }
    if (rule.annotate && !opts.noRemedy && rule.remedy.length > 0)
      io.out(`  would annotate ${rule.annotate.service}${rule.annotate.roles.length ? ':' + rule.annotate.roles.join(',') : ''}\n`)
    io.out(`  memo section "${rule.section}" would read:\n${section.text().replace(/\n$/, '').replace(/^/gm, '    ')}\n`)
    return {rule: rule.name, ok: true, summary: 'dry run: nothing run, nothing written'}
  }

  // 2. context
  for (const s of rule.collect) {
    if (deps.stopping?.()) break
    const r = await runStep(s.command, {timeoutMs: s.timeoutMs, maxBytes: stepBytes, env})
    if (!succeeded(r)) {
      ok = false
      notes.push(`collect "${s.name}" ${describeResult(r, showDuration(s.timeoutMs))}`)
    }
    section.add(stepBlock('collect', s, r))
  }
  await write()

  // 3. remedies: each announced before it starts and reported after
  if (opts.noRemedy) {
    if (rule.remedy.length > 0) notes.push(`${rule.remedy.length} remedy not run (--no-remedy)`)
  } else {
    for (const s of rule.remedy) {
      if (deps.stopping?.()) break
      let slot: Awaited<ReturnType<RunbookState['reserveRemedy']>>
      try {
        slot = await deps.state.reserveRemedy(rule.name, s.name, s.maxPerHour, now())
      } catch (error) {
        ok = false
        section.add(`\n--- remedy: ${s.name}: not run: ${(error as Error).message} ---`)
        notes.push(`remedy "${s.name}" not run (state)`)
        await write()
        continue
      }
      if (!slot.ok) {
        section.add(`\n--- remedy: ${s.name}: not run: max_per_hour reached (${slot.used} of ${s.maxPerHour} in the last hour) ---`)
        notes.push(`remedy "${s.name}" skipped: max_per_hour (${s.maxPerHour}) reached`)
        await write()
        continue
      }
      const startedAt = now()
      section.add(`\n--- remedy: ${s.name} ---\nrunning ${s.name} at ${clock(startedAt)} (${slot.n} of ${s.maxPerHour} this hour)`)
      if (!(await write())) {
        // not announced, so not run: an automatic action nobody can see is worse than none
        section.add(`not run: the announcement could not be written`)
        notes.push(`remedy "${s.name}" not run: the announcement could not be written`)
        continue
      }
      const r = await runStep(s.command, {timeoutMs: s.timeoutMs, maxBytes: stepBytes, env})
      const good = succeeded(r)
      remedies.push({name: s.name, at: startedAt, ok: good})
      if (!good) ok = false
      const body = r.output.replace(/\s+$/, '')
      section.add(`finished: ${describeResult(r, showDuration(s.timeoutMs))} in ${seconds(r.durationMs)}${body ? `\n${body}` : ''}`)
      notes.push(`remedy "${s.name}" ${describeResult(r, showDuration(s.timeoutMs))}`)
      await write()
      if (rule.annotate) {
        const title = `runbook: ${s.name} (${good ? 'ok' : 'failed'})`.slice(0, 250)
        const description = `rule "${rule.name}", alert ${c.alert.id} (${c.alert.status}${c.host ? ` on ${c.host.name}` : ''}): ${describeResult(r, showDuration(s.timeoutMs))} in ${seconds(r.durationMs)}`
        try {
          await createAnnotation(deps.client, {
            title,
            description: [...description].slice(0, 1024).join(''),
            from: Math.floor(startedAt / 1000),
            to: Math.max(Math.floor(startedAt / 1000), Math.floor(now() / 1000)),
            service: rule.annotate.service,
            ...(rule.annotate.roles.length ? {roles: rule.annotate.roles} : {}),
          })
        } catch (error) {
          ok = false
          io.err(`mkr: runbook: alert ${c.alert.id}: rule "${rule.name}": cannot post the annotation: ${escapeControl((error as Error).message)}\n`)
        }
      }
    }
  }

  record.rules[rule.name] = {status: c.alert.status, at: now(), ok, remedies: [...(record.rules[rule.name]?.remedies ?? []), ...remedies]}
  const collected = `collected ${rule.collect.length} step${rule.collect.length === 1 ? '' : 's'}`
  return {rule: rule.name, ok, summary: [collected, ...notes].join('; ')}
}
