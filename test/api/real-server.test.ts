// The client against real servers on 127.0.0.1 (nock replaces fetch, so it cannot show what fetch
// itself does with redirects, dropped connections or raw status lines).
import assert from 'node:assert/strict'
import http from 'node:http'
import net from 'node:net'
import type {AddressInfo} from 'node:net'
import {ApiClient} from '../../src/api/client.js'
import {ApiError, NetworkError, RedirectError} from '../../src/api/errors.js'
import {failure} from '../helpers/failure.js'

const KEY = 'secret-key-123'

interface Seen {
  method: string
  url: string
  body: string
  apiKey: string | undefined
}

/** An http server on 127.0.0.1 that records every request, then lets `answer` respond. */
async function server(answer: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const seen: Seen[] = []
  const s = http.createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => {
      seen.push({method: req.method!, url: req.url!, body, apiKey: req.headers['x-api-key'] as string | undefined})
      answer(req, res, body)
    })
  })
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  return {
    seen,
    port,
    base: `http://127.0.0.1:${port}`,
    close: () => {
      s.closeAllConnections()
      return new Promise<void>((r) => s.close(() => r()))
    },
  }
}

const quick = (apiBase: string, opts: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) =>
  new ApiClient({apiBase, apiKey: KEY, sleep: async () => {}, random: () => 0, maxAttempts: 3, ...opts})

describe('ApiClient: redirects are never followed (real 127.0.0.1 servers)', () => {
  let target: Awaited<ReturnType<typeof server>>
  let redirecting: Awaited<ReturnType<typeof server>>
  let status = 301
  let location: string | undefined
  before(async () => {
    target = await server((_req, res) => {
      res.writeHead(200, {'Content-Type': 'application/json'})
      res.end('{"success":true,"id":"stolen"}')
    })
    redirecting = await server((_req, res) => {
      res.writeHead(status, location === undefined ? {} : {Location: location})
      res.end('moved')
    })
  })
  after(async () => {
    await target.close()
    await redirecting.close()
  })
  beforeEach(() => {
    target.seen.length = 0
    redirecting.seen.length = 0
  })

  for (const code of [301, 302, 303, 307, 308]) {
    it(`${code} to another host: a POST fails naming the Location, sent once, nothing reaches the target`, async () => {
      status = code
      location = `${target.base}/api/v0/graph-annotations`
      const e = await failure(() => quick(redirecting.base).post('/api/v0/graph-annotations', {title: 'deploy'}))
      assert.ok(e instanceof RedirectError)
      assert.ok(e instanceof ApiError)
      assert.equal(e.status, code)
      assert.equal(
        e.message,
        `POST /api/v0/graph-annotations failed: ${code} redirect to http://127.0.0.1:${target.port}/api/v0/graph-annotations (the Mackerel API does not redirect: check --apibase / MACKEREL_APIBASE)`,
      )
      assert.deepEqual(target.seen, [], 'the redirect target received nothing (no key, no converted GET)')
      assert.deepEqual(redirecting.seen, [
        {method: 'POST', url: '/api/v0/graph-annotations', body: '{"title":"deploy"}', apiKey: KEY},
      ])
    })
  }

  it('an idempotent GET is not retried on a redirect either, and its target receives nothing', async () => {
    status = 307
    location = `${target.base}/api/v0/org`
    const e = await failure(() => quick(redirecting.base).get('/api/v0/org'))
    assert.ok(e instanceof RedirectError)
    assert.equal(e.retryable, false)
    assert.equal(redirecting.seen.length, 1)
    assert.deepEqual(target.seen, [])
  })

  it('a relative Location is shown resolved; the key in a Location is masked', async () => {
    status = 302
    location = `/login?next=${KEY}`
    let e = await failure(() => quick(redirecting.base).get('/api/v0/hosts'))
    assert.equal(
      e.message,
      `GET /api/v0/hosts failed: 302 redirect to http://127.0.0.1:${redirecting.port}/login?next=[API key hidden] (the Mackerel API does not redirect: check --apibase / MACKEREL_APIBASE)`,
    )
    location = undefined
    e = await failure(() => quick(redirecting.base).get('/api/v0/hosts'))
    assert.equal(
      e.message,
      'GET /api/v0/hosts failed: 302 redirect without a Location (the Mackerel API does not redirect: check --apibase / MACKEREL_APIBASE)',
    )
  })
})

describe('ApiClient: a connection dropped after the request was sent (real 127.0.0.1 server)', () => {
  let dropping: Awaited<ReturnType<typeof server>>
  before(async () => {
    // reads the whole request, then closes the connection without a byte of answer
    dropping = await server((req) => req.socket.destroy())
  })
  after(() => dropping.close())
  beforeEach(() => void (dropping.seen.length = 0))

  it('a non-idempotent POST (create annotation) is sent exactly once and fails with a network error', async () => {
    const e = await failure(() => quick(dropping.base).post('/api/v0/graph-annotations', {title: 'deploy'}))
    assert.ok(e instanceof NetworkError)
    assert.equal(e.neverSent, false)
    assert.equal(e.message, `POST /api/v0/graph-annotations failed: connection to 127.0.0.1:${dropping.port} was closed before a complete response`)
    assert.deepEqual(
      dropping.seen.map((r) => `${r.method} ${r.url} ${r.body}`),
      ['POST /api/v0/graph-annotations {"title":"deploy"}'],
    )
  })

  it('the same POST marked idempotent is retried up to maxAttempts', async () => {
    const e = await failure(() => quick(dropping.base).post('/api/v0/monitoring/checks/report', {reports: []}, {idempotent: true}))
    assert.ok(e instanceof NetworkError)
    assert.equal(
      e.message,
      `POST /api/v0/monitoring/checks/report failed: connection to 127.0.0.1:${dropping.port} was closed before a complete response (after 3 attempts)`,
    )
    assert.equal(dropping.seen.length, 3)
  })
})

describe('ApiClient: a status line with control characters (raw 127.0.0.1 server)', () => {
  let raw: net.Server
  let port: number
  before(async () => {
    raw = net.createServer((socket) => {
      socket.once('data', () => {
        // a reason phrase may carry bytes >= 0x80 (obs-text); fetch reads it as UTF-8, so these are
        // U+009B (C1 CSI), U+0085 (C1 NEL) and U+202E (right-to-left override)
        const reason = Buffer.from('Teapot \u009b2J \u0085mkr: all good \u202e', 'utf8')
        socket.end(Buffer.concat([Buffer.from('HTTP/1.1 418 '), reason, Buffer.from('\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')]))
      })
    })
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r))
    port = (raw.address() as AddressInfo).port
  })
  after(() => new Promise<void>((r) => raw.close(() => r())))

  it('the status text is shown with its control characters escaped', async () => {
    const e = await failure(() => quick(`http://127.0.0.1:${port}`).get('/api/v0/org'))
    assert.ok(e instanceof ApiError)
    assert.equal(e.message, 'GET /api/v0/org failed: 418 Teapot \\x9b2J \\x85mkr: all good \\u202e')
  })
})
