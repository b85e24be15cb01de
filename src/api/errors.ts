// Typed errors from src/api. Messages name method, path, status and the server's message; they never
// carry the API key (no headers are ever copied into them).
import {CliError} from '../errors.js'

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
    super(`${method} ${path} failed: ${status} ${serverMessage}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`)
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
}

/** A 2xx answer whose body is not the JSON the API documents (HTML, truncated, wrong shape). */
export class InvalidResponseError extends CliError {
  constructor(
    readonly method: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${method} ${path} failed: invalid response: ${reason}`)
  }
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
