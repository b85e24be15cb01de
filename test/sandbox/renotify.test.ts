// Re-notification (a monitor's or check report's notificationInterval): while an alert stays open its
// webhook is sent again every interval of sandbox time, through the same delivery as every other
// notification. Time is driven by the test clock and POST /_sandbox/evaluate (what the timer does);
// one test lets the timer run, with the clock still moved by the test.
import assert from 'node:assert/strict'
import {NOW_S, alertLoop, call, receiver, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: re-notification (notificationInterval)', () => {
  const loop = alertLoop({web: ['shop:web']})
  let sb: SB
  let rx: Awaited<ReturnType<typeof receiver>>
  let web: string
  beforeEach(() => ({sb, rx, ids: {web}} = loop))

  const now = () => Math.floor(sb.clock.ms / 1000)
  const minutes = (n: number) => (sb.clock.ms += n * 60_000)
  const post = (value: number, name = 'loadavg5') => call(sb, 'POST', '/api/v0/tsdb', [{hostId: web, name, time: now(), value}])
  const evaluate = async () => (await call(sb, 'POST', '/_sandbox/evaluate', undefined, null)).body
  /** the alert status of every webhook received, in order */
  const received = async () => {
    await sb.webhooksSettled()
    return rx.got.map((g) => g.body.alert.status)
  }
  const monitor = async (extra: object = {}) => {
    const r = await call(sb, 'POST', '/api/v0/monitors', {type: 'host', name: 'load', metric: 'loadavg5', operator: '>', warning: 2, critical: 4, duration: 5, ...extra})
    assert.equal(r.status, 200, r.text)
    return r.body.id as string
  }

  it('an open alert is notified again every notificationInterval minutes with the payload of its opening, until it closes', async () => {
    await monitor({notificationInterval: 10})
    await post(9)
    assert.deepEqual(await received(), ['critical'])
    minutes(9)
    assert.deepEqual(await evaluate(), {changed: 0, renotified: 0, now: now()})
    minutes(1)
    assert.deepEqual(await evaluate(), {changed: 0, renotified: 1, now: now()})
    assert.deepEqual(await evaluate(), {changed: 0, renotified: 0, now: now()}, 'once per interval')
    assert.deepEqual(await received(), ['critical', 'critical'])
    assert.deepEqual(rx.got[1].body, rx.got[0].body, 'the same payload as the opening')
    assert.equal(rx.got[1].url, '/hook')
    minutes(10)
    await evaluate()
    assert.deepEqual(await received(), ['critical', 'critical', 'critical'])
    await post(0) // closes: the recovery is notified once, and nothing follows
    minutes(30)
    await evaluate()
    assert.deepEqual(await received(), ['critical', 'critical', 'critical', 'ok'])
  })

  it('no notificationInterval: never again; the schedule restarts at every status change; a stopped clock catches up once', async () => {
    const quiet = await monitor()
    await post(9)
    minutes(60)
    await evaluate()
    assert.deepEqual(await received(), ['critical'])
    await call(sb, 'DELETE', `/api/v0/monitors/${quiet}`) // closes its alert (notified)
    await sb.webhooksSettled()
    rx.got.length = 0

    await monitor({notificationInterval: 10, duration: 1})
    const t0 = now()
    await post(9) // opens CRITICAL at t0
    minutes(5)
    await post(3) // WARNING at t0+5
    minutes(5)
    await evaluate() // t0+10: 5 minutes since the change, nothing
    minutes(5)
    await evaluate() // t0+15: re-notified
    assert.deepEqual(await received(), ['critical', 'warning', 'warning'])
    minutes(35) // t0+50: three intervals passed, one notification on the t0+45 schedule
    assert.equal((await evaluate()).renotified, 1)
    minutes(4)
    assert.equal((await evaluate()).renotified, 0)
    minutes(1) // t0+55
    assert.equal((await evaluate()).renotified, 1)
    assert.equal(now(), t0 + 55 * 60)
  })

  it('a muted monitor, a downtime and a maintenance host silence re-notifications; they resume afterwards', async () => {
    const m = await monitor({notificationInterval: 10})
    await post(9)
    await call(sb, 'PUT', `/api/v0/monitors/${m}`, {type: 'host', name: 'load', metric: 'loadavg5', operator: '>', warning: 2, critical: 4, duration: 5, notificationInterval: 10, isMute: true})
    minutes(10)
    assert.equal((await evaluate()).renotified, 1, 'due, but the webhook sender drops it')
    assert.deepEqual(await received(), ['critical'])
    await call(sb, 'PUT', `/api/v0/monitors/${m}`, {type: 'host', name: 'load', metric: 'loadavg5', operator: '>', warning: 2, critical: 4, duration: 5, notificationInterval: 10})
    const dt = await call(sb, 'POST', '/api/v0/downtimes', {name: 'dt', start: now(), duration: 15, monitorScopes: [m]})
    assert.equal(dt.status, 200, dt.text)
    minutes(10)
    await evaluate()
    assert.deepEqual(await received(), ['critical'])
    await call(sb, 'POST', `/api/v0/hosts/${web}/status`, {status: 'maintenance'})
    minutes(10) // the downtime is over, but the host is in maintenance: not monitored
    assert.equal((await evaluate()).renotified, 0)
    await call(sb, 'POST', `/api/v0/hosts/${web}/status`, {status: 'working'})
    assert.equal((await evaluate()).renotified, 1)
    assert.deepEqual(await received(), ['critical', 'critical'])
  })

  it('a check alert is re-notified on its latest report’s interval (below 10 counts as 10)', async () => {
    const report = (status: string, notificationInterval?: number) =>
      call(sb, 'POST', '/api/v0/monitoring/checks/report', {
        reports: [{source: {type: 'host', hostId: web}, name: 'backup', status, message: `backup ${status}`, occurredAt: now(), ...(notificationInterval !== undefined ? {notificationInterval} : {})}],
      })
    await report('CRITICAL', 3)
    minutes(9)
    await evaluate()
    minutes(1)
    await evaluate()
    assert.deepEqual(await received(), ['critical', 'critical'])
    assert.equal(rx.got[1].body.alert.monitorName, 'backup')
    await report('CRITICAL') // the latest report has none: no more re-notifications
    minutes(30)
    await evaluate()
    assert.deepEqual(await received(), ['critical', 'critical'])
  })

  it('a connectivity alert takes a changed alertStatusOnGone at its re-notification', async () => {
    const m = (await call(sb, 'POST', '/api/v0/monitors', {type: 'connectivity', notificationInterval: 10})).body.id
    await post(1)
    minutes(5)
    await evaluate()
    assert.deepEqual(await received(), ['critical'])
    await call(sb, 'PUT', `/api/v0/monitors/${m}`, {type: 'connectivity', notificationInterval: 10, alertStatusOnGone: 'WARNING'})
    minutes(5)
    assert.equal((await evaluate()).changed, 0, 'the open alert keeps its status until it is re-notified')
    minutes(5)
    assert.deepEqual(await evaluate(), {changed: 1, renotified: 0, now: now()})
    assert.deepEqual(await received(), ['critical', 'warning'])
    minutes(10)
    assert.equal((await evaluate()).renotified, 1)
    assert.deepEqual(await received(), ['critical', 'warning', 'warning'])
  })
})

describe('sandbox: re-notification on the evaluation timer', () => {
  it('the timer re-sends the webhook once the sandbox clock passes the interval (no wall-clock assumption)', async () => {
    const rx = await receiver()
    const clock = {ms: NOW_S * 1000}
    // the timer runs every 20 ms real time; only the test moves the sandbox clock
    const sb = await sandbox({seed: false, evaluateEveryMs: 20, webhookRetries: 0, now: () => clock.ms})
    try {
      await call(sb, 'POST', '/api/v0/channels', {name: 'hook', type: 'webhook', url: rx.url, events: ['alert'], addToDefaultNotificationGroup: true})
      const web = (await call(sb, 'POST', '/api/v0/hosts', {name: 'web', meta: {}})).body.id
      await call(sb, 'POST', '/api/v0/monitors', {type: 'host', name: 'load', metric: 'loadavg5', operator: '>', critical: 4, duration: 10, notificationInterval: 10})
      await call(sb, 'POST', '/api/v0/tsdb', [{hostId: web, name: 'loadavg5', time: NOW_S, value: 9}])
      clock.ms += 10 * 60_000
      const deadline = Date.now() + 20_000 // generous: two busy cores may delay timers a lot
      while (rx.got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      await sb.webhooksSettled()
      assert.deepEqual(rx.got.map((g) => g.body.alert.status), ['critical', 'critical'])
    } finally {
      await sb.close()
      await rx.close()
    }
  })
})
