// Alert webhooks: when an alert opens, changes status or closes, POST its payload (webhook-payload.ts)
// to the webhook channels subscribed to the `alert` event that its notification groups reach, unless a
// downtime silences it (notification-routing.ts). Deliveries never delay the API answer
// (they run after it), are sent in order per channel, time out, are retried a few times on a
// network error, 429 or 5xx, and end up in a bounded list the control API shows (/_sandbox/webhooks).
import type {ClientRequest, IncomingMessage, RequestOptions} from 'node:http'
import type {Alert, Rec, Store} from './store.js'
import type {Obj} from './validate.js'
import {activeDowntime, channelInSomeGroup, channelsFor} from './notification-routing.js'
import {alertWebhookPayload} from './webhook-payload.js'

export interface WebhookDelivery {
  /** 1, 2, 3, ... in the order the deliveries were queued */
  seq: number
  channelId: string
  channelName: string
  /** scheme, host and path of the channel's URL: credentials and the query string (tokens) are left out */
  target: string
  alertId: string
  /** the alert's status in the payload: ok, warning, critical, unknown */
  alertStatus: string
  state: 'pending' | 'delivered' | 'failed'
  attempts: number
  /** the receiver's HTTP status of the last attempt */
  responseStatus?: number
  /** why the last attempt failed */
  error?: string
  /** epoch ms, sandbox clock */
  queuedAt: number
  finishedAt?: number
  payload: Obj
}

export interface WebhookOptions {
  /** per attempt; default 5000 */
  timeoutMs?: number
  /** extra attempts after a network error, 429 or 5xx; default 2 */
  retries?: number
  /** before the first retry, doubled for each next one; default 1000 */
  retryDelayMs?: number
  /** where failures are reported; default stderr */
  log?: (line: string) => void
}

/** Deliveries remembered for the control API (oldest forgotten first). */
export const DELIVERY_LOG_MAX = 1000
const USER_AGENT = 'mkr-sandbox-webhook/1 (+https://mackerel.io/docs/entry/howto/alerts/webhook)'

/** The part of a URL safe to print: no user:password, no query string. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return '(invalid URL)'
  }
}

export class WebhookSender {
  private readonly list: WebhookDelivery[] = []
  private seq = 0
  private pending = 0
  private waiters: (() => void)[] = []
  /** per channel id: the tail of its delivery chain, so one channel gets its events in order */
  private readonly chains = new Map<string, Promise<void>>()
  private readonly inflight = new Set<ClientRequest>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private closed = false
  /** channels already reported as in no notification group */
  private readonly hinted = new Set<string>()
  private readonly timeoutMs: number
  private readonly retries: number
  private readonly retryDelayMs: number
  private readonly log: (line: string) => void

  constructor(
    private readonly store: Store,
    private readonly baseUrl: () => string,
    private readonly clockMs: () => number,
    opts: WebhookOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 5000
    this.retries = opts.retries ?? 2
    this.retryDelayMs = opts.retryDelayMs ?? 1000
    this.log = opts.log ?? store.log
  }

  /** The store's alert listener: queues one delivery per subscribed webhook channel the alert's groups reach. */
  alertChanged(a: Alert, trigger: string): void {
    if (this.closed) return
    // a muted monitor still opens alerts, but sends no notifications (reference/mackerel-api.md §3.0)
    if (this.store.monitors.get(a.monitorId)?.isMute === true) return
    // standby hosts are monitored, but their alerts notify no one (https://mackerel.io/docs/entry/howto/alerts)
    if (a.hostId !== undefined && this.store.getHost(a.hostId)?.status === 'standby') return
    // a downtime in effect pauses notifications, also of alerts opened before it (notification-routing.ts)
    if (activeDowntime(this.store, a.monitorId, a.hostId)) return
    const subscribed = (c: Rec) => c.type === 'webhook' && Array.isArray(c.events) && c.events.includes('alert') && !c.suspendedAt
    const channels: Rec[] = []
    for (const id of channelsFor(this.store, a)) {
      const c = this.store.channels.get(id)
      if (c && subscribed(c)) channels.push(c)
    }
    this.hintUngrouped(subscribed)
    if (channels.length === 0) return
    const payload = alertWebhookPayload(this.store, a, trigger, this.baseUrl())
    for (const ch of channels) this.enqueue(ch, a, payload)
  }

  /** Says once per channel that a webhook channel in no notification group gets no alerts (as in Mackerel). */
  private hintUngrouped(subscribed: (c: Rec) => boolean): void {
    for (const c of this.store.channels.values()) {
      if (this.hinted.has(c.id) || !subscribed(c) || channelInSomeGroup(this.store, c.id)) continue
      this.hinted.add(c.id)
      this.log(
        `mkr sandbox: webhook channel ${JSON.stringify(String(c.name))} is in no notification group, so it gets no alert notifications ` +
          '(create it with "addToDefaultNotificationGroup": true, or add it to a group)',
      )
    }
  }

  deliveries(): WebhookDelivery[] {
    return this.list
  }

  clear(): void {
    this.list.length = 0
  }

  /** Resolves once no delivery is pending (each ends within its timeouts and retries). */
  settled(): Promise<void> {
    if (this.pending === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** Stops: in-flight requests are aborted and queued ones fail with "sandbox stopped". */
  close(): void {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    for (const req of this.inflight) req.destroy(new Error('sandbox stopped'))
  }

  private enqueue(ch: Rec, a: Alert, payload: Obj): void {
    const d: WebhookDelivery = {
      seq: ++this.seq,
      channelId: ch.id,
      channelName: String(ch.name),
      target: redactUrl(String(ch.url)),
      alertId: a.id,
      alertStatus: a.status.toLowerCase(),
      state: 'pending',
      attempts: 0,
      queuedAt: this.clockMs(),
      payload,
    }
    this.list.push(d)
    if (this.list.length > DELIVERY_LOG_MAX) this.list.splice(0, this.list.length - DELIVERY_LOG_MAX)
    this.pending++
    const url = String(ch.url)
    const body = JSON.stringify(payload)
    // started on a later tick: the API answer that caused the alert change goes out first
    const prev = this.chains.get(ch.id) ?? new Promise<void>((resolve) => setImmediate(resolve))
    const next: Promise<void> = prev
      .then(() => this.deliver(d, url, body))
      .catch((error: Error) => this.log(`mkr sandbox: webhook delivery error: ${error.message}`))
      .finally(() => this.done(ch.id, next))
    this.chains.set(ch.id, next)
  }

  private done(channelId: string, chain: Promise<void>): void {
    if (this.chains.get(channelId) === chain) this.chains.delete(channelId)
    if (--this.pending === 0) for (const w of this.waiters.splice(0)) w()
  }

  private async deliver(d: WebhookDelivery, url: string, body: string): Promise<void> {
    for (;;) {
      if (this.closed) {
        d.error ??= 'sandbox stopped'
        break
      }
      d.attempts++
      let retryable: boolean
      try {
        d.responseStatus = await this.post(url, body)
        if (d.responseStatus >= 200 && d.responseStatus < 300) {
          d.state = 'delivered'
          d.error = undefined
          d.finishedAt = this.clockMs()
          return
        }
        d.error = `HTTP ${d.responseStatus}`
        retryable = d.responseStatus === 429 || d.responseStatus >= 500
      } catch (error) {
        d.error = (error as Error).message
        retryable = true
      }
      if (!retryable || d.attempts > this.retries || this.closed) break
      await this.sleep(this.retryDelayMs * 2 ** (d.attempts - 1))
    }
    d.state = 'failed'
    d.finishedAt = this.clockMs()
    this.log(
      `mkr sandbox: webhook for alert ${d.alertId} (${d.alertStatus}) to channel "${d.channelName}" ${d.target} failed after ` +
        `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}: ${d.error}`,
    )
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => (this.timers.delete(t), resolve()), ms)
      this.timers.add(t)
    })
  }

  /** One POST; resolves with the status code once the response headers arrive. */
  private async post(url: string, body: string): Promise<number> {
    const u = new URL(url)
    const {request} = u.protocol === 'https:' ? await import('node:https') : await import('node:http')
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      'User-Agent': USER_AGENT,
    }
    // https://user:pass@host/ is how the docs suggest protecting a receiver: send it as Basic auth
    if (u.username || u.password)
      headers.Authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')
    const opts: RequestOptions = {
      protocol: u.protocol,
      hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: u.port || undefined,
      // the query string goes out as configured (receivers often authenticate with ?token=...)
      path: u.pathname + u.search,
      method: 'POST',
      headers,
      agent: false,
    }
    return new Promise<number>((resolve, reject) => {
      const req = request(opts, (res: IncomingMessage) => {
        res.resume()
        res.on('error', () => {})
        resolve(res.statusCode ?? 0)
      })
      this.inflight.add(req)
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs)
      req.on('error', reject)
      req.on('close', () => {
        clearTimeout(timer)
        this.inflight.delete(req)
      })
      req.end(body)
    })
  }
}
