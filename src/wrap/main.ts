// `mkr wrap`: runs a job and reports its outcome as a check monitoring result. The job comes first:
// it runs whatever is wrong with the config, key, host id or API, and wrap exits with its exit code.
// This module never loads the config parser or the API client unless something is to be sent, so
// `mkr wrap -- true` stays cheap.
import {hostname} from 'node:os'
import {constants} from 'node:os'
import type {CheckReport, CheckStatus} from '../api/checks.js'
import type {ApiClient} from '../api/client.js'
import type {Settings} from '../config/index.js'
import {parseWrapArgs, WrapUsageError, type WrapOptions} from './args.js'
import {Capture} from './capture.js'
import {decide, type Decision} from './decide.js'
import {Breaker} from './breaker.js'
import type {Delivery} from './deliver.js'
import {formatDuration, notificationIntervalMinutes, showDuration} from '../duration.js'
import {writeFileSafely} from '../files.js'
import {fsReason} from '../errors.js'
import {maskSecret} from '../secret.js'
import {defaultSpoolDir, defaultStateDir} from './files.js'
import {defaultLockPath, type Lock, type LockRecord, tryLock} from './lock.js'
import {makeLog, type WrapLog} from './log.js'
import {buildMessage} from './message.js'
import {CHECK_NAME_RE, defaultCheckName, runUuid, stableFraction} from './names.js'
import {startJob, type ForwardedSignal, type RunResult} from './runner.js'
import {Spool} from './spool.js'
import {loadState, saveState, type WrapState} from './state.js'

export interface SignalSource {
  on(event: ForwardedSignal, listener: (sig: ForwardedSignal) => void): unknown
  removeListener(event: ForwardedSignal, listener: (sig: ForwardedSignal) => void): unknown
}

export interface WrapIO {
  env: NodeJS.ProcessEnv
  /** where the job's output goes (default 1 and 2) */
  stdoutFd?: number
  stderrFd?: number
  /** wrap's own log lines */
  stderr: NodeJS.WritableStream
  signals: SignalSource
  now?: () => number
  /** waits (--flush's jitter); default setTimeout */
  sleep?: (ms: number) => Promise<void>
  /** prints the command's help (the oclif command provides it) */
  help?: () => Promise<void>
}

/** Exit code when --on-locked report found the lock held (EX_TEMPFAIL: try again later). */
export const EXIT_LOCKED = 75
// every signal that would end wrap by default (or, SIGUSR1, open Node's inspector), see ForwardedSignal
// in runner.ts; SIGPWR and SIGSTKFLT exist on Linux only (elsewhere, listening to them does nothing).
// Under Node's profiler (--cpu-prof, --prof) SIGPROF is its sampling timer: taking it over would let
// the next tick kill wrap once the listener is gone.
const PROFILED = /(^|\s)--(cpu-prof|prof)\b/.test([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' '))
const SIGNALS: ForwardedSignal[] = (
  ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGVTALRM', 'SIGPROF', 'SIGXCPU', 'SIGPWR', 'SIGIO', 'SIGSTKFLT'] as const
).filter((s) => !(PROFILED && s === 'SIGPROF'))
const FLUSH_BUDGET_MS = 10_000
/** Spooled reports a wrap run sends at most (two requests); the rest waits for later runs or --flush. */
export const FLUSH_MAX_IN_RUN = 200
/** Attempts per request in a wrap run: with the breaker, at most this many requests while the API is down. */
export const WRAP_MAX_ATTEMPTS = 3

const signum = (sig: ForwardedSignal) => constants.signals[sig]

/**
 * Routes the SIGNALS to whatever the current phase does with them; wrap never dies from them.
 * Outside a phase that handles them (between jitter, lock and start), a signal is kept as pending:
 * the job is then not started.
 */
class SignalHub {
  pending: ForwardedSignal | undefined
  /** a signal arrived while reporting: requests still in flight are abandoned */
  interrupted = false
  private current: ((sig: ForwardedSignal) => void) | undefined
  private readonly listener = (sig: ForwardedSignal) => {
    if (this.current) this.current(sig)
    else this.pending ??= sig
  }
  constructor(private readonly source: SignalSource) {
    for (const s of SIGNALS) source.on(s, this.listener)
  }

  set handler(h: ((sig: ForwardedSignal) => void) | undefined) {
    this.current = h
  }

  /** Sleeps; resolves early with the signal if one arrives (or one is pending). */
  sleep(ms: number): Promise<ForwardedSignal | undefined> {
    if (this.pending) return Promise.resolve(this.pending)
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.current = undefined
        resolve(undefined)
      }, ms)
      this.current = (sig) => {
        clearTimeout(t)
        this.current = undefined
        this.pending = sig
        resolve(sig)
      }
    })
  }

  dispose(): void {
    for (const s of SIGNALS) this.source.removeListener(s, this.listener)
  }
}

/** Config, host id and API client, each resolved on first use, problems logged once. */
class Context {
  private settingsP?: Promise<Settings>
  private hostP?: Promise<{id?: string; error?: string}>
  private hostLogged = false
  private clientP?: Promise<{client: ApiClient; apiBase: string} | undefined>
  private used = false

  constructor(
    private readonly o: WrapOptions,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: WrapLog,
  ) {}

  settings(): Promise<Settings> {
    this.settingsP ??= import('../config/index.js').then(({resolveSettings}) => {
      const s = resolveSettings({conf: this.o.conf, apibase: this.o.apibase}, this.env)
      this.log.secret = s.apiKey
      if (s.confError) this.log.error(`${s.confError.message} (the config is ignored)`)
      return s
    })
    return this.settingsP
  }

  /** --host, else the agent's id file; undefined when neither works (logged once when `log`). */
  async hostId(log = true): Promise<string | undefined> {
    if (this.o.host) return this.o.host
    this.hostP ??= this.settings().then(async (s) => {
      const {readHostId} = await import('../config/index.js')
      try {
        return {id: readHostId(s.root)}
      } catch (error) {
        return {error: `${(error as Error).message}; pass the host id with --host to report`}
      }
    })
    const h = await this.hostP
    if (h.error && log && !this.hostLogged) {
      this.hostLogged = true
      this.log.error(h.error)
    }
    return h.id
  }

  client(): Promise<{client: ApiClient; apiBase: string} | undefined> {
    this.clientP ??= this.settings().then(async (s) => {
      if (s.confError && !s.apiKey) {
        // the config error itself was logged by settings()
        this.log.error('no API key: MACKEREL_APIKEY is not set and the agent config could not be read')
        return undefined
      }
      const {connect} = await import('../api/connect.js')
      try {
        const c = connect(s, (line) => this.log.error(line), this.env)
        this.used = true
        return c
      } catch (error) {
        const e = error as Error & {hint?: string}
        this.log.error(`${e.message}${e.hint ? `; ${e.hint}` : ''}`)
        return undefined
      }
    })
    return this.clientP
  }

  /** Closes the API connections; `abandon` aborts requests still in flight (a signal cut them short). */
  async close(abandon = false): Promise<void> {
    if (!this.used) return
    const {closeAgent, destroyAgent} = await import('../api/client.js')
    await (abandon ? destroyAgent() : closeAgent())
  }
}

export interface ResultJson {
  name: string
  command: string[]
  hostId: string | null
  runId: string
  skipped?: string
  /** the --jitter delay slept before starting */
  jitterMs?: number
  exitCode: number | null
  code?: number | null
  signal?: number | null
  signalName?: string | null
  startError?: string
  timedOut?: boolean
  startedAt?: string
  endedAt?: string
  durationMs?: number
  userTimeMs?: number | null
  systemTimeMs?: number | null
  status?: CheckStatus
  /** a report was due */
  report: boolean
  /** the report arrived at Mackerel */
  delivered: boolean
  delivery: Delivery | 'not-sent'
}

export async function runWrap(argv: readonly string[], io: WrapIO): Promise<number> {
  // a log line must never kill wrap (and lose the job's exit code) because stderr's reader is gone
  io.stderr.on?.('error', () => {})
  let o: WrapOptions
  try {
    o = parseWrapArgs(argv)
  } catch (error) {
    if (!(error instanceof WrapUsageError)) throw error
    io.stderr.write(`mkr wrap: ${error.message}\n`)
    return 2
  }
  // mistakes in wrap's own flags with a clear command (after `--`): the job runs anyway without those
  // flags, and the mistakes are told loudly (not silenced by -q; cron mails stderr)
  if (o.usageErrors.length > 0) {
    const loud = makeLog(io.stderr, false)
    for (const e of o.usageErrors) loud.error(`USAGE ERROR: ${e}`)
    loud.error('running the command anyway, ignoring the flag(s) above; fix the mkr wrap command line (see mkr wrap --help)')
  }
  if (o.help) {
    await io.help?.()
    return 0
  }
  const log = makeLog(io.stderr, o.quiet)
  const ctx = new Context(o, io.env, log)
  // --flush has no job to protect: signals keep their default action
  const hub = o.flush ? undefined : new SignalHub(io.signals)
  try {
    return hub ? await wrapJob(o, io, ctx, log, hub) : await flushOnly(o, io, ctx, log)
  } finally {
    hub?.dispose()
    await ctx.close(hub?.interrupted)
  }
}

async function flushOnly(o: WrapOptions, io: WrapIO, ctx: Context, log: WrapLog): Promise<number> {
  const now = io.now ?? Date.now
  const spool = new Spool(o.spoolDir ?? defaultSpoolDir(io.env), now)
  if (spool.isEmpty()) {
    log.info(`nothing spooled in ${spool.dir}`)
    return 0
  }
  // --jitter: a fleet flushing from the same cron minute spreads out (stable per host)
  if (o.jitterMs && o.jitterMs > 0) {
    const host = (await ctx.hostId(false)) ?? hostname()
    const ms = Math.floor(stableFraction(`${host}\0--flush`) * o.jitterMs)
    log.info(`--jitter: waiting ${formatDuration(ms)} before sending`)
    await (io.sleep ?? ((t: number) => new Promise<void>((r) => setTimeout(r, t))))(ms)
  }
  const c = await ctx.client()
  if (!c) return 1
  const {flushSpool} = await import('./deliver.js')
  const r = await flushSpool({...c, spool, budgetMs: o.reportTimeoutMs, log, now, breaker: new Breaker(), secret: log.secret})
  const parts = [`sent ${r.sent} spooled report(s)`]
  if (r.refused) parts.push(`${r.refused} refused by the API (logged above)`)
  if (r.dropped) parts.push(`dropped ${r.dropped} too old`)
  if (r.remaining) parts.push(`${r.remaining} still waiting`)
  log.info(parts.join(', '))
  return r.remaining > 0 ? 1 : 0
}

function writeResultJson(path: string | undefined, r: ResultJson, log: WrapLog): void {
  if (!path) return
  try {
    writeFileSafely(path, JSON.stringify(r, null, 2) + '\n', {mode: 0o644, mkdir: true})
  } catch (error) {
    log.error(`cannot write --result-json ${path}: ${fsReason(error)}`)
  }
}

async function wrapJob(o: WrapOptions, io: WrapIO, ctx: Context, log: WrapLog, hub: SignalHub): Promise<number> {
  const env = io.env
  const now = io.now ?? Date.now
  const name = o.name ?? defaultCheckName(o.command)
  const runId = runUuid()
  const stateDir = o.stateDir ?? defaultStateDir(env)
  const spool = new Spool(o.spoolDir ?? defaultSpoolDir(env), now)
  const breaker = new Breaker()
  // a name Mackerel refuses would be refused forever: said before the job runs (cron mails it)
  const badName = CHECK_NAME_RE.test(name) ? undefined : `the check name ${JSON.stringify(name)} is not valid for Mackerel (only letters, digits, _ and -): no report can be sent; fix -n/--name`
  if (badName) log.error(badName)
  const base: Pick<ResultJson, 'name' | 'command' | 'runId'> = {name, command: o.command, runId}
  const skip = async (why: string, code = 0): Promise<number> => {
    log.info(`skipped ${name}: ${why}`)
    writeResultJson(o.resultJson, {...base, hostId: o.host ?? null, skipped: why, exitCode: null, report: false, delivered: false, delivery: 'not-sent'}, log)
    return code
  }

  // --if-status / --on-change: mackerel-agent action hooks
  const agentStatus = env.MACKEREL_STATUS
  if (o.ifStatus) {
    if (!agentStatus) return skip('MACKEREL_STATUS is not set (--if-status is for mackerel-agent action hooks)')
    if (!o.ifStatus.includes(agentStatus.toUpperCase() as CheckStatus))
      return skip(`MACKEREL_STATUS is ${agentStatus}, not one of ${o.ifStatus.join(',')} (--if-status)`)
  }
  if (o.onChange) {
    if (!agentStatus) return skip('MACKEREL_STATUS is not set (--on-change is for mackerel-agent action hooks)')
    let previous = env.MACKEREL_PREVIOUS_STATUS
    if (previous === undefined) {
      // an agent that does not tell the previous status: compare with the last run's
      const host = await ctx.hostId(false)
      if (host !== undefined) {
        const {state} = loadState(stateDir, host, name)
        previous = state.agentStatus
        try {
          saveState(stateDir, {...state, agentStatus})
        } catch (error) {
          log.error(`cannot save state: ${(error as Error).message}`)
        }
      }
    }
    if (previous !== undefined && previous.toUpperCase() === agentStatus.toUpperCase())
      return skip(`MACKEREL_STATUS is still ${agentStatus} (--on-change)`)
  }

  // --jitter: a stable delay per host and name, before the lock and not counted in the duration
  let jitterMs: number | undefined
  if (o.jitterMs && o.jitterMs > 0) {
    const host = (await ctx.hostId(false)) ?? hostname()
    const delay = (jitterMs = Math.floor(stableFraction(`${host}\0${name}`) * o.jitterMs))
    const sig = await hub.sleep(delay)
    if (sig) {
      log.error(`${sig} before the command started: not running it`)
      return 128 + signum(sig)
    }
  }

  // --lock
  let lock: Lock | undefined
  if (o.lock) {
    const path = o.lockPath ?? defaultLockPath(stateDir, name)
    for (let wait = 100; ; wait = Math.min(1000, wait * 2)) {
      let t: ReturnType<typeof tryLock>
      try {
        t = tryLock(path, name, now(), {ttlMs: o.lockTtlMs})
      } catch (error) {
        log.error(`cannot use the lock ${path} (${(error as Error).message}): running without it`)
        break
      }
      if ('lock' in t) {
        lock = t.lock
        if (t.replaced)
          log.error(
            `took over the lock ${path} from ${describeHolder(t.replaced, {age: t.replacedAge, ttlMs: o.lockTtlMs})}: older than --lock-ttl ${showDuration(o.lockTtlMs)} (another host cannot be checked)`,
          )
        break
      }
      const who = describeHolder(t.holder, {age: t.age, unchecked: t.unchecked, ttlMs: o.lockTtlMs})
      if (o.onLocked === 'skip')
        return skip(`the previous run is still running (${who}); lock ${path}: if no run is active, remove it to break the lock`)
      if (o.onLocked === 'report') {
        const line = `skipped: the previous run is still running (${who})`
        log.error(`${name}: ${line}; lock ${path}`)
        await reportOnly(o, io, ctx, log, hub, {name, runId, stateDir, spool, breaker, badName, line})
        writeResultJson(o.resultJson, {...base, hostId: o.host ?? null, skipped: line, exitCode: EXIT_LOCKED, report: true, delivered: false, delivery: 'not-sent'}, log)
        return EXIT_LOCKED
      }
      const sig = await hub.sleep(wait)
      if (sig) {
        log.error(`${sig} while waiting for the lock ${path}: not running the command`)
        return 128 + signum(sig)
      }
    }
  }

  try {
    if (hub.pending) {
      log.error(`${hub.pending} before the command started: not running it`)
      return 128 + signum(hub.pending)
    }
    // spooled reports go out while the job runs (before this run's report, which waits for them)
    const flushAbort = new AbortController()
    let flushP: Promise<unknown> | undefined

    const capture = o.detail ? new Capture() : undefined
    const job = startJob({
      command: o.command,
      env: {...env, MKR_WRAP_NAME: name, MKR_WRAP_RUN_ID: runId},
      stdoutFd: io.stdoutFd,
      stderrFd: io.stderrFd,
      capture,
      timeoutMs: o.timeoutMs,
      killAfterMs: o.killAfterMs,
      onSpawn: (pid) => lock?.setJob(pid),
      now,
    })
    // a signal that finds the job already gone (it exited, wrap has not noticed yet) reached nobody:
    // it is handled below as a signal while reporting, so wrap does not wait for a slow API
    let missed = false
    hub.handler = (sig) => {
      if (!job.forward(sig)) missed = true
    }
    if (!spool.isEmpty()) {
      flushP = (async () => {
        const c = await ctx.client()
        if (!c) return
        const {flushSpool} = await import('./deliver.js')
        const budgetMs = Math.min(FLUSH_BUDGET_MS, o.reportTimeoutMs)
        await flushSpool({...c, spool, budgetMs, log, now, signal: flushAbort.signal, breaker, maxAttempts: WRAP_MAX_ATTEMPTS, secret: log.secret}, FLUSH_MAX_IN_RUN)
      })().catch((error) => log.error(`sending spooled reports failed: ${(error as Error).message}`))
    }
    const result = await job.done
    const deadline = Date.now() + o.reportTimeoutMs
    const abort = new AbortController()
    const interrupt = () => {
      hub.interrupted = true
      abort.abort()
      flushAbort.abort()
    }
    hub.handler = interrupt
    if (missed) interrupt()

    // What is there to tell? Without --auto-close/--fail-after a success needs no state, no config.
    const input = {
      result,
      warning: o.warning,
      autoClose: o.autoClose,
      statusOn: o.statusOn,
      timeoutMs: o.timeoutMs,
      maxDurationMs: o.maxDurationMs,
      failAfter: o.failAfter,
    }
    const quick = decide({...input, failAfter: undefined})
    let hostId: string | undefined
    let state: WrapState | undefined
    let decision: Decision = quick
    if (quick.send || o.autoClose || o.failAfter !== undefined) {
      hostId = await ctx.hostId(quick.send || o.autoClose)
      if (hostId !== undefined) {
        const l = loadState(stateDir, hostId, name)
        if (l.error) log.error(`${l.error} (previous status unknown)`)
        state = l.state
        decision = decide({...input, prev: state})
      }
    }

    let delivery: Delivery | 'not-sent' = 'not-sent'
    let message: string | undefined
    if (decision.send) {
      // the job's output may hold the API key (a job printing its environment): masked
      const secret = (await ctx.settings()).apiKey
      message = maskSecret(buildMessage({
        statusLine: decision.statusLine,
        note: o.note,
        info: `Host: ${hostname()}, duration: ${formatDuration(result.durationMs)}`,
        command: o.command,
        output: capture?.result(),
      }), secret)
      const report: CheckReport = {
        source: {type: 'host', hostId: hostId ?? ''},
        name,
        status: decision.status,
        message,
        occurredAt: Math.floor(now() / 1000),
      }
      const ni = o.notificationIntervalMs === undefined ? undefined : notificationIntervalMinutes(o.notificationIntervalMs)
      if (ni !== undefined) report.notificationInterval = ni
      delivery = await send(report, {hostId, ctx, log, spool, breaker, badName, runId, deadline, flushP, abort: abort.signal, now})
    }
    if (flushP) await settle(flushP, deadline) // spooled reports: bounded by this run's budget

    if (hostId !== undefined && state) {
      const next: WrapState = {...state, failures: decision.failures, lastExitCode: result.exitCode, lastRunAt: now()}
      if (delivery === 'delivered' || delivery === 'spooled') {
        next.reported = decision.status
        next.reportedAt = now()
      }
      try {
        saveState(stateDir, next)
      } catch (error) {
        log.error(`cannot save state: ${(error as Error).message}`)
      }
    }

    if (o.annotate.length > 0) await annotate(o, {ctx, log, name, result, decision, message, deadline, hostId, signal: abort.signal})
    if (o.heartbeat && result.exitCode === 0) await heartbeat(o.heartbeat, {ctx, log, deadline, breaker, now})

    writeResultJson(
      o.resultJson,
      {
        ...base,
        hostId: hostId ?? o.host ?? null,
        ...(jitterMs !== undefined ? {jitterMs} : {}),
        exitCode: result.exitCode,
        code: result.code,
        signal: result.signal,
        signalName: result.signalName,
        ...(result.startError ? {startError: result.startError.message} : {}),
        timedOut: result.timedOut,
        startedAt: new Date(result.startedAt).toISOString(),
        endedAt: new Date(result.endedAt).toISOString(),
        durationMs: Math.round(result.durationMs),
        userTimeMs: result.userMs ?? null,
        systemTimeMs: result.systemMs ?? null,
        status: decision.status,
        report: decision.send,
        delivered: delivery === 'delivered',
        delivery,
      },
      log,
    )
    // like mkr: a failed job's status line, plain, as the last line on stderr
    if (result.exitCode !== 0) io.stderr.write(`${decision.statusLine}\n`)
    return result.exitCode
  } finally {
    lock?.release()
  }
}

/** Who holds a lock, since when and how long ago; for a holder on another host, when the lock expires. */
function describeHolder(h: LockRecord | undefined, l: {age?: number; unchecked?: boolean; ttlMs: number}): string {
  const age = l.age === undefined ? '' : `${formatDuration(l.age)} ago`
  if (!h) return `holder unknown${age ? `, written ${age}` : ''}`
  const job = h.jobPid ? `, job pid ${h.jobPid}` : ''
  const since = typeof h.since === 'number' && Number.isFinite(h.since) ? ` since ${new Date(h.since).toISOString()}` : ''
  let s = `pid ${h.pid}${job} on ${h.host}${since}${age ? `, ${age}` : ''}`
  if (l.unchecked) {
    const left = l.age === undefined ? '' : `, in ${formatDuration(Math.max(0, l.ttlMs - l.age))}`
    s += `; another host cannot be checked from here: the lock counts as stale after --lock-ttl ${formatDuration(l.ttlMs)}${left}`
  }
  return s
}

/** Waits for a promise, but not past the deadline. */
function settle(p: Promise<unknown>, deadline: number): Promise<unknown> {
  const ms = deadline - Date.now()
  if (ms <= 0) return Promise.resolve()
  let t: NodeJS.Timeout
  return Promise.race([p, new Promise((r) => (t = setTimeout(r, ms)))]).finally(() => clearTimeout(t))
}

interface SendContext {
  hostId: string | undefined
  ctx: Context
  log: WrapLog
  spool: Spool
  breaker: Breaker
  badName?: string
  runId: string
  deadline: number
  /** the spooled reports being sent meanwhile, if any */
  flushP?: Promise<unknown>
  abort: AbortSignal
  now: () => number
}

async function send(report: CheckReport, s: SendContext): Promise<Delivery> {
  const {logLost, deliverReport} = await import('./deliver.js')
  if (s.hostId === undefined) {
    logLost(s.log, `cannot send the report for ${report.name}: no host id`, report)
    return 'lost'
  }
  const c = await s.ctx.client()
  if (!c) {
    logLost(s.log, `cannot send the report for ${report.name}`, report)
    return 'lost'
  }
  if (s.badName) {
    logLost(s.log, `cannot send the report for ${report.name}: ${s.badName}`, report)
    return 'lost'
  }
  if (s.flushP) await settle(s.flushP, s.deadline)
  return deliverReport(report, s.runId, {
    ...c,
    spool: s.spool,
    breaker: s.breaker,
    budgetMs: s.deadline - Date.now(),
    log: s.log,
    now: s.now,
    signal: s.abort,
    maxAttempts: WRAP_MAX_ATTEMPTS,
    secret: s.log.secret,
  })
}

/** --on-locked report: a failure report saying the run was skipped. */
async function reportOnly(
  o: WrapOptions,
  io: WrapIO,
  ctx: Context,
  log: WrapLog,
  hub: SignalHub,
  r: {name: string; runId: string; stateDir: string; spool: Spool; breaker: Breaker; badName?: string; line: string},
): Promise<void> {
  const now = io.now ?? Date.now
  const abort = new AbortController()
  hub.handler = () => {
    hub.interrupted = true
    abort.abort()
  }
  const hostId = await ctx.hostId()
  const status: CheckStatus = o.warning ? 'WARNING' : 'CRITICAL'
  const report: CheckReport = {
    source: {type: 'host', hostId: hostId ?? ''},
    name: r.name,
    status,
    message: buildMessage({statusLine: r.line, note: o.note, info: `Host: ${hostname()}`, command: o.command}),
    occurredAt: Math.floor(now() / 1000),
  }
  const ni = o.notificationIntervalMs === undefined ? undefined : notificationIntervalMinutes(o.notificationIntervalMs)
  if (ni !== undefined) report.notificationInterval = ni
  const delivery = await send(report, {
    hostId,
    ctx,
    log,
    spool: r.spool,
    breaker: r.breaker,
    badName: r.badName,
    runId: r.runId,
    deadline: Date.now() + o.reportTimeoutMs,
    abort: abort.signal,
    now,
  })
  if (hostId !== undefined && delivery !== 'lost') {
    const {state} = loadState(r.stateDir, hostId, r.name)
    try {
      saveState(r.stateDir, {...state, reported: status, reportedAt: now()})
    } catch (error) {
      log.error(`cannot save state: ${(error as Error).message}`)
    }
  }
}

async function annotate(
  o: WrapOptions,
  a: {ctx: Context; log: WrapLog; name: string; result: RunResult; decision: Decision; message?: string; deadline: number; hostId?: string; signal: AbortSignal},
): Promise<void> {
  const c = await a.ctx.client()
  if (!c) {
    a.log.error(`cannot post the --annotate annotation for ${a.name}`)
    return
  }
  const {createAnnotation} = await import('../api/annotations.js')
  const cut = (s: string, n: number) => (Array.from(s).length <= n ? s : Array.from(s).slice(0, n - 1).join('') + '…')
  const title = cut(`${a.name}: ${a.decision.status} ${a.decision.statusLine} (${formatDuration(a.result.durationMs)})`, 250)
  const description = cut(
    a.message ??
      buildMessage({
        statusLine: a.decision.statusLine,
        note: o.note,
        info: `Host: ${hostname()}, duration: ${formatDuration(a.result.durationMs)}`,
        command: o.command,
      }),
    1024,
  )
  const from = Math.floor(a.result.startedAt / 1000)
  const to = Math.max(from, Math.ceil(a.result.endedAt / 1000))
  for (const t of o.annotate) {
    // within the same budget as the report: wrap's exit is never delayed past it
    const budgetMs = a.deadline - Date.now()
    if (budgetMs < 200) {
      a.log.error(`no time left (--report-timeout) to post the annotation for ${a.name} to ${t.service}`)
      continue
    }
    try {
      await createAnnotation(c.client, {title, description, from, to, service: t.service, ...(t.roles ? {roles: t.roles} : {})}, {budgetMs, signal: a.signal})
    } catch (error) {
      a.log.error(`cannot post the annotation for ${a.name} to ${t.service}: ${(error as Error).message}`)
    }
  }
}

/**
 * --heartbeat: a service metric (value 1) after a successful run. A service-metric monitor that alerts
 * when the metric stops arriving then catches a cron job that no longer runs at all, which no check
 * report can (a job that is not started sends nothing). Within the report budget; never retried
 * past it, never spooled (the next successful run sends a fresh one).
 */
async function heartbeat(
  hb: {service: string; metric: string},
  a: {ctx: Context; log: WrapLog; deadline: number; breaker: Breaker; now: () => number},
): Promise<void> {
  const what = `the --heartbeat ${hb.service}:${hb.metric}`
  if (a.breaker.open) {
    a.log.error(`not sending ${what}: ${a.breaker.reason}`)
    return
  }
  const budgetMs = a.deadline - Date.now()
  if (budgetMs < 200) {
    a.log.error(`no time left (--report-timeout) to send ${what}`)
    return
  }
  const c = await a.ctx.client()
  if (!c) {
    a.log.error(`cannot send ${what}`)
    return
  }
  const {postServiceMetrics} = await import('../api/metrics.js')
  try {
    await postServiceMetrics(c.client, hb.service, [{name: hb.metric, time: Math.floor(a.now() / 1000), value: 1}], {budgetMs, maxAttempts: WRAP_MAX_ATTEMPTS})
  } catch (error) {
    a.log.error(`cannot send ${what}: ${(error as Error).message}`)
  }
}
