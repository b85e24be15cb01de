import assert from 'node:assert/strict'
import {call, NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: check reports and check monitors', () => {
  let sb: SB
  let hostId: string
  beforeEach(async () => {
    sb = await sandbox()
    hostId = sb.store.addHost({name: 'job-runner', roleFullnames: ['batch:worker']}).id
  })
  afterEach(() => sb.close())

  const report = (over: Record<string, unknown> = {}) => ({
    source: {type: 'host', hostId},
    name: 'nightly',
    status: 'CRITICAL',
    message: 'failed',
    occurredAt: NOW_S,
    ...over,
  })
  const post = (reports: unknown[]) => call(sb, 'POST', '/api/v0/monitoring/checks/report', {reports})
  const checkAlerts = () => [...sb.store.alerts.values()].filter((a) => a.type === 'check' && a.hostId === hostId)

  it('the first report creates a check monitor; CRITICAL opens a check alert, OK closes it', async () => {
    assert.deepEqual((await post([report()])).body, {success: true})
    const mon = sb.store.checkMonitorByName('nightly')!
    assert.ok(mon)
    const [open] = checkAlerts()
    assert.equal(open.status, 'CRITICAL')
    assert.equal(open.monitorId, mon.id)
    assert.equal(open.message, 'failed')
    const list = await call(sb, 'GET', '/api/v0/alerts')
    assert.ok(list.body.alerts.some((a: any) => a.id === open.id && a.type === 'check' && a.hostId === hostId))


    sb.clock.ms += 60_000
    await post([report({status: 'WARNING', message: 'slow', occurredAt: NOW_S + 60})])
    assert.equal(checkAlerts()[0].status, 'WARNING')
    assert.equal(checkAlerts().length, 1)

    sb.clock.ms += 60_000
    await post([report({status: 'OK', message: 'fine', occurredAt: NOW_S + 120})])
    const [closed] = checkAlerts()
    assert.equal(closed.status, 'OK')
    assert.equal(closed.closedAt, NOW_S + 120)
    assert.equal((await call(sb, 'GET', '/api/v0/alerts')).body.alerts.some((a: any) => a.id === closed.id), false)
    const logs = (await call(sb, 'GET', `/api/v0/alerts/${closed.id}/logs`)).body.logs
    assert.deepEqual(logs.map((l: any) => l.status), ['OK', 'WARNING', 'CRITICAL'])
    assert.deepEqual(logs[0].statusDetail, {type: 'check', detail: {message: 'fine', memo: ''}})
    assert.deepEqual(
      sb.reports().map((r) => [r.accepted, r.report.status]),
      [
        [true, 'CRITICAL'],
        [true, 'WARNING'],
        [true, 'OK'],
      ],
    )
    assert.equal(sb.reports()[0].receivedAt, NOW_S)
  })

  it('maxCheckAttempts: an alert opens only after that many consecutive failures', async () => {
    await post([report({maxCheckAttempts: 2})])
    assert.equal(checkAlerts().length, 0)
    await post([report({maxCheckAttempts: 2, occurredAt: NOW_S + 1})])
    assert.equal(checkAlerts().length, 1)
  })

  it('silently drops reports 6 h old or older than the latest accepted one (200, accepted:false)', async () => {
    const old = await post([report({occurredAt: NOW_S - 6 * 3600})])
    assert.equal(old.status, 200)
    assert.equal(sb.store.checkMonitorByName('nightly'), undefined)
    await post([report({occurredAt: NOW_S - 6 * 3600 + 1, status: 'OK'})])
    await post([report({occurredAt: NOW_S - 100, status: 'CRITICAL'})])
    const stale = await post([report({occurredAt: NOW_S - 200, status: 'OK'})])
    assert.equal(stale.status, 200)
    assert.deepEqual(
      sb.reports().map((r) => r.accepted),
      [false, true, true, false],
    )
    assert.equal(checkAlerts()[0].status, 'CRITICAL')
    // the same occurredAt again (a resend) is accepted
    await post([report({occurredAt: NOW_S - 100, status: 'CRITICAL'})])
    assert.equal(sb.reports().at(-1)!.accepted, true)
  })

  it('validates every report before applying any (400 with an error message)', async () => {
    const cases: [string, unknown][] = [
      ['no reports', undefined],
      ['reports not an array', 'x'],
      ['101 reports', Array.from({length: 101}, (_, i) => report({name: `c${i}`}))],
      ['source.type', [report({source: {type: 'service', hostId: 'x'}})]],
      ['missing source', [report({source: undefined})]],
      ['unknown host', [report({source: {type: 'host', hostId: 'NoSuchHost1'}})]],
      ['missing name', [report({name: undefined})]],
      ['bad name', [report({name: 'has space'})]],
      ['bad status', [report({status: 'critical'})]],
      ['missing message', [report({message: undefined})]],
      ['1025 code points', [report({message: '🐟'.repeat(1025)})]],
      ['occurredAt string', [report({occurredAt: '1718000000'})]],
      ['maxCheckAttempts 0', [report({maxCheckAttempts: 0})]],
      ['maxCheckAttempts 11', [report({maxCheckAttempts: 11})]],
      ['maxCheckAttempts 1.5', [report({maxCheckAttempts: 1.5})]],
      ['notificationInterval negative', [report({notificationInterval: -1})]],
      ['one good, one bad', [report({name: 'good'}), report({status: 'BAD'})]],
    ]
    for (const [what, reports] of cases) {
      const r = await call(sb, 'POST', '/api/v0/monitoring/checks/report', reports === undefined ? {} : {reports})
      assert.equal(r.status, 400, what)
      assert.equal(typeof r.body.error.message, 'string', what)
    }
    assert.equal(sb.reports().length, 0)
    assert.equal(sb.store.checkMonitorByName('good'), undefined)
  })

  it('accepts 100 reports, a 1024-code-point message and notificationInterval < 10', async () => {
    const r = await post(Array.from({length: 100}, (_, i) => report({name: `c${i}`, status: 'OK'})))
    assert.equal(r.status, 200)
    assert.equal((await post([report({message: '🐟'.repeat(1024), notificationInterval: 5})])).status, 200)
  })

  it('lists check monitors by id with nextId + limit; gets one; limit > 100 is 400', async () => {
    await post(Array.from({length: 5}, (_, i) => report({name: `c${i}`, status: 'OK'})))
    const all = (await call(sb, 'GET', '/api/v0/monitoring/checks')).body
    assert.equal('nextId' in all, false)
    const ids = all.checks.map((c: any) => c.id)
    assert.deepEqual(ids, [...ids].sort())
    assert.equal(all.checks.length, 6) // + the seeded "backup"

    const p1 = (await call(sb, 'GET', '/api/v0/monitoring/checks?limit=4')).body
    assert.equal(p1.checks.length, 4)
    assert.equal(p1.nextId, ids[4])
    const p2 = (await call(sb, 'GET', `/api/v0/monitoring/checks?limit=4&nextId=${p1.nextId}`)).body
    assert.deepEqual(p2.checks.map((c: any) => c.id), ids.slice(4))
    assert.equal('nextId' in p2, false)

    assert.equal((await call(sb, 'GET', '/api/v0/monitoring/checks?limit=101')).status, 400)
    const one = await call(sb, 'GET', `/api/v0/monitoring/checks/${ids[0]}`)
    assert.deepEqual(one.body, {check: all.checks[0]})
    assert.equal((await call(sb, 'GET', '/api/v0/monitoring/checks/NoSuchCheck')).status, 404)
  })
})
