// HTTP for `plugin install`: GitHub and the plugin registry, not the Mackerel API (src/api). Every
// request is bounded (a deadline for the whole request, a cap on the body), only https leaves this
// machine (plain http only to a loopback address: mirrors and tests on 127.0.0.1), and redirects are
// followed by hand so that each hop is checked the same way (GitHub sends downloads to another host).
// HTTPS_PROXY / NO_PROXY are honoured with the Go mkr's rules (src/api/proxy.ts, loaded only when a
// proxy variable is set): https through a CONNECT tunnel, the certificate still checked end to end.
import {createWriteStream} from 'node:fs'
import type {IncomingMessage} from 'node:http'
import {CliError} from '../errors.js'
import {isLoopbackHost} from '../loopback.js'
import {escapeControl} from '../output/sanitize.js'

export const USER_AGENT = 'mkr-plugin-installer/0.0.0 (mackerel-cli)'

export class HttpStatusError extends CliError {
  constructor(
    readonly status: number,
    readonly url: string,
  ) {
    super(`http response not OK. code: ${status}, url: ${escapeControl(url)}`)
  }
}

/** Throws unless `url` is https, or http to a loopback address. */
export function checkRemoteUrl(url: string, what = 'URL'): URL {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new CliError(`invalid ${what}: ${escapeControl(url)}`)
  }
  if (u.protocol === 'https:') return u
  if (u.protocol === 'http:' && isLoopbackHost(u.hostname)) return u
  if (u.protocol === 'http:')
    throw new CliError(`refusing plain http to ${u.host}: ${escapeControl(url)}`, {
      hint: 'use an https:// URL (plain http only to 127.0.0.1 or localhost), or download the archive and give its file:// URL',
    })
  throw new CliError(`unsupported URL scheme ${u.protocol} in ${escapeControl(url)}`, {hint: 'use https:// or file://'})
}

export interface RequestOptions {
  method?: 'GET' | 'HEAD'
  headers?: Record<string, string>
  /** the whole request, from connecting to the last byte */
  timeoutMs?: number
  /** the largest body accepted */
  maxBytes?: number
  /** follow up to this many redirects (each hop checked by checkRemoteUrl); 0: return the 3xx */
  redirects?: number
  /** write the body to this file instead of returning it */
  toFile?: string
  /** tests only: see ProxyOptions in src/api/proxy.ts */
  proxy?: import('../api/proxy.js').ProxyOptions
}

export interface Response {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** the URL that answered (after redirects) */
  url: string
  body: Buffer
  /** bytes written to `toFile` */
  written: number
}

const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`

/** One request (and its redirects). A non-2xx final answer is returned, not thrown (see okOnly). */
export async function request(url: string, opts: RequestOptions = {}): Promise<Response> {
  const deadline = AbortSignal.timeout(opts.timeoutMs ?? 30_000)
  let current = url
  for (let hop = 0; ; hop++) {
    const u = checkRemoteUrl(current)
    const res = await once(u, opts, deadline)
    const location = res.headers.location
    if (res.status >= 300 && res.status < 400 && typeof location === 'string' && (opts.redirects ?? 0) > 0) {
      if (hop >= (opts.redirects ?? 0)) throw new CliError(`too many redirects from ${escapeControl(url)}`)
      current = new URL(location, u).toString()
      continue
    }
    if (res.status >= 200 && res.status < 300 && opts.toFile) return {...res, ...(await save(res.stream, opts, deadline, current))}
    return {...res, body: await collect(res.stream, opts, deadline, current), written: 0}
  }
}

/** Throws HttpStatusError unless the response is 200. */
export function okOnly(r: Response): Response {
  if (r.status !== 200) throw new HttpStatusError(r.status, r.url)
  return r
}

interface Raw {
  status: number
  headers: Record<string, string | string[] | undefined>
  url: string
  stream: IncomingMessage
}

const PROXY_VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy']

async function once(u: URL, opts: RequestOptions, signal: AbortSignal): Promise<Raw> {
  // Only https leaves this machine (checkRemoteUrl) and loopback is never proxied, so a proxy means a
  // CONNECT tunnel with TLS to the host inside it
  let tunnelled: import('node:tls').TLSSocket | undefined
  if (u.protocol === 'https:' && PROXY_VARS.some((k) => process.env[k])) {
    const proxyApi = await import('../api/proxy.js')
    try {
      const proxy = proxyApi.processProxyFor(u, opts.proxy)
      if (proxy) {
        const host = u.hostname.replace(/^\[(.*)\]$/, '$1')
        const tunnel = await proxyApi.openTunnel(proxy, host, Number(u.port) || 443, opts.timeoutMs ?? 30_000, signal)
        tunnelled = await proxyApi.tlsOverTunnel(tunnel, host, opts.timeoutMs ?? 30_000)
      }
    } catch (error) {
      throw networkError(error as NodeJS.ErrnoException, u, signal, proxyApi.PROXY_HINT)
    }
  }
  const mod = u.protocol === 'https:' ? await import('node:https') : await import('node:http')
  return new Promise((resolve, reject) => {
    const options: import('node:https').RequestOptions = {method: opts.method ?? 'GET', headers: {'user-agent': USER_AGENT, ...opts.headers}, signal}
    // the tunnel's TLS socket, connected and verified for u's host
    if (tunnelled) options.createConnection = () => tunnelled
    const req = mod.request(u, options, (res) => {
      resolve({status: res.statusCode ?? 0, headers: res.headers, url: u.toString(), stream: res})
    })
    req.on('error', (error: NodeJS.ErrnoException) => reject(networkError(error, u, signal)))
    req.end()
  })
}

/** A failed request as a one-line error; a proxy's failure (code MKR_PROXY) names the proxy, with `proxyHint`. */
function networkError(error: NodeJS.ErrnoException, u: URL, signal: AbortSignal, proxyHint?: string): CliError {
  const where = escapeControl(u.toString())
  if (signal.aborted || error.name === 'AbortError') return new CliError(`timed out: ${where}`, {hint: 'check the network, or retry later'})
  if (error.code === 'MKR_PROXY')
    return new CliError(`cannot reach ${where}: ${escapeControl(error.message)}`, {hint: proxyHint})
  const why = error.code === 'ENOTFOUND' ? `cannot resolve ${u.hostname}` : error.code === 'ECONNREFUSED' ? 'connection refused' : error.message
  return new CliError(`cannot reach ${where}: ${escapeControl(why)}`, {
    hint: 'check the network (behind a proxy, set HTTPS_PROXY; or download the archive and give its file:// URL)',
  })
}

function tooLarge(url: string, max: number): CliError {
  return new CliError(`download too large: ${escapeControl(url)} is over ${mib(max)}`, {hint: 'is this a plugin archive?'})
}

async function collect(stream: IncomingMessage, opts: RequestOptions, signal: AbortSignal, url: string): Promise<Buffer> {
  const max = opts.maxBytes ?? 1024 * 1024
  const declared = Number(stream.headers['content-length'])
  if (declared > max) {
    stream.destroy()
    throw tooLarge(url, max)
  }
  const chunks: Buffer[] = []
  let n = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      n += chunk.length
      if (n > max) {
        stream.destroy()
        throw tooLarge(url, max)
      }
      chunks.push(chunk)
    }
  } catch (error) {
    if (error instanceof CliError) throw error
    throw networkError(error as NodeJS.ErrnoException, new URL(url), signal)
  }
  return Buffer.concat(chunks)
}

async function save(stream: IncomingMessage, opts: RequestOptions, signal: AbortSignal, url: string): Promise<{body: Buffer; written: number}> {
  const max = opts.maxBytes ?? 256 * 1024 * 1024
  const declared = Number(stream.headers['content-length'])
  if (declared > max) {
    stream.destroy()
    throw tooLarge(url, max)
  }
  const file = createWriteStream(opts.toFile!, {flags: 'wx', mode: 0o600})
  let n = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      n += chunk.length
      if (n > max) throw tooLarge(url, max)
      if (!file.write(chunk)) await new Promise<void>((r) => file.once('drain', () => r()))
    }
    if (Number.isFinite(declared) && n !== declared) throw new CliError(`download cut short: ${escapeControl(url)} (${n} of ${declared} bytes)`)
  } catch (error) {
    stream.destroy()
    if (error instanceof CliError) throw error
    throw networkError(error as NodeJS.ErrnoException, new URL(url), signal)
  } finally {
    await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())))
  }
  return {body: Buffer.alloc(0), written: n}
}
