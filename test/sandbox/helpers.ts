// Test helpers: start a sandbox with a fixed clock, and call it with node:http (not fetch, so a nock
// activated by another suite can never intercept these calls).
import {createServer, request, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {startSandbox, type Sandbox, type SandboxOptions} from '../../src/sandbox/server.js'

/** A fixed "now" for tests: 2025-06-10T12:00:00Z. */
export const NOW_S = 1_749_556_800

export interface Reply {
  status: number
  body: any
  text: string
}

export function call(sb: {url: string; apiKey?: string}, method: string, path: string, body?: unknown, key: string | null = sb.apiKey ?? 'sandbox'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    const headers: Record<string, string> = {}
    if (key !== null) headers['X-Api-Key'] = key
    if (text !== undefined) {
      headers['Content-Type'] = 'application/json'
      // node sends a DELETE body without chunking, so without a length the server would not see it
      headers['Content-Length'] = String(Buffer.byteLength(text))
    }
    const req = request(sb.url + path, {method, headers, agent: false}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const t = Buffer.concat(chunks).toString('utf8')
        let parsed: unknown
        try {
          parsed = JSON.parse(t)
        } catch {
          parsed = undefined
        }
        resolve({status: res.statusCode ?? 0, body: parsed, text: t})
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    if (text !== undefined) req.write(text)
    req.end()
  })
}

export function errorOf(message: string): {error: {message: string}} {
  return {error: {message}}
}

/** A sandbox on a random port whose clock reads `clock.ms` (change it to move time). */
export async function sandbox(opts: SandboxOptions = {}): Promise<Sandbox & {clock: {ms: number}}> {
  const clock = {ms: NOW_S * 1000}
  const sb = await startSandbox({now: () => clock.ms, ...opts})
  return Object.assign(sb, {clock})
}

export interface Received {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: any
}

/** A webhook receiver on 127.0.0.1; `respond` decides each answer (default 200). */
export async function receiver(respond: (req: IncomingMessage, res: ServerResponse) => void = (_q, res) => res.end('ok')) {
  const got: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      got.push({method: req.method!, url: req.url!, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8'))})
      respond(req, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as {port: number}).port}`
  return {
    url,
    got,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * For a suite: before each test, a sandbox without demo data or evaluation timer (the test moves its
 * clock and asks for evaluation), a webhook channel in the default notification group posting to a
 * receiver, and the hosts named in `hosts` (name -> role full names); after each, every delivery
 * settled (no "failed: ECONNREFUSED" on the log), then both closed. Read the fields inside tests.
 */
export function alertLoop(hosts: Record<string, string[]>): {sb: Awaited<ReturnType<typeof sandbox>>; rx: Awaited<ReturnType<typeof receiver>>; ids: Record<string, string>} {
  const f = {ids: {}} as ReturnType<typeof alertLoop>
  beforeEach(async () => {
    f.sb = await sandbox({seed: false, evaluateEveryMs: 0, webhookRetries: 0, connectivityTimeoutS: 300})
    f.rx = await receiver()
    await call(f.sb, 'POST', '/api/v0/channels', {name: 'hook', type: 'webhook', url: `${f.rx.url}/hook`, events: ['alert'], addToDefaultNotificationGroup: true})
    f.ids = {}
    for (const [name, roleFullnames] of Object.entries(hosts))
      f.ids[name] = (await call(f.sb, 'POST', '/api/v0/hosts', {name, meta: {}, roleFullnames})).body.id
  })
  afterEach(async () => {
    await f.sb.webhooksSettled()
    await f.sb.close()
    await f.rx.close()
  })
  return f
}
