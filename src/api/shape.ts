// Small hand-written checks of API response shapes, run at the edge (the resource modules) so that a
// body like `null`, `[null]` or `{"isRetired": "false"}` becomes an InvalidResponseError naming the
// field (`hosts[3].isRetired is a string, expected a boolean`) instead of data the formatters misprint.
// Only the fields the commands rely on are checked; every other field passes through untouched (the
// checked object itself is returned, never a copy).
import {InvalidResponseError} from './errors.js'

/** A wrong field: where (`hosts[3].isRetired`) and what (`is a string, expected a boolean`). */
export class ShapeError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`)
  }
}

/** Throws a ShapeError when `v` (found at `at`) is not what is expected. */
export type Check = (v: unknown, at: string) => void

/** `a string`, `null`, `an array`, … : how a JSON value is named in messages. */
export function kindOf(v: unknown): string {
  if (v === undefined) return 'missing'
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  switch (typeof v) {
    case 'string':
      return 'a string'
    case 'number':
      return 'a number'
    case 'boolean':
      return 'a boolean'
    case 'object':
      return 'an object'
    default:
      return typeof v
  }
}

function fail(v: unknown, at: string, expected: string): never {
  throw new ShapeError(at === '' ? 'the body' : at, v === undefined ? `is missing, expected ${expected}` : `is ${kindOf(v)}, expected ${expected}`)
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export const string: Check = (v, at) => {
  if (typeof v !== 'string') fail(v, at, 'a string')
}

/** A string that is not empty (ids). */
export const idString: Check = (v, at) => {
  if (typeof v !== 'string') fail(v, at, 'a string')
  if (v === '') throw new ShapeError(at, 'is an empty string, expected an id')
}

/** A finite number (JSON has no other, but a string "1700000000" is not one). */
export const number: Check = (v, at) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(v, at, 'a number')
}

export const boolean: Check = (v, at) => {
  if (typeof v !== 'boolean') fail(v, at, 'a boolean')
}

/** Absent or `null` (the API's way of saying "not set"), else checked by `c`. */
export function optional(c: Check): Check {
  return (v, at) => {
    if (v !== undefined && v !== null) c(v, at)
  }
}

/** `null` allowed (the field itself must be present). */
export function nullable(c: Check): Check {
  return (v, at) => {
    if (v !== null) c(v, at)
  }
}

export function arrayOf(c: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) fail(v, at, 'an array')
    v.forEach((item, i) => c(item, `${at}[${i}]`))
  }
}

/** An object of any keys whose values all pass `c` (e.g. roles: service -> role names). */
export function recordOf(c: Check): Check {
  return (v, at) => {
    if (!isObject(v)) fail(v, at, 'an object')
    for (const [k, item] of Object.entries(v)) c(item, `${at}${fieldName(k, at === '')}`)
  }
}

/** An object whose listed fields pass their checks; other fields are not looked at. */
export function object(fields: Record<string, Check>): Check {
  return (v, at) => {
    if (!isObject(v)) fail(v, at, 'an object')
    for (const [k, c] of Object.entries(fields)) c(v[k], at === '' ? k : `${at}.${k}`)
  }
}

/** `.web` for a plain key, `["a b"]` for anything else (the message stays one unambiguous line). */
function fieldName(k: string, top: boolean): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(k)) return top ? k : `.${k}`
  return `[${JSON.stringify(k)}]`
}

/**
 * Checks `body` (a 2xx answer to `method path`) with `c`, naming returns it typed. Field names start at the
 * body's keys (`hosts[3].id`); the body itself is `the body`.
 * A wrong shape throws an InvalidResponseError: `GET /api/v0/hosts failed: invalid response: hosts[3].isRetired is a string, expected a boolean`.
 */
export function checked<T>(client: {redact(text: string): string}, method: string, path: string, body: unknown, c: Check): T {
  try {
    c(body, '')
  } catch (error) {
    // field names can come from the server (the keys of `roles`): masked like any server text (and escaped by the error)
    if (error instanceof ShapeError) throw new InvalidResponseError(method, path, client.redact(error.message))
    throw error
  }
  return body as T
}
