import assert from 'node:assert/strict'
import {call, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: graph annotations', () => {
  let sb: SB
  beforeEach(async () => {
    sb = await sandbox({seed: false})
    sb.store.addService('shop', '', ['web', 'db'])
    sb.store.addService('other')
  })
  afterEach(() => sb.close())

  const base = {title: 'deploy', description: 'v1', from: 1000, to: 1030, service: 'shop'}
  const create = (body: unknown) => call(sb, 'POST', '/api/v0/graph-annotations', body)
  const list = (q: string) => call(sb, 'GET', '/api/v0/graph-annotations?' + q)

  it('create echoes the input plus an id (bare)', async () => {
    const r = await create({...base, roles: ['web']})
    assert.equal(r.status, 200)
    assert.match(r.body.id, /^[0-9A-Za-z]{11}$/)
    assert.deepEqual(r.body, {id: r.body.id, ...base, roles: ['web']})
    const noDesc = await create({title: 't', from: 1, to: 1, service: 'shop'})
    assert.deepEqual(noDesc.body, {id: noDesc.body.id, title: 't', from: 1, to: 1, service: 'shop'})
  })

  it('validates: lengths, from <= to, required fields (400); unknown service or role (404)', async () => {
    assert.equal((await create({...base, title: 'x'.repeat(250)})).status, 200)
    assert.equal((await create({...base, description: '🐟'.repeat(1024)})).status, 200)
    const cases: [unknown, number][] = [
      [{...base, title: 'x'.repeat(251)}, 400],
      [{...base, description: 'x'.repeat(1025)}, 400],
      [{...base, from: 2000}, 400],
      [{...base, title: undefined}, 400],
      [{...base, title: ''}, 400],
      [{...base, from: undefined}, 400],
      [{...base, to: '1030'}, 400],
      [{...base, service: undefined}, 400],
      [{...base, roles: 'web'}, 400],
      [{...base, service: 'nope'}, 404],
      [{...base, roles: ['web', 'nope']}, 404],
      [{...base, roles: ['shop:web']}, 404],
    ]
    for (const [body, status] of cases) {
      const r = await create(body)
      assert.equal(r.status, status, JSON.stringify(body))
      assert.equal(typeof r.body.error.message, 'string')
    }
  })

  it('list needs service, from and to (400), 404 for an unknown service, returns overlapping items', async () => {
    const a = (await create({...base, from: 100, to: 200})).body
    const b = (await create({...base, from: 300, to: 400, roles: ['db']})).body
    await create({...base, service: 'other', from: 100, to: 400})
    for (const q of ['from=0&to=1000', 'service=shop&to=1000', 'service=shop&from=0', 'service=shop&from=x&to=1']) assert.equal((await list(q)).status, 400, q)
    assert.equal((await list('service=nope&from=0&to=1')).status, 404)

    const ids = async (q: string) => (await list(q)).body.graphAnnotations.map((x: any) => x.id)
    assert.deepEqual(await ids('service=shop&from=0&to=1000'), [a.id, b.id])
    assert.deepEqual(await ids('service=shop&from=200&to=300'), [a.id, b.id])
    assert.deepEqual(await ids('service=shop&from=201&to=299'), [])
    assert.deepEqual(await ids('service=shop&from=150&to=160'), [a.id])
    const items = (await list('service=shop&from=0&to=1000')).body.graphAnnotations
    assert.equal('roles' in items[0], false, 'service-wide items omit roles')
    assert.deepEqual(items[1].roles, ['db'])
  })

  it('update replaces (404 unknown, same validation); delete returns the annotation as it was', async () => {
    const a = (await create({...base, roles: ['web']})).body
    const u = await call(sb, 'PUT', `/api/v0/graph-annotations/${a.id}`, {title: 'renamed', from: 5, to: 6, service: 'other'})
    assert.deepEqual(u.body, {id: a.id, title: 'renamed', from: 5, to: 6, service: 'other'})
    assert.equal((await call(sb, 'PUT', `/api/v0/graph-annotations/${a.id}`, {...base, from: 9, to: 8})).status, 400)
    assert.equal((await call(sb, 'PUT', '/api/v0/graph-annotations/NoSuchAnnot', base)).status, 404)
    const d = await call(sb, 'DELETE', `/api/v0/graph-annotations/${a.id}`)
    assert.deepEqual(d.body, u.body)
    assert.equal((await call(sb, 'DELETE', `/api/v0/graph-annotations/${a.id}`)).status, 404)
    assert.deepEqual((await list('service=other&from=0&to=10')).body, {graphAnnotations: []})
  })

  it('the read-only key cannot create', async () => {
    assert.equal((await call(sb, 'POST', '/api/v0/graph-annotations', base, 'sandbox-readonly')).status, 403)
  })
})
