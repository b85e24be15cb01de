import assert from 'node:assert/strict'
import {call, errorOf, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: auth, hosts, services, org', () => {
  let sb: SB
  beforeEach(async () => {
    sb = await sandbox()
  })
  afterEach(() => sb.close())

  const hostId = (name: string) => [...sb.store.hosts.values()].find((h) => h.name === name)!.id

  describe('auth', () => {
    it('401 without or with an unknown key, in the error body shape', async () => {
      for (const key of [null, 'nope']) {
        const r = await call(sb, 'GET', '/api/v0/hosts', undefined, key)
        assert.equal(r.status, 401)
        assert.equal(typeof r.body.error.message, 'string')
        assert.match(r.body.error.message, /Authentication failed/)
      }
    })

    it('the read-only key reads but gets 403 on writes, mentioning Write permission', async () => {
      const ro = await call(sb, 'GET', '/api/v0/hosts', undefined, 'sandbox-readonly')
      assert.equal(ro.status, 200)
      const w = await call(sb, 'POST', '/api/v0/hosts', {name: 'x', meta: {}}, 'sandbox-readonly')
      assert.equal(w.status, 403)
      assert.match(w.body.error.message, /Write permission/)
      assert.equal(sb.store.listHosts().some((h) => h.name === 'x'), false)
    })

    it('a custom apiKey replaces the default one', async () => {
      const other = await sandbox({apiKey: 'k123', seed: false})
      try {
        assert.equal((await call(other, 'GET', '/api/v0/hosts', undefined, 'sandbox')).status, 401)
        assert.deepEqual((await call(other, 'GET', '/api/v0/hosts', undefined, 'k123')).body, {hosts: []})
      } finally {
        await other.close()
      }
    })

    it('unknown routes are 404 and bad JSON is 400, both with error bodies', async () => {
      const r = await call(sb, 'GET', '/api/v0/nothing-here')
      assert.equal(r.status, 404)
      assert.ok(r.body.error.message)
      const j = await call(sb, 'POST', '/api/v0/hosts', '{"name":')
      assert.equal(j.status, 400)
      assert.ok(j.body.error.message)
    })
  })

  describe('list', () => {
    it('defaults to working + standby, never lists retired hosts, and has the hosts.json alias', async () => {
      const r = await call(sb, 'GET', '/api/v0/hosts')
      assert.equal(r.status, 200)
      const names = r.body.hosts.map((h: any) => h.name).sort()
      assert.deepEqual(names, ['bastion', 'db01', 'web01', 'web02'])
      const alias = await call(sb, 'GET', '/api/v0/hosts.json')
      assert.deepEqual(alias.body, r.body)
    })

    it('status is repeatable; an unknown status is 400', async () => {
      const r = await call(sb, 'GET', '/api/v0/hosts?status=maintenance&status=poweroff')
      assert.deepEqual(r.body.hosts.map((h: any) => h.name).sort(), ['worker01', 'worker02'])
      assert.equal((await call(sb, 'GET', '/api/v0/hosts?status=retired')).status, 400)
    })

    it('service, repeatable role (ignored without service), name and customIdentifier filter', async () => {
      const names = async (q: string) => (await call(sb, 'GET', '/api/v0/hosts?' + q)).body.hosts.map((h: any) => h.name).sort()
      assert.deepEqual(await names('service=demo'), ['db01', 'web01', 'web02'])
      assert.deepEqual(await names('service=demo&role=db'), ['db01'])
      assert.deepEqual(await names('service=demo&role=db&role=web'), ['db01', 'web01', 'web02'])
      assert.deepEqual(await names('role=db'), ['bastion', 'db01', 'web01', 'web02'])
      assert.deepEqual(await names('name=web02'), ['web02'])
      assert.deepEqual(await names('customIdentifier=i-0a1b2c3d4e5f60001'), ['web01'])
      assert.deepEqual(await names('service=nope'), [])
    })

    it('returns the documented host shape', async () => {
      const r = await call(sb, 'GET', '/api/v0/hosts?name=web01')
      const h = r.body.hosts[0]
      assert.match(h.id, /^[0-9A-Za-z]{11}$/)
      assert.equal(h.displayName, 'web01 (primary)')
      assert.equal(h.status, 'working')
      assert.equal(h.isRetired, false)
      assert.equal(h.size, 'standard')
      assert.deepEqual(h.roles, {demo: ['web']})
      assert.equal(typeof h.createdAt, 'number')
      assert.equal(h.interfaces[0].name, 'eth0')
      assert.equal(h.interfaces[0].ipAddress, '10.0.1.11')
      assert.deepEqual(h.interfaces[0].ipv4Addresses, ['10.0.1.11'])
      assert.equal(typeof h.meta['agent-version'], 'string')
      assert.equal('retiredAt' in h, false)
      const web02 = (await call(sb, 'GET', '/api/v0/hosts?name=web02')).body.hosts[0]
      assert.equal('displayName' in web02, false)
    })
  })

  describe('get, create, update', () => {
    it('get wraps in {host}; unknown is 404; a retired host is still readable', async () => {
      const r = await call(sb, 'GET', `/api/v0/hosts/${hostId('db01')}`)
      assert.equal(r.body.host.name, 'db01')
      const missing = await call(sb, 'GET', '/api/v0/hosts/NoSuchHost1')
      assert.equal(missing.status, 404)
      assert.ok(missing.body.error.message)
      const retired = await call(sb, 'GET', `/api/v0/hosts/${hostId('web00')}`)
      assert.equal(retired.body.host.isRetired, true)
      assert.equal(typeof retired.body.host.retiredAt, 'number')
    })

    it('create returns {id}, auto-creates services and roles, and validates', async () => {
      const r = await call(sb, 'POST', '/api/v0/hosts', {
        name: 'app01',
        meta: {},
        roleFullnames: ['shop:app'],
        interfaces: [{name: 'eth0', ipAddress: '192.0.2.1'}],
        customIdentifier: 'ci-app01',
      })
      assert.equal(r.status, 200)
      assert.deepEqual(Object.keys(r.body), ['id'])
      assert.match(r.body.id, /^[0-9A-Za-z]{11}$/)
      const h = (await call(sb, 'GET', `/api/v0/hosts/${r.body.id}`)).body.host
      assert.deepEqual(h.roles, {shop: ['app']})
      assert.deepEqual(h.interfaces[0].ipv4Addresses, ['192.0.2.1'])
      assert.equal(h.customIdentifier, 'ci-app01')
      assert.equal(h.status, 'working')
      const svcs = (await call(sb, 'GET', '/api/v0/services')).body.services
      assert.deepEqual(svcs.find((s: any) => s.name === 'shop'), {name: 'shop', memo: '', roles: ['app']})

      for (const bad of [{meta: {}}, {name: '', meta: {}}, {name: 'x'}, {name: 'x', meta: []}, {name: 'x', meta: {}, roleFullnames: ['noColon']}, []]) {
        const e = await call(sb, 'POST', '/api/v0/hosts', bad)
        assert.equal(e.status, 400, JSON.stringify(bad))
        assert.ok(e.body.error.message)
      }
      const dup = await call(sb, 'POST', '/api/v0/hosts', {name: 'y', meta: {}, customIdentifier: 'ci-app01'})
      assert.equal(dup.status, 400)
    })

    it('accepts what mkr create and mkr update send (null interfaces, checks, roleFullnames)', async () => {
    const c = await call(sb, 'POST', '/api/v0/hosts', {name: 'mkr-made', memo: '', meta: {}, interfaces: null, roleFullnames: ['demo:web'], checks: null})
    assert.equal(c.status, 200, c.text)
    const id = c.body.id
    const u = await call(sb, 'PUT', `/api/v0/hosts/${id}`, {name: 'mkr-made', displayName: 'x', memo: 'm', meta: {}, interfaces: [], roleFullnames: null, checks: null})
    assert.equal(u.status, 200, u.text)
    const h = (await call(sb, 'GET', `/api/v0/hosts/${id}`)).body.host
    assert.equal(h.displayName, 'x')
    assert.deepEqual(h.roles, {demo: ['web']})
  })

  it('update: roleFullnames is additive, customIdentifier "" clears, unknown host 404', async () => {
      const id = hostId('web01')
      const r = await call(sb, 'PUT', `/api/v0/hosts/${id}`, {name: 'web01', meta: {a: 1}, roleFullnames: ['batch:worker'], customIdentifier: ''})
      assert.deepEqual(r.body, {id})
      const h = (await call(sb, 'GET', `/api/v0/hosts/${id}`)).body.host
      assert.deepEqual(h.roles, {batch: ['worker'], demo: ['web']})
      assert.deepEqual(h.meta, {a: 1})
      assert.equal('customIdentifier' in h, false)
      assert.equal((await call(sb, 'PUT', '/api/v0/hosts/NoSuchHost1', {name: 'x', meta: {}})).status, 404)
    })
  })

  describe('status, retire, roles', () => {
    it('status: validates the enum (400), 404 on unknown hosts', async () => {
      const id = hostId('web02')
      assert.deepEqual((await call(sb, 'POST', `/api/v0/hosts/${id}/status`, {status: 'maintenance'})).body, {success: true})
      assert.equal(sb.store.getHost(id)!.status, 'maintenance')
      assert.equal((await call(sb, 'POST', `/api/v0/hosts/${id}/status`, {status: 'sleeping'})).status, 400)
      assert.equal((await call(sb, 'POST', `/api/v0/hosts/${id}/status`, {})).status, 400)
      assert.equal((await call(sb, 'POST', '/api/v0/hosts/NoSuchHost1/status', {status: 'working'})).status, 404)
    })

    it('bulk-update-statuses: ≤ 30 ids, any missing id is 404 and changes nothing', async () => {
      const ids = [hostId('web01'), hostId('web02')]
      assert.deepEqual((await call(sb, 'POST', '/api/v0/hosts/bulk-update-statuses', {status: 'standby', ids})).body, {success: true})
      assert.equal(sb.store.getHost(ids[1])!.status, 'standby')
      const missing = await call(sb, 'POST', '/api/v0/hosts/bulk-update-statuses', {status: 'poweroff', ids: [...ids, 'NoSuchHost1']})
      assert.equal(missing.status, 404)
      assert.equal(sb.store.getHost(ids[0])!.status, 'standby')
      const many = await call(sb, 'POST', '/api/v0/hosts/bulk-update-statuses', {status: 'poweroff', ids: Array(31).fill(ids[0])})
      assert.equal(many.status, 400)
      assert.equal(sb.store.getHost(ids[0])!.status, 'standby')
      const thirty = await call(sb, 'POST', '/api/v0/hosts/bulk-update-statuses', {status: 'working', ids: Array(30).fill(ids[0])})
      assert.equal(thirty.status, 200)
    })

    it('retire takes {} and hides the host from lists; bulk-retire is all or nothing', async () => {
      const id = hostId('web02')
      assert.equal((await call(sb, 'POST', `/api/v0/hosts/${id}/retire`, [])).status, 400)
      assert.equal((await call(sb, 'POST', `/api/v0/hosts/${id}/retire`, '"x"')).status, 400)
      assert.deepEqual((await call(sb, 'POST', `/api/v0/hosts/${id}/retire`, {})).body, {success: true})
      const names = (await call(sb, 'GET', '/api/v0/hosts')).body.hosts.map((h: any) => h.name)
      assert.equal(names.includes('web02'), false)
      assert.equal((await call(sb, 'GET', `/api/v0/hosts/${id}`)).body.host.isRetired, true)
      assert.equal((await call(sb, 'POST', '/api/v0/hosts/NoSuchHost1/retire', {})).status, 404)

      const a = hostId('web01')
      const b = hostId('bastion')
      assert.equal((await call(sb, 'POST', '/api/v0/hosts/bulk-retire', {ids: [a, 'NoSuchHost1']})).status, 404)
      assert.equal(sb.store.getHost(a)!.isRetired, false)
      assert.equal((await call(sb, 'POST', '/api/v0/hosts/bulk-retire', {ids: Array(31).fill(a)})).status, 400)
      assert.deepEqual((await call(sb, 'POST', '/api/v0/hosts/bulk-retire', {ids: [a, b]})).body, {success: true})
      assert.equal(sb.store.getHost(b)!.isRetired, true)
    })

    it('retire accepts JSON null (mackerel-client-go, the agent) and an empty body; 404 comes before the body check', async () => {
      const viaNull = hostId('web01')
      const viaEmpty = hostId('bastion')
      const r = await call(sb, 'POST', `/api/v0/hosts/${viaNull}/retire`, 'null')
      assert.equal(r.status, 200)
      assert.deepEqual(r.body, {success: true})
      assert.equal(sb.store.getHost(viaNull)!.isRetired, true)
      assert.deepEqual((await call(sb, 'POST', `/api/v0/hosts/${viaEmpty}/retire`)).body, {success: true})
      assert.equal(sb.store.getHost(viaEmpty)!.isRetired, true)
      for (const body of ['null', undefined, [], 'not json']) {
        const missing = await call(sb, 'POST', '/api/v0/hosts/NoSuchHost1/retire', body)
        assert.equal(missing.status, 404, String(body))
        assert.deepEqual(missing.body, {error: {message: 'Host not found: NoSuchHost1'}})
      }
      // an already retired host is gone for writes
      assert.equal((await call(sb, 'POST', `/api/v0/hosts/${viaNull}/retire`, 'null')).status, 404)
    })

    it('role-fullnames replaces the role set and validates the format', async () => {
      const id = hostId('web01')
      const r = await call(sb, 'PUT', `/api/v0/hosts/${id}/role-fullnames`, {roleFullnames: ['demo:db', 'ops:bastion']})
      assert.deepEqual(r.body, {success: true})
      assert.deepEqual((await call(sb, 'GET', `/api/v0/hosts/${id}`)).body.host.roles, {demo: ['db'], ops: ['bastion']})
      assert.equal((await call(sb, 'PUT', `/api/v0/hosts/${id}/role-fullnames`, {roleFullnames: ['demo']})).status, 400)
      assert.equal((await call(sb, 'PUT', `/api/v0/hosts/${id}/role-fullnames`, {})).status, 400)
      // what mkr update -o sends without -R
      assert.deepEqual((await call(sb, 'PUT', `/api/v0/hosts/${id}/role-fullnames`, {roleFullnames: null})).body, {success: true})
      assert.deepEqual((await call(sb, 'GET', `/api/v0/hosts/${id}`)).body.host.roles, {})
    })

    it('metric-names and monitored-statuses', async () => {
      const id = hostId('db01')
      const names = await call(sb, 'GET', `/api/v0/hosts/${id}/metric-names`)
      assert.ok(names.body.names.includes('loadavg5'))
      const ms = (await call(sb, 'GET', `/api/v0/hosts/${id}/monitored-statuses`)).body.monitoredStatuses
      const check = ms.find((s: any) => s.detail?.type === 'check')
      assert.equal(check.status, 'CRITICAL')
      assert.equal((await call(sb, 'GET', '/api/v0/hosts/NoSuchHost1/metric-names')).status, 404)
    })

    it('hosts-by-custom-identifier, case-insensitive on request', async () => {
      const r = await call(sb, 'GET', '/api/v0/hosts-by-custom-identifier/i-0a1b2c3d4e5f60002')
      assert.equal(r.body.host.name, 'web02')
      assert.equal((await call(sb, 'GET', '/api/v0/hosts-by-custom-identifier/I-0A1B2C3D4E5F60002')).status, 404)
      const ci = await call(sb, 'GET', '/api/v0/hosts-by-custom-identifier/I-0A1B2C3D4E5F60002?caseInsensitive=true')
      assert.equal(ci.body.host.name, 'web02')
    })
  })

  describe('services, roles, org', () => {
    it('lists services with sorted roles; creates services and roles; validates names', async () => {
      const list = (await call(sb, 'GET', '/api/v0/services')).body.services
      assert.deepEqual(list.find((s: any) => s.name === 'demo').roles, ['db', 'web'])
      const c = await call(sb, 'POST', '/api/v0/services', {name: 'new-svc', memo: 'm'})
      assert.deepEqual(c.body, {name: 'new-svc', memo: 'm', roles: []})
      assert.equal((await call(sb, 'POST', '/api/v0/services', {name: 'new-svc'})).status, 400)
      for (const name of ['-bad', 'a', 'x'.repeat(64), 'sp ace', 5]) assert.equal((await call(sb, 'POST', '/api/v0/services', {name})).status, 400, String(name))
      const role = await call(sb, 'POST', '/api/v0/services/new-svc/roles', {name: 'api', memo: ''})
      assert.deepEqual(role.body, {name: 'api', memo: ''})
      await call(sb, 'POST', '/api/v0/services/new-svc/roles', {name: 'a0', memo: ''})
      assert.deepEqual((await call(sb, 'GET', '/api/v0/services/new-svc/roles')).body, {roles: [{name: 'a0', memo: ''}, {name: 'api', memo: ''}]})
      assert.equal((await call(sb, 'GET', '/api/v0/services/none/roles')).status, 404)
      assert.equal((await call(sb, 'POST', '/api/v0/services/none/roles', {name: 'ab'})).status, 404)
    })

    it('GET /org is bare', async () => {
      assert.deepEqual((await call(sb, 'GET', '/api/v0/org')).body, {name: 'sandbox', displayName: 'Mackerel sandbox'})
    })
  })

  describe('seeding', () => {
    it('seed: false starts empty; seedHosts adds generated hosts', async () => {
      const empty = await sandbox({seed: false, seedHosts: 100})
      try {
        const all = await call(empty, 'GET', '/api/v0/hosts?status=working&status=standby&status=maintenance&status=poweroff')
        assert.equal(all.body.hosts.length, 100)
        assert.equal(new Set(all.body.hosts.map((h: any) => h.id)).size, 100)
      } finally {
        await empty.close()
      }
    })

    it('10,000 seeded hosts are listed', async () => {
      const big = await sandbox({seedHosts: 10_000})
      try {
        const r = await call(big, 'GET', '/api/v0/hosts?status=working&status=standby&status=maintenance&status=poweroff')
        assert.equal(r.body.hosts.length, 10_006)
      } finally {
        await big.close()
      }
    })
  })
})
