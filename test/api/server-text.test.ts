// Server-provided text in error messages: the API key masked (a server echoing the request), control
// characters escaped (a message forging "mkr: all good" on the next line, or retitling the terminal).
import assert from 'node:assert/strict'
import nock from 'nock'
import {ApiClient} from '../../src/api/client.js'
import {ApiError, InvalidResponseError} from '../../src/api/errors.js'
import {failure} from '../helpers/failure.js'

const BASE = 'https://api.example.test'
const KEY = 'secret-key-123'
const client = () => new ApiClient({apiBase: BASE, apiKey: KEY, random: () => 0, sleep: async () => {}, maxAttempts: 2})

describe('ApiClient: server text in errors', () => {
  before(() => nock.disableNetConnect())
  after(() => nock.enableNetConnect())
  afterEach(() => nock.cleanAll())

  const cases: {name: string; status: number; body: string; message: string}[] = [
    {
      name: 'the key echoed in {"error":{"message"}} is masked',
      status: 400,
      body: JSON.stringify({error: {message: `invalid api key: ${KEY}`}}),
      message: 'POST /api/v0/graph-annotations failed: 400 invalid api key: [API key hidden]',
    },
    {
      name: 'the key echoed twice in {"error":"…"} is masked twice',
      status: 403,
      body: JSON.stringify({error: `${KEY} cannot write; key=${KEY}`}),
      message: 'POST /api/v0/graph-annotations failed: 403 [API key hidden] cannot write; key=[API key hidden]',
    },
    {
      name: 'CR, LF and ESC in the message are escaped: no forged line, no terminal title',
      status: 400,
      body: JSON.stringify({error: {message: 'bad\r\nmkr: all good\u001b]0;pwned\u0007'}}),
      message: 'POST /api/v0/graph-annotations failed: 400 bad\\r\\nmkr: all good\\x1b]0;pwned\\x07',
    },
    {
      name: 'a key split by a control character is escaped, and the whole key still masked',
      status: 422,
      body: JSON.stringify({error: {message: `\u001b[2J${KEY}\n`}}),
      message: 'POST /api/v0/graph-annotations failed: 422 \\x1b[2J[API key hidden]\\n',
    },
  ]
  for (const c of cases)
    it(c.name, async () => {
      nock(BASE).post('/api/v0/graph-annotations').reply(c.status, c.body)
      const e = await failure(() => client().post('/api/v0/graph-annotations', {title: 'x'}))
      assert.ok(e instanceof ApiError)
      assert.equal(e.message, c.message)
      assert.equal(e.serverMessage.includes(KEY), false)
      assert.equal(JSON.stringify({m: e.message, h: e.hint, s: e.stack}).includes(KEY), false)
    })

  it('a retried 503 whose body echoes the key: the final error is masked', async () => {
    nock(BASE).get('/api/v0/org').times(2).reply(503, {error: {message: `down (key ${KEY})`}})
    const e = await failure(() => client().get('/api/v0/org'))
    assert.equal(e.message, 'GET /api/v0/org failed: 503 down (key [API key hidden]) (after 2 attempts)')
  })

  it('malformed JSON in a 200: the reason does not quote the body (not even a cut piece of the key)', async () => {
    nock(BASE).get('/api/v0/org').reply(200, `{"x": ${KEY}, "padding": "${'y'.repeat(40)}"}`)
    const e = await failure(() => client().get('/api/v0/org'))
    assert.ok(e instanceof InvalidResponseError)
    assert.equal(e.message, "GET /api/v0/org failed: invalid response: malformed JSON (Unexpected token 's')")
  })

  it('a short malformed body that is the key: masked', async () => {
    nock(BASE).get('/api/v0/org').reply(200, `[${KEY}]`)
    const e = await failure(() => client().get('/api/v0/org'))
    assert.equal(e.message, "GET /api/v0/org failed: invalid response: malformed JSON (Unexpected token 's')")
  })
})
