// The Mackerel REST transport. One place builds URLs, sends requests, retries and decodes errors;
// resource modules (hosts.ts, …) only name paths and shapes. Policy (DESIGN.md "HTTP policy"):
// - undici Agent as dispatcher of the global fetch (imported lazily: it costs ~90 ms to load);
// - connect timeout 10 s, each attempt 30 s, everything inside a total budget;
// - retries with exponential backoff and full jitter for network errors, 408/429/500/502/503/504;
//   non-idempotent POSTs only when the request provably never left; other 4xx never.
// `globalThis.fetch` is looked up at request time so nock (which replaces it) sees every call.
import {readFileSync} from 'node:fs'
import {ApiError, InvalidResponseError, NetworkError, RETRYABLE_STATUS, serverMessage} from './errors.js'

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[]
export type Query = Record<string, QueryValue>

export interface ClientOptions {
  apiBase: string
  apiKey: string
  connectTimeoutMs?: number
  attemptTimeoutMs?: number
  /** total time for all attempts and waits of one request */
  budgetMs?: number
  maxAttempts?: number
  baseDelayMs?: number
  maxDelayMs?: number
  /** injectable for tests */
  random?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** told about every retry (the command may log it at debug level) */
  onRetry?: (info: {method: string; path: string; attempt: number; delayMs: number; reason: string}) => void
}

export interface RequestOptions {
  query?: Query
  body?: unknown
  /** safe to send twice (GET/PUT/DELETE are by default; a POST must say so) */
  idempotent?: boolean
  /** overrides the client's budget for this request */
  budgetMs?: number
  /** cancels the request and any retry still to come (the promise then rejects with a NetworkError) */
  signal?: AbortSignal
}

/** Our version, from package.json: two levels up from src/api and from dist/chunks. */
let version = '0.0.0'
try {
  version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version
} catch {}
export const USER_AGENT = `mackerel-cli/${version} (node ${process.versions.node}; ${process.platform}-${process.arch})`

/** Codes that mean the connection was never established, so nothing was sent. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET_CONNECT', // never seen, kept for forward compatibility
])

type Dispatcher = object
let agentPromise: Promise<Dispatcher> | undefined
function sharedAgent(connectTimeoutMs: number, attemptTimeoutMs: number): Promise<Dispatcher> {
  // Only the Agent module of undici (see src/types/undici-agent.d.ts); CommonJS, so it is `default`.
  agentPromise ??= import('undici/lib/dispatcher/agent.js').then(
    ({default: Agent}) =>
      new Agent({
        connect: {timeout: connectTimeoutMs},
        headersTimeout: attemptTimeoutMs,
        bodyTimeout: attemptTimeoutMs,
        keepAliveTimeout: 10_000,
      }),
  )
  return agentPromise
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const code = (e as {code?: unknown}).code
    if (typeof code === 'string') return code
    e = (e as {cause?: unknown}).cause
  }
  return undefined
}

function describeNetworkError(err: unknown, url: URL, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `no response within ${timeoutMs >= 1000 ? `${+(timeoutMs / 1000).toFixed(1)}s` : `${timeoutMs}ms`}`
  const code = errorCode(err)
  const where = url.host
  if ((err as {cause?: {message?: string}})?.cause?.message === 'bad port')
    return `port ${url.port} of ${url.hostname} is on fetch's list of blocked ports; use another port`
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${where} (connection refused)`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${url.hostname}`
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `cannot connect to ${where} (connect timeout)`
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `connection to ${where} was closed before a complete response`
    default:
      return `network error talking to ${where}${code ? ` (${code})` : ''}`
  }
}

export class ApiClient {
  readonly base: URL
  private readonly o: Required<Omit<ClientOptions, 'onRetry'>> & Pick<ClientOptions, 'onRetry'>

  constructor(opts: ClientOptions) {
    const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined))
    this.o = {
      connectTimeoutMs: 10_000,
      attemptTimeoutMs: 30_000,
      budgetMs: 60_000,
      maxAttempts: 6,
      baseDelayMs: 500,
      maxDelayMs: 8_000,
      random: Math.random,
      sleep: (ms, signal) =>
        new Promise((r) => {
          const t = setTimeout(r, ms)
          signal?.addEventListener('abort', () => (clearTimeout(t), r()), {once: true})
        }),
      ...defined,
    } as ApiClient['o']
    this.base = new URL(opts.apiBase)
  }

  /** Full URL for an API path; a path prefix in the API base is kept. */
  url(path: string, query?: Query): URL {
    const prefix = this.base.pathname.replace(/\/+$/, '')
    const url = new URL(this.base.origin + prefix + path)
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null) continue
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item))
      else url.searchParams.append(k, String(v))
    }
    return url
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, {query})
  }

  post<T>(path: string, body: unknown, opts: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, {...opts, body})
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, {body})
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path, {})
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const idempotent = opts.idempotent ?? method !== 'POST'
    const budget = opts.budgetMs ?? this.o.budgetMs
    const url = this.url(path, opts.query)
    const headers: Record<string, string> = {
      'X-Api-Key': this.o.apiKey,
      'User-Agent': USER_AGENT,
      Accept: 'application/json',
    }
    let body: string | undefined
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(opts.body)
    }
    const dispatcher = await sharedAgent(this.o.connectTimeoutMs, this.o.attemptTimeoutMs)
    const deadline = Date.now() + budget

    const cancelled = (attempts: number) => new NetworkError(method, path, 'cancelled', false, attempts)
    for (let attempt = 1; ; attempt++) {
      if (opts.signal?.aborted) throw cancelled(attempt - 1)
      const remaining = deadline - Date.now()
      const timeoutMs = Math.max(1, Math.min(this.o.attemptTimeoutMs, remaining))
      const timeout = AbortSignal.timeout(timeoutMs)
      const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout
      let failure: ApiError | NetworkError
      try {
        const res = await globalThis.fetch(url, {method, headers, body, signal, dispatcher} as RequestInit)
        const text = await res.text()
        if (res.ok) return decode<T>(method, path, text)
        const message = serverMessage(text) ?? (res.statusText || statusText(res.status))
        failure = new ApiError(method, path, res.status, message, attempt)
        // A response means the request arrived: a non-idempotent POST is never sent twice.
        if (!RETRYABLE_STATUS.has(res.status) || !idempotent) throw failure
        const retryAfter = parseRetryAfter(res.headers.get('retry-after'))
        const delay = this.delay(attempt, retryAfter)
        if (!this.canRetry(attempt, delay, deadline)) throw failure
        this.o.onRetry?.({method, path, attempt, delayMs: delay, reason: `${res.status}`})
        await this.o.sleep(delay, opts.signal)
        continue
      } catch (error) {
        if (error instanceof ApiError || error instanceof InvalidResponseError) throw error
        if (opts.signal?.aborted) throw cancelled(attempt)
        const timedOut = timeout.aborted
        const code = errorCode(error)
        const neverSent = !timedOut && code !== undefined && NEVER_SENT.has(code)
        failure = new NetworkError(method, path, describeNetworkError(error, url, timeoutMs, timedOut), neverSent, attempt)
        if (!idempotent && !neverSent) throw failure
        const delay = this.delay(attempt)
        if (!this.canRetry(attempt, delay, deadline)) throw failure
        this.o.onRetry?.({method, path, attempt, delayMs: delay, reason: failure.reason})
        await this.o.sleep(delay, opts.signal)
      }
    }
  }

  /** Exponential backoff with full jitter; a Retry-After (seconds) is honoured as a floor. */
  private delay(attempt: number, retryAfterMs?: number): number {
    const cap = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1))
    const jittered = Math.floor(this.o.random() * cap)
    return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs)
  }

  private canRetry(attempt: number, delay: number, deadline: number): boolean {
    return attempt < this.o.maxAttempts && Date.now() + delay < deadline
  }

  /**
   * Follows `nextId` pages of a list endpoint until `limit` items (or the end).
   * `key` is the array's name in the body (`alerts`, `logs`, `checks`).
   */
  async paginate<T>(
    path: string,
    key: string,
    opts: {query?: Query; limit?: number; pageSize?: number; pageDelayMs?: number; onPage?: (n: number) => void} = {},
  ): Promise<T[]> {
    const out: T[] = []
    const limit = opts.limit ?? Infinity
    let nextId: string | undefined
    for (let page = 0; ; page++) {
      if (page > 0 && opts.pageDelayMs) await this.o.sleep(opts.pageDelayMs)
      const pageSize = Math.min(opts.pageSize ?? 100, 100, Math.max(1, limit - out.length))
      const body = await this.get<Record<string, unknown>>(path, {...opts.query, limit: pageSize, nextId})
      const items = body[key]
      if (!Array.isArray(items)) throw new InvalidResponseError('GET', path, `no \`${key}\` array in the body`)
      out.push(...(items as T[]))
      opts.onPage?.(out.length)
      nextId = typeof body.nextId === 'string' && body.nextId ? body.nextId : undefined
      if (!nextId || out.length >= limit) break
    }
    return out.length > limit ? out.slice(0, limit) : out
  }
}

function decode<T>(method: string, path: string, text: string): T {
  if (text.trim() === '') throw new InvalidResponseError(method, path, 'empty body')
  try {
    return JSON.parse(text) as T
  } catch (error) {
    const looksHtml = /^\s*</.test(text)
    throw new InvalidResponseError(
      method,
      path,
      looksHtml ? 'HTML instead of JSON' : `malformed JSON (${(error as Error).message})`,
    )
  }
}

function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined
  const n = Number(v)
  if (Number.isFinite(n) && n >= 0) return Math.min(n * 1000, 60_000)
  return undefined
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? `HTTP ${status}`
}

/** Closes idle keep-alive sockets so the process can exit at once. */
export async function closeAgent(): Promise<void> {
  if (!agentPromise) return
  const agent = (await agentPromise) as {close?: () => Promise<void>}
  agentPromise = undefined
  await agent.close?.()
}

/** Aborts requests still in flight and closes every socket (when waiting for them is not wanted). */
export async function destroyAgent(): Promise<void> {
  if (!agentPromise) return
  const agent = (await agentPromise) as {destroy?: () => Promise<void>}
  agentPromise = undefined
  await agent.destroy?.()
}
