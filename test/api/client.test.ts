import assert from 'node:assert/strict'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import nock from 'nock'
import {ApiClient, undiciTransport, USER_AGENT, type Transport, type WaitInfo} from '../../src/api/client.js'
import {ApiError, InvalidResponseError, NetworkError} from '../../src/api/errors.js'
import {failure} from '../helpers/failure.js'

const BASE = 'https://api.example.test'
const KEY = 'secret-key-123'

function client(opts: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) {
  const sleeps: number[] = []
  const c = new ApiClient({
    apiBase: BASE,
    apiKey: KEY,
    random: () => 0.5,
    sleep: async (ms) => void sleeps.push(ms),
    ...opts,
  })
  return {c, sleeps}
}

describe('ApiClient', () => {
  before(() => nock.disableNetConnect())
  after(() => nock.enableNetConnect())
  afterEach(() => nock.cleanAll())

  it('sends the key, user agent and JSON body, and decodes a 200', async () => {
    const scope = nock(BASE, {reqheaders: {'x-api-key': KEY, 'user-agent': USER_AGENT, 'content-type': 'application/json'}})
      .post('/api/v0/hosts', {name: 'web01'})
      .reply(200, {id: 'abc'})
    const {c} = client()
    assert.deepEqual(await c.post('/api/v0/hosts', {name: 'web01'}), {id: 'abc'})
    assert.ok(scope.isDone())
    assert.match(USER_AGENT, /^mackerel-cli\/\d+\.\d+\.\d+ \(node \d+\.\d+\.\d+; [a-z0-9]+-[a-z0-9]+\)$/)
  })

  it('keeps a path prefix of the API base and repeats array query params', async () => {
    const scope = nock(BASE).get('/prefix/api/v0/hosts').query('service=demo&role=web&role=db').reply(200, {hosts: []})
    const {c} = client({apiBase: `${BASE}/prefix/`})
    assert.deepEqual(await c.get('/api/v0/hosts', {service: 'demo', role: ['web', 'db'], name: undefined}), {hosts: []})
    assert.ok(scope.isDone())
  })

  it('400 with {"error":{"message"}}: no retry, server message in the error', async () => {
    let n = 0
    nock(BASE).post('/api/v0/hosts/bulk-update-statuses').times(5).reply(() => (n++, [400, {error: {message: 'too many ids'}}]))
    const {c} = client()
    const e = await failure(() => c.post('/api/v0/hosts/bulk-update-statuses', {}, {idempotent: true}))
    assert.ok(e instanceof ApiError)
    assert.equal(e.message, 'POST /api/v0/hosts/bulk-update-statuses failed: 400 too many ids')
    assert.equal(n, 1)
  })

  it('400 with {"error":"…"}: the string is the message', async () => {
    nock(BASE).get('/api/v0/hosts').reply(400, {error: 'invalid status'})
    const e = await failure(() => client().c.get('/api/v0/hosts'))
    assert.equal(e.message, 'GET /api/v0/hosts failed: 400 invalid status')
  })

  for (const status of [401, 403]) {
    it(`${status}: no retry, a hint about key permissions and IP limits, never the key`, async () => {
      let n = 0
      nock(BASE).get('/api/v0/org').times(5).reply(() => (n++, [status, {error: {message: 'Forbidden'}}]))
      const e = (await failure(() => client().c.get('/api/v0/org'))) as ApiError
      assert.equal(e.message, `GET /api/v0/org failed: ${status} Forbidden`)
      assert.match(e.hint!, /Write permission/)
      assert.match(e.hint!, /IP restriction/)
      assert.equal(n, 1)
      assert.ok(!JSON.stringify({m: e.message, h: e.hint, s: e.stack}).includes(KEY))
    })
  }

  it('404 is not retried', async () => {
    let n = 0
    nock(BASE).get('/api/v0/hosts/nope').times(5).reply(() => (n++, [404, {error: {message: 'Host not found'}}]))
    const e = await failure(() => client().c.get('/api/v0/hosts/nope'))
    assert.equal(e.message, 'GET /api/v0/hosts/nope failed: 404 Host not found')
    assert.equal(n, 1)
  })

  it('429 then 200: retried once, after Retry-After plus a random extra of up to 1 s (the minimum spread)', async () => {
    nock(BASE).get('/api/v0/org').reply(429, {error: {message: 'slow down'}}, {'Retry-After': '2'})
    nock(BASE).get('/api/v0/org').reply(200, {name: 'acme'})
    const {c, sleeps} = client()
    assert.deepEqual(await c.get('/api/v0/org'), {name: 'acme'})
    assert.deepEqual(sleeps, [2500]) // 2000 + 0.5 × max(1000, 2000/2)
  })

  it('503, 503, 200: three requests, backoff with full jitter grows', async () => {
    let n = 0
    nock(BASE).get('/api/v0/org').times(2).reply(() => (n++, [503, 'unavailable']))
    nock(BASE).get('/api/v0/org').reply(() => (n++, [200, {name: 'acme'}]))
    const {c, sleeps} = client()
    assert.deepEqual(await c.get('/api/v0/org'), {name: 'acme'})
    assert.equal(n, 3)
    assert.deepEqual(sleeps, [250, 500]) // random 0.5 × 500·2^(attempt-1)
  })

  it('503 forever: gives up after maxAttempts and says how many attempts', async () => {
    let n = 0
    nock(BASE).get('/api/v0/org').times(10).reply(() => (n++, [503, {error: {message: 'maintenance'}}]))
    const e = await failure(() => client({maxAttempts: 4}).c.get('/api/v0/org'))
    assert.equal(e.message, 'GET /api/v0/org failed: 503 maintenance (after 4 attempts)')
    assert.equal(n, 4)
  })

  it('a request may lower the number of attempts (maxAttempts per request)', async () => {
    let n = 0
    nock(BASE).post('/api/v0/monitoring/checks/report').times(10).reply(() => (n++, [503, {error: {message: 'down'}}]))
    const e = await failure(() => client().c.post('/api/v0/monitoring/checks/report', {reports: []}, {idempotent: true, maxAttempts: 2}))
    assert.equal(e.message, 'POST /api/v0/monitoring/checks/report failed: 503 down (after 2 attempts)')
    assert.equal(n, 2)
  })

  it('a non-idempotent POST is not retried after a 503 (the request arrived)', async () => {
    let n = 0
    nock(BASE).post('/api/v0/monitors').times(3).reply(() => (n++, [503, '']))
    const e = await failure(() => client().c.post('/api/v0/monitors', {type: 'host'}))
    assert.equal(e.message, 'POST /api/v0/monitors failed: 503 Service Unavailable')
    assert.equal(n, 1)
  })

  it('an HTML 502 body: the status text, not the HTML', async () => {
    let n = 0
    nock(BASE).get('/api/v0/org').times(10).reply(() => (n++, [502, '<html><body><h1>502 Bad Gateway</h1></body></html>', {'Content-Type': 'text/html'}]))
    const e = await failure(() => client({maxAttempts: 2}).c.get('/api/v0/org'))
    assert.equal(e.message, 'GET /api/v0/org failed: 502 Bad Gateway (after 2 attempts)')
    assert.equal(n, 2)
  })

  it('truncated JSON in a 200: an InvalidResponseError, not a crash, not retried', async () => {
    let n = 0
    nock(BASE).get('/api/v0/hosts').times(3).reply(() => (n++, [200, '{"hosts":[{"id":"a"']))
    const e = await failure(() => client().c.get('/api/v0/hosts'))
    assert.ok(e instanceof InvalidResponseError)
    assert.match(e.message, /^GET \/api\/v0\/hosts failed: invalid response: malformed JSON \(/)
    assert.equal(n, 1)
  })

  it('an HTML 200 is reported as HTML instead of JSON', async () => {
    nock(BASE).get('/api/v0/org').reply(200, '<!doctype html><title>login</title>')
    const e = await failure(() => client().c.get('/api/v0/org'))
    assert.equal(e.message, 'GET /api/v0/org failed: invalid response: HTML instead of JSON')
  })

  it('paginate follows nextId up to the limit', async () => {
    nock(BASE).get('/api/v0/alerts').query({limit: 100}).reply(200, {alerts: [{id: 'a'}, {id: 'b'}], nextId: 'b'})
    nock(BASE).get('/api/v0/alerts').query({limit: 100, nextId: 'b'}).reply(200, {alerts: [{id: 'c'}, {id: 'd'}], nextId: 'd'})
    nock(BASE).get('/api/v0/alerts').query({limit: 100, nextId: 'd'}).reply(200, {alerts: [{id: 'e'}]})
    const items = await client().c.paginate<{id: string}>('/api/v0/alerts', 'alerts')
    assert.deepEqual(items.map((a) => a.id), ['a', 'b', 'c', 'd', 'e'])
  })

  it('paginate stops at the limit and asks only for what it needs', async () => {
    nock(BASE).get('/api/v0/alerts').query({limit: 3}).reply(200, {alerts: [{id: 'a'}, {id: 'b'}, {id: 'c'}], nextId: 'c'})
    const items = await client().c.paginate<{id: string}>('/api/v0/alerts', 'alerts', {limit: 3})
    assert.deepEqual(items.map((a) => a.id), ['a', 'b', 'c'])
  })
})

describe('ApiClient against a real 127.0.0.1 server', () => {
  let server: http.Server
  let port: number
  let hits = 0
  before(async () => {
    server = http.createServer((req) => {
      hits++
      void req // never answers
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  after(() => {
    server.closeAllConnections()
    server.close()
  })

  it('a server that never answers: each attempt times out after attemptTimeoutMs, then it gives up', async () => {
    hits = 0
    const c = new ApiClient({apiBase: `http://127.0.0.1:${port}`, apiKey: KEY, attemptTimeoutMs: 150, budgetMs: 20_000, sleep: async () => {}, maxAttempts: 3})
    const e = await failure(() => c.get('/api/v0/org'))
    assert.ok(e instanceof NetworkError)
    assert.equal(e.message, 'GET /api/v0/org failed: no response within 150ms (after 3 attempts)')
    assert.equal(hits, 3)
  })

  it('a caller\'s AbortSignal cancels the attempt in flight and every retry still to come', async () => {
    hits = 0
    const c = new ApiClient({apiBase: `http://127.0.0.1:${port}`, apiKey: KEY, attemptTimeoutMs: 60_000, budgetMs: 120_000})
    const ac = new AbortController()
    const p = c.post('/api/v0/monitoring/checks/report', {reports: []}, {idempotent: true, signal: ac.signal})
    while (hits === 0) await new Promise((r) => setTimeout(r, 10))
    ac.abort()
    const e = await failure(() => p)
    assert.ok(e instanceof NetworkError)
    assert.equal(e.message, 'POST /api/v0/monitoring/checks/report failed: cancelled')
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(hits, 1, 'no retry after cancelling')
    const early = await failure(() => c.request('GET', '/api/v0/org', {signal: AbortSignal.abort()}))
    assert.equal(early.message, 'GET /api/v0/org failed: cancelled')
    assert.equal(hits, 1, 'an already cancelled request is never sent')
  })

  it('a port fetch refuses to use (9, discard) is named as such, not as a vague network error, and not retried', async () => {
    let sleeps = 0
    const c = new ApiClient({apiBase: 'http://127.0.0.1:9', apiKey: KEY, sleep: async () => void sleeps++})
    const e = await failure(() => c.get('/api/v0/org'))
    assert.equal(e.message, "GET /api/v0/org failed: port 9 of 127.0.0.1 is on fetch's list of blocked ports; use another port")
    assert.equal(sleeps, 0)
  })

  for (const transport of [undefined, undiciTransport])
    it(`a refused connection to this machine fails at once: nothing listens there (${transport ? 'undici' : 'fetch'})`, async () => {
      const closed = http.createServer()
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
      const p = (closed.address() as AddressInfo).port
      await new Promise((r) => closed.close(r))
      let sleeps = 0
      for (const host of ['127.0.0.1', 'localhost']) {
        const c = new ApiClient({apiBase: `http://${host}:${p}`, apiKey: KEY, sleep: async () => void sleeps++, transport})
        const e = (await failure(() => c.get('/api/v0/org'))) as NetworkError
        assert.match(e.message, new RegExp(`^GET /api/v0/org failed: cannot connect to ${host}:${p} \\(connection refused\\)$`))
        assert.equal(e.neverSent, true)
      }
      assert.equal(sleeps, 0, 'no retry')
    })

  it('a refused connection to another host: retried, a non-idempotent POST too (it never left), and says so', async () => {
    let calls = 0
    const refused: Transport = async () => {
      calls++
      throw Object.assign(new TypeError('fetch failed'), {cause: Object.assign(new Error('connect ECONNREFUSED 192.0.2.1:80'), {code: 'ECONNREFUSED'})})
    }
    const c = new ApiClient({apiBase: 'http://192.0.2.1', apiKey: KEY, sleep: async () => {}, maxAttempts: 3, transport: refused})
    const e = (await failure(() => c.post('/api/v0/monitors', {}))) as NetworkError
    assert.equal(e.message, 'POST /api/v0/monitors failed: cannot connect to 192.0.2.1 (connection refused) (after 3 attempts)')
    assert.equal(e.neverSent, true)
    assert.equal(calls, 3)
  })

})

describe('api/client: what a slow request waits for (onWait)', () => {
  it('a request unanswered after slowMs is announced, and its end is too', async () => {
    const events: (WaitInfo | undefined)[] = []
    let announced!: () => void
    const heard = new Promise<void>((r) => (announced = r))
    // the server answers only once the client has said it is waiting: no race with the clock
    const server = http.createServer(async (_req, res) => {
      await heard
      res.setHeader('content-type', 'application/json').end('{"name":"o"}')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const port = (server.address() as AddressInfo).port
      const c = new ApiClient({apiBase: `http://127.0.0.1:${port}`, apiKey: KEY, slowMs: 20, onWait: (w) => (events.push(w), w && announced())})
      assert.deepEqual(await c.get('/api/v0/org'), {name: 'o'})
      assert.deepEqual(events, [{method: 'GET', path: '/api/v0/org', host: `127.0.0.1:${port}`, attempt: 1}, undefined])
    } finally {
      server.close()
    }
  })

  it('a retry says why; a quick answer says nothing', async () => {
    const events: (WaitInfo | undefined)[] = []
    let calls = 0
    const flaky: Transport = async () => {
      if (++calls === 1) throw Object.assign(new TypeError('fetch failed'), {cause: Object.assign(new Error('reset'), {code: 'ECONNRESET'})})
      return {status: 200, statusText: 'OK', header: () => null, text: '{}'}
    }
    const c = new ApiClient({apiBase: 'https://api.example.com', apiKey: KEY, sleep: async () => {}, transport: flaky, onWait: (w) => events.push(w)})
    await c.get('/api/v0/org')
    assert.deepEqual(events, [
      {method: 'GET', path: '/api/v0/org', host: 'api.example.com', attempt: 2, reason: 'connection to api.example.com was closed before a complete response'},
      undefined,
    ])
    events.length = 0
    await c.get('/api/v0/org')
    assert.deepEqual(events, [])
  })
})
