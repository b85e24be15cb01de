import assert from 'node:assert/strict'
import nock from 'nock'
import {
  annotationJson,
  createAnnotation,
  cutToCodePoints,
  deleteAnnotation,
  descriptionFromCheckMessage,
  listAnnotations,
  normalizeRoles,
  updateAnnotation,
  validateAnnotation,
} from '../../src/api/annotations.js'
import {ApiClient} from '../../src/api/client.js'
import {ApiError, InvalidResponseError} from '../../src/api/errors.js'
import {CliError, UsageError} from '../../src/errors.js'

const BASE = 'https://api.example.test'
const client = () => new ApiClient({apiBase: BASE, apiKey: 'k', random: () => 0, sleep: async () => {}})
const a = {title: 'deploy', description: 'v1.2', from: 1714500000, to: 1714500600, service: 'web', roles: ['app', 'db']}

describe('api/annotations', () => {
  before(() => nock.disableNetConnect())
  after(() => nock.enableNetConnect())
  afterEach(() => nock.cleanAll())

  it('create POSTs the annotation and returns it with its id', async () => {
    const scope = nock(BASE).post('/api/v0/graph-annotations', a).reply(200, {id: 'an1', ...a})
    assert.deepEqual(await createAnnotation(client(), a), {id: 'an1', ...a})
    assert.ok(scope.isDone())
  })

  it('create is not retried after the server answered (a POST could create it twice)', async () => {
    const scope = nock(BASE).post('/api/v0/graph-annotations').once().reply(503, {error: {message: 'busy'}})
    await assert.rejects(createAnnotation(client(), a), (e: Error) => e instanceof ApiError && e.status === 503)
    assert.ok(scope.isDone())
  })

  it('list sends service, from and to, and unwraps graphAnnotations', async () => {
    nock(BASE)
      .get('/api/v0/graph-annotations')
      .query({service: 'web', from: '1714500000', to: '1714600000'})
      .reply(200, {graphAnnotations: [{id: 'an1', ...a}]})
    assert.deepEqual(await listAnnotations(client(), {service: 'web', from: 1714500000, to: 1714600000}), [{id: 'an1', ...a}])
  })

  it('list rejects a body without the array', async () => {
    nock(BASE).get('/api/v0/graph-annotations').query(true).reply(200, {annotations: []})
    await assert.rejects(listAnnotations(client(), {service: 'web', from: 1, to: 2}), InvalidResponseError)
  })

  it('update PUTs to the encoded id; delete returns what was deleted', async () => {
    nock(BASE).put('/api/v0/graph-annotations/a%2Fb', a).reply(200, {id: 'a/b', ...a})
    assert.equal((await updateAnnotation(client(), 'a/b', a)).id, 'a/b')
    nock(BASE).delete('/api/v0/graph-annotations/an1').reply(200, {id: 'an1', ...a})
    assert.equal((await deleteAnnotation(client(), 'an1')).title, 'deploy')
  })
})

describe('validateAnnotation', () => {
  const base = {title: 't', from: 10, to: 20, service: 'web'}
  const cases: [string, Record<string, unknown>, RegExp | null][] = [
    ['a minimal annotation', {}, null],
    ['from == to', {from: 20}, null],
    ['from > to', {from: 21}, /--from \(21\) is after --to \(20\)/],
    ['a 250-character title', {title: 'x'.repeat(250)}, null],
    ['a 251-character title', {title: 'x'.repeat(251)}, /title is 251 characters long; the limit is 250/],
    ['250 emoji (500 UTF-16 units, 250 code points)', {title: '😀'.repeat(250)}, null],
    ['a 1024-character description', {description: 'd'.repeat(1024)}, null],
    ['a 1025-character description', {description: 'd'.repeat(1025)}, /description is 1025 characters long; the limit is 1024/],
    ['no title', {title: ''}, /needs a title/],
  ]
  for (const [name, patch, err] of cases)
    it(name, () => {
      const input = {...base, ...patch}
      if (err === null) validateAnnotation(input)
      else assert.throws(() => validateAnnotation(input), (e: Error) => e instanceof CliError && e.exitCode === 2 && err.test(e.message))
    })
})

describe('annotationJson', () => {
  it("uses mackerel-client-go's field order and drops empty fields", () => {
    const out = annotationJson({roles: ['r'], service: 's', to: 2, from: 1, description: 'd', title: 't', id: 'i'})
    assert.deepEqual(Object.keys(out), ['id', 'title', 'description', 'from', 'to', 'service', 'roles'])
    assert.deepEqual(annotationJson({id: 'i', title: 't', description: '', from: 1, to: 2, service: 's', roles: []}), {
      id: 'i',
      title: 't',
      from: 1,
      to: 2,
      service: 's',
    })
  })
})

describe('normalizeRoles', () => {
  it('splits commas, trims, drops empties and duplicates', () => {
    assert.deepEqual(normalizeRoles(['app,db', ' cache ', '', 'app,'], 'web'), ['app', 'db', 'cache'])
  })
  it('accepts svc:role of the same service and strips the service', () => {
    assert.deepEqual(normalizeRoles(['web:app'], 'web'), ['app'])
  })
  it('rejects svc:role of another service as a usage error', () => {
    assert.throws(() => normalizeRoles(['other:app'], 'web'), (e: Error) => e instanceof UsageError && /names service "other"/.test(e.message))
  })
  it('is undefined without roles (the whole service)', () => {
    assert.equal(normalizeRoles(undefined, 'web'), undefined)
    assert.equal(normalizeRoles([' , '], 'web'), undefined)
  })
})

describe('descriptionFromCheckMessage', () => {
  it('is undefined when unset or empty', () => {
    assert.equal(descriptionFromCheckMessage({}), undefined)
    assert.equal(descriptionFromCheckMessage({MACKEREL_CHECK_MESSAGE: ''}), undefined)
  })
  it('passes a short message through', () => {
    assert.equal(descriptionFromCheckMessage({MACKEREL_CHECK_MESSAGE: 'CRITICAL: disk 97%\n'}), 'CRITICAL: disk 97%\n')
  })
  it('cuts a long message to 1024 code points, the last one an ellipsis', () => {
    const d = descriptionFromCheckMessage({MACKEREL_CHECK_MESSAGE: '😀'.repeat(2000)})!
    assert.equal(Array.from(d).length, 1024)
    assert.ok(d.endsWith('😀…'))
    assert.equal(cutToCodePoints('abc', 3), 'abc')
    assert.equal(cutToCodePoints('abcd', 3), 'ab…')
  })
})
