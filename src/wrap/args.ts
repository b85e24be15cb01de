// Argument parsing for `mkr wrap`. oclif's parser takes flags anywhere among the arguments; wrap must
// take them only *before* the command (`mkr wrap -- echo -n hi` passes `-n` to echo, and so does
// `mkr wrap echo -n hi`), so it parses its own argv:
// - flags first; `--` or the first argument that is not a flag starts the command;
// - `--flag value`, `--flag=value`, and mkr's single-dash long forms (`-name x`, `-detail`);
// - short flags `-n x`, `-nx`, and bundled booleans (`-da`);
// - an argument like `-1` (dash + digit) starts the command, as in mkr.
import type {CheckStatus} from '../api/checks.js'
import {parseFlagDuration} from '../duration.js'

export class WrapUsageError extends Error {}

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
  onLocked: OnLocked
  jitterMs?: number
  statusOn: StatusRule[]
  maxDurationMs?: number
  failAfter?: number
  ifStatus?: CheckStatus[]
  onChange: boolean
  annotate: AnnotateTarget[]
  resultJson?: string
  spoolDir?: string
  stateDir?: string
  reportTimeoutMs: number
  flush: boolean
}

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

function duration(flag: string, v: string): number {
  try {
    return parseFlagDuration(`--${flag}`, v)
  } catch (error) {
    throw new WrapUsageError((error as Error).message)
  }
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
      o.lock = true
      if (v !== '') o.lockPath = v
    },
  },
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
    onLocked: 'skip',
    statusOn: [],
    onChange: false,
    annotate: [],
    reportTimeoutMs: 30_000,
    flush: false,
  }
}

const HINT = 'put the command after `--`: mkr wrap [FLAGS] -- COMMAND [ARGS...]'

/** Parses `mkr wrap` arguments (everything after `wrap`). Throws WrapUsageError. */
export function parseWrapArgs(argv: readonly string[]): WrapOptions {
  const o = defaultOptions()
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
    once(spec)
    if (spec.kind === 'bool') {
      if (spec.name === 'no-color') return
      spec.set(o, inline === undefined ? 'true' : inline.toLowerCase())
    } else if (spec.kind === 'lock') {
      // `--lock`, `--lock=PATH`, or `--lock PATH` when the command follows a later `--`
      if (inline !== undefined) {
        if (inline === '') throw new WrapUsageError('--lock= expects a path')
        spec.set(o, inline)
      } else if (i < argv.length && !argv[i].startsWith('-') && argv.indexOf('--', i + 1) > i) spec.set(o, argv[i++])
      else spec.set(o, '')
    } else spec.set(o, takeValue(spec, inline, shown))
  }

  while (i < argv.length) {
    const arg = argv[i]
    if (arg === '--') {
      i++
      break
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) break
    i++
    const body = arg.replace(/^--?/, '')
    const eq = body.indexOf('=')
    const key = eq < 0 ? body : body.slice(0, eq)
    const inline = eq < 0 ? undefined : body.slice(eq + 1)
    const long = BY_NAME.get(key)
    if (long && (arg.startsWith('--') || key.length > 1)) {
      apply(long, inline, `--${key}`)
      continue
    }
    if (arg.startsWith('--')) throw new WrapUsageError(`unknown flag ${arg.split('=')[0]}; ${HINT}`)
    // short flags: -n x, -nx, -da
    let j = 1
    while (j < arg.length) {
      const c = arg[j]
      const spec = BY_CHAR.get(c)
      if (!spec) throw new WrapUsageError(`unknown flag -${c}${arg.length > 2 ? ` in ${arg}` : ''}; ${HINT}`)
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
  o.command = argv.slice(i)
  if (o.help) return o
  if (o.flush) {
    if (o.command.length > 0) throw new WrapUsageError('--flush sends the spooled reports and runs no command; drop the command or --flush')
    return o
  }
  if (o.command.length === 0) throw new WrapUsageError(`no command specified; ${HINT}`)
  if (o.onLocked !== 'skip' && !o.lock) throw new WrapUsageError('--on-locked needs --lock')
  if (o.name !== undefined && o.name === '') throw new WrapUsageError('--name must not be empty')
  return o
}
