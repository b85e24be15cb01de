// The sandbox server: an in-memory Mackerel-compatible API on 127.0.0.1 (reference/mackerel-api.md),
// with control routes under /_sandbox/ for tests (received reports, request log, faults, state, webhook
// deliveries, monitor evaluation, clock). Alert changes in the store are sent to webhook channels
// (webhooks.ts) after the answer. Monitors are evaluated (evaluate.ts) after every metric post and on
// a timer; the clock can run faster than real time (`speed`, clock.ts).
// Order per request: control route? -> fault? -> API key (401) -> route (404/405) -> write
// permission (403) -> JSON body (400) -> handler -> 200 JSON; then a successful write marks the
// store dirty for the batched save (persist.ts).
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {Socket} from 'node:net'
import {checkFault, Faults, type FaultSpec} from './faults.js'
import {HttpError, parseJsonBody, readBody, sendError, sendJson, sendRaw, errorBody, type Ctx} from './http.js'
import {evaluationIntervalMs, scaledClock} from './clock.js'
import {CONNECTIVITY_TIMEOUT_S, MonitorEvaluator, type EvaluationResult} from './evaluate.js'
import {loadStore, Persister} from './persist.js'
import {Router} from './router.js'
import {registerAlerts} from './routes/alerts.js'
import {registerAnnotations} from './routes/annotations.js'
import {registerAlertGroupSettings} from './routes/alert-group-settings.js'
import {registerAwsIntegrations} from './routes/aws-integrations.js'
import {registerChannels} from './routes/channels.js'
import {registerDashboards} from './routes/dashboards.js'
import {registerDowntimes} from './routes/downtimes.js'
import {registerGraphDefs} from './routes/graph-defs.js'
import {registerMetadata} from './routes/metadata.js'
import {registerChecks, type ReceivedReport} from './routes/checks.js'
import {registerHosts} from './routes/hosts.js'
import {registerMetrics} from './routes/metrics.js'
import {registerMonitors} from './routes/monitors.js'
import {registerServices} from './routes/services.js'
import {registerTraces} from './routes/traces.js'
import {registerUsers} from './routes/users.js'
import {seedDemo, seedHosts} from './seed.js'
import {Store} from './store.js'
import {WebhookSender, type WebhookDelivery} from './webhooks.js'

export type {FaultSpec} from './faults.js'
export type {EvaluationResult} from './evaluate.js'
export type {WebhookDelivery} from './webhooks.js'
export type {ReceivedReport} from './routes/checks.js'
export {Store} from './store.js'

export interface SandboxOptions {
  /** 0 = any free port */
  port?: number
  /** default 'sandbox' */
  apiKey?: string
  /** default 'sandbox-readonly': 403 on writes */
  readOnlyApiKey?: string
  /** load the store from this JSON file if present; save it atomically after writes (batched, see
   * persist.ts) and on close */
  dataFile?: string
  /** shortest time between two saves of dataFile, real ms (default 200) */
  saveIntervalMs?: number
  /** demo data on a fresh store; default true */
  seed?: boolean
  /** extra generated hosts, e.g. 10000 for benchmarks */
  seedHosts?: number
  faults?: FaultSpec[]
  /** the clock in epoch ms, for tests */
  now?: () => number
  /** run the clock this many times faster than `now` (default 1) */
  speed?: number
  /** evaluate every monitor this often (real ms); 0 = only after posts and on demand. Default: once a
   * sandbox minute, within 100 ms .. 10 s (clock.ts) */
  evaluateEveryMs?: number
  /** seconds (sandbox time) without a metric post before connectivity alerts; default 600 */
  connectivityTimeoutS?: number
  /** alert webhooks: per-attempt timeout (default 5000 ms), retries after a network error, 429 or 5xx
   * (default 2) and the delay before the first retry (default 1000 ms, doubled for each next one) */
  webhookTimeoutMs?: number
  webhookRetries?: number
  webhookRetryDelayMs?: number
  /** where the sandbox reports problems it cannot answer with (failed webhooks); default stderr */
  log?: (line: string) => void
}

export interface RequestLogEntry {
  method: string
  path: string
  /** the query string without '?' */
  query: string
  /** 0 when the connection was dropped by a fault */
  status: number
  /** epoch ms (sandbox clock) */
  time: number
}

export interface Sandbox {
  /** http://127.0.0.1:PORT */
  url: string
  port: number
  apiKey: string
  store: Store
  addFault(f: FaultSpec): void
  clearFaults(): void
  reports(): ReceivedReport[]
  requests(): RequestLogEntry[]
  /** alert webhook deliveries, oldest first (bounded) */
  webhooks(): WebhookDelivery[]
  /** resolves once no webhook delivery is pending */
  webhooksSettled(): Promise<void>
  /** evaluates every monitor now (what the timer does) */
  evaluate(): EvaluationResult
  /** the sandbox clock, epoch ms */
  now(): number
  /** with dataFile: saves now if anything changed */
  save(): void
  /** stops serving, saves the data file one last time */
  close(): Promise<void>
}

/** Oldest entries are forgotten past this many (benchmarks send a lot). */
const REQUEST_LOG_MAX = 10_000

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const speed = opts.speed ?? 1
  const clock = scaledClock(opts.now ?? Date.now, speed)
  const apiKey = opts.apiKey ?? 'sandbox'
  const readOnlyKey = opts.readOnlyApiKey ?? 'sandbox-readonly'
  let store = opts.dataFile ? loadStore(opts.dataFile, clock) : undefined
  const fresh = store === undefined
  if (!store) {
    store = new Store(clock)
    if (opts.seed ?? true) seedDemo(store)
    if (opts.seedHosts) seedHosts(store, opts.seedHosts)
  }
  const st = store
  if (opts.log) st.log = opts.log
  const log = st.log
  const persister = opts.dataFile ? new Persister(st, opts.dataFile, log, opts.saveIntervalMs) : undefined
  const evaluator = new MonitorEvaluator(st, opts.connectivityTimeoutS ?? CONNECTIVITY_TIMEOUT_S, log)
  const evaluate = (): EvaluationResult => {
    const revision = st.revision
    const r = evaluator.evaluateAll()
    // failing runs, suppressions and the re-notification schedule are saved too (they survive a restart)
    if (r.changed > 0 || st.revision !== revision) persister?.markDirty()
    return r
  }
  const faults = new Faults()
  for (const f of opts.faults ?? []) faults.add(f)
  const received: ReceivedReport[] = []
  let requestLog: RequestLogEntry[] = []
  const timers = new Set<NodeJS.Timeout>()
  let baseUrl = ''
  const webhooks = new WebhookSender(st, () => baseUrl, clock, {
    timeoutMs: opts.webhookTimeoutMs,
    retries: opts.webhookRetries,
    retryDelayMs: opts.webhookRetryDelayMs,
    log,
  })

  const router = new Router()
  registerHosts(router)
  registerServices(router)
  registerChecks(router, received)
  registerAnnotations(router)
  registerMonitors(router)
  registerAlerts(router)
  registerMetrics(router)
  registerChannels(router)
  registerUsers(router)
  registerDowntimes(router)
  registerDashboards(router)
  registerAlertGroupSettings(router)
  registerAwsIntegrations(router)
  registerGraphDefs(router)
  registerMetadata(router)
  registerTraces(router)

  const control = new Router()
  control.get('/_sandbox/reports', () => received)
  control.delete('/_sandbox/reports', () => ((received.length = 0), {success: true}))
  control.get('/_sandbox/requests', () => requestLog)
  control.delete('/_sandbox/requests', () => ((requestLog = []), {success: true}))
  control.get('/_sandbox/faults', () => faults.active())
  control.post('/_sandbox/faults', ({body}) => {
    const list = Array.isArray(body) ? body : [body]
    let checked: FaultSpec[]
    try {
      checked = list.map(checkFault)
    } catch (error) {
      throw new HttpError(400, (error as Error).message)
    }
    for (const f of checked) faults.add(f)
    return {success: true}
  })
  control.delete('/_sandbox/faults', () => (faults.clear(), {success: true}))
  control.get('/_sandbox/state', () => st.toJSON())
  // ?wait=true answers once no delivery is pending (each ends within its timeout and retries)
  control.get('/_sandbox/webhooks', async ({query}) => {
    if (query.get('wait') === 'true' || query.get('wait') === '1') await webhooks.settled()
    return webhooks.deliveries()
  })
  control.delete('/_sandbox/webhooks', () => (webhooks.clear(), {success: true}))
  // one evaluation of every monitor at the current sandbox time (tests: instead of waiting for the timer)
  control.post('/_sandbox/evaluate', () => ({...evaluate(), now: st.now()}))
  control.get('/_sandbox/clock', () => ({now: st.now(), speed}))

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => (timers.delete(t), resolve()), ms)
      timers.add(t)
    })

  function record(req: IncomingMessage, path: string, query: string, status: number): void {
    requestLog.push({method: req.method ?? '', path, query, status, time: clock()})
    if (requestLog.length > REQUEST_LOG_MAX) requestLog.splice(0, requestLog.length - REQUEST_LOG_MAX)
  }

  async function dispatch(router: Router, req: IncomingMessage, res: ServerResponse, path: string, url: URL, isApi: boolean): Promise<number> {
    const method = req.method ?? 'GET'
    if (isApi) {
      const key = req.headers['x-api-key']
      if (typeof key !== 'string' || (key !== apiKey && key !== readOnlyKey)) {
        sendError(res, 401, 'Authentication failed: a valid X-Api-Key header is required')
        return 401
      }
      const m = router.match(method, path)
      if (!m) return reply(404, 'API not found')
      if ('allowed' in m) return reply(405, `Method not allowed (allowed: ${m.allowed.join(', ')})`)
      if (method !== 'GET' && key === readOnlyKey) return reply(403, 'Permission denied: this API key does not have Write permission')
      return run(m.handler, m.params)
    }
    const m = router.match(method, path)
    if (!m) return reply(404, 'Not found')
    if ('allowed' in m) return reply(405, `Method not allowed (allowed: ${m.allowed.join(', ')})`)
    return run(m.handler, m.params)

    function reply(status: number, message: string): number {
      sendError(res, status, message)
      return status
    }

    async function run(handler: (ctx: Ctx) => unknown, params: Record<string, string>): Promise<number> {
      try {
        const text = method === 'GET' || method === 'HEAD' ? '' : await readBody(req)
        // the body is parsed when a handler first reads it, so a handler can answer 404 before a 400 for bad JSON
        let parsed: {value: unknown} | undefined
        const ctx = {method, path, params, query: url.searchParams, store: st, now: () => st.now(), req} as Ctx
        Object.defineProperty(ctx, 'body', {enumerable: true, get: () => (parsed ??= {value: parseJsonBody(text)}).value})
        const result = await handler(ctx)
        sendJson(res, 200, result)
        if (isApi && method !== 'GET') persister?.markDirty()
        return 200
      } catch (error) {
        if (error instanceof HttpError) return reply(error.status, error.message)
        log(`mkr sandbox: internal error on ${method} ${path}: ${(error as Error).stack}`)
        return reply(500, `Internal server error: ${(error as Error).message}`)
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname
    const query = url.search.slice(1)
    if (path.startsWith('/_sandbox/')) {
      await dispatch(control, req, res, path, url, false)
      return
    }
    const fault = faults.take(req.method ?? 'GET', path)
    if (fault) {
      if (fault.delayMs) await sleep(fault.delayMs)
      if (fault.drop) {
        record(req, path, query, 0)
        req.socket.destroy()
        return
      }
      if (fault.status !== undefined) {
        record(req, path, query, fault.status)
        sendRaw(res, fault.status, fault.body ?? errorBody(`Injected fault: ${fault.status}`))
        return
      }
    }
    if (res.destroyed || req.socket.destroyed) return
    const status = await dispatch(router, req, res, path, url, path.startsWith('/api/'))
    record(req, path, query, status)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      sendError(res, 500, `Internal server error: ${(error as Error).message}`)
    })
  })
  const sockets = new Set<Socket>()
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as {port: number}).port
  baseUrl = `http://127.0.0.1:${port}`
  st.alertListener = (a, trigger) => webhooks.alertChanged(a, trigger)
  st.metricsListener = (kind, owners) => evaluator.afterPost(kind, owners)
  const every = opts.evaluateEveryMs ?? evaluationIntervalMs(speed)
  const evalTimer = every > 0 ? setInterval(evaluate, every) : undefined
  evalTimer?.unref()
  // a new data file is written soon after start, not before the first answer
  if (fresh) persister?.markDirty()

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    store: st,
    addFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    reports: () => received,
    requests: () => requestLog,
    webhooks: () => webhooks.deliveries(),
    webhooksSettled: () => webhooks.settled(),
    evaluate,
    now: clock,
    save: () => persister?.flush(),
    close: () =>
      new Promise<void>((resolve) => {
        st.alertListener = undefined
        st.metricsListener = undefined
        if (evalTimer) clearInterval(evalTimer)
        webhooks.close()
        for (const t of timers) clearTimeout(t)
        timers.clear()
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
        // after the last request: every answered write is in the file
        persister?.close()
      }),
  }
}
