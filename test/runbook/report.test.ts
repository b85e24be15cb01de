import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ApiClient} from '../../src/api/client.js'
import {testIO} from '../../src/output/iostreams.js'
import {percentile, runReport, shortDuration} from '../../src/runbook/report.js'
import {RunbookState} from '../../src/runbook/state.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'

describe('alerts report', function () {
  this.timeout(20_000)
  let sb: Sandbox
  let dir: string
  const now = Math.floor(Date.now() / 1000)
  const day = 86_400

  beforeEach(async () => {
    sb = await startSandbox({seed: false})
    dir = mkdtempSync(join(tmpdir(), 'mkr-report-'))
  })
  afterEach(async () => {
    await sb.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('per monitor: opened in the window, still open, median/p95 open time, handled and healed; top hosts', async () => {
    const web = sb.store.addHost({name: 'web01'})
    const db = sb.store.addHost({name: 'db01'})
    const cpu = sb.store.addMonitor({type: 'host', name: 'cpu %'})
    const disk = sb.store.addMonitor({type: 'host', name: 'disk'})
    const mk = (monitorId: string, hostId: string, openedAt: number, closedAfter?: number) => {
      const a = sb.store.addAlert({type: 'host', monitorId, hostId, status: 'CRITICAL', openedAt})
      if (closedAfter !== undefined) {
        a.status = 'OK'
        a.closedAt = openedAt + closedAfter
      }
      return a
    }
    const healedOne = mk(cpu.id, web.id, now - 2 * day, 60)
    mk(cpu.id, web.id, now - 3 * day, 600)
    mk(cpu.id, db.id, now - 1 * day, 3600)
    mk(cpu.id, web.id, now - 100)
    mk(disk.id, db.id, now - 5 * day, 120)
    mk(disk.id, db.id, now - 30 * day, 10) // outside the 7-day window
    const state = new RunbookState(join(dir, 'state'))
    state.saveAlert({id: healedOne.id, rules: {r: {status: 'CRITICAL', at: (healedOne.openedAt + 5) * 1000, ok: true, remedies: [{name: 'fix', at: (healedOne.openedAt + 10) * 1000, ok: true}]}}})

    const t = testIO()
    const client = new ApiClient({apiBase: sb.url, apiKey: 'sandbox', sleep: async () => {}, random: () => 0})
    await runReport({from: now - 7 * day, to: now}, t.io, client, state)
    const r = JSON.parse(t.out())
    assert.equal(r.alerts, 5)
    assert.deepEqual(r.monitors[0], {
      monitorId: cpu.id,
      monitorName: 'cpu %',
      type: 'host',
      opened: 4,
      stillOpen: 1,
      medianOpenSeconds: 600,
      p95OpenSeconds: 3600,
      handled: 1,
      healed: 1,
    })
    assert.equal(r.monitors[1].monitorName, 'disk')
    assert.equal(r.monitors[1].opened, 1)
    assert.deepEqual(r.hosts.map((h: {hostName: string; opened: number}) => [h.hostName, h.opened]), [['web01', 3], ['db01', 2]])

    const tty = testIO({stdoutTTY: true, width: 100})
    await runReport({from: now - 7 * day, to: now}, tty.io, client, state)
    assert.match(tty.out(), /MONITOR +TYPE +OPENED +STILL OPEN +MEDIAN OPEN +P95 OPEN +RUNBOOK HANDLED +HEALED/)
    assert.match(tty.out(), /cpu % +host +4 +1 +10m +1h0m +1 +1/)
    assert.ok(tty.out().split('\n').every((l) => l.length <= 100))
  })

  it('stops paging once a page ends before the window', async () => {
    const h = sb.store.addHost({name: 'x'})
    const m = sb.store.addMonitor({type: 'host', name: 'm'})
    for (let i = 0; i < 350; i++) sb.store.addAlert({type: 'host', monitorId: m.id, hostId: h.id, status: 'OK', openedAt: now - i * 3600, closedAt: now - i * 3600 + 60})
    const t = testIO()
    await runReport({from: now - 2 * day, to: now}, t.io, new ApiClient({apiBase: sb.url, apiKey: 'sandbox', sleep: async () => {}, random: () => 0}), new RunbookState(join(dir, 's')))
    assert.equal(JSON.parse(t.out()).alerts, 49)
    assert.equal(sb.requests().filter((q) => q.path === '/api/v0/alerts').length, 1, 'one page of 100 covers two days')
  })

  it('percentiles and durations', () => {
    assert.equal(percentile([], 50), null)
    assert.equal(percentile([1, 2, 3, 4], 50), 2)
    assert.equal(percentile([1, 2, 3, 4], 95), 4)
    assert.equal(shortDuration(90), '1m30s')
    assert.equal(shortDuration(7200), '2h0m')
    assert.equal(shortDuration(null), '-')
  })
})
