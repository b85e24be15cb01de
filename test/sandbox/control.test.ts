import assert from 'node:assert/strict'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {request as httpRequest} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseFaultFlag} from '../../src/sandbox/faults.js'
import {startSandbox} from '../../src/sandbox/server.js'
import {call, NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: faults, control routes, persistence', () => {
  let sb: SB
  beforeEach(async () => {
    sb = await sandbox()
  })
  afterEach(() => sb.close())

  describe('faults', () => {
    it('status faults apply `times` times, then normal handling resumes', async () => {
      sb.addFault({path: '/api/v0/org', status: 503, times: 2})
      const a = await call(sb, 'GET', '/api/v0/org')
      assert.equal(a.status, 503)
      assert.ok(a.body.error.message)
      assert.equal((await call(sb, 'GET', '/api/v0/org')).status, 503)
      assert.equal((await call(sb, 'GET', '/api/v0/org')).status, 200)
    })

    it('match method, exact path, prefix* and * (all API routes, not control routes); custom body', async () => {
      sb.addFault({method: 'POST', path: '/api/v0/hosts', status: 500})
      assert.equal((await call(sb, 'GET', '/api/v0/hosts')).status, 200)
      assert.equal((await call(sb, 'POST', '/api/v0/hosts', {name: 'a', meta: {}})).status, 500)
      sb.clearFaults()
      sb.addFault({path: '/api/v0/hosts/*', status: 429, body: '{"error":"slow down"}'})
      assert.equal((await call(sb, 'GET', '/api/v0/hosts')).status, 200)
      const limited = await call(sb, 'GET', '/api/v0/hosts/abc')
      assert.equal(limited.status, 429)
      assert.deepEqual(limited.body, {error: 'slow down'})
      sb.clearFaults()
      sb.addFault({path: '*', status: 502})
      assert.equal((await call(sb, 'GET', '/api/v0/alerts')).status, 502)
      assert.equal((await call(sb, 'GET', '/_sandbox/requests', undefined, null)).status, 200)
    })

    it('drop destroys the connection without an answer; delay answers normally afterwards', async () => {
      sb.addFault({path: '/api/v0/org', drop: true, times: 1})
      await assert.rejects(call(sb, 'GET', '/api/v0/org'), /socket hang up|ECONNRESET/)
      assert.equal((await call(sb, 'GET', '/api/v0/org')).status, 200)
      sb.addFault({path: '/api/v0/org', delayMs: 50, times: 1})
      assert.equal((await call(sb, 'GET', '/api/v0/org')).status, 200)
      assert.deepEqual(
        sb.requests().map((r) => r.status),
        [0, 200, 200],
      )
    })

    it('a client that gives up during a delay does not wedge the server', async () => {
      sb.addFault({path: '/api/v0/hosts', delayMs: 100, times: 1})
      await new Promise<void>((resolve) => {
        const req = httpRequest(sb.url + '/api/v0/hosts', {method: 'POST', headers: {'X-Api-Key': 'sandbox'}, agent: false})
        req.on('error', () => resolve())
        req.write('{"name":')
        setTimeout(() => req.destroy(), 20)
      })
      await new Promise((r) => setTimeout(r, 150))
      assert.equal((await call(sb, 'GET', '/api/v0/org')).status, 200)
      assert.equal(sb.store.listHosts().length, 4)
    })

    it('faults from options and via POST/DELETE /_sandbox/faults; bad faults are 400', async () => {
      const other = await sandbox({faults: [{path: '/api/v0/org', status: 504}]})
      try {
        assert.equal((await call(other, 'GET', '/api/v0/org')).status, 504)
      } finally {
        await other.close()
      }
      assert.deepEqual((await call(sb, 'POST', '/_sandbox/faults', {path: '/api/v0/org', status: 500, times: 1}, null)).body, {success: true})
      assert.deepEqual((await call(sb, 'GET', '/_sandbox/faults', undefined, null)).body, [{path: '/api/v0/org', status: 500, times: 1}])
      assert.equal((await call(sb, 'GET', '/api/v0/org')).status, 500)
      await call(sb, 'POST', '/_sandbox/faults', {path: '/api/v0/org', status: 500}, null)
      assert.deepEqual((await call(sb, 'DELETE', '/_sandbox/faults', undefined, null)).body, {success: true})
      assert.equal((await call(sb, 'GET', '/api/v0/org')).status, 200)
      for (const bad of [{}, {path: 'api'}, {path: '/x'}, {path: '/x', status: 99}, {path: '/x', drop: 'yes'}, {path: '/x', status: 500, times: 0}]) {
        const r = await call(sb, 'POST', '/_sandbox/faults', bad, null)
        assert.equal(r.status, 400, JSON.stringify(bad))
        assert.ok(r.body.error.message)
      }
    })

    it('parses the --fault flag syntax', () => {
      const table: [string, unknown][] = [
        ['/api/v0/org=503', {path: '/api/v0/org', status: 503}],
        ['POST /api/v0/monitoring/checks/report=503x3', {path: '/api/v0/monitoring/checks/report', method: 'POST', status: 503, times: 3}],
        ['*=drop', {path: '*', drop: true}],
        ['get /api/v0/hosts*=dropx2', {path: '/api/v0/hosts*', method: 'GET', drop: true, times: 2}],
        ['/api/v0/alerts=delay:2000', {path: '/api/v0/alerts', delayMs: 2000}],
        ['/api/v0/alerts=delay:2000x1', {path: '/api/v0/alerts', delayMs: 2000, times: 1}],
      ]
      for (const [spec, want] of table) assert.deepEqual(parseFaultFlag(spec), want, spec)
      for (const bad of ['/api/v0/org', 'api=503', '/x=boom', '/x=503x0', '/x=5033', 'GET  POST /x=503', '/x=delay:', '/x=099'])
        assert.throws(() => parseFaultFlag(bad), /invalid --fault/, bad)
    })
  })

  describe('control routes', () => {
    it('GET /_sandbox/requests logs API requests with method, path, query, status, time', async () => {
      await call(sb, 'GET', '/api/v0/hosts?status=working&service=demo')
      await call(sb, 'GET', '/api/v0/hosts', undefined, null)
      const r = await call(sb, 'GET', '/_sandbox/requests', undefined, null)
      assert.deepEqual(r.body, [
        {method: 'GET', path: '/api/v0/hosts', query: 'status=working&service=demo', status: 200, time: NOW_S * 1000},
        {method: 'GET', path: '/api/v0/hosts', query: '', status: 401, time: NOW_S * 1000},
      ])
      await call(sb, 'DELETE', '/_sandbox/requests', undefined, null)
      assert.deepEqual(sb.requests(), [])
    })

    it('GET /_sandbox/reports returns received reports; /_sandbox/state dumps the store', async () => {
      const hostId = [...sb.store.hosts.values()][0].id
      const rep = {source: {type: 'host', hostId}, name: 'x', status: 'OK', message: '', occurredAt: NOW_S}
      await call(sb, 'POST', '/api/v0/monitoring/checks/report', {reports: [rep]})
      const r = await call(sb, 'GET', '/_sandbox/reports', undefined, null)
      assert.deepEqual(r.body, [{receivedAt: NOW_S, accepted: true, report: rep}])
      const state = (await call(sb, 'GET', '/_sandbox/state', undefined, null)).body
      assert.equal(state.version, 1)
      assert.ok(state.hosts.some((h: any) => h.id === hostId))
      assert.equal((await call(sb, 'GET', '/_sandbox/nothing', undefined, null)).status, 404)
    })
  })

  describe('persistence', () => {
    let dir: string
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'mkr-sandbox-'))
    })
    afterEach(() => rmSync(dir, {recursive: true, force: true}))

    it('saves after writes and loads the same state on the next start', async () => {
      const file = join(dir, 'state.json')
      const a = await startSandbox({dataFile: file})
      const created = await call(a, 'POST', '/api/v0/hosts', {name: 'persisted', meta: {x: 1}, roleFullnames: ['keep:me']})
      await a.close()
      assert.deepEqual(readdirSync(dir), ['state.json'])
      const b = await startSandbox({dataFile: file})
      try {
        const h = (await call(b, 'GET', `/api/v0/hosts/${created.body.id}`)).body.host
        assert.equal(h.name, 'persisted')
        assert.deepEqual(h.roles, {keep: ['me']})
        assert.deepEqual(h.meta, {x: 1})
        const names = (await call(b, 'GET', '/api/v0/hosts')).body.hosts.map((x: any) => x.name)
        assert.equal(names.filter((n: string) => n === 'web01').length, 1, 'not seeded twice')
        assert.equal(JSON.parse(readFileSync(file, 'utf8')).version, 1)
      } finally {
        await b.close()
      }
    })

    it('channels, groups, downtimes, dashboards, users, invitations, settings, AWS integrations, graph defs and metadata survive a restart', async () => {
      const file = join(dir, 'state.json')
      const a = await startSandbox({dataFile: file})
      const ch = (await call(a, 'POST', '/api/v0/channels', {name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/x?token=t', events: ['alert']})).body
      const grp = (await call(a, 'POST', '/api/v0/notification-groups', {name: 'g', notificationLevel: 'all', childNotificationGroupIds: [], childChannelIds: [ch.id]})).body
      const dt = (await call(a, 'POST', '/api/v0/downtimes', {name: 'dt', start: 1, duration: 5})).body
      const db = (await call(a, 'POST', '/api/v0/dashboards', {title: 't', memo: '', urlPath: 'p', widgets: []})).body
      const ags = (await call(a, 'POST', '/api/v0/alert-group-settings', {name: 'ags'})).body
      const aws = (await call(a, 'POST', '/api/v0/aws-integrations', {name: 'aws', key: 'AKIA', secretKey: 's', region: 'us-east-1'})).body
      await call(a, 'POST', '/api/v0/invitations', {email: 'new@example.com', authority: 'viewer'})
      await call(a, 'POST', '/api/v0/graph-defs/create', [{name: 'custom.x', metrics: []}])
      await call(a, 'PUT', '/api/v0/services/demo/metadata/inv', {a: 1})
      const users = (await call(a, 'GET', '/api/v0/users')).body
      const groups = (await call(a, 'GET', '/api/v0/notification-groups')).body
      await a.close()
      const b = await startSandbox({dataFile: file})
      try {
        assert.ok((await call(b, 'GET', '/api/v0/channels')).body.channels.some((c: any) => c.id === ch.id && c.url === ch.url))
        assert.deepEqual((await call(b, 'GET', '/api/v0/notification-groups')).body, groups)
        assert.ok(groups.notificationGroups.some((g: any) => g.id === grp.id))
        assert.deepEqual((await call(b, 'GET', '/api/v0/downtimes')).body, {downtimes: [dt]})
        assert.deepEqual((await call(b, 'GET', `/api/v0/dashboards/${db.id}`)).body, db)
        assert.deepEqual((await call(b, 'GET', `/api/v0/alert-group-settings/${ags.id}`)).body, ags)
        assert.deepEqual((await call(b, 'GET', `/api/v0/aws-integrations/${aws.id}`)).body, aws)
        assert.deepEqual((await call(b, 'GET', '/api/v0/users')).body, users)
        assert.ok((await call(b, 'GET', '/api/v0/invitations')).body.invitations.some((i: any) => i.email === 'new@example.com'))
        assert.ok(b.store.graphDefs.has('custom.x'))
        assert.deepEqual((await call(b, 'GET', '/api/v0/services/demo/metadata/inv')).body, {a: 1})
      } finally {
        await b.close()
      }
    })

    it('batches saves: writes inside the interval reach the file together, and close() saves the rest', async () => {
      const file = join(dir, 'state.json')
      const a = await startSandbox({dataFile: file, seed: false, saveIntervalMs: 60_000, evaluateEveryMs: 0})
      const onDisk = () => JSON.parse(readFileSync(file, 'utf8')).hosts.map((h: any) => h.name)
      try {
        // a new file is written right after start (not before the first answer)
        for (let i = 0; i < 200 && !readdirSync(dir).includes('state.json'); i++) await new Promise((r) => setTimeout(r, 5))
        assert.deepEqual(onDisk(), [])
        for (const name of ['a', 'b', 'c']) assert.equal((await call(a, 'POST', '/api/v0/hosts', {name, meta: {}})).status, 200)
        assert.deepEqual(onDisk(), [], 'no save within the interval')
        a.save()
        assert.deepEqual(onDisk(), ['a', 'b', 'c'])
        await call(a, 'POST', '/api/v0/hosts', {name: 'd', meta: {}})
      } finally {
        await a.close()
      }
      assert.deepEqual(onDisk(), ['a', 'b', 'c', 'd'], 'close() saves the last answered write')
      assert.deepEqual(readdirSync(dir), ['state.json'], 'no temp file left')
    })

    it('alerts opened by monitor evaluation and the hosts connectivity watches survive a restart', async () => {
      const file = join(dir, 'state.json')
      const clock = {ms: NOW_S * 1000}
      const a = await startSandbox({dataFile: file, seed: false, now: () => clock.ms, evaluateEveryMs: 0})
      const id = (await call(a, 'POST', '/api/v0/hosts', {name: 'h', meta: {}})).body.id
      const m = (await call(a, 'POST', '/api/v0/monitors', {type: 'host', name: 'x', metric: 'x', operator: '>', critical: 1, duration: 1})).body
      await call(a, 'POST', '/api/v0/tsdb', [{hostId: id, name: 'x', time: NOW_S, value: 5}])
      await a.close()
      const b = await startSandbox({dataFile: file, now: () => clock.ms, evaluateEveryMs: 0})
      try {
        assert.equal(b.store.openAlertFor(m.id, id)?.status, 'CRITICAL')
        assert.equal(b.store.hostLastPost.get(id), NOW_S)
        await call(b, 'POST', '/api/v0/tsdb', [{hostId: id, name: 'x', time: NOW_S, value: 0}])
        assert.equal(b.store.openAlertFor(m.id, id), undefined, 'the loaded open alert is found and closed')
      } finally {
        await b.close()
      }
    })

    it('a file that is not a sandbox snapshot is an error', async () => {
      const file = join(dir, 'bad.json')
      writeFileSync(file, '{"hello":1}')
      await assert.rejects(startSandbox({dataFile: file}), /not a sandbox data file/)
      writeFileSync(file, '{')
      await assert.rejects(startSandbox({dataFile: file}), /not valid JSON/)
    })
  })
})
