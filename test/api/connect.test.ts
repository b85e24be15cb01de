import assert from 'node:assert/strict'
import nock from 'nock'
import {connect} from '../../src/api/connect.js'
import {resolveSettings} from '../../src/config/index.js'
import {ConfigError} from '../../src/errors.js'

const settings = (env: NodeJS.ProcessEnv) => resolveSettings({conf: '/nonexistent/agent.conf'}, env)

describe('connect (the API client from settings)', () => {
  before(() => nock.disableNetConnect())
  after(() => nock.enableNetConnect())
  afterEach(() => nock.cleanAll())

  it('no key: the ConfigError naming both ways to set it', () => {
    const s = resolveSettings({}, {})
    assert.throws(() => connect(s, () => {}, {}), (e: ConfigError) => /MACKEREL_APIKEY is not set/.test(e.message))
  })

  it('plain http to a remote host is a warning line; loopback is not', () => {
    const lines: string[] = []
    connect(settings({MACKEREL_APIKEY: 'k', MACKEREL_APIBASE: 'http://mackerel.internal'}), (l) => lines.push(l), {})
    assert.deepEqual(lines, ['warning: the API base http://mackerel.internal is plain http: the API key is sent unencrypted'])
    lines.length = 0
    connect(settings({MACKEREL_APIKEY: 'k', MACKEREL_APIBASE: 'http://127.0.0.1:8080'}), (l) => lines.push(l), {})
    assert.deepEqual(lines, [])
  })

  for (const v of ['0', '-3', 'soon']) {
    it(`MKR_HTTP_TIMEOUT=${v} is rejected with the variable named`, () => {
      const s = settings({MACKEREL_APIKEY: 'k'})
      assert.throws(
        () => connect(s, () => {}, {MKR_HTTP_TIMEOUT: v}),
        (e: Error) => e instanceof ConfigError && e.message === `MKR_HTTP_TIMEOUT must be a positive number of seconds, got "${v}"`,
      )
    })
  }

  it('DEBUG reports each retry on the log line, never the key', async () => {
    nock('https://api.example.test').get('/api/v0/org').reply(503, '')
    nock('https://api.example.test').get('/api/v0/org').reply(200, {name: 'acme'})
    const lines: string[] = []
    const {client} = connect(settings({MACKEREL_APIKEY: 'secret-key', MACKEREL_APIBASE: 'https://api.example.test'}), (l) => lines.push(l), {DEBUG: '1'})
    assert.deepEqual(await client.get('/api/v0/org'), {name: 'acme'})
    assert.equal(lines.length, 1)
    assert.match(lines[0], /^debug: GET \/api\/v0\/org: 503, retry 1 in \d+ ms$/)
    assert.ok(!lines[0].includes('secret-key'))
  })

  it('without DEBUG a retry is silent', async () => {
    nock('https://api.example.test').get('/api/v0/org').reply(503, '')
    nock('https://api.example.test').get('/api/v0/org').reply(200, {name: 'acme'})
    const lines: string[] = []
    const {client} = connect(settings({MACKEREL_APIKEY: 'k', MACKEREL_APIBASE: 'https://api.example.test'}), (l) => lines.push(l), {})
    assert.deepEqual(await client.get('/api/v0/org'), {name: 'acme'})
    assert.deepEqual(lines, [])
  })
})
