// Request validation helpers. Each throws an HttpError(400) naming the field and the rule, so every
// route reports bad input the same way.
import {badRequest} from './http.js'

export type Obj = Record<string, unknown>

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function asObject(v: unknown, what = 'the request body'): Obj {
  if (!isObject(v)) throw badRequest(`${what} must be a JSON object`)
  return v
}

/** Length in Unicode code points (what Mackerel and mkr count as characters). */
export function codePoints(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

interface StringRule {
  max?: number
  /** the empty string is an error too */
  nonEmpty?: boolean
  pattern?: RegExp
}

function checkString(key: string, v: unknown, rule: StringRule): string {
  if (typeof v !== 'string') throw badRequest(`${key} must be a string`)
  if (rule.nonEmpty && v === '') throw badRequest(`${key} must not be empty`)
  if (rule.max !== undefined && codePoints(v) > rule.max) throw badRequest(`${key} must be at most ${rule.max} characters`)
  if (rule.pattern && !rule.pattern.test(v)) throw badRequest(`${key} is invalid: ${JSON.stringify(v)}`)
  return v
}

export function reqString(o: Obj, key: string, rule: StringRule = {}): string {
  if (o[key] === undefined || o[key] === null) throw badRequest(`${key} is required`)
  return checkString(key, o[key], {nonEmpty: true, ...rule})
}

export function optString(o: Obj, key: string, rule: StringRule = {}): string | undefined {
  if (o[key] === undefined || o[key] === null) return undefined
  return checkString(key, o[key], rule)
}

interface NumberRule {
  min?: number
  max?: number
  integer?: boolean
  /** the value must be a multiple of this */
  multipleOf?: number
}

function checkNumber(key: string, v: unknown, rule: NumberRule): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${key} must be a number`)
  if (rule.integer && !Number.isInteger(v)) throw badRequest(`${key} must be an integer`)
  if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max)) {
    const range =
      rule.min !== undefined && rule.max !== undefined
        ? `between ${rule.min} and ${rule.max}`
        : rule.min !== undefined
          ? `at least ${rule.min}`
          : `at most ${rule.max}`
    throw badRequest(`${key} must be ${range}`)
  }
  if (rule.multipleOf !== undefined && v % rule.multipleOf !== 0) throw badRequest(`${key} must be a multiple of ${rule.multipleOf}`)
  return v
}

export function reqNumber(o: Obj, key: string, rule: NumberRule = {}): number {
  if (o[key] === undefined || o[key] === null) throw badRequest(`${key} is required`)
  return checkNumber(key, o[key], rule)
}

export function optNumber(o: Obj, key: string, rule: NumberRule = {}): number | undefined {
  if (o[key] === undefined || o[key] === null) return undefined
  return checkNumber(key, o[key], rule)
}

export function optBoolean(o: Obj, key: string): boolean | undefined {
  if (o[key] === undefined || o[key] === null) return undefined
  if (typeof o[key] !== 'boolean') throw badRequest(`${key} must be a boolean`)
  return o[key] as boolean
}

export function oneOf<T extends string>(o: Obj, key: string, values: readonly T[], required: boolean): T | undefined {
  const v = o[key]
  if (v === undefined || v === null) {
    if (required) throw badRequest(`${key} is required`)
    return undefined
  }
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    throw badRequest(`${key} must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`)
  return v as T
}

export function optStringArray(o: Obj, key: string, rule: StringRule = {}): string[] | undefined {
  const v = o[key]
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v)) throw badRequest(`${key} must be an array of strings`)
  return v.map((item, i) => checkString(`${key}[${i}]`, item, rule))
}

export function reqArray(o: Obj, key: string): unknown[] {
  const v = o[key]
  if (v === undefined || v === null) throw badRequest(`${key} is required`)
  if (!Array.isArray(v)) throw badRequest(`${key} must be an array`)
  return v
}

/** Service and role names (§0.7): 2–63 of [A-Za-z0-9_-], not starting with - or _. */
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,62}$/

export function checkName(kind: string, name: unknown): string {
  if (typeof name !== 'string' || !NAME_RE.test(name))
    throw badRequest(`${kind} name must be 2-63 characters of [A-Za-z0-9_-], not starting with - or _: ${JSON.stringify(name)}`)
  return name
}

export function parseRoleFullname(s: unknown, key = 'roleFullnames'): {service: string; role: string} {
  if (typeof s !== 'string') throw badRequest(`${key} must contain strings`)
  const parts = s.split(':')
  if (parts.length !== 2 || !NAME_RE.test(parts[0]) || !NAME_RE.test(parts[1]))
    throw badRequest(`invalid role fullname (want <service>:<role>): ${JSON.stringify(s)}`)
  return {service: parts[0], role: parts[1]}
}

/** Check monitor names (host `checks[].name`, report `name`): [a-zA-Z0-9_-]+ (§0.7). */
export const CHECK_NAME_RE = /^[a-zA-Z0-9_-]+$/

/** `limit` for nextId-paged lists: default 100, 1–100, anything else 400. */
export function queryLimit(query: URLSearchParams): number {
  const raw = query.get('limit')
  if (raw === null || raw === '') return 100
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw badRequest(`limit must be a positive integer: ${JSON.stringify(raw)}`)
  if (n > 100) throw badRequest('limit must be at most 100')
  return n
}

/** Boolean query flags (`withClosed=true`). */
export function queryBool(query: URLSearchParams, key: string): boolean {
  const v = query.get(key)
  return v === 'true' || v === '1'
}

/** An http(s) URL with a host, at most 2048 characters (channel and webhook URLs). */
export function checkHttpUrl(key: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw badRequest(`${key} is required and must be a string`)
  if (v.length > 2048) throw badRequest(`${key} must be at most 2048 characters`)
  let u: URL
  try {
    u = new URL(v)
  } catch {
    throw badRequest(`${key} is not a valid URL: ${JSON.stringify(v)}`)
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') throw badRequest(`${key} must be an http or https URL: ${JSON.stringify(v)}`)
  return v
}

/** A plausible email address (one @, a dot in the domain, no spaces), at most 254 characters. */
export const EMAIL_RE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/

export function checkEmail(key: string, v: unknown): string {
  if (typeof v !== 'string' || v.length > 254 || !EMAIL_RE.test(v)) throw badRequest(`${key} is not a valid email address: ${JSON.stringify(v)}`)
  return v
}

/** An optional list where `null` (what Go clients send for a nil slice) means empty. */
export function listOrEmpty(o: Obj, key: string): unknown[] {
  const v = o[key]
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) throw badRequest(`${key} must be an array`)
  return v
}

/** Like optStringArray, with `null`/absent as [] and duplicates removed (first one kept). */
export function stringList(o: Obj, key: string, rule: StringRule = {}): string[] {
  return [...new Set(listOrEmpty(o, key).map((item, i) => checkString(`${key}[${i}]`, item, {nonEmpty: true, ...rule})))]
}
