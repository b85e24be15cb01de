// Proxies: the selection against the cases golang.org/x/net/http/httpproxy documents and tests (the Go
// mkr's rules), then requests through a small proxy on 127.0.0.1 (absolute-URI forwarding for http,
// CONNECT for https) with both transports and plugin install's downloads.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ApiClient, closeAgent, fetchTransport, undiciTransport, type Transport} from '../../src/api/client.js'
import {NetworkError} from '../../src/api/errors.js'
import {openTunnel, parseProxy, proxyFor, ProxyError} from '../../src/api/proxy.js'
import {request} from '../../src/plugin/http.js'
import {failure} from '../helpers/failure.js'
import {startTestProxy} from '../helpers/proxy.js'

const want = (env: NodeJS.ProcessEnv, req: string) => proxyFor(new URL(req), env)?.url.href.replace(/\/$/, '') ?? 'direct'

describe('proxyFor: Go’s rules (httpproxy)', () => {
  // [HTTP_PROXY, HTTPS_PROXY, request, expected proxy or 'direct']
  const table: Array<[string, string, string, string]> = [
    // a value is a URL or host[:port] (http assumed)
    ['127.0.0.1:8080', '', 'http://example.com', 'http://127.0.0.1:8080'],
    ['cache.corp.example.com:1234', '', 'http://example.com', 'http://cache.corp.example.com:1234'],
    ['cache.corp.example.com', '', 'http://example.com', 'http://cache.corp.example.com'],
    ['localhost', '', 'http://example.com', 'http://localhost'],
    ['https://cache.corp.example.com', '', 'http://example.com', 'https://cache.corp.example.com'],
    ['http://127.0.0.1:8080', '', 'http://example.com', 'http://127.0.0.1:8080'],
    ['https://127.0.0.1:8080', '', 'http://example.com', 'https://127.0.0.1:8080'],
    ['socks5://127.0.0.1', '', 'http://example.com', 'socks5://127.0.0.1'],
    // each scheme its own variable; https never falls back to HTTP_PROXY; other schemes are direct
    ['http.proxy.tld', 'secure.proxy.tld', 'http://insecure.tld/', 'http://http.proxy.tld'],
    ['http.proxy.tld', 'secure.proxy.tld', 'https://secure.tld/', 'http://secure.proxy.tld'],
    ['http.proxy.tld', 'https://secure.proxy.tld', 'https://secure.tld/', 'https://secure.proxy.tld'],
    ['http.proxy.tld', '', 'https://secure.tld/', 'direct'],
    ['http.proxy.tld', '', 'ftp://insecure.tld/', 'direct'],
    ['', '', 'http://example.com', 'direct'],
    // localhost and loopback addresses are never proxied, whatever NO_PROXY says
    ['proxy', 'proxy', 'http://localhost:8080/', 'direct'],
    ['proxy', 'proxy', 'https://127.0.0.1/', 'direct'],
    ['proxy', 'proxy', 'http://127.0.0.2:3000/', 'direct'],
    ['proxy', 'proxy', 'http://[::1]:8080/', 'direct'],
    ['proxy', 'proxy', 'http://[::ffff:127.0.0.1]/', 'direct'],
    ['proxy', 'proxy', 'http://[::2]/', 'http://proxy'],
    ['proxy', 'proxy', 'http://localhost.net/', 'http://proxy'],
    ['proxy', 'proxy', 'http://local.localhost/', 'http://proxy'],
  ]
  for (const [httpProxy, httpsProxy, req, expected] of table)
    it(`HTTP_PROXY=${httpProxy || '∅'} HTTPS_PROXY=${httpsProxy || '∅'} ${req} → ${expected}`, () => {
      assert.equal(want({HTTP_PROXY: httpProxy, HTTPS_PROXY: httpsProxy}, req), expected)
    })

  it('uppercase wins over lowercase; an empty value counts as unset', () => {
    assert.equal(want({HTTP_PROXY: 'upper', http_proxy: 'lower'}, 'http://a.com'), 'http://upper')
    assert.equal(want({HTTP_PROXY: '', http_proxy: 'lower'}, 'http://a.com'), 'http://lower')
    assert.equal(want({https_proxy: 'lower'}, 'https://a.com'), 'http://lower')
    assert.equal(want({HTTPS_PROXY: 'p', NO_PROXY: '', no_proxy: 'a.com'}, 'https://a.com'), 'direct')
    assert.equal(want({HTTPS_PROXY: 'p', NO_PROXY: 'b.com', no_proxy: 'a.com'}, 'https://a.com'), 'http://p')
  })

  it('NO_PROXY domains: a name matches itself and its subdomains; a leading dot or *. subdomains only', () => {
    const env = (no: string) => ({HTTP_PROXY: 'proxy', NO_PROXY: no})
    assert.equal(want(env('example.com'), 'http://example.com/'), 'direct')
    assert.equal(want(env('.example.com'), 'http://example.com/'), 'http://proxy')
    assert.equal(want(env('ample.com'), 'http://example.com/'), 'http://proxy')
    assert.equal(want(env('example.com'), 'http://foo.example.com/'), 'direct')
    assert.equal(want(env('.foo.com'), 'http://example.com/'), 'http://proxy')
    assert.equal(want(env('EXAMPLE.com'), 'http://Example.COM/'), 'direct')
    // international names compare in their ASCII form, either way round
    assert.equal(want(env('.示例.com'), 'http://www.示例.com'), 'direct')
    assert.equal(want(env('xn--fsq092h.com'), 'http://www.示例.com'), 'direct')
    assert.equal(want(env('示例.com'), 'http://www.xn--fsq092h.com'), 'direct')
  })

  // Go's TestUseProxy: every host on port 80 against one NO_PROXY list
  const list =
    'foobar.com, .barbaz.net, *.wildcard.io, 192.168.1.1, 192.168.1.2:81, 192.168.1.3:80, 10.0.0.0/30, 2001:db8::52:0:1, [2001:db8::52:0:2]:443, [2001:db8::52:0:3]:80, 2002:db8:a::45/64'
  const hosts: Array<[string, boolean]> = [
    ['localhost', false],
    ['127.0.0.1', false],
    ['127.0.0.2', false],
    ['[::1]', false],
    ['[::2]', true],
    ['192.168.1.1', false], // exact IPv4
    ['192.168.1.2', true], // the port differs
    ['192.168.1.3', false], // exact IPv4:port
    ['192.168.1.4', true],
    ['10.0.0.2', false], // IPv4 CIDR
    ['10.0.0.4', true], // just outside /30
    ['[2001:db8::52:0:1]', false], // exact IPv6
    ['[2001:db8::52:0:2]', true], // port 443 only
    ['[2001:db8::52:0:3]', false], // exact [IPv6]:port
    ['[2002:db8:a::123]', false], // IPv6 CIDR
    ['[fe80::424b:c8be:1643:a1b6]', true],
    ['barbaz.net', true], // .barbaz.net: subdomains only
    ['www.barbaz.net', false],
    ['foobar.com', false],
    ['www.foobar.com', false],
    ['foofoobar.com', true],
    ['baz.com', true],
    ['localhost.net', true],
    ['local.localhost', true],
    ['barbarbaz.net', true],
    ['wildcard.io', true], // *.wildcard.io: subdomains only
    ['nested.wildcard.io', false],
    ['awildcard.io', true],
  ]
  for (const [host, proxied] of hosts)
    it(`NO_PROXY list: ${host}:80 is ${proxied ? 'proxied' : 'direct'}`, () => {
      assert.equal(want({HTTP_PROXY: 'proxy', NO_PROXY: list}, `http://${host}:80/`), proxied ? 'http://proxy' : 'direct')
      // `*` alone: nothing is proxied
      assert.equal(want({HTTP_PROXY: 'proxy', NO_PROXY: '*'}, `http://${host}:80/`), 'direct')
    })

  it('NO_PROXY ports: an entry with a port matches only that port (a URL without one has its scheme’s)', () => {
    const env = {HTTP_PROXY: 'p', HTTPS_PROXY: 'p', NO_PROXY: 'a.com:8080, b.com:443, 10.1.2.3:80'}
    assert.equal(want(env, 'http://a.com:8080/'), 'direct')
    assert.equal(want(env, 'http://a.com/'), 'http://p')
    assert.equal(want(env, 'https://b.com/'), 'direct')
    assert.equal(want(env, 'http://b.com/'), 'http://p')
    assert.equal(want(env, 'http://10.1.2.3/'), 'direct')
    assert.equal(want(env, 'http://10.1.2.3:81/'), 'http://p')
  })

  it('NO_PROXY: an IPv4 CIDR covers IPv4-mapped IPv6; malformed entries are skipped', () => {
    assert.equal(want({HTTP_PROXY: 'p', NO_PROXY: '10.0.0.0/8'}, 'http://[::ffff:10.9.9.9]/'), 'direct')
    assert.equal(want({HTTP_PROXY: 'p', NO_PROXY: ':1'}, 'http://example.com/'), 'http://p')
    assert.equal(want({HTTP_PROXY: 'p', NO_PROXY: ' , ,example.com'}, 'http://example.com/'), 'direct')
    assert.equal(want({HTTP_PROXY: 'p', NO_PROXY: '10.0.0.0/99'}, 'http://10.0.0.1/'), 'http://p')
  })

  it('CGI (REQUEST_METHOD set): HTTP_PROXY is refused for http; HTTPS_PROXY still applies to https', () => {
    const env = {HTTP_PROXY: 'http://10.1.2.3:8080', HTTPS_PROXY: 'https://secure.proxy.tld', REQUEST_METHOD: 'GET'}
    assert.throws(() => proxyFor(new URL('http://example.com'), env), (e: unknown) => e instanceof ProxyError && /CGI/.test(e.message) && e.permanent)
    assert.equal(want(env, 'https://secure.tld/'), 'https://secure.proxy.tld')
    assert.equal(want({HTTPS_PROXY: 'p', REQUEST_METHOD: 'GET'}, 'http://example.com'), 'direct')
  })

  it('credentials become Proxy-Authorization and leave the proxy’s URL and name', () => {
    const p = parseProxy('http://us%40er:p%3Ass@proxy:3128')!
    assert.equal(p.display, 'http://proxy:3128')
    assert.equal(p.url.href, 'http://proxy:3128/')
    assert.equal(p.authorization, `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`)
    // a user without a password still authenticates (Go sends "user:")
    assert.equal(parseProxy('user@proxy')!.authorization, `Basic ${Buffer.from('user:').toString('base64')}`)
    assert.equal(parseProxy('proxy:3128')!.authorization, undefined)
    assert.equal(parseProxy('http://proxy:80')!.display, 'http://proxy')
    assert.equal(parseProxy('http://[::1'), undefined)
  })

  it('the loopback option (tests only) proxies loopback addresses too', () => {
    assert.equal(proxyFor(new URL('http://127.0.0.1:9/'), {HTTP_PROXY: 'p'}, {loopback: true})?.display, 'http://p')
    assert.equal(proxyFor(new URL('http://127.0.0.1:9/'), {HTTP_PROXY: 'p', NO_PROXY: '127.0.0.1'}, {loopback: true}), undefined)
  })
})

// --- through a real proxy ------------------------------------------------------------------------

const USER = 'proxyuser'
const PASS = 's3cr3t-pw'
const BASIC = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`

/** The test proxy, with the credentials of these tests in its URL; `refuse` answers everything with that status. */
async function startProxy(opts: {refuse?: number} = {}) {
  const p = await startTestProxy({refuse: () => opts.refuse})
  return {...p, url: `http://${USER}:${PASS}@127.0.0.1:${p.port}`, display: `http://127.0.0.1:${p.port}`}
}

/** The API stand-in: answers every request with JSON naming what it saw. */
async function startTarget() {
  const seen: Array<{url: string; proxyAuth?: string; apiKey?: string}> = []
  const server = http.createServer((req, res) => {
    seen.push({url: req.url!, proxyAuth: req.headers['proxy-authorization'] as string | undefined, apiKey: req.headers['x-api-key'] as string | undefined})
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(JSON.stringify({organization: {name: 'via'}}))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    seen,
    base: `http://127.0.0.1:${port}`,
    port,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((r) => server.close(() => r()))
    },
  }
}

const PROXY_VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'REQUEST_METHOD']

/** Runs with exactly these proxy variables in process.env (the others removed), restoring them after. */
function withProxyEnv(vars: Record<string, string>) {
  const saved: Record<string, string | undefined> = {}
  beforeEach(() => {
    for (const k of PROXY_VARS) {
      saved[k] = process.env[k]
      delete process.env[k]
    }
    Object.assign(process.env, vars)
  })
  afterEach(() => {
    for (const k of PROXY_VARS) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
  })
}

/** Everything a failure shows (message and hint), for checking that no credential is in it. */
const shown = (e: Error) => `${e.message}\n${(e as {hint?: string}).hint ?? ''}\n${e.stack ?? ''}`

/** A client whose proxy selection proxies loopback too (the tests' option), unless `loopback` is false. */
const client = (apiBase: string, transport: Transport, maxAttempts = 3, loopback = true) =>
  new ApiClient({apiBase, apiKey: 'api-key-1', transport, sleep: async () => {}, random: () => 0, maxAttempts, proxy: {loopback}})

describe('requests through a proxy (127.0.0.1)', () => {
  let target: Awaited<ReturnType<typeof startTarget>>
  let proxy: Awaited<ReturnType<typeof startProxy>>
  let refusing: Awaited<ReturnType<typeof startProxy>>
  const env: Record<string, string> = {}
  before(async () => {
    target = await startTarget()
    proxy = await startProxy()
    refusing = await startProxy({refuse: 407})
  })
  after(async () => {
    await closeAgent()
    await Promise.all([target.close(), proxy.close(), refusing.close()])
  })
  beforeEach(() => {
    target.seen.length = proxy.seen.length = refusing.seen.length = 0
  })
  withProxyEnv(env)

  for (const [name, transport] of [
    ['undici', undiciTransport],
    ['fetch', fetchTransport],
  ] as const) {
    describe(`${name} transport`, () => {
      it('http: an absolute-URI request to the proxy, with Proxy-Authorization from the URL’s credentials', async () => {
        process.env.HTTP_PROXY = proxy.url
        const body = await client(target.base, transport).get<{organization: {name: string}}>('/api/v0/org')
        assert.equal(body.organization.name, 'via')
        assert.deepEqual(proxy.seen, [{method: 'GET', url: `${target.base}/api/v0/org`, auth: BASIC}])
        assert.equal(target.seen.length, 1)
        assert.equal(target.seen[0].proxyAuth, undefined)
        assert.equal(target.seen[0].apiKey, 'api-key-1')
      })

      it('lowercase http_proxy works too; NO_PROXY sends the request direct', async () => {
        process.env.http_proxy = proxy.url
        await client(target.base, transport).get('/api/v0/org')
        assert.equal(proxy.seen.length, 1)
        process.env.NO_PROXY = '127.0.0.0/8'
        await client(target.base, transport).get('/api/v0/org')
        assert.equal(proxy.seen.length, 1)
        assert.equal(target.seen.length, 2)
      })

      it('without the tests’ loopback option, a loopback API base never goes through the proxy', async () => {
        process.env.HTTP_PROXY = proxy.url
        await client(target.base, transport, 3, false).get('/api/v0/org')
        assert.equal(proxy.seen.length, 0)
        assert.equal(target.seen.length, 1)
      })

      it('a proxy answering 407 fails at once naming the proxy, never the credentials', async () => {
        process.env.HTTP_PROXY = `http://${USER}:${PASS}@127.0.0.1:${refusing.port}`
        const e = await failure(client(target.base, transport).post('/api/v0/tsdb', [], {idempotent: true}))
        assert.ok(e instanceof NetworkError, String(e))
        assert.equal(e.message, `POST /api/v0/tsdb failed: proxy ${refusing.display} refused the request: 407 Proxy Authentication Required`)
        assert.match(e.hint ?? '', /HTTP_PROXY/)
        assert.equal(refusing.seen.length, 1, 'not retried')
        assert.equal(target.seen.length, 0)
        assert.ok(!shown(e).includes(PASS) && !shown(e).includes(USER), shown(e))
      })

      it('an unreachable proxy: a network failure naming it (retried, never sent, so a POST may retry)', async () => {
        const closed = await startProxy()
        await closed.close()
        process.env.HTTP_PROXY = closed.url
        const e = await failure(client(target.base, transport).post('/api/v0/graph-annotations', {}))
        assert.ok(e instanceof NetworkError, String(e))
        assert.equal(e.message, `POST /api/v0/graph-annotations failed: cannot connect to proxy ${closed.display} (connection refused) (after 3 attempts)`)
        assert.equal(e.neverSent, true)
        assert.ok(!shown(e).includes(PASS) && !shown(e).includes(USER), shown(e))
      })

      it('https: a CONNECT tunnel with Proxy-Authorization, the target’s certificate still checked', async function () {
        const tls = await tlsServer()
        if (!tls) return this.skip()
        try {
          process.env.HTTPS_PROXY = proxy.url
          process.env.HTTP_PROXY = 'http://127.0.0.1:9' // never used for https
          const e = await failure(client(`https://127.0.0.1:${tls.port}`, transport, 1).get('/api/v0/org'))
          assert.ok(e instanceof NetworkError, String(e))
          assert.match(e.message, /GET \/api\/v0\/org failed: /)
          assert.deepEqual(proxy.seen, [{method: 'CONNECT', url: `127.0.0.1:${tls.port}`, auth: BASIC}])
          assert.equal(tls.requests, 0, 'no request over an unverified connection')
          assert.ok(!shown(e).includes(PASS), shown(e))
        } finally {
          await tls.close()
        }
      })

      it('https: a proxy refusing the CONNECT fails at once naming the proxy', async () => {
        process.env.HTTPS_PROXY = `http://${USER}:${PASS}@127.0.0.1:${refusing.port}`
        const e = await failure(client('https://api.example.invalid', transport).get('/api/v0/org'))
        assert.ok(e instanceof NetworkError, String(e))
        assert.equal(e.message, `GET /api/v0/org failed: proxy ${refusing.display} refused a tunnel to api.example.invalid:443: 407 Refused`)
        assert.deepEqual(refusing.seen, [{method: 'CONNECT', url: 'api.example.invalid:443', auth: BASIC}])
        assert.ok(!shown(e).includes(PASS) && !shown(e).includes(USER), shown(e))
      })

      it('an unsupported proxy scheme (socks5) fails at once naming the proxy', async () => {
        process.env.HTTP_PROXY = `socks5://${USER}:${PASS}@127.0.0.1:1080`
        const e = await failure(client(target.base, transport).get('/api/v0/org'))
        assert.equal(e.message, 'GET /api/v0/org failed: proxy socks5://127.0.0.1:1080: the socks5 scheme is not supported (use an http:// or https:// proxy)')
        assert.equal(target.seen.length, 0)
        assert.ok(!shown(e).includes(PASS), shown(e))
      })
    })
  }

  describe('openTunnel', () => {
    it('CONNECT through the proxy: bytes flow to the target', async () => {
      const p = parseProxy(proxy.url)!
      const socket = await openTunnel(p, '127.0.0.1', target.port, 5_000)
      const answer = await new Promise<string>((resolve) => {
        let text = ''
        socket.on('data', (d: Buffer) => (text += d.toString()))
        socket.on('end', () => resolve(text))
        socket.resume()
        socket.write('GET /tunnelled HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      })
      assert.match(answer, /^HTTP\/1\.1 200/)
      assert.equal(target.seen.at(-1)?.url, '/tunnelled')
      assert.deepEqual(proxy.seen, [{method: 'CONNECT', url: `127.0.0.1:${target.port}`, auth: BASIC}])
    })
  })

  // (plain http goes only to loopback addresses, which are never proxied)
  describe('plugin install downloads', () => {
    it('https: a CONNECT refused, or a proxy not listening, names the proxy', async () => {
      process.env.HTTPS_PROXY = `http://${USER}:${PASS}@127.0.0.1:${refusing.port}`
      let e = await failure(request('https://github.com/mackerelio/x/releases/download/v1/x.zip'))
      assert.equal(e.message, `cannot reach https://github.com/mackerelio/x/releases/download/v1/x.zip: proxy ${refusing.display} refused a tunnel to github.com:443: 407 Refused`)
      assert.deepEqual(refusing.seen, [{method: 'CONNECT', url: 'github.com:443', auth: BASIC}])
      const closed = await startProxy()
      await closed.close()
      process.env.HTTPS_PROXY = closed.url
      e = await failure(request('https://github.com/x'))
      assert.equal(e.message, `cannot reach https://github.com/x: cannot connect to proxy ${closed.display} (connection refused)`)
      assert.ok(!shown(e).includes(PASS), shown(e))
    })

    it('https through the tunnel: the certificate is checked end to end', async function () {
      const tls = await tlsServer()
      if (!tls) return this.skip()
      try {
        process.env.HTTPS_PROXY = proxy.url
        const e = await failure(request(`https://127.0.0.1:${tls.port}/x.zip`, {proxy: {loopback: true}}))
        assert.match(e.message, /^cannot reach https:\/\/127\.0\.0\.1:\d+\/x\.zip: .*(self[- ]signed|certificate)/i)
        assert.equal(proxy.seen[0]?.method, 'CONNECT')
        assert.equal(tls.requests, 0)
      } finally {
        await tls.close()
      }
    })
  })
})

/** An https server with a self-signed certificate (made with openssl), or undefined without openssl. */
async function tlsServer() {
  const dir = mkdtempSync(join(tmpdir(), 'mkr-proxy-tls-'))
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], {stdio: 'ignore'})
  } catch {
    rmSync(dir, {recursive: true, force: true})
    return undefined
  }
  const state = {requests: 0}
  const server = https.createServer({key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem'))}, (_req, res) => {
    state.requests++
    res.end('{}')
  })
  rmSync(dir, {recursive: true, force: true})
  server.on('tlsClientError', () => {})
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as AddressInfo).port,
    get requests() {
      return state.requests
    },
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((r) => server.close(() => r()))
    },
  }
}
