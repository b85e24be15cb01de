// Monitor evaluation (src/sandbox/evaluate.ts): posted metrics open, move and close alerts; connectivity
// for hosts that stop posting; the alert reaches a webhook receiver on 127.0.0.1. Time only moves with
// the test clock; evaluation runs after posts and through POST /_sandbox/evaluate (no timers).
import assert from 'node:assert/strict'
import {NOW_S, call, receiver, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: monitor evaluation', () => {
  let sb: SB
  let web: string
  let db: string
  beforeEach(async () => {
    sb = await sandbox({seed: false, evaluateEveryMs: 0, webhookRetries: 0})
    web = (await call(sb, 'POST', '/api/v0/hosts', {name: 'web', meta: {}, roleFullnames: ['shop:web']})).body.id
    db = (await call(sb, 'POST', '/api/v0/hosts', {name: 'db', meta: {}, roleFullnames: ['shop:db']})).body.id
  })
  afterEach(() => sb.close())

  const now = () => Math.floor(sb.clock.ms / 1000)
  const minutes = (n: number) => (sb.clock.ms += n * 60_000)
  const post = (hostId: string, name: string, value: number, time = now()) => call(sb, 'POST', '/api/v0/tsdb', [{hostId, name, time, value}])
  const evaluate = async () => (await call(sb, 'POST', '/_sandbox/evaluate', undefined, null)).body
  const alertsOf = async (monitorId: string, withClosed = true) =>
    (await call(sb, 'GET', `/api/v0/alerts?withClosed=${withClosed}`)).body.alerts.filter((a: any) => a.monitorId === monitorId)
  const monitor = async (body: object) => {
    const r = await call(sb, 'POST', '/api/v0/monitors', body)
    assert.equal(r.status, 200, r.text)
    return r.body
  }

  it('a host metric crossing a threshold opens an alert at once, moves it and closes it; the webhook receiver gets each change', async () => {
    const hook = await receiver()
    try {
      await call(sb, 'POST', '/api/v0/channels', {name: 'hook', type: 'webhook', url: hook.url, events: ['alert'], addToDefaultNotificationGroup: true})
      const m = await monitor({type: 'host', name: 'load', metric: 'loadavg5', operator: '>', warning: 2, critical: 4, duration: 1})
      await post(web, 'loadavg5', 1)
      assert.deepEqual(await alertsOf(m.id), [])
      await post(web, 'loadavg5', 3, now() + 1) // average of the last minute: 2 > 2 is false
      assert.deepEqual(await alertsOf(m.id), [])
      minutes(1)
      await post(web, 'loadavg5', 3)
      let [a] = await alertsOf(m.id)
      assert.deepEqual({status: a.status, type: a.type, hostId: a.hostId, value: a.value, openedAt: a.openedAt}, {status: 'WARNING', type: 'host', hostId: web, value: 3, openedAt: now()})
      minutes(1)
      await post(web, 'loadavg5', 9)
      ;[a] = await alertsOf(m.id)
      assert.equal(a.status, 'CRITICAL')
      assert.equal(a.value, 9)
      minutes(1)
      await post(web, 'loadavg5', 0.5)
      ;[a] = await alertsOf(m.id)
      assert.equal(a.status, 'OK')
      assert.equal(a.closedAt, now())
      assert.deepEqual(
        (await call(sb, 'GET', `/api/v0/alerts/${a.id}/logs`)).body.logs.map((l: any) => [l.status, l.trigger]),
        [['OK', 'monitoring'], ['CRITICAL', 'monitoring'], ['WARNING', 'monitoring']],
      )
      await sb.webhooksSettled()
      assert.deepEqual(
        hook.got.map(({body: p}) => [p.event, p.alert.status, p.host?.name]),
        [['alert', 'warning', 'web'], ['alert', 'critical', 'web'], ['alert', 'ok', 'web']],
      )
    } finally {
      await hook.close()
    }
  })

  it('duration averages the points of the last N minutes; with no point in the window nothing changes', async () => {
    const m = await monitor({type: 'host', name: 'load', metric: 'loadavg5', operator: '>', critical: 5, duration: 3})
    await post(web, 'loadavg5', 10)
    assert.equal((await alertsOf(m.id))[0].status, 'CRITICAL') // one point in the window: 10
    for (const v of [0, 0]) {
      minutes(1)
      await post(web, 'loadavg5', v)
    }
    // 10, 0, 0 -> 3.33: closes
    assert.equal((await alertsOf(m.id))[0].status, 'OK')
    minutes(10)
    await post(db, 'loadavg5', 0) // another host posting does not matter; web has no point in its window
    assert.deepEqual((await evaluate()).changed, 0)
    assert.equal((await alertsOf(m.id, false)).length, 0)
  })

  it('operator "<", scopes and excludeScopes select hosts; maintenance hosts and retired hosts are skipped', async () => {
    const m = await monitor({type: 'host', name: 'free', metric: 'mem.free', operator: '<', warning: 100, duration: 1, scopes: ['shop'], excludeScopes: ['shop:db']})
    await post(web, 'mem.free', 50)
    await post(db, 'mem.free', 50)
    assert.deepEqual((await alertsOf(m.id)).map((a: any) => a.hostId), [web])
    const other = (await call(sb, 'POST', '/api/v0/hosts', {name: 'o', meta: {}, roleFullnames: ['shop:web']})).body.id
    await call(sb, 'POST', `/api/v0/hosts/${other}/status`, {status: 'maintenance'})
    await post(other, 'mem.free', 1)
    assert.equal((await alertsOf(m.id)).length, 1)
    await call(sb, 'POST', `/api/v0/hosts/${web}/retire`, null)
    const [closed] = await alertsOf(m.id)
    assert.equal(closed.status, 'OK')
    assert.equal((await evaluate()).changed, 0)
  })

  it('maxCheckAttempts counts failing minutes in a row, not posts', async () => {
    const m = await monitor({type: 'host', name: 'load', metric: 'loadavg5', operator: '>', critical: 1, duration: 1, maxCheckAttempts: 3})
    await post(web, 'loadavg5', 5)
    await post(web, 'loadavg5', 5, now() - 1)
    await evaluate()
    assert.equal((await alertsOf(m.id)).length, 0)
    minutes(1)
    await post(web, 'loadavg5', 5)
    assert.equal((await alertsOf(m.id)).length, 0)
    minutes(1)
    await post(web, 'loadavg5', 5)
    assert.equal((await alertsOf(m.id))[0].status, 'CRITICAL')
  })

  it('cpu%, memory% and disk% are computed from the agent metrics', async () => {
    const cpu = await monitor({type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', critical: 50, duration: 1})
    const mem = await monitor({type: 'host', name: 'mem', metric: 'memory%', operator: '>', warning: 70, duration: 1})
    const disk = await monitor({type: 'host', name: 'disk', metric: 'disk%', operator: '>', warning: 90, duration: 1})
    const t = now()
    await call(sb, 'POST', '/api/v0/tsdb', [
      // 2 CPUs: 200 in all, 60 idle -> 70% busy
      ...Object.entries({user: 100, system: 30, idle: 60, iowait: 10}).map(([k, v]) => ({hostId: web, name: `cpu.${k}.percentage`, time: t, value: v})),
      {hostId: web, name: 'memory.total', time: t, value: 1000},
      {hostId: web, name: 'memory.available', time: t, value: 250},
      {hostId: web, name: 'filesystem.sda1.size', time: t, value: 100},
      {hostId: web, name: 'filesystem.sda1.used', time: t, value: 50},
      {hostId: web, name: 'filesystem.sdb1.size', time: t, value: 100},
      {hostId: web, name: 'filesystem.sdb1.used', time: t, value: 95},
    ])
    assert.deepEqual((await alertsOf(cpu.id)).map((a: any) => [a.status, a.value]), [['CRITICAL', 70]])
    assert.deepEqual((await alertsOf(mem.id)).map((a: any) => [a.status, a.value]), [['WARNING', 75]])
    assert.deepEqual((await alertsOf(disk.id)).map((a: any) => [a.status, a.value]), [['WARNING', 95]])
  })

  it('connectivity: only hosts that posted; alertStatusOnGone after the timeout; the next post closes it', async () => {
    const m = (await call(sb, 'GET', '/api/v0/monitors')).body.monitors.find((x: any) => x.type === 'connectivity')
      ?? (await monitor({type: 'connectivity'}))
    await post(web, 'loadavg5', 1)
    minutes(9)
    await evaluate()
    assert.equal((await alertsOf(m.id)).length, 0)
    minutes(1)
    assert.equal((await evaluate()).changed, 1)
    const [a] = await alertsOf(m.id)
    assert.deepEqual([a.type, a.status, a.hostId], ['connectivity', 'CRITICAL', web]) // db never posted
    // a changed alertStatusOnGone does not move an open alert (reference §3.0)
    await call(sb, 'PUT', `/api/v0/monitors/${m.id}`, {type: 'connectivity', alertStatusOnGone: 'WARNING'})
    minutes(5)
    assert.equal((await evaluate()).changed, 0)
    assert.equal((await alertsOf(m.id))[0].status, 'CRITICAL')
    await post(web, 'loadavg5', 1)
    assert.equal((await alertsOf(m.id))[0].status, 'OK')
    minutes(10)
    await evaluate()
    const open = await alertsOf(m.id, false)
    assert.deepEqual(open.map((x: any) => x.status), ['WARNING'])
  })

  it('a muted monitor opens alerts but sends no webhook; standby hosts likewise notify no one', async () => {
    const hook = await receiver()
    try {
      await call(sb, 'POST', '/api/v0/channels', {name: 'hook', type: 'webhook', url: hook.url, events: ['alert'], addToDefaultNotificationGroup: true})
      const muted = await monitor({type: 'host', name: 'm', metric: 'x', operator: '>', critical: 1, duration: 1, isMute: true})
      await post(web, 'x', 5)
      assert.equal((await alertsOf(muted.id))[0].status, 'CRITICAL')
      const loud = await monitor({type: 'host', name: 'l', metric: 'y', operator: '>', critical: 1, duration: 1})
      await call(sb, 'POST', `/api/v0/hosts/${db}/status`, {status: 'standby'})
      await post(db, 'y', 5)
      assert.equal((await alertsOf(loud.id))[0].status, 'CRITICAL')
      await sb.webhooksSettled()
      assert.deepEqual(hook.got, [])
    } finally {
      await hook.close()
    }
  })

  it('service metric monitors average the latest N points; missingDuration* alerts when data stops', async () => {
    await call(sb, 'POST', '/api/v0/services', {name: 'api', memo: ''})
    const m = await monitor({type: 'service', name: 'p99', service: 'api', metric: 'lat', operator: '>', warning: 100, critical: 200, duration: 2, missingDurationWarning: 10, missingDurationCritical: 20})
    const spost = (v: number) => call(sb, 'POST', '/api/v0/services/api/tsdb', [{name: 'lat', time: now(), value: v}])
    await spost(150)
    let [a] = await alertsOf(m.id)
    assert.deepEqual([a.type, a.status, a.value, 'hostId' in a], ['service', 'WARNING', 150, false])
    minutes(1)
    await spost(350) // (150 + 350) / 2
    ;[a] = await alertsOf(m.id)
    assert.deepEqual([a.status, a.value], ['CRITICAL', 250])
    minutes(1)
    await spost(10)
    minutes(1)
    await spost(10)
    ;[a] = await alertsOf(m.id)
    assert.equal(a.status, 'OK')
    minutes(10)
    await evaluate()
    assert.deepEqual((await alertsOf(m.id, false)).map((x: any) => x.status), ['WARNING'])
    minutes(10)
    await evaluate()
    assert.deepEqual((await alertsOf(m.id, false)).map((x: any) => x.status), ['CRITICAL'])
    await spost(10)
    assert.deepEqual(await alertsOf(m.id, false), [])
  })

  it('deleting a monitor closes its alerts; later evaluations open none for it', async () => {
    const m = await monitor({type: 'host', name: 'load', metric: 'loadavg5', operator: '>', critical: 1, duration: 1})
    await post(web, 'loadavg5', 5)
    await call(sb, 'DELETE', `/api/v0/monitors/${m.id}`)
    await post(web, 'loadavg5', 5)
    assert.deepEqual((await alertsOf(m.id)).map((a: any) => a.status), ['OK'])
  })
})

describe('sandbox: clock speed', () => {
  it('runs the store clock N times faster than its source, from the start', async () => {
    const source = {ms: NOW_S * 1000}
    const sb = await sandbox({now: () => source.ms, speed: 60, evaluateEveryMs: 0})
    try {
      assert.deepEqual((await call(sb, 'GET', '/_sandbox/clock', undefined, null)).body, {now: NOW_S, speed: 60})
      source.ms += 10_000 // 10 s of source time = 10 sandbox minutes
      assert.equal(sb.store.now(), NOW_S + 600)
      assert.equal(sb.now(), (NOW_S + 600) * 1000)
    } finally {
      await sb.close()
    }
  })

  it('connectivity fires after 10 sandbox minutes = 10 s of source time at speed 60', async () => {
    const source = {ms: NOW_S * 1000}
    const sb = await sandbox({now: () => source.ms, speed: 60, evaluateEveryMs: 0, seed: false})
    try {
      const id = (await call(sb, 'POST', '/api/v0/hosts', {name: 'h', meta: {}})).body.id
      const m = (await call(sb, 'POST', '/api/v0/monitors', {type: 'connectivity'})).body
      await call(sb, 'POST', '/api/v0/tsdb', [{hostId: id, name: 'x', time: sb.store.now(), value: 1}])
      source.ms += 9_000
      assert.equal(sb.evaluate().changed, 0)
      source.ms += 1_000
      assert.equal(sb.evaluate().changed, 1)
      assert.equal(sb.store.openAlertFor(m.id, id)?.status, 'CRITICAL')
    } finally {
      await sb.close()
    }
  })
})
