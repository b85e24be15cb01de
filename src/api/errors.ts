// Typed errors from src/api. Messages name method, path, status and the server's message; they never
// carry the API key (no headers are ever copied into them, and the client masks the key in any server
// text it puts into them). Server text is shown with its control characters escaped (one line, nothing
// a terminal would interpret), whoever builds the error.
import {CliError} from '../errors.js'
import {escapeControl} from '../output/sanitize.js'

export const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504])

/** The API answered with a non-2xx status. */
export class ApiError extends CliError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** the server's message, or the status text when the body had none */
    readonly serverMessage: string,
    attempts = 1,
  ) {
    super(`${method} ${path} failed: ${status} ${escapeControl(serverMessage)}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`)
    if (status === 401 || status === 403)
      this.hint =
        'check the API key (MACKEREL_APIKEY or apikey in the agent config): it must be valid and, for changes, have Write permission; ' +
        "the organization's API IP restriction may also block this machine"
  }

  get retryable(): boolean {
    return RETRYABLE_STATUS.has(this.status)
  }
}

/** The request got no usable answer: connection refused or reset, DNS failure, timeout. */
export class NetworkError extends CliError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly reason: string,
    /** true when the request provably never reached the server (connect-phase failure) */
    readonly neverSent: boolean,
    attempts = 1,
  ) {
    super(`${method} ${path} failed: ${reason}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`, {
      hint: 'check the network and the API base URL (--apibase, MACKEREL_APIBASE)',
    })
  }

  get retryable(): boolean {
    return true
  }

  /** the caller's AbortSignal ended the request (it says nothing about the service) */
  get cancelled(): boolean {
    return this.reason === 'cancelled'
  }
}

/** A 2xx answer whose body is not the JSON the API documents (HTML, truncated, wrong shape). */
export class InvalidResponseError extends CliError {
  constructor(
    readonly method: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${method} ${path} failed: invalid response: ${escapeControl(reason)}`)
  }
}

/**
 * The API answered with a redirect (3xx). The Mackerel API never redirects, so it is never followed
 * (that would send the API key to another host and turn a POST into a GET): the API base is wrong or
 * something between us and Mackerel is. Not retryable.
 */
export class RedirectError extends ApiError {
  /** the Location (the client passes it absolute, with the API key masked), control characters escaped */
  readonly location: string | undefined

  constructor(method: string, path: string, status: number, location: string | undefined) {
    super(
      method,
      path,
      status,
      `${location === undefined ? 'redirect without a Location' : `redirect to ${location}`} (the Mackerel API does not redirect: check --apibase / MACKEREL_APIBASE)`,
    )
    this.location = location === undefined ? undefined : escapeControl(location)
  }
}

/**
 * True when `error` says the service is down or overloaded rather than refusing this request: a
 * NetworkError (no usable answer; not a request the caller cancelled itself), or an ApiError with
 * status 429 or 5xx. A circuit breaker counts these.
 */
export function serviceDown(error: unknown): boolean {
  if (error instanceof NetworkError) return !error.cancelled
  return error instanceof ApiError && (error.status === 429 || (error.status >= 500 && error.status <= 599))
}

/** Extracts the message from `{"error":{"message":…}}` or `{"error":"…"}`; undefined otherwise. */
export function serverMessage(body: string): string | undefined {
  let v: unknown
  try {
    v = JSON.parse(body)
  } catch {
    return undefined
  }
  if (!v || typeof v !== 'object') return undefined
  const e = (v as {error?: unknown}).error
  if (typeof e === 'string' && e) return e
  if (e && typeof e === 'object') {
    const m = (e as {message?: unknown}).message
    if (typeof m === 'string' && m) return m
  }
  return undefined
}

/** The `code` of a network error or of one of its causes (undici wraps the socket error in `cause`). */
export function errorCode(err: unknown): string | undefined {
  let e: unknown = err
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const code = (e as {code?: unknown}).code
    if (typeof code === 'string') return code
    e = (e as {cause?: unknown}).cause
  }
  return undefined
}
