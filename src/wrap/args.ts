// Argument parsing for `mkr wrap`. oclif's parser takes flags anywhere among the arguments; wrap must
// take them only *before* the command (`mkr wrap -- echo -n hi` passes `-n` to echo, and so does
// `mkr wrap echo -n hi`), so it parses its own argv:
// - flags first; `--` or the first argument that is not a flag starts the command;
// - `--flag value`, `--flag=value`, and mkr's single-dash long forms (`-name x`, `-detail`);
// - short flags `-n x`, `-nx`, and bundled booleans (`-da`);
// - an argument like `-1` (dash + digit) starts the command, as in mkr.
//
// A mistake in wrap's own flags must not cost the job its run (a typo in a crontab would silently stop
// a nightly backup): when the command is known because it follows `--`, the flags that could not be
// parsed are ignored and listed in `usageErrors` (runWrap prints them and runs the job anyway). Without
// `--` the command's start is a guess, and any mistake is a usage error (exit 2).
import {statSync} from 'node:fs'
import type {CheckStatus} from '../api/checks.js'
import {parseDurationFlag, type DurationLimits} from '../duration.js'
import {DEFAULT_LOCK_TTL_MS} from './lock.js'

export class WrapUsageError extends Error {
  /** what to do, shown when the error stops wrap (exit 2) */
  hint?: string
  constructor(message: string, hint?: string) {
    super(message)
    if (hint) this.hint = hint
  }
}

export type OnLocked = 'skip' | 'wait' | 'report'

export interface StatusRule {
  from: number
  to: number
  status: CheckStatus
}

export interface AnnotateTarget {
  service: string
  roles?: string[]
}

export interface WrapOptions {
  command: string[]
  // mkr-compatible
  name?: string
  detail: boolean
  note?: string
  host?: string
  warning: boolean
  autoClose: boolean
  notificationIntervalMs?: number
  // global
  conf?: string
  apibase?: string
  quiet: boolean
  help: boolean
  // beyond mkr
  timeoutMs?: number
  killAfterMs: number
  lock: boolean
  lockPath?: string
  /** a lock held by another host (whose holder cannot be checked) counts as stale after this */
  lockTtlMs: number
  onLocked: OnLocked
  jitterMs?: number
  statusOn: StatusRule[]
  maxDurationMs?: number
  failAfter?: number
  ifStatus?: CheckStatus[]
  onChange: boolean
  annotate: AnnotateTarget[]
  /** --heartbeat SERVICE:METRIC: a service metric posted (value 1) after each successful run */
  heartbeat?: {service: string; metric: string}
  resultJson?: string
  spoolDir?: string
  stateDir?: string
  reportTimeoutMs: number
  flush: boolean
  /**
   * Flags that could not be parsed and were ignored, each a message; only ever non-empty when the
   * command follows `--` (else parseWrapArgs throws). wrap prints them and runs the job anyway.
   */
  usageErrors: string[]
}

/** --lock-ttl (default 24h, DEFAULT_LOCK_TTL_MS): at most 365 days (compared with a lock's age, never a timer). */
export const MAX_LOCK_TTL_MS = 8760 * 3_600_000

export const STATUSES: readonly CheckStatus[] = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN']

type Kind = 'bool' | 'string' | 'lock'
interface Spec {
  name: string
  char?: string
  kind: Kind
  set: (o: WrapOptions, v: string) => void
}

function status(what: string, v: string): CheckStatus {
  const s = v.trim().toUpperCase() as CheckStatus
  if (!STATUSES.includes(s)) throw new WrapUsageError(`${what}: unknown status ${JSON.stringify(v)} (one of ${STATUSES.join(', ')})`)
  return s
}

/** A duration flag (Go syntax; at most 576h = 24 days unless `limits` says otherwise). */
function duration(flag: string, v: string, limits?: DurationLimits): number {
  try {
    return parseDurationFlag(flag, v, limits)
  } catch (error) {
    throw new WrapUsageError((error as Error).message)
  }
}

/** `--lock=PATH`: a file path; an existing directory (or a path ending in /) is a mistake. */
function lockPath(v: string): string {
  let dir = v.endsWith('/')
  if (!dir) {
    try {
      dir = statSync(v, {throwIfNoEntry: false})?.isDirectory() ?? false
    } catch {
      // cannot tell (permissions, a broken mount): tryLock reports what is wrong at run time
    }
  }
  if (dir) throw new WrapUsageError(`--lock=${v}: is a directory; give the lock file's path, e.g. --lock=${v.replace(/\/+$/, '')}/JOB.lock`)
  return v
}

/** `1`, `3-9`, `1,3-9` = STATUS */
export function parseStatusOn(v: string): StatusRule[] {
  const eq = v.lastIndexOf('=')
  const bad = (why: string) =>
    new WrapUsageError(`--status-on ${JSON.stringify(v)}: ${why} (syntax: CODES=STATUS, e.g. 1=WARNING or 3-9,42=OK)`)
  if (eq < 0) throw bad('missing =STATUS')
  const st = status('--status-on', v.slice(eq + 1))
  const rules: StatusRule[] = []
  for (const part of v.slice(0, eq).split(',')) {
    const m = /^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$/.exec(part)
    if (!m) throw bad(`${JSON.stringify(part)} is not an exit code or a range`)
    const from = Number(m[1])
    const to = m[2] === undefined ? from : Number(m[2])
    if (from > 255 || to > 255) throw bad('exit codes are 0-255')
    if (to < from) throw bad(`empty range ${part.trim()}`)
    rules.push({from, to, status: st})
  }
  return rules
}

/** `SERVICE` or `SERVICE:ROLE[,ROLE...]` */
/** `SERVICE:METRIC` */
export function parseHeartbeat(v: string): {service: string; metric: string} {
  const colon = v.indexOf(':')
  const bad = (why: string) => new WrapUsageError(`--heartbeat ${JSON.stringify(v)}: ${why} (syntax: SERVICE:METRIC, e.g. demo:cron.nightly-backup)`)
  if (colon < 0) throw bad('missing :METRIC')
  const service = v.slice(0, colon).trim()
  const metric = v.slice(colon + 1).trim()
  if (!service) throw bad('missing service')
  if (!/^[a-zA-Z0-9._-]+$/.test(metric)) throw bad('a metric name is letters, digits, ".", "_" and "-"')
  return {service, metric}
}

export function parseAnnotate(v: string): AnnotateTarget {
  const colon = v.indexOf(':')
  const service = (colon < 0 ? v : v.slice(0, colon)).trim()
  if (!service) throw new WrapUsageError(`--annotate ${JSON.stringify(v)}: missing service (syntax: SERVICE[:ROLE,...])`)
  if (colon < 0) return {service}
  const roles = v
    .slice(colon + 1)
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
  if (roles.length === 0) throw new WrapUsageError(`--annotate ${JSON.stringify(v)}: missing role after ':'`)
  return {service, roles}
}

const bool = (name: string, char: string | undefined, key: 'detail' | 'warning' | 'autoClose' | 'quiet' | 'onChange' | 'flush' | 'help'): Spec => ({
  name,
  char,
  kind: 'bool',
  set: (o, v) => {
    if (v !== 'true' && v !== 'false') throw new WrapUsageError(`--${name}: expected true or false, got ${JSON.stringify(v)}`)
    o[key] = v === 'true'
  },
})

const SPECS: Spec[] = [
  {name: 'name', char: 'n', kind: 'string', set: (o, v) => (o.name = v)},
  bool('detail', 'd', 'detail'),
  {name: 'note', char: 'N', kind: 'string', set: (o, v) => (o.note = v)},
  {name: 'host', char: 'H', kind: 'string', set: (o, v) => (o.host = v)},
  bool('warning', 'w', 'warning'),
  bool('auto-close', 'a', 'autoClose'),
  {name: 'notification-interval', char: 'I', kind: 'string', set: (o, v) => (o.notificationIntervalMs = duration('notification-interval', v))},
  {name: 'conf', kind: 'string', set: (o, v) => (o.conf = v)},
  {name: 'apibase', kind: 'string', set: (o, v) => (o.apibase = v)},
  bool('quiet', 'q', 'quiet'),
  {name: 'color', kind: 'bool', set: () => {}},
  {name: 'no-color', kind: 'bool', set: () => {}},
  bool('help', 'h', 'help'),
  {name: 'timeout', kind: 'string', set: (o, v) => (o.timeoutMs = duration('timeout', v))},
  {name: 'kill-after', kind: 'string', set: (o, v) => (o.killAfterMs = duration('kill-after', v))},
  {
    name: 'lock',
    kind: 'lock',
    set: (o, v) => {
      if (v !== '') o.lockPath = lockPath(v)
      o.lock = true
    },
  },
  {name: 'lock-ttl', kind: 'string', set: (o, v) => (o.lockTtlMs = duration('lock-ttl', v, {min: 1000, max: MAX_LOCK_TTL_MS}))},
  {
    name: 'on-locked',
    kind: 'string',
    set: (o, v) => {
      if (v !== 'skip' && v !== 'wait' && v !== 'report') throw new WrapUsageError(`--on-locked: expected skip, wait or report, got ${JSON.stringify(v)}`)
      o.onLocked = v
    },
  },
  {name: 'jitter', kind: 'string', set: (o, v) => (o.jitterMs = duration('jitter', v))},
  {name: 'status-on', kind: 'string', set: (o, v) => o.statusOn.push(...parseStatusOn(v))},
  {name: 'max-duration', kind: 'string', set: (o, v) => (o.maxDurationMs = duration('max-duration', v))},
  {
    name: 'fail-after',
    kind: 'string',
    set: (o, v) => {
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1_000_000)
        throw new WrapUsageError(`--fail-after: expected a number of consecutive failures from 1 to 1000000, got ${JSON.stringify(v)}`)
      o.failAfter = Number(v)
    },
  },
  {
    name: 'if-status',
    kind: 'string',
    set: (o, v) => {
      const list = v.split(',').map((s) => s.trim()).filter(Boolean)
      if (list.length === 0) throw new WrapUsageError('--if-status: expected a list of statuses, e.g. CRITICAL,WARNING')
      o.ifStatus = [...(o.ifStatus ?? []), ...list.map((s) => status('--if-status', s))]
    },
  },
  bool('on-change', undefined, 'onChange'),
  {name: 'annotate', kind: 'string', set: (o, v) => o.annotate.push(parseAnnotate(v))},
  {name: 'heartbeat', kind: 'string', set: (o, v) => (o.heartbeat = parseHeartbeat(v))},
  {name: 'result-json', kind: 'string', set: (o, v) => (o.resultJson = v)},
  {name: 'spool-dir', kind: 'string', set: (o, v) => (o.spoolDir = v)},
  {name: 'state-dir', kind: 'string', set: (o, v) => (o.stateDir = v)},
  {name: 'report-timeout', kind: 'string', set: (o, v) => (o.reportTimeoutMs = duration('report-timeout', v))},
  bool('flush', undefined, 'flush'),
]

const BY_NAME = new Map(SPECS.map((s) => [s.name, s]))
const BY_CHAR = new Map(SPECS.filter((s) => s.char).map((s) => [s.char!, s]))

export function defaultOptions(): WrapOptions {
  return {
    command: [],
    detail: false,
    warning: false,
    autoClose: false,
    quiet: false,
    help: false,
    killAfterMs: 10_000,
    lock: false,
    lockTtlMs: DEFAULT_LOCK_TTL_MS,
    onLocked: 'skip',
    statusOn: [],
    onChange: false,
    annotate: [],
    reportTimeoutMs: 30_000,
    flush: false,
    usageErrors: [],
  }
}

const HINT = 'put the command after `--`: mkr wrap [FLAGS] -- COMMAND [ARGS...]'

/**
 * Parses `mkr wrap` arguments (everything after `wrap`). A flag that cannot be parsed is ignored and
 * listed in `usageErrors` when the command follows `--`; otherwise (no clear command) the first
 * problem is thrown as a WrapUsageError.
 */
export function parseWrapArgs(argv: readonly string[]): WrapOptions {
  const o = defaultOptions()
  const errors: WrapUsageError[] = []
  const seen = new Set<string>()
  const once = (spec: Spec) => {
    const repeatable = spec.name === 'status-on' || spec.name === 'annotate' || spec.name === 'if-status'
    if (!repeatable && spec.kind !== 'bool' && seen.has(spec.name)) throw new WrapUsageError(`--${spec.name} can only be given once`)
    seen.add(spec.name)
  }
  let i = 0
  const takeValue = (spec: Spec, inline: string | undefined, shown: string): string => {
    if (inline !== undefined) return inline
    if (i >= argv.length) throw new WrapUsageError(`${shown} expects a value`)
    return argv[i++]
  }
  const apply = (spec: Spec, inline: string | undefined, shown: string) => {
    // the value is taken first, so that a flag given twice does not leave its value behind as a word
    let value: string
    if (spec.kind === 'bool') value = inline === undefined ? 'true' : inline.toLowerCase()
    else if (spec.kind === 'lock') {
      // `--lock`, `--lock=PATH`, or `--lock PATH` when the command follows a later `--`
      if (inline === '') throw new WrapUsageError('--lock= expects a path')
      if (inline !== undefined) value = inline
      else if (i < argv.length && !argv[i].startsWith('-') && argv.indexOf('--', i + 1) > i) value = argv[i++]
      else value = ''
    } else value = takeValue(spec, inline, shown)
    once(spec)
    if (spec.name !== 'no-color') spec.set(o, value)
  }
  /** one flag argument (with its value) */
  const flag = (arg: string): void => {
    const body = arg.replace(/^--?/, '')
    const eq = body.indexOf('=')
    const key = eq < 0 ? body : body.slice(0, eq)
    const inline = eq < 0 ? undefined : body.slice(eq + 1)
    const long = BY_NAME.get(key)
    if (long && (arg.startsWith('--') || key.length > 1)) {
      apply(long, inline, `--${key}`)
      return
    }
    if (arg.startsWith('--')) throw new WrapUsageError(`unknown flag ${arg.split('=')[0]}`, HINT)
    // short flags: -n x, -nx, -da
    let j = 1
    while (j < arg.length) {
      const c = arg[j]
      const spec = BY_CHAR.get(c)
      if (!spec) throw new WrapUsageError(`unknown flag -${c}${arg.length > 2 ? ` in ${arg}` : ''}`, HINT)
      j++
      if (spec.kind === 'bool') {
        apply(spec, undefined, `-${c}`)
        continue
      }
      const rest = arg.slice(j)
      apply(spec, rest === '' ? undefined : rest.replace(/^=/, ''), `-${c}`)
      break
    }
  }

  // after an unknown flag without `=value`, the next word may be its value: it is skipped, and the
  // command can then only be found after `--`
  let skipWord = false
  let dashDash = false
  while (i < argv.length) {
    const arg = argv[i]
    if (arg === '--') {
      i++
      dashDash = true
      break
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      if (!skipWord) break
      skipWord = false
      i++
      continue
    }
    skipWord = false
    i++
    try {
      flag(arg)
    } catch (error) {
      if (!(error instanceof WrapUsageError)) throw error
      errors.push(error)
      skipWord = /^unknown flag /.test(error.message) && !arg.includes('=')
    }
  }
  o.command = argv.slice(i)
  const clear = dashDash && o.command.length > 0
  /** a mistake found after parsing: ignore the flag when the command is clear, else stop */
  const check = (bad: boolean, message: string, ignore: () => void) => {
    if (!bad) return
    errors.push(new WrapUsageError(message))
    ignore()
  }
  if (o.help) return o
  if (errors.length > 0 && !clear) {
    const e = errors[0]
    throw new WrapUsageError(e.hint ? `${e.message}; ${e.hint}` : e.message)
  }
  if (o.flush && !clear) {
    if (o.command.length > 0) throw new WrapUsageError('--flush sends the spooled reports and runs no command; drop the command or --flush')
    return o
  }
  check(o.flush, '--flush sends the spooled reports and runs no command; drop the command or --flush', () => (o.flush = false))
  if (o.command.length === 0) throw new WrapUsageError(`no command specified; ${HINT}`)
  if (!clear) {
    if (o.onLocked !== 'skip' && !o.lock) throw new WrapUsageError('--on-locked needs --lock')
    if (o.name !== undefined && o.name === '') throw new WrapUsageError('--name must not be empty')
  }
  check(o.onLocked !== 'skip' && !o.lock, '--on-locked needs --lock', () => (o.onLocked = 'skip'))
  check(o.name === '', '--name must not be empty', () => (o.name = undefined))
  o.usageErrors = errors.map((e) => e.message)
  return o
}
