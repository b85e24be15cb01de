import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {testIO} from '../../src/output/iostreams.js'
import {parseRunbook} from '../../src/runbook/config.js'
import {MAX_BODY_BYTES, parseListen, sameToken, serveRunbook} from '../../src/runbook/serve.js'
import {marks as countMarks, sandboxDeps} from './helpers.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'

const TOKEN = 'a-token-of-32-characters-0123456'

function post(port: number, path: string, body: string | Buffer): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, path, method: 'POST', headers: {'content-type': 'application/json'}, agent: false}, (res) => {
      let t = ''
      res.on('data', (c) => (t += c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: t}))
    })
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve({status: 413, body: ''}) : reject(e)))
    req.end(body)
  })
}

/** Mackerel's documented alert webhook payload (https://mackerel.io/docs/entry/howto/alerts/webhook). */
function payload(alertId: string, hostId: string): string {
  return JSON.stringify({
    orgName: 'sandbox',
    event: 'alert',
    type: 'check',
    message: 'exit status 2',
    host: {id: hostId, name: 'web01', url: 'https://mackerel.io/orgs/sandbox/hosts/x', type: 'unknown', status: 'working', memo: '', isRetired: false, roles: []},
    alert: {id: alertId, status: 'critical', isOpen: true, trigger: 'monitor', monitorName: 'nightly-backup', createdAt: Date.now(), openedAt: Math.floor(Date.now() / 1000)},
  })
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (cond()) return
    await new Promise((r) => setTimeout(r, 20))
  }
  assert.fail(`timed out waiting for ${what}`)
}

describe('runbook serve (webhook receiver)', function () {
  this.timeout(30_000)
  let sb: Sandbox
  let dir: string
  let alertId: string
  let hostId: string
  let port: number
  let stop: () => void
  let done: Promise<number>
  let t: ReturnType<typeof testIO>

  async function start(rb: string) {
    t = testIO()
    let stopping = false
    let resolveStopped!: () => void
    const stopped = new Promise<void>((r) => (resolveStopped = r))
    stop = () => {
      stopping = true
      resolveStopped()
    }
    let onListen!: (p: number) => void
    const listening = new Promise<number>((r) => (onListen = r))
    done = serveRunbook(
      parseRunbook(rb, 'rb.toml'),
      {...sandboxDeps(sb, dir, t.io), stopping: () => stopping, stopped},
      {listen: '127.0.0.1:0', token: TOKEN, onListening: (a) => onListen(a.port)},
    )
    port = await listening
  }

  beforeEach(async () => {
    sb = await startSandbox({seed: false})
    dir = mkdtempSync(join(tmpdir(), 'mkr-serve-'))
    const web = sb.store.addHost({name: 'web01', roleFullnames: ['shop:web']})
    hostId = web.id
    sb.store.applyCheckReport({hostId, name: 'nightly-backup', status: 'CRITICAL', message: 'exit status 2', occurredAt: Math.floor(Date.now() / 1000)})
    alertId = [...sb.store.alerts.values()][0].id
  })
  afterEach(async () => {
    stop?.()
    await done?.catch(() => {})
    await sb.close()
    rmSync(dir, {recursive: true, force: true})
  })

  const RB = `
[[rule]]
name = "backup"
owner = "@batch"
[[rule.collect]]
name = "ctx"
command = ["/bin/sh", "-c", "echo alert=$MKR_ALERT_ID host=$MKR_HOST_NAME"]
[[rule.remedy]]
name = "slow fix"
command = ["/bin/sh", "-c", "sleep 1; echo fixed >> \\"$MARK\\"; echo fixed"]
`
  const memo = () => sb.store.alerts.get(alertId)!.memo ?? ''
  const marks = () => countMarks(dir)

  it('handles the alert a documented webhook names, after answering 200', async () => {
    await start(RB)
    const r = await post(port, `/?token=${TOKEN}`, payload(alertId, hostId))
    assert.equal(r.status, 200)
    assert.deepEqual(JSON.parse(r.body), {accepted: alertId})
    await until(() => /finished: exit 0/.test(memo()), 'the remedy result in the memo')
    assert.match(memo(), /owner: @batch/)
    assert.match(memo(), new RegExp(`alert=${alertId} host=web01`))
    assert.equal(marks(), 1)
  })

  it('a wrong or missing token gets 401 and runs nothing', async () => {
    await start(RB)
    assert.equal((await post(port, `/?token=${TOKEN.slice(0, -1)}x`, payload(alertId, hostId))).status, 401)
    assert.equal((await post(port, '/', payload(alertId, hostId))).status, 401)
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(memo(), '')
    assert.ok(!sb.requests().some((q) => q.path.startsWith('/api/v0/alerts')), 'not even a read')
    assert.doesNotMatch(t.err(), new RegExp(TOKEN.slice(0, 10)), 'the token is never logged')
  })

  it('bodies too big (413), not JSON (400), other events (200, ignored), bad ids (400)', async () => {
    await start(RB)
    assert.equal((await post(port, `/?token=${TOKEN}`, Buffer.alloc(MAX_BODY_BYTES + 10, 'a'))).status, 413)
    assert.equal((await post(port, `/?token=${TOKEN}`, '{nope')).status, 400)
    const other = await post(port, `/?token=${TOKEN}`, JSON.stringify({event: 'hostRetire'}))
    assert.equal(other.status, 200)
    assert.match(other.body, /ignored/)
    assert.equal((await post(port, `/?token=${TOKEN}`, JSON.stringify({event: 'alert', alert: {id: '../../etc'}}))).status, 400)
    assert.equal(memo(), '')
  })

  it('the same alert posted three times at once is handled once at a time, and not repeated for the same status', async () => {
    await start(RB.replace('name = "slow fix"', 'name = "slow fix"\nmax_per_hour = 10'))
    const rs = await Promise.all([1, 2, 3].map(() => post(port, `/?token=${TOKEN}`, payload(alertId, hostId))))
    assert.deepEqual(rs.map((r) => r.status), [200, 200, 200])
    await until(() => /finished: exit 0/.test(memo()), 'the remedy result')
    await new Promise((r) => setTimeout(r, 1500))
    assert.equal(marks(), 1, 'the remedy ran once')
  })

  it('a stop during a remedy lets it finish and records it', async () => {
    await start(RB)
    await post(port, `/?token=${TOKEN}`, payload(alertId, hostId))
    await until(() => /running slow fix/.test(memo()), 'the announcement')
    stop()
    assert.equal(await done, 0)
    assert.match(memo(), /finished: exit 0/)
    assert.equal(marks(), 1)
    const state = JSON.parse(readFileSync(join(dir, 'state', 'alerts', `${alertId}.json`), 'utf8'))
    assert.equal(state.rules.backup.remedies[0].ok, true)
  })

  it('parses --listen forms; compares tokens', () => {
    assert.deepEqual(parseListen('127.0.0.1:8080'), {host: '127.0.0.1', port: 8080})
    assert.deepEqual(parseListen(':9000'), {host: '127.0.0.1', port: 9000})
    assert.deepEqual(parseListen('[::1]:80'), {host: '::1', port: 80})
    assert.throws(() => parseListen('localhost'), /give HOST:PORT/)
    assert.ok(sameToken(TOKEN, TOKEN))
    assert.ok(!sameToken(null, TOKEN))
    assert.ok(!sameToken(TOKEN + 'x', TOKEN))
  })
})
