// --data keeps monitor evaluation state across a restart: the failing runs maxCheckAttempts counts,
// the targets a downtime kept from alerting, and the re-notification schedule. Each test stops the
// sandbox and starts a new one on the same data file, with the test clock carried over.
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {NOW_S, call, receiver, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: evaluation state survives a restart (--data)', () => {
  let dir: string
  let file: string
  let clock: {ms: number}
  let sb: SB
  let rx: Awaited<ReturnType<typeof receiver>>
  let web: string

  const start = async () => {
    sb = await sandbox({dataFile: file, seed: false, evaluateEveryMs: 0, webhookRetries: 0, now: () => clock.ms})
  }
  const restart = async () => {
    await sb.webhooksSettled()
    await sb.close()
    await start()
  }
  const now = () => Math.floor(clock.ms / 1000)
  const minutes = (n: number) => (clock.ms += n * 60_000)
  const post = (value: number) => call(sb, 'POST', '/api/v0/tsdb', [{hostId: web, name: 'loadavg5', time: now(), value}])
  const evaluate = async () => (await call(sb, 'POST', '/_sandbox/evaluate', undefined, null)).body
  const openAlerts = async () => (await call(sb, 'GET', '/api/v0/alerts')).body.alerts.map((a: any) => `${a.type} ${a.status}`)
  const received = async () => {
    await sb.webhooksSettled()
    return rx.got.map((g) => g.body.alert.status)
  }
  const monitor = async (extra: object) => {
    const r = await call(sb, 'POST', '/api/v0/monitors', {type: 'host', name: 'load', metric: 'loadavg5', operator: '>', critical: 4, duration: 5, ...extra})
    assert.equal(r.status, 200, r.text)
    return r.body.id as string
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mkr-sandbox-eval-'))
    file = join(dir, 'state.json')
    clock = {ms: NOW_S * 1000}
    rx = await receiver()
    await start()
    await call(sb, 'POST', '/api/v0/channels', {name: 'hook', type: 'webhook', url: rx.url, events: ['alert'], addToDefaultNotificationGroup: true})
    web = (await call(sb, 'POST', '/api/v0/hosts', {name: 'web', meta: {}, roleFullnames: ['shop:web']})).body.id
  })
  afterEach(async () => {
    await sb.webhooksSettled()
    await sb.close()
    await rx.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('maxCheckAttempts keeps counting failing minutes across a restart, also those counted by a timer pass alone', async () => {
    await monitor({maxCheckAttempts: 3})
    await post(9) // failing minute 1 (counted after the post)
    minutes(1)
    await restart()
    sb.evaluate() // failing minute 2, counted by an evaluation pass (the timer's), no API write
    await restart()
    assert.deepEqual(await openAlerts(), [])
    minutes(1)
    sb.evaluate() // failing minute 3: opens
    assert.deepEqual(await openAlerts(), ['host CRITICAL'])
  })

  it('an alert a downtime kept from opening stays unopened after the downtime ends and the sandbox restarts', async () => {
    const m = await monitor({duration: 1})
    const dt = await call(sb, 'POST', '/api/v0/downtimes', {name: 'dt', start: now(), duration: 10, monitorScopes: [m]})
    assert.equal(dt.status, 200, dt.text)
    await post(9)
    minutes(11)
    await restart()
    await post(9) // the downtime is over, the value still over the threshold: still suppressed
    assert.deepEqual(await openAlerts(), [])
    minutes(1)
    await post(1) // seen OK: the suppression ends
    minutes(1)
    await post(9)
    assert.deepEqual(await openAlerts(), ['host CRITICAL'])
  })

  it('the re-notification schedule goes on from the last re-notification, not from the opening', async () => {
    await monitor({notificationInterval: 10})
    await post(9)
    minutes(10)
    assert.equal((await evaluate()).renotified, 1)
    await restart()
    minutes(5) // 15 minutes after the opening, 5 after the re-notification
    assert.equal((await evaluate()).renotified, 0)
    minutes(5)
    assert.equal((await evaluate()).renotified, 1)
    assert.deepEqual(await received(), ['critical', 'critical', 'critical'])
  })
})
