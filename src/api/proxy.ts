// HTTP proxies, as the Go mkr uses them: its net/http reads HTTP_PROXY / HTTPS_PROXY / NO_PROXY (or the
// lowercase forms) with the rules of golang.org/x/net/http/httpproxy, and so do we (proxyFor), so a
// script that works with mkr behind a proxy works with ours. undici's EnvHttpProxyAgent reads the same
// variables with other rules (lowercase first, HTTPS falling back to HTTP_PROXY, no CIDRs, loopback
// proxied, ".y.com" matching y.com), hence our own selection. Loaded only when a proxy variable is set
// (src/api/client.ts, src/plugin/http.ts).
//
// The rules:
// - http:// requests use HTTP_PROXY, https:// requests HTTPS_PROXY (never HTTP_PROXY); the uppercase
//   name wins when both are non-empty; an empty value is unset;
// - a value is a URL, or host[:port] meaning http://host[:port]; one that does not parse is ignored;
// - localhost and loopback addresses (127.0.0.0/8, ::1) are never proxied;
// - NO_PROXY, comma-separated, case-insensitive: `*` (nothing is proxied); an IP (`1.2.3.4`,
//   `2001:db8::1`), with a port (`1.2.3.4:80`, `[2001:db8::1]:443`); a CIDR (`10.0.0.0/8`); a domain
//   (`foo.com` matches foo.com and its subdomains, `.foo.com` and `*.foo.com` subdomains only), with a
//   port (`foo.com:8080`: only that port; a URL without a port has its scheme's, 80 or 443);
// - with REQUEST_METHOD set (a CGI handler, where HTTP_PROXY can come from a client's `Proxy:` header)
//   an http:// request that HTTP_PROXY would apply to fails.
// How a request goes through the proxy: http:// as an absolute-URI request to the proxy, https:// in a
// CONNECT tunnel. Credentials in the proxy URL become Proxy-Authorization and appear nowhere else: a
// message names the proxy by scheme, host and port only (Proxy.display).
import type {Dispatcher} from 'undici'
import type {Duplex} from 'node:stream'
import type {TLSSocket} from 'node:tls'
import {domainToASCII} from 'node:url'
import {isIP} from 'node:net'
import {errorCode} from './errors.js'
import {isLoopbackHost} from '../loopback.js'

export interface Proxy {
  /** scheme, host and port (no credentials, no path) */
  url: URL
  /** `http://proxy:3128`, for messages */
  display: string
  /** `Basic …` when the proxy URL had credentials */
  authorization?: string
}

export interface ProxyOptions {
  /** tests only (a proxy on 127.0.0.1): proxy requests to localhost and loopback addresses too */
  loopback?: boolean
}

/**
 * A failure of the proxy itself: unreachable, refusing, misconfigured. `code` lets src/api/client.ts
 * recognise it without importing this module.
 */
export class ProxyError extends Error {
  readonly code = 'MKR_PROXY'
  constructor(
    message: string,
    /** the request never reached its target (the proxy did not forward it) */
    readonly neverSent: boolean,
    /** trying again cannot help (credentials refused, a forbidden proxy, an unsupported scheme) */
    readonly permanent: boolean,
  ) {
    super(message)
  }
}

export const PROXY_HINT = 'check HTTP_PROXY / HTTPS_PROXY / NO_PROXY (or their lowercase forms)'

const env1 = (env: NodeJS.ProcessEnv, upper: string) => env[upper] || env[upper.toLowerCase()] || ''

/** A proxy variable's value as a Proxy; undefined when empty or unparsable (Go ignores it too). */
export function parseProxy(value: string): Proxy | undefined {
  if (value === '') return undefined
  let u: URL
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`)
  } catch {
    return undefined
  }
  let authorization: string | undefined
  if (u.username !== '' || u.password !== '') {
    const dec = (s: string) => {
      try {
        return decodeURIComponent(s)
      } catch {
        return s
      }
    }
    authorization = `Basic ${Buffer.from(`${dec(u.username)}:${dec(u.password)}`).toString('base64')}`
  }
  const url = new URL(`${u.protocol}//${u.host}`)
  return {url, display: `${url.protocol}//${url.host}`, authorization}
}

// --- addresses -----------------------------------------------------------------------------------

/** An IP address as 16 bytes (IPv4 as ::ffff:a.b.c.d, as Go's net.IP), or undefined. */
export function ipBytes(s: string): Uint8Array | undefined {
  const kind = isIP(s)
  if (kind === 4) {
    const out = new Uint8Array(16)
    out[10] = out[11] = 0xff
    s.split('.').forEach((p, i) => (out[12 + i] = Number(p)))
    return out
  }
  if (kind !== 6 || s.includes('%')) return undefined
  // an embedded IPv4 tail (::ffff:1.2.3.4) as two hex words, then `::` expanded
  let text = s
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    const b = ipBytes(v4[1])!
    text = `${text.slice(0, -v4[1].length)}${((b[12] << 8) | b[13]).toString(16)}:${((b[14] << 8) | b[15]).toString(16)}`
  }
  const words = (t: string) => (t === '' ? [] : t.split(':').map((w) => parseInt(w, 16)))
  const halves = text.split('::')
  let all: number[]
  if (halves.length === 2) {
    const left = words(halves[0])
    const right = words(halves[1])
    all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
  } else all = words(text)
  if (all.length !== 8) return undefined
  const out = new Uint8Array(16)
  all.forEach((w, i) => ((out[2 * i] = w >> 8), (out[2 * i + 1] = w & 0xff)))
  return out
}

/** `a.b.c.d/n` or `v6/n` as a 16-byte network and a prefix length over 128 bits. */
function parseCidr(s: string): {net: Uint8Array; bits: number} | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s)
  if (!m) return undefined
  const ip = ipBytes(m[1])
  if (!ip) return undefined
  const v4 = isIP(m[1]) === 4
  const n = Number(m[2])
  if (n > (v4 ? 32 : 128)) return undefined
  return {net: ip, bits: v4 ? 96 + n : n}
}

function inCidr(ip: Uint8Array, c: {net: Uint8Array; bits: number}): boolean {
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, c.bits - 8 * i))
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff
    if ((ip[i] & mask) !== (c.net[i] & mask)) return false
  }
  return true
}

const sameIp = (a: Uint8Array, b: Uint8Array) => a.every((x, i) => x === b[i])

/** Go's net.SplitHostPort: `host:port` or `[host]:port`; undefined when it has no port or is malformed. */
function splitHostPort(s: string): {host: string; port: string} | undefined {
  const i = s.lastIndexOf(':')
  if (i < 0) return undefined
  let host: string
  let j = 0
  let k = 0
  if (s[0] === '[') {
    const end = s.indexOf(']')
    if (end < 0 || end + 1 !== i) return undefined
    host = s.slice(1, end)
    j = 1
    k = end + 1
  } else {
    host = s.slice(0, i)
    if (host.includes(':')) return undefined
  }
  if (s.slice(j).includes('[') || s.slice(k).includes(']')) return undefined
  return {host, port: s.slice(i + 1)}
}

// --- NO_PROXY ------------------------------------------------------------------------------------

type Matcher = (host: string, port: string, ip: Uint8Array | undefined) => boolean

/** NO_PROXY's entries as matchers (Go's: malformed entries are skipped); `all` for `*`. */
function noProxyMatchers(value: string): {all: boolean; ip: Matcher[]; domain: Matcher[]} {
  const ip: Matcher[] = []
  const domain: Matcher[] = []
  for (const raw of value.split(',')) {
    const p = raw.trim().toLowerCase()
    if (p === '') continue
    if (p === '*') return {all: true, ip: [], domain: []}
    const cidr = parseCidr(p)
    if (cidr) {
      ip.push((_h, _p, a) => a !== undefined && inCidr(a, cidr))
      continue
    }
    const hp = splitHostPort(p)
    if (hp && hp.host === '') continue
    let host = hp ? hp.host : p
    const port = hp?.port ?? ''
    const entryIp = ipBytes(host)
    if (entryIp) {
      ip.push((_h, reqPort, a) => a !== undefined && sameIp(a, entryIp) && (port === '' || port === reqPort))
      continue
    }
    if (host.startsWith('*.')) host = host.slice(1)
    const exact = !host.startsWith('.')
    if (exact) host = `.${host}`
    // non-ASCII names compare in their ASCII (punycode) form, as URL hostnames are
    if (/[^\x00-\x7f]/.test(host)) host = domainToASCII(host) || host
    const suffix = host
    domain.push((h, reqPort) => (h.endsWith(suffix) || (exact && h === suffix.slice(1))) && (port === '' || port === reqPort))
  }
  return {all: false, ip, domain}
}

const DEFAULT_PORT: Record<string, string> = {'http:': '80', 'https:': '443'}

/**
 * The proxy for a request to `url` under `env` (Go's rules, above), or undefined for a direct
 * connection. Throws a ProxyError in the CGI case (REQUEST_METHOD set, an http:// URL, HTTP_PROXY set).
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv, opts: ProxyOptions = {}): Proxy | undefined {
  let proxy: Proxy | undefined
  if (url.protocol === 'https:') proxy = parseProxy(env1(env, 'HTTPS_PROXY'))
  else if (url.protocol === 'http:') {
    proxy = parseProxy(env1(env, 'HTTP_PROXY'))
    if (proxy && env.REQUEST_METHOD)
      throw new ProxyError('refusing to use HTTP_PROXY in a CGI environment (REQUEST_METHOD is set); see golang.org/s/cgihttpproxy', true, true)
  }
  if (!proxy) return undefined
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  const port = url.port || DEFAULT_PORT[url.protocol]
  const ip = ipBytes(host)
  if (!opts.loopback && isLoopbackHost(host)) return undefined
  const m = noProxyMatchers(env1(env, 'NO_PROXY'))
  if (m.all) return undefined
  if (ip && m.ip.some((f) => f(host, port, ip))) return undefined
  if (m.domain.some((f) => f(host, port, ip))) return undefined
  return proxy
}

/**
 * The proxy for `url` under the process's environment. Throws a ProxyError for the CGI case and for a
 * proxy scheme we cannot speak.
 */
export function processProxyFor(url: URL, opts: ProxyOptions = {}): Proxy | undefined {
  const proxy = proxyFor(url, process.env, opts)
  if (proxy && proxy.url.protocol !== 'http:' && proxy.url.protocol !== 'https:')
    throw new ProxyError(`proxy ${proxy.display}: the ${proxy.url.protocol.slice(0, -1)} scheme is not supported (use an http:// or https:// proxy)`, true, true)
  return proxy
}

// --- sending through a proxy ---------------------------------------------------------------------

const CONNECT_FAILED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT'])

/**
 * `err`, from a request sent through `proxy`, as a ProxyError when it is about the proxy (could not
 * connect to it); other errors are returned as they are.
 */
export function explainProxyFailure(err: unknown, proxy: Proxy): unknown {
  // ours, perhaps inside fetch's TypeError('fetch failed')
  for (let e: unknown = err, i = 0; i < 5 && e && typeof e === 'object'; i++, e = (e as {cause?: unknown}).cause)
    if ((e as {code?: unknown}).code === 'MKR_PROXY') return e
  const code = errorCode(err)
  if (code === undefined || !CONNECT_FAILED.has(code)) return err
  const why =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `cannot resolve ${proxy.url.hostname}`
        : code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
          ? 'connect timeout'
          : code
  return new ProxyError(`cannot connect to proxy ${proxy.display} (${why})`, true, false)
}

/** The proxy's answer refusing a request (a 407 to a forwarded request, a non-200 to a CONNECT). */
export function proxyRefusal(proxy: Proxy, status: number, statusText: string, what: string): ProxyError {
  const permanent = status === 407 || status === 403 || status === 405
  const why = `${status}${statusText ? ` ${statusText.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 200)}` : ''}`
  return new ProxyError(`proxy ${proxy.display} refused ${what}: ${why}`, true, permanent)
}

const STATUS_TEXT: Record<number, string> = {403: 'Forbidden', 405: 'Method Not Allowed', 407: 'Proxy Authentication Required', 502: 'Bad Gateway', 503: 'Service Unavailable'}

/** `host:port` for a CONNECT (an IPv6 address in brackets). */
const authority = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)

/** The longest response head a proxy may send to a CONNECT. */
const MAX_CONNECT_HEAD = 64 * 1024

/**
 * A CONNECT tunnel through `proxy` to host:port: the socket (paused) once the proxy answered 200. Rejects with a
 * ProxyError when the proxy is unreachable, refuses, or does not answer within `timeoutMs`. Spoken
 * over a plain socket (TLS for an https:// proxy), not node:http: the exchange is one request and one
 * response head, and nock, in tests, takes over node:http's requests but not sockets.
 */
export async function openTunnel(proxy: Proxy, host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Duplex> {
  const secure = proxy.url.protocol === 'https:'
  const net = await import('node:net')
  const tls = secure ? await import('node:tls') : undefined
  const target = authority(host, port)
  const proxyHost = proxy.url.hostname.replace(/^\[(.*)\]$/, '$1')
  const proxyPort = Number(proxy.url.port) || (secure ? 443 : 80)
  return new Promise((resolve, reject) => {
    const socket: import('node:net').Socket = tls
      ? tls.connect({host: proxyHost, port: proxyPort, ALPNProtocols: ['http/1.1'], ...(isIP(proxyHost) === 0 ? {servername: proxyHost} : {})})
      : net.connect({host: proxyHost, port: proxyPort})
    let head = Buffer.alloc(0)
    let done = false
    const finish = (err: unknown) => {
      if (done) return
      done = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      socket.off('data', onData)
      socket.off('error', onError)
      socket.off('end', onEnd)
      if (err) {
        socket.destroy()
        reject(err)
      } else resolve(socket)
    }
    const onError = (err: Error) => finish(explainProxyFailure(err, proxy))
    const onEnd = () => finish(new ProxyError(`proxy ${proxy.display} closed the connection before answering the CONNECT`, true, false))
    const onAbort = () => finish(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'))
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) {
        if (head.length > MAX_CONNECT_HEAD) finish(new ProxyError(`proxy ${proxy.display} sent an oversized answer to a CONNECT`, true, false))
        return
      }
      const m = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]*))?\r\n/.exec(head.subarray(0, end + 2).toString('latin1'))
      if (!m) return finish(new ProxyError(`proxy ${proxy.display} sent a malformed answer to a CONNECT`, true, false))
      const status = Number(m[1])
      if (status !== 200) return finish(proxyRefusal(proxy, status, m[2] || STATUS_TEXT[status] || '', `a tunnel to ${target}`))
      const rest = head.subarray(end + 4)
      // paused, so that no byte goes by unheard: TLS over it (tlsOverTunnel) reads it, another caller resumes it
      socket.pause()
      finish(undefined)
      if (rest.length > 0) socket.unshift(rest)
    }
    const timer = setTimeout(() => finish(new ProxyError(`cannot connect to proxy ${proxy.display} (connect timeout)`, true, false)), timeoutMs)
    signal?.addEventListener('abort', onAbort, {once: true})
    socket.on('data', onData)
    socket.on('error', onError)
    socket.on('end', onEnd)
    const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`]
    if (proxy.authorization) lines.push(`Proxy-Authorization: ${proxy.authorization}`)
    socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  })
}

/**
 * TLS over an open tunnel to `host`; resolves once the handshake is done (the certificate checked),
 * rejects when it is not done within `timeoutMs`.
 */
export async function tlsOverTunnel(socket: Duplex, host: string, timeoutMs: number, servername?: string): Promise<TLSSocket> {
  const tls = await import('node:tls')
  return new Promise((resolve, reject) => {
    const name = servername || host
    const s = tls.connect({socket, ALPNProtocols: ['http/1.1'], ...(isIP(name) === 0 ? {servername: name} : {})})
    const onError = (err: Error) => {
      clearTimeout(timer)
      s.destroy()
      socket.destroy()
      reject(err)
    }
    const timer = setTimeout(() => onError(Object.assign(new Error(`no TLS handshake with ${host} within ${timeoutMs} ms`), {code: 'ETIMEDOUT_TLS'})), timeoutMs)
    s.once('error', onError)
    s.once('secureConnect', () => {
      clearTimeout(timer)
      s.off('error', onError)
      resolve(s)
    })
  })
}

type UndiciAgent = import('undici').Agent

export interface Timeouts {
  connectTimeoutMs: number
  attemptTimeoutMs: number
}

/**
 * An undici dispatcher sending through one proxy: http:// requests as absolute-URI requests to the
 * proxy (with Proxy-Authorization), https:// ones in CONNECT tunnels (TLS to the target inside). It
 * speaks both handler APIs, as it only rewrites the request and hands it to an undici Agent, so it
 * serves undici's dispatch() and fetch's `dispatcher` option alike.
 */
export class ProxyDispatcher {
  private constructor(
    readonly proxy: Proxy,
    private readonly forward: UndiciAgent,
    private readonly tunnel: UndiciAgent,
  ) {}

  static async create(proxy: Proxy, t: Timeouts): Promise<ProxyDispatcher> {
    const {default: Agent} = await import('undici/lib/dispatcher/agent.js')
    const common = {headersTimeout: t.attemptTimeoutMs, bodyTimeout: t.attemptTimeoutMs, keepAliveTimeout: 10_000}
    const forward = new Agent({...common, connect: {timeout: t.connectTimeoutMs}})
    const tunnel = new Agent({
      ...common,
      connect: (o, callback) => {
        const port = Number(o.port) || (o.protocol === 'https:' ? 443 : 80)
        openTunnel(proxy, o.hostname, port, t.connectTimeoutMs)
          .then((socket): Duplex | Promise<Duplex> => (o.protocol === 'https:' ? tlsOverTunnel(socket, o.hostname, t.connectTimeoutMs, o.servername) : socket))
          .then(
            (socket) => callback(null, socket as import('node:net').Socket),
            (err: Error) => callback(err, null),
          )
      },
    })
    return new ProxyDispatcher(proxy, forward, tunnel)
  }

  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = new URL(String(opts.origin))
    if (origin.protocol !== 'http:') return this.tunnel.dispatch(opts, handler)
    // fetch passes headers as a flat [name, value, …] array, undici's own callers as an object
    const h = opts.headers
    const headers: Record<string, string | string[]> = {}
    if (Array.isArray(h)) for (let i = 0; i + 1 < h.length; i += 2) headers[String(h[i])] = h[i + 1] as string
    else if (h && typeof h === 'object') Object.assign(headers, h)
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'host')) headers.host = origin.host
    if (this.proxy.authorization) headers['proxy-authorization'] = this.proxy.authorization
    const refused = (statusText: string | undefined) => proxyRefusal(this.proxy, 407, statusText || STATUS_TEXT[407], 'the request')
    return this.forward.dispatch({...opts, origin: this.proxy.url.origin, path: origin.origin + (opts.path || '/'), headers}, failOn407(handler, refused))
  }

  async close(): Promise<void> {
    await Promise.all([this.forward.close(), this.tunnel.close()])
  }

  async destroy(): Promise<void> {
    await Promise.all([this.forward.destroy(), this.tunnel.destroy()])
  }
}

type AnyHandler = Record<string, ((...args: any[]) => unknown) | undefined>

/**
 * `handler` with a 407 (the proxy refusing a forwarded request) turned into the error `refused` makes,
 * sent down the handler's own error path; fetch would otherwise make it an anonymous "fetch failed".
 * Both of undici's handler APIs: the new one (onRequestStart, onResponseStart), which our transport
 * uses, and the old one (onConnect, onHeaders), which Node's fetch uses.
 */
function failOn407(handler: Dispatcher.DispatchHandler, refused: (statusText: string | undefined) => Error): Dispatcher.DispatchHandler {
  const orig = handler as unknown as AnyHandler
  const h = Object.create(handler) as AnyHandler
  if (typeof orig.onRequestStart === 'function') {
    h.onResponseStart = function (this: unknown, controller: {abort(e: Error): void}, status: number, ...rest: unknown[]) {
      if (status === 407) return controller.abort(refused(rest[1] as string | undefined))
      return orig.onResponseStart?.call(this, controller, status, ...rest)
    }
  } else {
    let abort: ((e: Error) => void) | undefined
    h.onConnect = function (this: unknown, a: (e: Error) => void, ...rest: unknown[]) {
      abort = a
      return orig.onConnect?.call(this, a, ...rest)
    }
    h.onHeaders = function (this: unknown, status: number, ...rest: unknown[]) {
      if (status === 407 && abort) {
        abort(refused(rest[2] as string | undefined))
        return false
      }
      return orig.onHeaders?.call(this, status, ...rest)
    }
  }
  return h as unknown as Dispatcher.DispatchHandler
}

const dispatchers = new Map<string, Promise<ProxyDispatcher>>()

/**
 * The dispatcher for a request to `url` under the process's environment, or undefined for a direct
 * connection; one per proxy per process (keep-alive to the proxy). Throws as processProxyFor does.
 */
export async function proxyDispatcherFor(url: URL, t: Timeouts, opts: ProxyOptions = {}): Promise<ProxyDispatcher | undefined> {
  const proxy = processProxyFor(url, opts)
  if (!proxy) return undefined
  const key = `${proxy.url.href} ${proxy.authorization ?? ''}`
  let d = dispatchers.get(key)
  if (!d) {
    d = ProxyDispatcher.create(proxy, t)
    dispatchers.set(key, d)
  }
  return d
}

/** Closes (or, with `destroy`, aborts) every proxy dispatcher made so far. */
export async function closeProxyDispatchers(destroy = false): Promise<void> {
  const all = [...dispatchers.values()]
  dispatchers.clear()
  await Promise.all(all.map(async (p) => (destroy ? (await p).destroy() : (await p).close())))
}
