// Validation of monitor rules before anything is sent: required fields, types and the documented
// ranges of reference/mackerel-api.md §3, per monitor type. Fields not listed here are not checked
// and are kept as they are (the API may know fields this CLI does not).
import {isKnownType, isPlainObject, KNOWN_TYPES, type Json, type Monitor} from './types.js'

export interface Issue {
  /** position in the `monitors` array (0-based); undefined for file-level problems */
  index?: number
  /** line where that monitor starts in the file */
  line?: number
  /** the monitor's name as written, when it has one */
  name?: string
  /** the offending field (`duration`, `headers[1].name`) */
  field?: string
  message: string
  /** an unknown `type`: an error for push only when the rule would be written */
  unknownType?: true
  /** a problem between rules (an id used twice), not with one rule's own values */
  crossRule?: true
}

/** `monitors.json:14: monitors[2] "cpu high": duration: must be ...` */
export function formatIssue(file: string, i: Issue): string {
  let where = i.line ? `${file}:${i.line}` : file
  if (i.index !== undefined) where += `: monitors[${i.index}]${i.name ? ` ${JSON.stringify(i.name)}` : ''}`
  return `${where}: ${i.field ? `${i.field}: ` : ''}${i.message}`
}

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'strings' | 'headers'

interface FieldRule {
  kind: Kind
  required?: boolean
  /** a non-empty string / array */
  nonEmpty?: boolean
  min?: number
  max?: number
  multipleOf?: number
  oneOf?: readonly string[]
  maxLength?: number
  /** extra check returning a message */
  check?: (v: Json) => string | undefined
}

const OPERATOR: FieldRule = {kind: 'string', required: true, oneOf: ['>', '<']}
const THRESHOLD: FieldRule = {kind: 'number'}
const ATTEMPTS: FieldRule = {kind: 'integer', min: 1, max: 10}
const SCOPES: FieldRule = {kind: 'strings'}
const MISSING: FieldRule = {kind: 'integer', min: 10, max: 10080, multipleOf: 10}

const COMMON: Record<string, FieldRule> = {
  id: {kind: 'string', nonEmpty: true},
  name: {kind: 'string', required: true, nonEmpty: true},
  memo: {kind: 'string', maxLength: 2048},
  notificationInterval: {kind: 'integer', min: 10},
  isMute: {kind: 'boolean'},
}

const BY_TYPE: Record<string, Record<string, FieldRule>> = {
  host: {
    metric: {kind: 'string', required: true, nonEmpty: true},
    operator: OPERATOR,
    warning: THRESHOLD,
    critical: THRESHOLD,
    duration: {kind: 'integer', required: true, min: 1, max: 10},
    maxCheckAttempts: ATTEMPTS,
    scopes: SCOPES,
    excludeScopes: SCOPES,
  },
  connectivity: {
    name: {kind: 'string', nonEmpty: true}, // optional: the API defaults it to "connectivity"
    alertStatusOnGone: {kind: 'string', oneOf: ['CRITICAL', 'WARNING']},
    scopes: SCOPES,
    excludeScopes: SCOPES,
  },
  service: {
    service: {kind: 'string', required: true, nonEmpty: true},
    metric: {kind: 'string', required: true, nonEmpty: true},
    operator: OPERATOR,
    warning: THRESHOLD,
    critical: THRESHOLD,
    duration: {kind: 'integer', required: true, min: 1, max: 10},
    maxCheckAttempts: ATTEMPTS,
    missingDurationWarning: MISSING,
    missingDurationCritical: MISSING,
  },
  external: {
    url: {
      kind: 'string',
      required: true,
      nonEmpty: true,
      check: (v) => (/^https?:\/\/[^/\s]/i.test(String(v)) ? undefined : `must be an http:// or https:// URL, got ${JSON.stringify(v)}`),
    },
    method: {kind: 'string', oneOf: ['GET', 'POST', 'PUT', 'DELETE']},
    service: {kind: 'string', nonEmpty: true},
    responseTimeWarning: {kind: 'number', min: 0},
    responseTimeCritical: {kind: 'number', min: 0},
    responseTimeDuration: {kind: 'integer', min: 1, max: 10},
    containsString: {kind: 'string'},
    maxCheckAttempts: ATTEMPTS,
    certificationExpirationWarning: {kind: 'integer', min: 0},
    certificationExpirationCritical: {kind: 'integer', min: 0},
    skipCertificateVerification: {kind: 'boolean'},
    expectedStatusCode: {kind: 'integer', min: 100, max: 599},
    headers: {kind: 'headers'},
    requestBody: {kind: 'string'},
    followRedirect: {kind: 'boolean'},
    dualstack: {kind: 'string', oneOf: ['ipv4', 'ipv6', 'auto']},
  },
  expression: {
    expression: {kind: 'string', required: true, nonEmpty: true},
    operator: OPERATOR,
    warning: THRESHOLD,
    critical: THRESHOLD,
    evaluateBackwardMinutes: {kind: 'integer', min: 2, max: 10},
  },
  anomalyDetection: {
    scopes: {kind: 'strings', required: true, nonEmpty: true},
    warningSensitivity: {kind: 'string', oneOf: ['insensitive', 'normal', 'sensitive']},
    criticalSensitivity: {kind: 'string', oneOf: ['insensitive', 'normal', 'sensitive']},
    maxCheckAttempts: ATTEMPTS,
    trainingPeriodFrom: {kind: 'integer', min: 0},
  },
  query: {
    query: {kind: 'string', required: true, nonEmpty: true},
    legend: {kind: 'string'},
    operator: OPERATOR,
    warning: THRESHOLD,
    critical: THRESHOLD,
    evaluateBackwardMinutes: {kind: 'integer', min: 0, max: 10},
  },
}

function jsonType(v: Json | undefined): string {
  if (v === null) return 'null'
  if (typeof v === 'number' && !Number.isFinite(v)) return 'a number out of range'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') return 'an object'
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)})`
  return `${typeof v === 'number' ? 'a number' : 'a boolean'} (${String(v)})`
}

const KIND_TEXT: Record<Kind, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  strings: 'an array of strings',
  headers: 'an array of {"name": ..., "value": ...} objects',
}

function range(r: FieldRule): string {
  if (r.min !== undefined && r.max !== undefined) return ` from ${r.min} to ${r.max}`
  if (r.min !== undefined) return ` of at least ${r.min}`
  if (r.max !== undefined) return ` of at most ${r.max}`
  return ''
}

/** Problems with one field's value (the field is present and not null). */
function checkField(field: string, v: Json, r: FieldRule): {field: string; message: string}[] {
  const bad = (message: string, f = field) => [{field: f, message}]
  const expected = () => bad(`must be ${KIND_TEXT[r.kind]}${r.kind === 'integer' || r.kind === 'number' ? range(r) : ''}, got ${jsonType(v)}`)
  switch (r.kind) {
    case 'string': {
      if (typeof v !== 'string') return expected()
      if (r.nonEmpty && v === '') return bad('must not be empty')
      if (r.oneOf && !r.oneOf.includes(v)) return bad(`must be one of ${r.oneOf.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(v)}`)
      if (r.maxLength !== undefined && [...v].length > r.maxLength) return bad(`must be at most ${r.maxLength} characters, got ${[...v].length}`)
      break
    }
    case 'number':
    case 'integer': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return expected()
      if (r.kind === 'integer' && !Number.isInteger(v)) return expected()
      if ((r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max)) return bad(`must be ${r.kind === 'integer' ? 'a whole number' : 'a number'}${range(r)}, got ${v}`)
      if (r.multipleOf && v % r.multipleOf !== 0) return bad(`must be a multiple of ${r.multipleOf}, got ${v}`)
      break
    }
    case 'boolean':
      if (typeof v !== 'boolean') return expected()
      break
    case 'strings': {
      if (!Array.isArray(v)) return expected()
      const i = v.findIndex((s) => typeof s !== 'string')
      if (i >= 0) return bad(`must be a string, got ${jsonType(v[i])}`, `${field}[${i}]`)
      if (r.nonEmpty && v.length === 0) return bad('must list at least one scope')
      break
    }
    case 'headers': {
      if (!Array.isArray(v)) return expected()
      const out: {field: string; message: string}[] = []
      v.forEach((h, i) => {
        if (!isPlainObject(h)) return out.push({field: `${field}[${i}]`, message: `must be an object {"name": ..., "value": ...}, got ${jsonType(h)}`})
        for (const k of ['name', 'value']) {
          if (typeof h[k] !== 'string') out.push({field: `${field}[${i}].${k}`, message: `must be a string, got ${h[k] === undefined ? 'nothing' : jsonType(h[k])}`})
        }
      })
      return out
    }
  }
  if (r.check) {
    const m = r.check(v)
    if (m) return bad(m)
  }
  return []
}

/**
 * Paths of the numbers in `v` that are not finite. JSON.parse turns a literal too large for a double
 * (`1e999`) into Infinity, which would be sent as `null`; it never yields NaN.
 */
function nonFinite(v: Json | undefined, path: string, out: string[] = []): string[] {
  if (typeof v === 'number' && !Number.isFinite(v)) out.push(path)
  else if (Array.isArray(v)) v.forEach((x, i) => nonFinite(x, `${path}[${i}]`, out))
  else if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) nonFinite(x, `${path}.${k}`, out)
  return out
}

/**
 * Problems with one monitor rule (field order: numbers out of range, common fields, then the type's,
 * then cross-field rules). Every problem is listed, not only the first: without a usable type, the
 * fields every monitor has are still checked.
 */
export function validateMonitor(m: unknown, index: number, line?: number): Issue[] {
  const issues: Issue[] = []
  if (!isPlainObject(m)) return [{index, line, message: `must be an object, got ${jsonType(m as Json)}`}]
  const name = typeof m.name === 'string' && m.name !== '' ? m.name : undefined
  const add = (field: string | undefined, message: string, extra: Partial<Issue> = {}) =>
    issues.push({index, line, name, field, message, ...extra})
  // a number out of range anywhere (also in fields this CLI does not know) is reported once, by path
  const outOfRange = new Set<string>()
  for (const [k, v] of Object.entries(m)) {
    for (const path of nonFinite(v, k)) {
      outOfRange.add(k)
      add(path, 'number out of range: not a finite number (a JSON number must be smaller than about 1.8e308)')
    }
  }
  const checkPresent = (rules: Record<string, FieldRule>) => {
    for (const [field, rule] of Object.entries(rules)) {
      const v = m[field]
      if (v === undefined || v === null || outOfRange.has(field)) continue
      for (const p of checkField(field, v, rule)) add(p.field, p.message)
    }
  }
  const t = m.type
  if (t === undefined || t === null || typeof t !== 'string' || t === '') {
    add('type', t === undefined || t === null ? `required: one of ${KNOWN_TYPES.join(', ')}` : `must be one of ${KNOWN_TYPES.join(', ')}, got ${jsonType(t)}`)
    checkPresent(COMMON)
    return issues
  }
  if (!isKnownType(t)) {
    // Types this CLI does not know are passed through untouched when nothing is written for them;
    // only the fields every monitor has are checked.
    add('type', `unknown monitor type ${JSON.stringify(t)} (known: ${KNOWN_TYPES.join(', ')})`, {unknownType: true})
    checkPresent(COMMON)
    return issues
  }
  const rules = {...COMMON, ...BY_TYPE[t]}
  for (const [field, rule] of Object.entries(rules)) {
    if (outOfRange.has(field)) continue
    const v = m[field]
    if (v === undefined || v === null) {
      if (rule.required) add(field, `required for ${t} monitors${rule.kind === 'string' && rule.oneOf ? ` (one of ${rule.oneOf.map((o) => JSON.stringify(o)).join(', ')})` : ''}`)
      continue
    }
    for (const p of checkField(field, v, rule)) add(p.field, p.message)
  }
  if (t === 'external' && (m.service === undefined || m.service === null)) {
    for (const f of ['responseTimeWarning', 'responseTimeCritical', 'responseTimeDuration']) {
      if (m[f] !== undefined && m[f] !== null) add(f, 'needs "service" (response times are graphed as a service metric)')
    }
  }
  if (t === 'host' && typeof m.metric === 'string' && m.metric.endsWith('%')) {
    for (const f of ['warning', 'critical']) {
      const v = m[f]
      if (typeof v === 'number' && Number.isFinite(v) && (v < 0 || v > 100)) add(f, `must be from 0 to 100 for the percentage metric ${JSON.stringify(m.metric)}, got ${v}`)
    }
  }
  if (t === 'anomalyDetection' && (m.warningSensitivity ?? null) === null && (m.criticalSensitivity ?? null) === null) {
    add('warningSensitivity', 'at least one of "warningSensitivity" and "criticalSensitivity" is required')
  }
  return issues
}

/**
 * Problems with the whole list: every rule, then ids used twice (which would make two rules claim
 * one remote monitor).
 */
export function validateMonitors(monitors: unknown[], lines: (number | undefined)[] = []): Issue[] {
  const issues: Issue[] = []
  const seen = new Map<string, number>()
  monitors.forEach((m, i) => {
    issues.push(...validateMonitor(m, i, lines[i]))
    if (isPlainObject(m) && typeof m.id === 'string' && m.id !== '') {
      const first = seen.get(m.id)
      if (first === undefined) seen.set(m.id, i)
      else
        issues.push({
          index: i,
          line: lines[i],
          name: typeof m.name === 'string' && m.name ? m.name : undefined,
          field: 'id',
          message: `${JSON.stringify(m.id)} is also the id of monitors[${first}]; each id may appear once`,
          crossRule: true,
        })
    }
  })
  return issues
}

export type {Monitor}
