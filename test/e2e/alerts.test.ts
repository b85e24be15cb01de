// What only a process shows for alerts: exit codes through bin/run.js and a real terminal (`script`).
// Everything else runs in-process: test/alerts/commands.test.ts.
import assert from 'node:assert/strict'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runMkr, runMkrTty} from './harness.js'

const NOW_MS = 1_800_000_000_000 // the sandbox clock: 2027-01-15T08:00:00Z

describe('e2e: alerts against the sandbox', () => {
  let sb: Sandbox
  let env: NodeJS.ProcessEnv
  let open: string[] // ids of open alerts, newest first

  before(async () => {
    sb = await startSandbox({port: 0, seed: false, now: () => NOW_MS})
    const s = sb.store
    const web01 = s.addHost({name: 'web01', status: 'working', roleFullnames: ['demo:web']}).id
    const db01 = s.addHost({name: 'db01', status: 'maintenance', roleFullnames: ['db:master']}).id
    const cpu = s.addMonitor({type: 'host', name: 'CPU %', metric: 'cpu%', operator: '>', warning: 80, critical: 90, duration: 1}).id
    const conn = s.addMonitor({type: 'connectivity', name: 'connectivity'}).id
    s.addAlerts(3, {type: 'host', hostId: web01, monitorId: cpu, status: 'CRITICAL', value: 95.5})
    s.addAlert({type: 'connectivity', hostId: db01, monitorId: conn, status: 'CRITICAL', openedAt: NOW_MS / 1000 + 60})
    open = s.sortedAlerts(false).map((a) => a.id)
    env = cleanEnv({MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: sb.apiKey, TZ: 'UTC', MKR_HTTP_BUDGET: '3'})
  })
  after(() => sb.close())

  it('piped: JSON and --jq, exit 0; a bad --limit exits 2 before any request; a failed close exits 1', async () => {
    let r = await runMkr(['alerts', '--jq', '.[].id'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, open.join('\n') + '\n')
    const before = sb.requests().length
    r = await runMkr(['alerts', '--limit', 'abc'], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--limit/)
    assert.equal(sb.requests().length, before)
    r = await runMkr(['alerts', 'close', 'no-such-alert'], {env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: POST \/api\/v0\/alerts\/no-such-alert\/close failed: 404 /)
  })

  it("alerts list on a real terminal: colored status with mkr's spacing (TZ from the environment)", async () => {
    const r = await runMkrTty(['alerts', 'list', '-l', '2'], {env})
    assert.equal(r.code, 0, r.stdout)
    assert.ok(
      r.stdout.includes(`${open[0]} 2027-01-15 08:01:00 \u001B[31mCRITICAL \u001B[39m connectivity db01 \u001B[33mmaintenance\u001B[39m [db:master]`),
      JSON.stringify(r.stdout),
    )
  })
})
