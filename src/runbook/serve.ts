// `mkr runbook serve`: a receiver for Mackerel's alert webhooks. Mackerel POSTs JSON to the URL of a
// webhook channel; the URL carries the token as a query parameter (`?token=...`). The receiver
// answers at once and handles the alert afterwards. Only the alert id is taken from the body: the
// alert, its monitor and host are re-read from the API, so a forged or stale payload can at most
// make us look at a real alert (and only with the token).
import {createHash, timingSafeEqual} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {UsageError} from '../errors.js'
import {escapeControl} from '../output/sanitize.js'
import type {Runbook} from './config.js'
import {handleAlert, type HandleOptions, type RunbookDeps} from './handle.js'

export const MAX_BODY_BYTES = 256 * 1024
export const MIN_TOKEN_LENGTH = 16
/** alerts handled at the same time (more wait in a queue) */
export const CONCURRENCY = 4
const QUEUE_MAX = 1000

export interface ServeOptions extends HandleOptions {
  /** `HOST:PORT`, `:PORT` or `PORT` (host default 127.0.0.1) */
  listen: string
  token: string
  /** told the address once listening (tests use port 0) */
  onListening?: (addr: AddressInfo) => void
}

export function parseListen(listen: string): {host: string; port: number} {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):)?(\d{1,5})$/.exec(listen.trim())
  const port = m ? Number(m[2]) : NaN
  if (!m || port > 65535) throw new UsageError(`--listen ${JSON.stringify(listen)}: give HOST:PORT, e.g. 127.0.0.1:8080`)
  const host = (m[1] || '127.0.0.1').replace(/^\[|\]$/g, '')
  return {host, port}
}

export function checkToken(token: string | undefined): string {
  if (token === undefined || token === '')
    throw new UsageError('a token is required', {hint: 'give --token or set MKR_RUNBOOK_TOKEN, and put ?token=<it> in the webhook URL in Mackerel'})
  if (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token))
    throw new UsageError(`the token must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces`, {
      hint: 'e.g. openssl rand -hex 16',
    })
  return token
}

const digest = (s: string) => createHash('sha256').update(s).digest()
/** Constant-time comparison (hashing first makes the lengths equal). */
export function sameToken(given: string | null, expected: string): boolean {
  return given !== null && timingSafeEqual(digest(given), digest(expected))
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body) + '\n'
  res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close'})
  res.end(text)
}

/** The body, or undefined after answering 413 when it is bigger than the limit. */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      reply(res, 413, {error: `body larger than ${MAX_BODY_BYTES} bytes`})
      req.destroy()
      return resolve(undefined)
    }
    const chunks: Buffer[] = []
    let n = 0
    req.on('data', (c: Buffer) => {
      n += c.length
      if (n > MAX_BODY_BYTES) {
        reply(res, 413, {error: `body larger than ${MAX_BODY_BYTES} bytes`})
        req.destroy()
        resolve(undefined)
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(n > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)))
    req.on('error', () => resolve(undefined))
  })
}

/** Serves until `stopped` resolves, then lets the alerts in progress finish. Returns the exit code. */
export async function serveRunbook(runbook: Runbook, deps: RunbookDeps & {stopped: Promise<void>}, opts: ServeOptions): Promise<number> {
  const {host, port} = parseListen(opts.listen)
  const token = checkToken(opts.token)
  const {io} = deps
  const log = (line: string) => io.info(`runbook: ${line}`)

  const running = new Set<string>()
  const again = new Set<string>()
  const queue: string[] = []
  let active = 0
  let failed = false
  let idle: (() => void) | undefined

  const pump = () => {
    while (active < CONCURRENCY && queue.length > 0 && !deps.stopping?.()) {
      const id = queue.shift()!
      running.add(id)
      active++
      handleAlert(id, runbook, deps, opts)
        .then((o) => {
          if (!o.ok) failed = true
          if (o.result === 'skipped') log(`alert ${id}: nothing to do (${o.reason})`)
        })
        .catch((error) => {
          failed = true
          io.err(`mkr: runbook: alert ${id}: ${escapeControl((error as Error).message)}\n`)
        })
        .finally(() => {
          running.delete(id)
          active--
          // a webhook that arrived while it was handled (a status change): look at it once more
          if (again.delete(id)) enqueue(id)
          pump()
          if (active === 0) idle?.()
        })
    }
  }
  const enqueue = (id: string): boolean => {
    if (running.has(id)) return again.add(id), true
    if (queue.includes(id)) return true
    if (queue.length >= QUEUE_MAX) return false
    queue.push(id)
    pump()
    return true
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver')
    if (req.method !== 'POST') return reply(res, 405, {error: 'POST the Mackerel webhook here'})
    if (!sameToken(url.searchParams.get('token'), token)) {
      req.resume()
      log(`webhook from ${req.socket.remoteAddress}: wrong or missing token (401)`)
      return reply(res, 401, {error: 'wrong or missing token'})
    }
    const body = await readBody(req, res)
    if (body === undefined) return
    let payload: unknown
    try {
      payload = JSON.parse(body.toString('utf8'))
    } catch {
      return reply(res, 400, {error: 'the body is not JSON'})
    }
    const p = payload as {event?: unknown; alert?: {id?: unknown}}
    if (typeof p !== 'object' || p === null) return reply(res, 400, {error: 'the body is not a JSON object'})
    if (p.event !== 'alert') return reply(res, 200, {ignored: `event ${JSON.stringify(String(p.event ?? ''))}`.slice(0, 100)})
    const id = p.alert?.id
    if (typeof id !== 'string' || !/^[A-Za-z0-9]{1,64}$/.test(id)) return reply(res, 400, {error: 'alert.id is missing or not an alert id'})
    if (deps.stopping?.()) return reply(res, 503, {error: 'shutting down'})
    if (!enqueue(id)) return reply(res, 503, {error: 'too many alerts waiting'})
    log(`webhook: alert ${id} accepted`)
    reply(res, 200, {accepted: id})
  })
  server.requestTimeout = 10_000
  server.headersTimeout = 10_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError(`--listen ${opts.listen}: the address is in use`)
          : error.code === 'EACCES'
            ? new UsageError(`--listen ${opts.listen}: permission denied (ports below 1024 need privileges)`)
            : error,
      ),
    )
    server.listen(port, host, () => resolve())
  })
  const addr = server.address() as AddressInfo
  log(`listening on http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}/ (POST Mackerel alert webhooks with ?token=...)`)
  opts.onListening?.(addr)

  await deps.stopped
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections?.()
  })
  queue.length = 0
  again.clear()
  if (active > 0) await new Promise<void>((r) => (idle = r))
  log('stopped')
  return failed ? 1 : 0
}
