// Expression monitors: the hand-written parser of the subset (src/sandbox/expression.ts), its bounds,
// minute-aligned evaluation, and expression monitors opening, moving and closing alerts that reach a
// webhook receiver on 127.0.0.1 (src/sandbox/evaluate.ts). Time only moves with the test clock.
import assert from 'node:assert/strict'
import {MonitorEvaluator} from '../../src/sandbox/evaluate.js'
import {
  EXPRESSION_MAX_DEPTH,
  EXPRESSION_MAX_LENGTH,
  ExpressionError,
  evaluateSeries,
  latestValue,
  parseExpression,
  type ExpressionSource,
} from '../../src/sandbox/expression.js'
import {Store} from '../../src/sandbox/store.js'
import {NOW_S, call, receiver, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: expression parser (the subset, bounded, never eval)', () => {
  it('accepts the subset and records what the value depends on', () => {
    const ok: [string, {hosts?: string[]; services?: string[]; roles?: string[]}][] = [
      ['host("2eQGDXqtoXs", "loadavg5")', {hosts: ['2eQGDXqtoXs']}],
      ["service('shop', 'orders.count')", {services: ['shop']}],
      ['avg(roleSlots("demo:web","loadavg5"))', {roles: ['demo:web']}],
      ['max(role("shop:web", "loadavg5")) - min(role("shop:web", "loadavg5"))', {roles: ['shop:web']}],
      ['sum(group(host("a", "x"), role("s:r", "x"))) / 2', {hosts: ['a'], roles: ['s:r']}],
      ['avg(role("s:r", "memory.used") / 1024 / 1024)', {roles: ['s:r']}],
      ['-host("a","x") * (2 + 3.5e0) + .5', {hosts: ['a']}],
      ['  host( "a" ,\n "x" )  ', {hosts: ['a']}],
      ['host("a", "x") / host("b", "x") * 100', {hosts: ['a', 'b']}],
    ]
    for (const [text, deps] of ok) {
      const e = parseExpression(text)
      assert.deepEqual([...e.hosts], deps.hosts ?? [], text)
      assert.deepEqual([...e.services], deps.services ?? [], text)
      assert.deepEqual([...e.roles], deps.roles ?? [], text)
    }
  })

  it('rejects what is outside the subset or not an expression, with a reason', () => {
    const bad: [string, RegExp][] = [
      ['role("s:r", "loadavg5")', /several series/],
      ['roleSlots("s:r", "loadavg5") * 2', /several series/],
      ['1 + 2', /constant/],
      ['scale(host("a", "x"), 2)', /function scale\(\) is not simulated/],
      ['host("a", "cpu.*")', /wildcards/],
      ['role("web", "x")', /not a role full name/],
      ['host("a")', /takes two strings/],
      ['avg(1)', /one series or list/],
      ['role("s:r","x") + role("s:r","y")', /list \+ list/],
      ['host("a","x") +', /unexpected end/],
      ['host("a","x"', /expected "\)"/],
      ['host("a,"x")', /unterminated string|expected/],
      ['host("a","x"))', /unexpected text/],
      ['process.exit(1)', /bad number at 8/],
      ['constructor("x", "y")', /function constructor\(\) is not simulated/],
      ['host`a`', /unexpected/],
      ['1 / 0 + host("a","x")', /not a number/],
      ['', /unexpected end/],
    ]
    for (const [text, reason] of bad) assert.throws(() => parseExpression(text), (e: unknown) => e instanceof ExpressionError && reason.test(e.message), text)
  })

  it(`is bounded: ${EXPRESSION_MAX_LENGTH} characters, ${EXPRESSION_MAX_DEPTH} levels of nesting`, () => {
    const nest = (n: number) => '('.repeat(n) + 'host("a","x")' + ')'.repeat(n)
    assert.doesNotThrow(() => parseExpression(nest(EXPRESSION_MAX_DEPTH - 2)))
    assert.throws(() => parseExpression(nest(EXPRESSION_MAX_DEPTH + 1)), /nested deeper/)
    assert.throws(() => parseExpression('-'.repeat(1000) + 'host("a","x")'), /nested deeper/)
    assert.throws(() => parseExpression('avg('.repeat(5000) + 'host("a","x")' + ')'.repeat(5000)), /longer than/)
    // long but flat: fine
    const flat = Array.from({length: 100}, () => 'host("a","x")').join('+')
    assert.ok(flat.length < EXPRESSION_MAX_LENGTH)
    assert.doesNotThrow(() => parseExpression(flat))
  })

  it('evaluates minute by minute: newest point of a minute, aggregations over the hosts that have a value, arithmetic where both sides have one', () => {
    const T = NOW_S // a minute boundary
    const data: Record<string, {time: number; value: number}[]> = {
      'a/x': [{time: T - 120, value: 1}, {time: T - 60, value: 2}, {time: T - 30, value: 4}, {time: T, value: 6}],
      'b/x': [{time: T - 60, value: 10}, {time: T + 5, value: 20}],
      'c/x': [],
      'shop/orders': [{time: T - 60, value: 0}, {time: T, value: 8}],
    }
    const src: ExpressionSource = {
      hostPoints: (id, m, from, to) => (data[`${id}/${m}`] ?? []).filter((p) => p.time > from && p.time <= to),
      servicePoints: (s, m, from, to) => (data[`${s}/${m}`] ?? []).filter((p) => p.time > from && p.time <= to),
      roleHosts: (rf) => (rf === 's:r' ? ['a', 'b', 'c'] : []),
    }
    const series = (text: string, from = T - 180, to = T + 59) => Object.fromEntries([...evaluateSeries(parseExpression(text), src, from, to)].map(([t, v]) => [t - T, v]))
    assert.deepEqual(series('host("a","x")'), {'-120': 1, '-60': 4, '0': 6})
    assert.deepEqual(series('avg(role("s:r","x"))'), {'-120': 1, '-60': 7, '0': 13})
    assert.deepEqual(series('sum(roleSlots("s:r","x"))'), {'-120': 1, '-60': 14, '0': 26})
    assert.deepEqual(series('max(role("s:r","x")) - min(role("s:r","x"))'), {'-120': 0, '-60': 6, '0': 14})
    assert.deepEqual(series('host("b","x") / host("a","x") * 100'), {'-60': 250, '0': (20 / 6) * 100})
    assert.deepEqual(series('host("a","x") / service("shop","orders")'), {'0': 0.75}) // x / 0 is no value
    assert.deepEqual(series('avg(role("s:r","x") * 2 + 1)'), {'-120': 3, '-60': 15, '0': 27})
    assert.deepEqual(series('-host("a","x")'), {'-120': -1, '-60': -4, '0': -6})
    assert.deepEqual(series('avg(role("none:r","x"))'), {})
    assert.equal(latestValue(parseExpression('avg(role("s:r","x"))'), src, T - 120, T), 6) // b's T+5 is past `to`
    assert.equal(latestValue(parseExpression('avg(role("s:r","x"))'), src, T - 120, T + 5), 13)
    assert.equal(latestValue(parseExpression('avg(role("s:r","x"))'), src, T - 120, T - 1), 7)
    assert.equal(latestValue(parseExpression('host("c","x")'), src, T - 120, T), undefined)
  })
})

describe('sandbox: expression monitors', () => {
  let sb: SB
  let web1: string
  let web2: string
  let logged: string[]
  beforeEach(async () => {
    logged = []
    sb = await sandbox({seed: false, evaluateEveryMs: 0, webhookRetries: 0, log: (l) => logged.push(l)})
    web1 = (await call(sb, 'POST', '/api/v0/hosts', {name: 'web1', meta: {}, roleFullnames: ['shop:web']})).body.id
    web2 = (await call(sb, 'POST', '/api/v0/hosts', {name: 'web2', meta: {}, roleFullnames: ['shop:web']})).body.id
  })
  afterEach(() => sb.close())

  const now = () => Math.floor(sb.clock.ms / 1000)
  const minutes = (n: number) => (sb.clock.ms += n * 60_000)
  const post = (hostId: string, name: string, value: number, time = now()) => call(sb, 'POST', '/api/v0/tsdb', [{hostId, name, time, value}])
  const evaluate = async () => (await call(sb, 'POST', '/_sandbox/evaluate', undefined, null)).body
  const alertsOf = async (monitorId: string) =>
    (await call(sb, 'GET', '/api/v0/alerts?withClosed=true')).body.alerts.filter((a: any) => a.monitorId === monitorId)
  const monitor = async (body: object) => {
    const r = await call(sb, 'POST', '/api/v0/monitors', body)
    assert.equal(r.status, 200, r.text)
    return r.body
  }

  it('avg(roleSlots(...)) opens an alert at once, moves it and closes it; the webhook receiver gets each change', async () => {
    const hook = await receiver()
    try {
      await call(sb, 'POST', '/api/v0/channels', {name: 'hook', type: 'webhook', url: hook.url, events: ['alert'], addToDefaultNotificationGroup: true})
      const m = await monitor({type: 'expression', name: 'web load', expression: 'avg(roleSlots("shop:web", "loadavg5"))', operator: '>', warning: 4, critical: 8})
      await post(web1, 'loadavg5', 3)
      await post(web2, 'loadavg5', 4)
      assert.deepEqual(await alertsOf(m.id), []) // 3.5
      minutes(1)
      await post(web1, 'loadavg5', 5)
      let [a] = await alertsOf(m.id) // this minute: only web1 so far, 5
      assert.deepEqual({status: a.status, type: a.type, hostId: a.hostId, value: a.value, openedAt: a.openedAt}, {status: 'WARNING', type: 'expression', hostId: undefined, value: 5, openedAt: now()})
      await post(web2, 'loadavg5', 13) // (5 + 13) / 2
      ;[a] = await alertsOf(m.id)
      assert.deepEqual([a.status, a.value], ['CRITICAL', 9])
      minutes(1)
      await post(web1, 'loadavg5', 1)
      await post(web2, 'loadavg5', 1)
      ;[a] = await alertsOf(m.id)
      assert.deepEqual([a.status, a.closedAt], ['OK', now()])
      await sb.webhooksSettled()
      assert.deepEqual(
        hook.got.map(({body: p}) => [p.event, p.alert.status, p.alert.monitorName]),
        [['alert', 'warning', 'web load'], ['alert', 'critical', 'web load'], ['alert', 'ok', 'web load']],
      )
    } finally {
      await hook.close()
    }
  })

  it('evaluateBackwardMinutes: the newest minute with data in that window; older data changes nothing', async () => {
    const m = await monitor({type: 'expression', name: 'one host', expression: `host("${web1}", "loadavg5") * 10`, operator: '>', critical: 50, evaluateBackwardMinutes: 3})
    await post(web1, 'loadavg5', 6)
    assert.equal((await alertsOf(m.id))[0].status, 'CRITICAL')
    minutes(2)
    assert.equal((await evaluate()).changed, 0) // the point of 2 minutes ago is still the newest in the window
    await post(web2, 'loadavg5', 0) // not a host of this expression
    minutes(5)
    assert.equal((await evaluate()).changed, 0) // nothing in the window: no change
    assert.equal((await alertsOf(m.id))[0].status, 'CRITICAL')
    await post(web1, 'loadavg5', 1)
    assert.equal((await alertsOf(m.id))[0].status, 'OK')
  })

  it('service() is evaluated after a service post; "<" works; maintenance hosts leave role()', async () => {
    await call(sb, 'POST', '/api/v0/services', {name: 'shop', memo: ''})
    const s = await monitor({type: 'expression', name: 'orders', expression: 'service("shop", "orders.count")', operator: '<', warning: 10})
    await call(sb, 'POST', '/api/v0/services/shop/tsdb', [{name: 'orders.count', time: now(), value: 3}])
    assert.deepEqual((await alertsOf(s.id)).map((a: any) => [a.status, a.value]), [['WARNING', 3]])

    const r = await monitor({type: 'expression', name: 'max', expression: 'max(role("shop:web", "loadavg5"))', operator: '>', critical: 5})
    await call(sb, 'POST', `/api/v0/hosts/${web2}/status`, {status: 'maintenance'})
    await post(web2, 'loadavg5', 100)
    await post(web1, 'loadavg5', 1)
    assert.deepEqual(await alertsOf(r.id), [])
  })

  it('an expression outside the subset is never evaluated, is reported once, and the other monitors still run', async () => {
    const lines: string[] = []
    const store = new Store(() => sb.clock.ms)
    const h = store.addHost({name: 'h', roleFullnames: ['shop:web']})
    store.addService('shop', '', ['web'])
    const bad = store.addMonitor({type: 'expression', name: 'scaled\u001b[31m', expression: 'scale(avg(role("shop:web","x")), 2)', operator: '>', critical: 0})
    const good = store.addMonitor({type: 'expression', name: 'good', expression: 'avg(role("shop:web","x"))', operator: '>', critical: 0})
    const ev = new MonitorEvaluator(store, 600, (line) => lines.push(line))
    store.hostMetrics.put(h.id, 'x', now(), 5, now())
    ev.evaluateAll()
    ev.afterPost('host', [h.id])
    ev.evaluateAll()
    assert.equal(lines.length, 1)
    assert.match(lines[0], /^mkr sandbox: expression monitor \S+ "scaled\\u001b\[31m" is not simulated \(function scale\(\) is not simulated\): "scale\(avg/)
    const open = [...store.alerts.values()]
    assert.deepEqual(open.map((a) => [a.monitorId, a.status, a.value]), [[good.id, 'CRITICAL', 5]])
    // a new text is looked at again: still outside the subset, reported again; then a fixed one runs
    bad.expression = 'role("shop:web","x")'
    ev.evaluateAll()
    assert.equal(lines.length, 2)
    assert.match(lines[1], /several series/)
    bad.expression = 'sum(role("shop:web","x"))'
    ev.evaluateAll()
    assert.equal(lines.length, 2)
    assert.deepEqual([...store.alerts.values()].map((a) => a.monitorId).sort(), [bad.id, good.id].sort())
  })

  it('over HTTP, an unsimulated expression monitor opens no alert, the post still answers 200, and the log says so once', async () => {
    const m = await monitor({type: 'expression', name: 'wild', expression: `max(host("${web1}", "cpu.*"))`, operator: '>', critical: 0})
    const r = await post(web1, 'cpu.user', 50)
    assert.equal(r.status, 200)
    await evaluate()
    await evaluate()
    assert.deepEqual(await alertsOf(m.id), [])
    assert.equal(logged.filter((l) => l.includes(`expression monitor ${m.id} "wild" is not simulated`)).length, 1, logged.join('\n'))
  })
})
