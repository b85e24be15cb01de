// The runbook file (TOML): rules that say which alerts to act on, what to collect into the alert's
// memo and which remedies to run. Parsed with smol-toml, then checked field by field; every problem
// is reported as `FILE:LINE: rule "name": field: what is wrong`, all of them at once. Line numbers
// come from a scan of the source (smol-toml gives none for valid input): the line of the key, else
// of the table header it belongs to.
import {parse as parseToml} from 'smol-toml'
import {parseDuration, showDuration} from '../duration.js'
import {CliError, fsReason} from '../errors.js'
import {readRegularFile} from '../files.js'
import {compileGlob, GlobError} from './glob.js'

export const DEFAULT_INTERVAL_MS = 60_000
export const MIN_INTERVAL_MS = 10_000
export const DEFAULT_STEP_TIMEOUT_MS = 30_000
export const MAX_STEP_TIMEOUT_MS = 3_600_000
export const DEFAULT_MAX_PER_HOUR = 1
export const DEFAULT_STATUSES = ['CRITICAL', 'WARNING', 'UNKNOWN']
export const ALERT_STATUSES = ['CRITICAL', 'WARNING', 'UNKNOWN', 'OK']
export const HOST_STATUSES = ['working', 'standby', 'maintenance', 'poweroff']
/** A runbook file is a page of configuration: anything bigger is a mistake. */
export const MAX_FILE_BYTES = 1024 * 1024

export interface Step {
  name: string
  command: string[]
  timeoutMs: number
}

export interface Remedy extends Step {
  maxPerHour: number
}

export interface Rule {
  name: string
  /** the memo section this rule writes: `runbook:<name>` with characters outside [A-Za-z0-9_.-] as `-` */
  section: string
  /** monitor name globs or ids; empty = any monitor */
  monitors: string[]
  statuses: string[]
  services: string[]
  roles: string[]
  hosts: string[]
  hostStatuses: string[]
  owner?: string
  doc?: string
  /** service[:role,...] of the annotation posted over each remedy */
  annotate?: {service: string; roles: string[]}
  collect: Step[]
  remedy: Remedy[]
  /** compiled matchers */
  monitorMatchers: ((nameOrId: {id: string; name: string}) => boolean)[]
  hostMatchers: ((name: string) => boolean)[]
}

export interface Runbook {
  file: string
  intervalMs: number
  rules: Rule[]
}

export class RunbookError extends CliError {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n${problems.join('\n')}`, {
      hint: 'fix the runbook file; nothing was run',
    })
  }
}

/** Line numbers of keys and table headers, by path: `interval`, `rule.0`, `rule.0.name`, `rule.0.collect.1.command`. */
function scanLines(text: string): Map<string, number> {
  const at = new Map<string, number>()
  let rule = -1
  let sub: string | undefined
  const subCount = {collect: -1, remedy: -1}
  let prefix = ''
  let inMultiline: string | undefined
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    const n = i + 1
    if (inMultiline) {
      if (raw.includes(inMultiline)) inMultiline = undefined
      return
    }
    const header = /^\[\[\s*([A-Za-z0-9_.\s"-]+?)\s*\]\]/.exec(line) ?? /^\[\s*([A-Za-z0-9_.\s"-]+?)\s*\]/.exec(line)
    if (header) {
      const name = header[1].replace(/\s+/g, '')
      if (name === 'rule') {
        rule++
        sub = undefined
        subCount.collect = subCount.remedy = -1
        prefix = `rule.${rule}`
      } else if (name === 'rule.collect' || name === 'rule.remedy') {
        sub = name.slice(5)
        const k = sub as 'collect' | 'remedy'
        subCount[k]++
        prefix = `rule.${rule}.${sub}.${subCount[k]}`
      } else prefix = name
      if (!at.has(prefix)) at.set(prefix, n)
      return
    }
    const key = /^("([^"]*)"|'([^']*)'|[A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line)
    if (key) {
      const k = key[2] ?? key[3] ?? key[1]
      const path = prefix ? `${prefix}.${k}` : k
      if (!at.has(path)) at.set(path, n)
      const value = key[4]
      for (const q of ['"""', "'''"]) if (value.startsWith(q) && !value.slice(3).includes(q)) inMultiline = q
    }
  })
  void sub
  return at
}

const RULE_KEYS = new Set(['name', 'monitors', 'status', 'services', 'roles', 'hosts', 'host_status', 'owner', 'doc', 'annotate', 'collect', 'remedy'])
const STEP_KEYS = new Set(['name', 'command', 'timeout'])
const REMEDY_KEYS = new Set([...STEP_KEYS, 'max_per_hour'])

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)

export function sectionName(ruleName: string): string {
  return `runbook:${ruleName.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 56)}`
}

/** Reads and checks a runbook file; throws RunbookError listing every problem. */
export function loadRunbook(file: string): Runbook {
  let text: string
  try {
    text = readRegularFile(file, {maxBytes: MAX_FILE_BYTES})
  } catch (error) {
    const e = error as NodeJS.ErrnoException & {reason?: string}
    const why = e.code === 'ENOTREG' || e.code === 'EFBIG' ? e.reason! : fsReason(error)
    throw new CliError(`cannot read runbook ${file}: ${why}`, {hint: e.code === 'EFBIG' ? `a runbook file is at most ${MAX_FILE_BYTES} bytes` : undefined})
  }
  return parseRunbook(text, file)
}

export function parseRunbook(text: string, file: string): Runbook {
  let doc: Record<string, unknown>
  try {
    doc = parseToml(text) as Record<string, unknown>
  } catch (error) {
    const e = error as Error & {line?: number}
    const first = (e.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '')
    throw new RunbookError([`${file}:${e.line ?? 1}: invalid TOML: ${first}`])
  }
  const lines = scanLines(text)
  const problems: string[] = []
  const lineOf = (...paths: string[]) => {
    for (const p of paths) if (lines.has(p)) return lines.get(p)!
    return 1
  }

  let intervalMs = DEFAULT_INTERVAL_MS
  for (const k of Object.keys(doc)) {
    if (k !== 'interval' && k !== 'rule') problems.push(`${file}:${lineOf(k)}: ${k}: unknown key (top level has interval and [[rule]])`)
  }
  if (doc.interval !== undefined) {
    const ms = duration(doc.interval)
    if (typeof ms === 'string') problems.push(`${file}:${lineOf('interval')}: interval: ${ms}`)
    else if (ms < MIN_INTERVAL_MS) problems.push(`${file}:${lineOf('interval')}: interval: ${showDuration(ms)} is too short (at least ${showDuration(MIN_INTERVAL_MS)})`)
    else intervalMs = ms
  }

  const rulesIn = doc.rule === undefined ? [] : doc.rule
  if (!Array.isArray(rulesIn)) {
    problems.push(`${file}:${lineOf('rule')}: rule: must be an array of tables ([[rule]])`)
    throw new RunbookError(problems)
  }
  if (rulesIn.length === 0) problems.push(`${file}:1: no [[rule]]: nothing would ever be done`)
  const rules: Rule[] = []
  const names = new Map<string, number>()
  const sections = new Map<string, string>()
  rulesIn.forEach((r, i) => {
    const base = `rule.${i}`
    const ruleName = isObj(r) && typeof r.name === 'string' && r.name.trim() !== '' ? r.name : undefined
    const where = (field: string, ...paths: string[]) =>
      `${file}:${lineOf(...paths.map((p) => `${base}.${p}`), `${base}.${field}`, base)}: rule ${ruleName ? JSON.stringify(ruleName) : `#${i + 1}`}: ${field}`
    if (!isObj(r)) {
      problems.push(`${file}:${lineOf(base)}: rule #${i + 1}: must be a table`)
      return
    }
    for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) problems.push(`${where(k)}: unknown key`)
    if (ruleName === undefined) problems.push(`${where('name')}: required (a unique name; it names the memo section)`)
    else if (ruleName.length > 100 || /[\u0000-\u001f\u007f]/.test(ruleName)) problems.push(`${where('name')}: at most 100 printable characters`)
    else if (names.has(ruleName)) problems.push(`${where('name')}: duplicate name (also rule #${names.get(ruleName)! + 1})`)
    else {
      names.set(ruleName, i)
      const sec = sectionName(ruleName)
      if (sections.has(sec)) problems.push(`${where('name')}: writes the same memo section "${sec}" as rule ${JSON.stringify(sections.get(sec))}; rename one`)
      sections.set(sec, ruleName)
    }

    const strings = (field: string, opts: {allowed?: string[]; glob?: boolean} = {}): string[] => {
      const v = r[field]
      if (v === undefined) return []
      const list = typeof v === 'string' ? [v] : v
      if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || x === '')) {
        problems.push(`${where(field)}: must be a list of non-empty strings`)
        return []
      }
      const out = list as string[]
      if (opts.allowed)
        for (const s of out)
          if (!opts.allowed.includes(s)) problems.push(`${where(field)}: ${JSON.stringify(s)} is not one of ${opts.allowed.join(', ')}`)
      if (opts.glob)
        for (const s of out)
          try {
            compileGlob(s)
          } catch (error) {
            if (error instanceof GlobError) problems.push(`${where(field)}: ${error.message}`)
            else throw error
          }
      return out
    }
    const monitors = strings('monitors', {glob: true})
    let statuses = strings('status', {allowed: ALERT_STATUSES})
    if (r.status === undefined) statuses = DEFAULT_STATUSES
    const services = strings('services')
    const roles = strings('roles')
    for (const role of roles) if (!/^[^:]+:[^:]+$/.test(role)) problems.push(`${where('roles')}: ${JSON.stringify(role)} must be service:role`)
    const hosts = strings('hosts', {glob: true})
    const hostStatuses = strings('host_status', {allowed: HOST_STATUSES})

    const text = (field: string): string | undefined => {
      const v = r[field]
      if (v === undefined) return undefined
      if (typeof v !== 'string') {
        problems.push(`${where(field)}: must be a string`)
        return undefined
      }
      return v
    }
    const owner = text('owner')
    const doc = text('doc')
    const annotateText = text('annotate')
    let annotate: Rule['annotate']
    if (annotateText !== undefined) {
      const m = /^([A-Za-z0-9_-]+)(?::([A-Za-z0-9_,-]+))?$/.exec(annotateText)
      if (!m) problems.push(`${where('annotate')}: ${JSON.stringify(annotateText)} must be service or service:role[,role...]`)
      else annotate = {service: m[1], roles: m[2] ? m[2].split(',').filter(Boolean) : []}
    }

    const steps = <T extends Step>(kind: 'collect' | 'remedy'): T[] => {
      const v = r[kind]
      if (v === undefined) return []
      if (!Array.isArray(v)) {
        problems.push(`${where(kind)}: must be an array of tables ([[rule.${kind}]])`)
        return []
      }
      const seen = new Set<string>()
      const out: T[] = []
      v.forEach((s, j) => {
        const sp = `${kind}.${j}`
        const stepName = isObj(s) && typeof s.name === 'string' && s.name !== '' ? s.name : undefined
        const at = (field: string) => `${where(`${kind} ${stepName ? JSON.stringify(stepName) : `#${j + 1}`}`, `${sp}.${field}`, sp)}: ${field}`
        if (!isObj(s)) {
          problems.push(`${where(kind, sp)}: #${j + 1} must be a table`)
          return
        }
        for (const k of Object.keys(s))
          if (!(kind === 'remedy' ? REMEDY_KEYS : STEP_KEYS).has(k)) problems.push(`${at(k)}: unknown key`)
        if (stepName === undefined) problems.push(`${at('name')}: required`)
        else if (seen.has(stepName)) problems.push(`${at('name')}: duplicate name in this rule`)
        else seen.add(stepName)
        const cmd = s.command
        let command: string[] = []
        if (cmd === undefined) problems.push(`${at('command')}: required (an array: ["program", "arg", ...])`)
        else if (typeof cmd === 'string')
          problems.push(`${at('command')}: must be an array, not a string (no shell runs it: write ["sh", "-c", ${JSON.stringify(cmd)}] to use one)`)
        else if (!Array.isArray(cmd) || cmd.length === 0 || cmd.some((x) => typeof x !== 'string') || cmd[0] === '')
          problems.push(`${at('command')}: must be a non-empty array of strings, the program first`)
        else if (cmd.some((x) => (x as string).includes('\0'))) problems.push(`${at('command')}: contains a NUL character`)
        else command = cmd as string[]
        let timeoutMs = DEFAULT_STEP_TIMEOUT_MS
        if (s.timeout !== undefined) {
          const ms = duration(s.timeout)
          if (typeof ms === 'string') problems.push(`${at('timeout')}: ${ms}`)
          else if (ms < 1000 || ms > MAX_STEP_TIMEOUT_MS) problems.push(`${at('timeout')}: ${showDuration(ms)} is out of range (1s to 1h)`)
          else timeoutMs = ms
        }
        const step: Step = {name: stepName ?? `#${j + 1}`, command, timeoutMs}
        if (kind === 'remedy') {
          let maxPerHour = DEFAULT_MAX_PER_HOUR
          if (s.max_per_hour !== undefined) {
            const m = s.max_per_hour
            if (typeof m !== 'number' || !Number.isInteger(m) || m < 0 || m > 60) problems.push(`${at('max_per_hour')}: must be a whole number from 0 to 60`)
            else maxPerHour = m
          }
          out.push({...step, maxPerHour} as unknown as T)
        } else out.push(step as T)
      })
      return out
    }
    const collect = steps<Step>('collect')
    const remedy = steps<Remedy>('remedy')

    rules.push({
      name: ruleName ?? `#${i + 1}`,
      section: sectionName(ruleName ?? `rule-${i + 1}`),
      monitors,
      statuses,
      services,
      roles,
      hosts,
      hostStatuses,
      owner,
      doc,
      annotate,
      collect,
      remedy,
      monitorMatchers: safeCompile(monitors).map((g, k) => (m) => m.id === monitors[k] || g(m.name)),
      hostMatchers: safeCompile(hosts),
    })
  })
  if (problems.length > 0) throw new RunbookError(problems)
  return {file, intervalMs, rules}
}

function safeCompile(globs: string[]): ((s: string) => boolean)[] {
  return globs.map((g) => {
    try {
      return compileGlob(g)
    } catch {
      return () => false
    }
  })
}

/** A duration in ms, or why it is not one. */
function duration(v: unknown): number | string {
  if (typeof v !== 'string') return 'must be a string such as "30s" or "1m"'
  try {
    const ms = parseDuration(v)
    return ms < 0 ? 'must not be negative' : ms
  } catch (error) {
    return (error as Error).message
  }
}
