import assert from 'node:assert/strict'
import {call, errorOf, NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: host, service and role metadata; graph definitions', () => {
  let sb: SB
  let hostId: string
  beforeEach(async () => {
    sb = await sandbox()
    hostId = sb.store.addHost({name: 'meta-host', roleFullnames: ['demo:web']}).id
  })
  afterEach(() => sb.close())

  for (const [kind, base, limit] of [
    ['host', () => `/api/v0/hosts/${hostId}`, 50],
    ['service', () => '/api/v0/services/demo', 50],
    ['role', () => '/api/v0/services/demo/roles/web', 10],
  ] as const) {
    it(`${kind}: PUT any JSON value, GET it back as stored with Last-Modified, list namespaces, DELETE`, async () => {
      for (const [ns, value] of [
        ['inventory', {rack: 'A1', slots: [1, 2], nested: {x: null}}],
        ['s', 'just a string'],
        ['n', null],
        ['arr', [1, 'two']],
      ] as const) {
        // JSON text, so a string value goes out quoted
        assert.deepEqual((await call(sb, 'PUT', `${base()}/metadata/${ns}`, JSON.stringify(value))).body, {success: true})
        const r = await call(sb, 'GET', `${base()}/metadata/${ns}`)
        assert.equal(r.status, 200)
        assert.deepEqual(JSON.parse(r.text), value)
      }
      const list = await call(sb, 'GET', `${base()}/metadata`)
      assert.deepEqual(list.body, {metadata: [{namespace: 'arr'}, {namespace: 'inventory'}, {namespace: 'n'}, {namespace: 's'}]})
      assert.deepEqual((await call(sb, 'DELETE', `${base()}/metadata/s`)).body, {success: true})
      assert.deepEqual(await call(sb, 'GET', `${base()}/metadata/s`).then((r) => [r.status, r.body]), [404, errorOf('Metadata not found: s')])
      assert.equal((await call(sb, 'DELETE', `${base()}/metadata/s`)).status, 404)
    })

    it(`${kind}: bad namespace 400, reserved namespace 400, > 100 KB 413, more than ${limit} namespaces 400, empty body 400`, async () => {
      for (const ns of ['bad.ns', 'mackerel-reserved', 'a%20b']) assert.equal((await call(sb, 'PUT', `${base()}/metadata/${ns}`, {})).status, 400, ns)
      assert.equal((await call(sb, 'PUT', `${base()}/metadata/big`, JSON.stringify('x'.repeat(100 * 1024)))).status, 413)
      assert.equal((await call(sb, 'PUT', `${base()}/metadata/empty`, '')).status, 400)
      for (let i = 0; i < limit; i++) assert.equal((await call(sb, 'PUT', `${base()}/metadata/ns${i}`, i)).status, 200)
      const over = await call(sb, 'PUT', `${base()}/metadata/one-more`, 1)
      assert.equal(over.status, 400)
      assert.match(over.body.error.message, new RegExp(`at most ${limit}`))
      assert.equal((await call(sb, 'PUT', `${base()}/metadata/ns0`, '"replaced"')).status, 200, 'replacing one is fine')
    })
  }

  it('Last-Modified is the time of the last PUT; unknown owners are 404; retired hosts are read-only, then gone after a week', async () => {
    await call(sb, 'PUT', `/api/v0/hosts/${hostId}/metadata/x`, 1)
    const r = await new Promise<string | undefined>((resolve, reject) => {
      import('node:http').then(({get}) =>
        get(`${sb.url}/api/v0/hosts/${hostId}/metadata/x`, {headers: {'X-Api-Key': 'sandbox'}}, (res) => {
          res.resume()
          resolve(res.headers['last-modified'])
        }).on('error', reject),
      )
    })
    assert.equal(r, new Date(NOW_S * 1000).toUTCString())
    assert.equal((await call(sb, 'GET', '/api/v0/hosts/nope/metadata')).status, 404)
    assert.equal((await call(sb, 'GET', '/api/v0/services/nope/metadata')).status, 404)
    assert.equal((await call(sb, 'GET', '/api/v0/services/demo/roles/nope/metadata')).status, 404)

    await call(sb, 'POST', `/api/v0/hosts/${hostId}/retire`, {})
    assert.equal((await call(sb, 'GET', `/api/v0/hosts/${hostId}/metadata/x`)).body, 1)
    assert.equal((await call(sb, 'PUT', `/api/v0/hosts/${hostId}/metadata/x`, 2)).status, 400)
    assert.equal((await call(sb, 'DELETE', `/api/v0/hosts/${hostId}/metadata/x`)).status, 400)
    sb.clock.ms += 8 * 86_400_000
    assert.equal((await call(sb, 'GET', `/api/v0/hosts/${hostId}/metadata`)).status, 400)
  })

  it('deleting a service or a role deletes its metadata', async () => {
    await call(sb, 'PUT', '/api/v0/services/demo/roles/web/metadata/x', 1)
    await call(sb, 'DELETE', '/api/v0/services/demo/roles/web')
    await call(sb, 'POST', '/api/v0/services/demo/roles', {name: 'web', memo: ''})
    assert.deepEqual((await call(sb, 'GET', '/api/v0/services/demo/roles/web/metadata')).body, {metadata: []})
  })

  it('graph-defs/create takes the agent and Go client bodies; DELETE /graph-defs takes a JSON body', async () => {
    const defs = [
      {name: 'custom.linux.swap', displayName: 'Swap', unit: 'integer', metrics: [{name: 'custom.linux.swap.pswpin', displayName: 'In', isStacked: false}]},
      {name: 'custom.mysql.#', unit: 'float', metrics: [{name: 'custom.mysql.#.threads', displayName: '%1 threads', isStacked: true}]},
      {name: 'custom.plain', metrics: null},
    ]
    assert.deepEqual((await call(sb, 'POST', '/api/v0/graph-defs/create', defs)).body, {success: true})
    assert.deepEqual([...sb.store.graphDefs.keys()], ['custom.linux.swap', 'custom.mysql.#', 'custom.plain'])
    const cases: [unknown, RegExp][] = [
      [{name: 'custom.x'}, /JSON array/],
      [[{name: 'linux.swap', metrics: []}], /\[0\]: name is invalid/],
      [[{name: 'custom..x', metrics: []}], /name is invalid/],
      [[{name: 'custom.#.#', metrics: []}], /# only once/],
      [[{name: 'custom.x', unit: 'furlongs', metrics: []}], /unit must be one of/],
      [[{name: 'custom.x', metrics: [{name: 'x y', isStacked: false}]}], /name is invalid/],
      [[{name: 'custom.x', metrics: [{name: 'custom.x.y', isStacked: 'no'}]}], /isStacked must be a boolean/],
    ]
    for (const [body, re] of cases) {
      const r = await call(sb, 'POST', '/api/v0/graph-defs/create', body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.match(r.body.error.message, re)
    }
    assert.deepEqual((await call(sb, 'DELETE', '/api/v0/graph-defs', {name: 'custom.plain'})).body, {success: true})
    const again = await call(sb, 'DELETE', '/api/v0/graph-defs', {name: 'custom.plain'})
    assert.equal(again.status, 400)
    assert.match(again.body.error.message, /graph definition not found/)
    assert.equal((await call(sb, 'DELETE', '/api/v0/services/demo/graph-defs/access.*')).status, 200)
    assert.equal((await call(sb, 'DELETE', '/api/v0/services/nope/graph-defs/access.*')).status, 404)
  })
})
