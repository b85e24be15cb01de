// The Mackerel REST transport. One place builds URLs, sends requests, retries and decodes errors;
// resource modules (hosts.ts, …) only name paths and shapes. Policy (DESIGN.md "HTTP policy"):
// - one attempt goes through a Transport: the CLI (src/main.ts) sends with undici's Agent and its
//   dispatch() API (undiciTransport: no fetch, no web streams, ~20 ms less per process than fetch);
//   the default is the global fetch, looked up at request time, so in-process tests intercept it (nock);
// - connect timeout 10 s, each attempt 30 s, everything inside a total budget;
// - retries with exponential backoff and full jitter for network errors, 408/429/500/502/503/504;
//   non-idempotent POSTs only when the request provably never left; other 4xx never;
// - a Retry-After is honoured plus a random extra (see retryAfterDelay), so a fleet spreads out;
// - redirects are never followed (any 3xx is a RedirectError naming the Location): following one would
//   send the API key to the other host and turn a POST into a GET;
// - server text put into an error (message, status text, Location) has the API key masked; the
//   error classes escape its control characters;
// - HTTP_PROXY / HTTPS_PROXY / NO_PROXY are honoured with the Go mkr's rules (src/api/proxy.ts, loaded
//   only when a proxy variable is set); a proxy that is unreachable or refuses is named in the error.
import {readFileSync} from 'node:fs'
import {BEFORE_V8_FLAGS} from '../cli/cache-events.js'
import {maskSecret} from '../secret.js'
import {isLoopbackHost} from '../loopback.js'
import {ApiError, errorCode, InvalidResponseError, NetworkError, RedirectError, RETRYABLE_STATUS, serverMessage} from './errors.js'

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
  /** the clock (ms since the epoch) for the budget and HTTP-date Retry-After values */
  now?: () => number
  /** sends one attempt (default: the process's, see useTransport) */
  transport?: Transport
  /** tests only: see ProxyOptions in src/api/proxy.ts */
  proxy?: import('./proxy.js').ProxyOptions
  /** told about every retry (the command may log it at debug level) */
  onRetry?: (info: {method: string; path: string; attempt: number; delayMs: number; reason: string}) => void
  /**
   * Told when a request is still unanswered after SLOW_REQUEST_MS or is about to be retried (what it
   * waits for: a command on a terminal shows it), then once with undefined when that request ends.
   */
  onWait?: (info: WaitInfo | undefined) => void
  /** how long a request runs before onWait hears of it (default SLOW_REQUEST_MS) */
  slowMs?: number
}

export interface WaitInfo {
  method: string
  path: string
  /** the host the request goes to */
  host: string
  /** the attempt in progress or about to start */
  attempt: number
  /** why the previous attempt failed, when this is a retry */
  reason?: string
}

/** How long a request runs before onWait hears of it. */
export const SLOW_REQUEST_MS = 1_000

export interface RequestOptions {
  query?: Query
  body?: unknown
  /** safe to send twice (GET/PUT/DELETE are by default; a POST must say so) */
  idempotent?: boolean
  /** overrides the client's budget for this request */
  budgetMs?: number
  /** cancels the request and any retry still to come (the promise then rejects with a NetworkError) */
  signal?: AbortSignal
  /** overrides the client's number of attempts for this request */
  maxAttempts?: number
}

/** set by scripts/build.js in the bundle */
declare const MKR_VERSION: string | undefined
/** Our version: the bundle's, else package.json's, two levels up from src/api. */
let version = '0.0.0'
if (typeof MKR_VERSION === 'string') version = MKR_VERSION
else
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

/** One attempt's answer, whatever sent it. */
export interface TransportResponse {
  status: number
  statusText: string
  /** a response header (name in lower case), or null */
  header(name: string): string | null
  /** the whole body, decoded as UTF-8 */
  text: string
}

/** What one attempt sends: the client has built the URL, headers and body; `signal` ends the attempt. */
export interface TransportRequest {
  method: string
  headers: Record<string, string>
  body?: string
  signal: AbortSignal
  connectTimeoutMs: number
  attemptTimeoutMs: number
  /** tests only: see ProxyOptions in src/api/proxy.ts */
  proxy?: import('./proxy.js').ProxyOptions
}

/**
 * Sends one request and reads the whole response; never follows redirects. Rejects with the network
 * error (its `code`, or its `cause`'s, says what happened: ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, …).
 */
export type Transport = (url: URL, req: TransportRequest) => Promise<TransportResponse>

/** The variables that can make a request go through a proxy: without any, src/api/proxy.ts is never loaded. */
const PROXY_VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy']
let proxyModule: typeof import('./proxy.js') | undefined
type ProxyRoute = import('./proxy.js').ProxyDispatcher

/**
 * The dispatcher sending a request to `url` through its proxy, or undefined for a direct connection.
 * Read at request time, as the environment (and, in tests, the proxy) may change between clients.
 */
async function proxyRoute(url: URL, req: TransportRequest): Promise<ProxyRoute | undefined> {
  if (!PROXY_VARS.some((k) => process.env[k])) return undefined
  proxyModule ??= await import('./proxy.js')
  return proxyModule.proxyDispatcherFor(url, req, req.proxy)
}

/** A transport's failure through `route`, explained (an unreachable proxy named as such). */
const viaRoute = (err: unknown, route: ProxyRoute | undefined) => (route ? proxyModule!.explainProxyFailure(err, route.proxy) : err)

/** The global fetch, looked up at request time (nock replaces it in tests). */
export const fetchTransport: Transport = async (url, req) => {
  const route = await proxyRoute(url, req)
  // `manual`: fetch then hands us the 3xx itself (status and Location readable); `dispatcher` is
  // undici's extension of fetch (nock ignores it)
  const init = {method: req.method, headers: req.headers, body: req.body, signal: req.signal, redirect: 'manual', ...(route && {dispatcher: route})}
  let res: Response
  let text: string
  try {
    res = await globalThis.fetch(url, init as RequestInit)
    text = await res.text()
  } catch (error) {
    throw viaRoute(error, route)
  }
  return {status: res.status, statusText: res.statusText, header: (name) => res.headers.get(name), text}
}

/**
 * undici parses HTTP with a WebAssembly module, which V8 recompiles with TurboFan in the background
 * and waits for when the process exits: ~130 ms between the last byte of output and the exit of every
 * API command (measured). Liftoff, V8's baseline WebAssembly compiler, is plenty for a CLI's
 * responses. The flag is set just before the first connection compiles the module and reset once it
 * is compiled: a changed flag set also makes V8 refuse every code cache (Node's own for the modules it
 * loads later, and ours, src/cli/code-cache.ts), which costs more than the flag saves if left set.
 */
let liftoffState: 'unset' | 'set' | 'done' = 'unset'
let v8: typeof import('node:v8') | undefined
function liftoff(on: boolean): void {
  if (on ? liftoffState !== 'unset' : liftoffState !== 'set') return
  liftoffState = on ? 'set' : 'done'
  try {
    if (on) (process as NodeJS.EventEmitter).emit(BEFORE_V8_FLAGS)
    v8!.setFlagsFromString(on ? '--liftoff-only' : '--no-liftoff-only')
  } catch {}
}

type UndiciAgent = import('undici').Agent
let agent: UndiciAgent | undefined

/** The process's one undici Agent (keep-alive per origin), made on first use. */
async function sharedAgent(connectTimeoutMs: number, attemptTimeoutMs: number): Promise<UndiciAgent> {
  // Only the Agent module of undici (src/types/undici-agent.d.ts): the package entry also loads fetch,
  // WebSocket, caches and mocks. The bundle resolves the path at build time (scripts/build.js), so a
  // moved file fails the build, not a user's command.
  const {default: Agent} = await import('undici/lib/dispatcher/agent.js')
  agent ??= new Agent({
    connect: {timeout: connectTimeoutMs},
    headersTimeout: attemptTimeoutMs,
    bodyTimeout: attemptTimeoutMs,
    keepAliveTimeout: 10_000,
  })
  return agent
}

/**
 * undici's own API (Dispatcher.dispatch with a handler), which the Agent speaks natively: no fetch,
 * no Response or web streams to load and build, and the status text as the server sent it.
 */
export const undiciTransport: Transport = async (url, req) => {
  const route = await proxyRoute(url, req)
  const dispatcher = route ?? (await sharedAgent(req.connectTimeoutMs, req.attemptTimeoutMs))
  // node:v8 only here: at the top it cost `mkr wrap -- true`, which sends nothing, ~0.3 ms (measured)
  v8 ??= await import('node:v8')
  req.signal.throwIfAborted()
  liftoff(true)
  return new Promise<TransportResponse>((resolve, reject) => {
    let status = 0
    let statusText = ''
    let headers: Record<string, string | string[] | undefined> = {}
    const chunks: Buffer[] = []
    let settled = false
    let ctrl: {abort(reason: Error): void} | undefined
    const fail = (err: unknown) => {
      if (settled) return
      settled = true
      req.signal.removeEventListener('abort', onAbort)
      reject(err)
    }
    const onAbort = () => {
      const reason = req.signal.reason instanceof Error ? req.signal.reason : new Error('aborted')
      ctrl?.abort(reason)
      fail(reason)
    }
    req.signal.addEventListener('abort', onAbort, {once: true})
    dispatcher.dispatch(
      {origin: url.origin, path: url.pathname + url.search, method: req.method, headers: req.headers, body: req.body},
      {
        onRequestStart(controller) {
          ctrl = controller
        },
        onResponseStart(_controller, statusCode, responseHeaders, statusMessage) {
          liftoff(false)
          status = statusCode
          statusText = statusMessage ?? ''
          headers = responseHeaders as typeof headers
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk)
        },
        onResponseEnd() {
          if (settled) return
          settled = true
          req.signal.removeEventListener('abort', onAbort)
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({
            status,
            statusText,
            header: (name) => {
              const v = headers[name.toLowerCase()]
              return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v
            },
            text,
          })
        },
        onResponseError(_controller, err) {
          fail(viaRoute(err, route))
        },
      },
    )
  })
}

let defaultTransport: Transport = fetchTransport

/** The transport of clients made without one: the CLI's entry sets undiciTransport. */
export function useTransport(t: Transport): void {
  defaultTransport = t
}

/**
 * Failures that retrying cannot mend within a command's budget, so the first one is the answer (issue
 * 9: `mkr org` against a stopped sandbox waited ~6 s through 6 attempts): a port fetch refuses to use,
 * and a refused connection to this machine (nothing listens there: the local API or sandbox is not
 * running). A refused connection to another host is retried (a load balancer between deploys).
 */
function permanentNetworkFailure(err: unknown, code: string | undefined, url: URL): boolean {
  if ((err as {cause?: {message?: string}})?.cause?.message === 'bad port') return true
  return code === 'ECONNREFUSED' && isLoopbackHost(url.hostname)
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

/**
 * The shortest timeout an attempt gets, even when less of the budget is left (or the attempt timeout,
 * when shorter): an attempt cut to what is left, a few ms under load, turns the real failure
 * ("connection refused") into "no response within 2ms". The budget may thus be overrun by this much.
 */
export const MIN_ATTEMPT_MS = 1_000

/** What src/api/proxy.ts's ProxyError carries (recognised by its code: that module loads only with a proxy). */
interface ProxyFailure {
  code: 'MKR_PROXY'
  message: string
  neverSent: boolean
  permanent: boolean
}

export class ApiClient {
  readonly base: URL
  private readonly o: Required<Omit<ClientOptions, 'onRetry' | 'transport' | 'proxy' | 'onWait' | 'slowMs'>> & Pick<ClientOptions, 'onRetry' | 'transport' | 'proxy' | 'onWait' | 'slowMs'>

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
      now: Date.now,
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

  /**
   * Server-provided text with the API key masked, for an error message (the error classes escape its
   * control characters).
   */
  redact(text: string): string {
    return maskSecret(text, this.o.apiKey)
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
    const onWait = this.o.onWait
    if (!onWait) return this.attempts<T>(method, path, opts)
    let waiting = false
    const wait = (info: Omit<WaitInfo, 'method' | 'path' | 'host'>) => {
      waiting = true
      onWait({method, path, host: this.base.host, ...info})
    }
    const slow = setTimeout(() => wait({attempt: 1}), this.o.slowMs ?? SLOW_REQUEST_MS)
    slow.unref()
    try {
      return await this.attempts<T>(method, path, opts, (attempt, reason) => {
        clearTimeout(slow)
        wait({attempt, reason})
      })
    } finally {
      clearTimeout(slow)
      if (waiting) onWait(undefined)
    }
  }

  /** The attempts of one request; `retrying` hears of each retry (the attempt about to start). */
  private async attempts<T>(method: string, path: string, opts: RequestOptions, retrying?: (attempt: number, reason: string) => void): Promise<T> {
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
    const transport = this.o.transport ?? defaultTransport
    const now = this.o.now
    const deadline = now() + budget

    const cancelled = (attempts: number) => new NetworkError(method, path, 'cancelled', false, attempts)
    for (let attempt = 1; ; attempt++) {
      if (opts.signal?.aborted) throw cancelled(attempt - 1)
      const remaining = deadline - now()
      const timeoutMs = Math.max(Math.min(MIN_ATTEMPT_MS, this.o.attemptTimeoutMs), Math.min(this.o.attemptTimeoutMs, remaining))
      const timeout = AbortSignal.timeout(timeoutMs)
      const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout
      let failure: ApiError | NetworkError
      try {
        const res = await transport(url, {
          method,
          headers,
          body,
          signal,
          connectTimeoutMs: this.o.connectTimeoutMs,
          attemptTimeoutMs: this.o.attemptTimeoutMs,
          proxy: this.o.proxy,
        })
        const text = res.text
        if (res.status >= 300 && res.status <= 399) throw new RedirectError(method, path, res.status, this.location(res.header('location'), url))
        if (res.status >= 200 && res.status <= 299) return decode<T>(method, path, text, (t) => this.redact(t))
        const message = serverMessage(text) ?? (res.statusText || statusText(res.status))
        failure = new ApiError(method, path, res.status, this.redact(message), attempt)
        // A response means the request arrived: a non-idempotent POST is never sent twice.
        if (!RETRYABLE_STATUS.has(res.status) || !idempotent) throw failure
        const retryAfter = parseRetryAfter(res.header('retry-after'), res.header('date'), now())
        const delay = this.delay(attempt, retryAfter)
        if (!this.canRetry(attempt, delay, deadline, opts.maxAttempts)) throw failure
        this.o.onRetry?.({method, path, attempt, delayMs: delay, reason: `${res.status}`})
        retrying?.(attempt + 1, `${res.status} ${this.redact(message)}`)
        await this.o.sleep(delay, opts.signal)
        continue
      } catch (error) {
        if (error instanceof ApiError || error instanceof InvalidResponseError) throw error
        if (opts.signal?.aborted) throw cancelled(attempt)
        const timedOut = timeout.aborted
        const code = errorCode(error)
        const proxy = !timedOut && code === 'MKR_PROXY' ? (error as ProxyFailure) : undefined
        const neverSent = proxy ? proxy.neverSent : !timedOut && code !== undefined && NEVER_SENT.has(code)
        failure = new NetworkError(method, path, proxy ? proxy.message : describeNetworkError(error, url, timeoutMs, timedOut), neverSent, attempt)
        if (proxy) failure.hint = proxyModule?.PROXY_HINT
        if (proxy?.permanent || (!idempotent && !neverSent)) throw failure
        if (!proxy && attempt === 1 && permanentNetworkFailure(error, code, url)) throw failure
        const delay = this.delay(attempt)
        if (!this.canRetry(attempt, delay, deadline, opts.maxAttempts)) throw failure
        this.o.onRetry?.({method, path, attempt, delayMs: delay, reason: failure.reason})
        retrying?.(attempt + 1, failure.reason)
        await this.o.sleep(delay, opts.signal)
      }
    }
  }

  /**
   * Exponential backoff with full jitter; with a Retry-After, the longer of that and
   * retryAfterDelay() (Retry-After plus a random extra).
   */
  private delay(attempt: number, retryAfterMs?: number): number {
    const cap = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1))
    const jittered = Math.floor(this.o.random() * cap)
    return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterDelay(retryAfterMs, this.o.random()))
  }

  /** Another attempt is allowed, and waiting `delay` ends before the budget does (never wait past it). */
  private canRetry(attempt: number, delay: number, deadline: number, maxAttempts = this.o.maxAttempts): boolean {
    return attempt < maxAttempts && this.o.now() + delay < deadline
  }

  /** A redirect's Location for a message: absolute (resolved against the request), a password hidden, the key masked. */
  private location(value: string | null, requestUrl: URL): string | undefined {
    if (value === null || value.trim() === '') return undefined
    let shown = value
    try {
      const u = new URL(value, requestUrl)
      if (u.password) u.password = '***'
      shown = u.href
    } catch {}
    return this.redact(shown)
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

function decode<T>(method: string, path: string, text: string, redact: (text: string) => string): T {
  if (text.trim() === '') throw new InvalidResponseError(method, path, 'empty body')
  try {
    return JSON.parse(text) as T
  } catch (error) {
    const looksHtml = /^\s*</.test(text)
    throw new InvalidResponseError(method, path, looksHtml ? 'HTML instead of JSON' : `malformed JSON (${redact(jsonProblem(error as Error))})`)
  }
}

/**
 * JSON.parse's complaint without the piece of the body V8 quotes (`Unexpected token 's', "{"x": secret-key"... is
 * not valid JSON`): that piece is server text, cut at a fixed length, so it could show part of an echoed
 * API key that masking the whole key would not catch.
 */
function jsonProblem(error: Error): string {
  const m = /^(.*?), ".*"(?:\.\.\.)? is not valid JSON$/s.exec(error.message)
  return m ? m[1] : error.message
}

/** The longest Retry-After honoured; a larger value counts as this much. */
export const RETRY_AFTER_CAP_MS = 60_000
/** The smallest range of the random extra added to a Retry-After wait. */
export const RETRY_AFTER_MIN_SPREAD_MS = 1_000

/**
 * `Retry-After` in ms, in either form the HTTP spec allows: delta seconds (`120`), or an HTTP date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`), counted from the response's `Date` header when it has a valid one
 * (so a skewed local clock does not matter), else from `nowMs`. A date in the past is 0. Capped at
 * RETRY_AFTER_CAP_MS; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, date: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined
  const v = value.trim()
  if (v === '') return undefined
  let ms: number
  if (/^\d+$/.test(v)) ms = Number(v) * 1000
  else {
    const at = Date.parse(v)
    if (!/[a-z]/i.test(v) || Number.isNaN(at)) return undefined
    const serverNow = date === null ? Number.NaN : Date.parse(date)
    ms = at - (Number.isNaN(serverNow) ? nowMs : serverNow)
  }
  return Math.min(Math.max(0, ms), RETRY_AFTER_CAP_MS)
}

/**
 * The wait after `Retry-After: N` (N in ms, already capped): N plus a random extra, uniform in
 * [0, max(1 s, N/2)) — `random` is a number in [0, 1). Everyone told to come back in N seconds thus
 * comes back spread over the following N/2 seconds (at least over one second) instead of in the same
 * instant. The longest wait is 90 s (N capped at 60 s, plus up to 30 s); the budget still decides
 * whether the wait happens at all.
 */
export function retryAfterDelay(retryAfterMs: number, random: number): number {
  return retryAfterMs + Math.floor(random * Math.max(RETRY_AFTER_MIN_SPREAD_MS, retryAfterMs / 2))
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
  const a = agent
  agent = undefined
  await Promise.all([a?.close(), proxyModule?.closeProxyDispatchers()])
}

/** Aborts requests still in flight and closes every socket (when waiting for them is not wanted). */
export async function destroyAgent(): Promise<void> {
  const a = agent
  agent = undefined
  await Promise.all([a?.destroy(), proxyModule?.closeProxyDispatchers(true)])
}
