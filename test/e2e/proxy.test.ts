// The built CLI behind a proxy, as on a machine where everything goes through one: HTTP_PROXY /
// HTTPS_PROXY / NO_PROXY with a test proxy on 127.0.0.1 in front of the sandbox. The API base names
// mackerel.invalid, which only the proxy can reach (it sends every host to the sandbox): a request that
// succeeds went through it. (Selection rules and the transports are tested in-process, test/api/proxy.test.ts.)
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net, {type AddressInfo} from 'node:net'
import {join} from 'node:path'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {runWrap, wrapEnv} from '../wrap/helpers.js'
import {cleanEnv, runMkr, tempDir} from './harness.js'
import {startTestProxy} from '../helpers/proxy.js'

const USER = 'e2e-proxy-user'
const PASS = 'e2e-proxy-s3cr3t'
const BASIC = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`
const PROXY_VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'REQUEST_METHOD']

const listen = async (server: net.Server) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return (server.address() as AddressInfo).port
}
const close = (server: http.Server) => {
  server.closeAllConnections()
  return new Promise<void>((r) => server.close(() => r()))
}

describe('e2e: through a proxy', function () {
  this.timeout(60_000)
  let sb: Sandbox
  let sbPort: number
  let proxy: Awaited<ReturnType<typeof startTestProxy>>
  let proxyPort: number
  let refuse: number | undefined
  /** an https front for the sandbox, certified for mackerel.invalid (needs openssl) */
  let front: {server: https.Server; port: number; ca: string} | undefined
  const tmp = tempDir('mkr-e2e-proxy-')

  /** The CLI's environment: no inherited proxy settings, then `vars`. */
  const env = (vars: NodeJS.ProcessEnv) => {
    const e = cleanEnv({MACKEREL_APIKEY: sb.apiKey, MKR_HTTP_BUDGET: '3', ...vars})
    for (const k of PROXY_VARS) if (!(k in vars)) delete e[k]
    return e
  }
  const proxyUrl = () => `http://${USER}:${PASS}@127.0.0.1:${proxyPort}`

  before(async () => {
    sb = await startSandbox({port: 0, seed: true})
    sbPort = Number(new URL(sb.url).port)
    // every absolute-URI request goes to the sandbox, every CONNECT to the TLS front (when openssl made one)
    proxy = await startTestProxy({
      http: () => ({host: '127.0.0.1', port: sbPort}),
      connect: () => (front ? {host: '127.0.0.1', port: front.port} : undefined),
      refuse: () => refuse,
    })
    proxyPort = proxy.port
    try {
      const key = join(tmp.path, 'key.pem')
      const cert = join(tmp.path, 'cert.pem')
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=mackerel.invalid', '-addext', 'subjectAltName=DNS:mackerel.invalid'],
        {stdio: 'ignore'},
      )
      const server = https.createServer({key: readFileSync(key), cert: readFileSync(cert)}, (req, res) => {
        const up = http.request({host: '127.0.0.1', port: sbPort, path: req.url, method: req.method, headers: req.headers}, (r) => {
          res.writeHead(r.statusCode!, r.statusMessage, r.headers)
          r.pipe(res)
        })
        up.on('error', () => (res.writeHead(502), res.end()))
        req.pipe(up)
      })
      front = {server, port: await listen(server), ca: cert}
    } catch {
      front = undefined
    }
  })
  after(async () => {
    await proxy.close()
    if (front) await close(front.server)
    await sb.close()
    tmp.remove()
  })
  beforeEach(() => {
    proxy.seen.length = 0
    refuse = undefined
  })

  const noCredentials = (r: {stdout: string; stderr: string}) => {
    for (const s of [USER, PASS, BASIC]) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), `${s} shown:\n${r.stdout}\n${r.stderr}`)
  }

  it('HTTP_PROXY: `mkr org` goes through the proxy with Proxy-Authorization', async () => {
    const base = `http://mackerel.invalid:${sbPort}`
    const r = await runMkr(['org'], {env: env({MACKEREL_APIBASE: base, HTTP_PROXY: proxyUrl()})})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(typeof JSON.parse(r.stdout).name, 'string')
    assert.deepEqual(proxy.seen, [{method: 'GET', url: `${base}/api/v0/org`, auth: BASIC}])
    noCredentials(r)
  })

  it('HTTPS_PROXY: `mkr org` through a CONNECT tunnel, the certificate checked for mackerel.invalid', async function () {
    if (!front) return this.skip()
    const vars = {MACKEREL_APIBASE: 'https://mackerel.invalid', https_proxy: proxyUrl(), HTTP_PROXY: 'http://127.0.0.1:9'}
    const r = await runMkr(['org'], {env: env({...vars, NODE_EXTRA_CA_CERTS: front.ca})})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(typeof JSON.parse(r.stdout).name, 'string')
    assert.deepEqual(proxy.seen, [{method: 'CONNECT', url: 'mackerel.invalid:443', auth: BASIC}])
    noCredentials(r)
    // without the test CA the tunnel still opens, but the certificate is refused
    const untrusted = await runMkr(['org'], {env: env(vars)})
    assert.equal(untrusted.code, 1)
    assert.match(untrusted.stderr, /^mkr: GET \/api\/v0\/org failed: /)
    noCredentials(untrusted)
  })

  it('NO_PROXY: a matching API base is reached directly (here: mackerel.invalid cannot be resolved)', async () => {
    const r = await runMkr(['org'], {env: env({MACKEREL_APIBASE: `http://mackerel.invalid:${sbPort}`, HTTP_PROXY: proxyUrl(), NO_PROXY: '.example.com,mackerel.invalid'})})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /cannot resolve mackerel\.invalid/)
    assert.equal(proxy.seen.length, 0)
  })

  it('a proxy that refuses (407): exit 1, one line naming the proxy, never the credentials', async () => {
    refuse = 407
    const r = await runMkr(['org'], {env: env({MACKEREL_APIBASE: `http://mackerel.invalid:${sbPort}`, HTTP_PROXY: proxyUrl()})})
    assert.equal(r.code, 1)
    const lines = r.stderr.split('\n').filter((l) => !l.startsWith('mkr: warning: '))
    assert.equal(lines[0], `mkr: GET /api/v0/org failed: proxy http://127.0.0.1:${proxyPort} refused the request: 407 Proxy Authentication Required`)
    assert.equal(proxy.seen.length, 1, 'not retried')
    noCredentials(r)
  })

  it('an unreachable proxy: `mkr wrap` spools the report, the job’s code wins, no credentials shown', async () => {
    const dead = net.createServer()
    const port = await listen(dead)
    await new Promise<void>((r) => dead.close(() => r()))
    const [host] = [...sb.store.hosts.keys()].filter((id) => sb.store.liveHost(id))
    const w = wrapEnv('https://mackerel.invalid', sb.apiKey, host)
    try {
      const e: NodeJS.ProcessEnv = {...w.env}
      for (const k of PROXY_VARS) delete e[k]
      e.HTTPS_PROXY = `http://${USER}:${PASS}@127.0.0.1:${port}`
      const r = await runWrap(['--conf', w.conf, '-n', 'behind-proxy', '--report-timeout', '1s', '--', 'sh', '-c', 'exit 4'], e)
      assert.equal(r.code, 4)
      assert.match(r.stderr, new RegExp(`cannot connect to proxy http://127\\.0\\.0\\.1:${port} \\(connection refused\\).*saved it to`, 's'))
      noCredentials(r)
    } finally {
      w.remove()
    }
  })
})
