// `mkr throw`'s body in-process against a local HTTP server on 127.0.0.1: parsing, batching while
// reading, retries (5xx/429 yes, other 4xx no), partial-failure reports, warnings.
import assert from 'node:assert/strict'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {PassThrough, Readable} from 'node:stream'
import {ApiClient, closeAgent} from '../../src/api/client.js'
import {CliError} from '../../src/errors.js'
import {parseLine, throwMetrics, type ThrowOptions} from '../../src/metrics/throw.js'

const KEY = 'secret-key-xyz'
const NOW = 1_700_000_000_000 // ms
const T = 1_700_000_000 - 60 // a minute before NOW

interface Seen {
  method: string
  url: string
  key: string | undefined
  body: unknown
}

/** A server that answers each request with `answer(n)` (n = 1-based request count). */
async function server(answer: (n: number, body: unknown) => {status: number; body?: unknown} = () => ({status: 200})) {
  const seen: Seen[] = []
  const listeners: (() => void)[] = []
  const srv = http.createServer((req, res) => {
    let data = ''
    req.setEncoding('utf8').on('data', (d) => (data += d))
    req.on('end', () => {
      const body = data ? JSON.parse(data) : undefined
      seen.push({method: req.method!, url: req.url!, key: req.headers['x-api-key'] as string, body})
      const a = answer(seen.length, body)
      res.writeHead(a.status, {'content-type': 'application/json'})
      res.end(JSON.stringify(a.body ?? (a.status === 200 ? {success: true} : {error: {message: `status ${a.status}`}})))
      for (const l of listeners.splice(0)) l()
    })
  })
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as AddressInfo).port
  const client = new ApiClient({apiBase: `http://127.0.0.1:${port}`, apiKey: KEY, random: () => 0, sleep: async () => {}})
  return {
    seen,
    client,
    /** resolves at the next request the server answers */
    nextRequest: () => new Promise<void>((r) => listeners.push(r)),
    close: () => new Promise<void>((r) => srv.close(() => r())),
  }
}

function capture() {
  const o = {warn: [] as string[], info: [] as string[]}
  return {o, io: {warn: (l: string) => void o.warn.push(l), info: (l: string) => void o.info.push(l)}}
}

const input = (text: string) => Readable.from([Buffer.from(text)])
const nLines = (n: number, from = 1) => Array.from({length: n}, (_, i) => `m${from + i} ${from + i} ${T}\n`).join('')

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p
  } catch (error) {
    assert.ok(error instanceof CliError, String(error))
    return error
  }
  assert.fail('expected an error')
}

describe('metrics: throw', () => {
  let s: Awaited<ReturnType<typeof server>> | undefined
  afterEach(async () => {
    await s?.close()
    s = undefined
  })
  after(() => closeAgent())

  const run = (opts: ThrowOptions, stdin: AsyncIterable<Buffer | string>, io = capture().io) => throwMetrics({now: () => NOW, ...opts}, stdin, io, s!.client)

  describe('parseLine', () => {
    it('host metrics get `custom.` when they lack it, service metrics never; values and epochs as mkr parses them', () => {
      assert.deepEqual(parseLine('foo.bar 1.5 1700000000', true), {point: {name: 'custom.foo.bar', value: 1.5, time: 1700000000}})
      assert.deepEqual(parseLine('custom.foo 2 1700000000', true), {point: {name: 'custom.foo', value: 2, time: 1700000000}})
      assert.deepEqual(parseLine('foo.bar 1.5 1700000000', false), {point: {name: 'foo.bar', value: 1.5, time: 1700000000}})
      assert.deepEqual(parseLine('  a\t-3e2   1700000000  ', false), {point: {name: 'a', value: -300, time: 1700000000}})
      assert.deepEqual(parseLine('a .5 1700000000', false), {point: {name: 'a', value: 0.5, time: 1700000000}})
    })

    it('blank lines, lines of other than three fields, bad names, values and epochs', () => {
      assert.equal(parseLine('   ', true), 'blank')
      assert.equal(parseLine('a 1', true), 'malformed')
      assert.equal(parseLine('a 1 2 3', true), 'malformed')
      assert.deepEqual(parseLine('a abc 1700000000', true), {problem: 'value "abc" is not a number'})
      assert.deepEqual(parseLine('a NaN 1700000000', true), {problem: 'value "NaN" is not a number'})
      assert.deepEqual(parseLine('a Infinity 1700000000', true), {problem: 'value "Infinity" is not a number'})
      assert.deepEqual(parseLine('a 1e999 1700000000', true), {problem: 'value "1e999" is not a number'})
      assert.deepEqual(parseLine('a 0x10 1700000000', true), {problem: 'value "0x10" is not a number'})
      assert.deepEqual(parseLine('a 1 1.7e9', true), {problem: 'time "1.7e9" is not epoch seconds'})
      assert.deepEqual(parseLine('a/b 1 1700000000', true), {problem: 'metric name "a/b" has characters other than a-z A-Z 0-9 . _ -'})
      assert.deepEqual(parseLine('cpu% 1 1700000000', false), {problem: 'metric name "cpu%" has characters other than a-z A-Z 0-9 . _ -'})
    })
  })

  it('host: posts [{hostId,name,time,value}] to /api/v0/tsdb in batches, with the key, and logs each batch', async () => {
    s = await server()
    const c = capture()
    const sum = await run({host: 'H1', batchSize: 2}, input('a 1 1700000000\ncustom.b 2.5 1700000001\nc -1 1700000002\n'), c.io)
    assert.deepEqual(
      s.seen.map((r) => [r.method, r.url, r.key]),
      [
        ['POST', '/api/v0/tsdb', KEY],
        ['POST', '/api/v0/tsdb', KEY],
      ],
    )
    assert.deepEqual(s.seen[0].body, [
      {hostId: 'H1', name: 'custom.a', time: 1700000000, value: 1},
      {hostId: 'H1', name: 'custom.b', time: 1700000001, value: 2.5},
    ])
    assert.deepEqual(s.seen[1].body, [{hostId: 'H1', name: 'custom.c', time: 1700000002, value: -1}])
    assert.deepEqual(c.o.info, ['    thrown 2 values to host H1 (lines 1-2)', '    thrown 1 value to host H1 (line 3)'])
    assert.deepEqual(c.o.warn, [])
    assert.deepEqual(sum, {lines: 3, sent: 3, batches: 2, malformed: 0, invalid: 0, old: 0})
  })

  it('service: posts [{name,time,value}] to /api/v0/services/<s>/tsdb, names as given', async () => {
    s = await server()
    await run({service: 'my svc'}, input('access.count 12 1700000000\n'))
    assert.equal(s.seen[0].url, '/api/v0/services/my%20svc/tsdb')
    assert.deepEqual(s.seen[0].body, [{name: 'access.count', time: 1700000000, value: 12}])
  })

  it('bad lines: ONE warning counting the malformed ones, each bad value or name with its line number, old values counted; the good lines are sent', async () => {
    s = await server()
    const c = capture()
    const old = 1_700_000_000 - 24 * 3600 - 1
    const text = ['good 1 1700000000', 'only two', '', 'x y z w', 'bad abc 1700000000', `old 1 ${old}`, 'na/me 1 1700000000', `old2 1 ${old}`, 'good2 2 1699999999'].join('\n')
    const sum = await run({host: 'H1'}, input(text), c.io)
    assert.deepEqual(c.o.warn, [
      'line 5: value "abc" is not a number; line skipped',
      'line 7: metric name "na/me" has characters other than a-z A-Z 0-9 . _ -; line skipped',
      '2 lines skipped: not `name value epoch` (three fields separated by whitespace)',
      '2 values are older than 24 hours (first on line 6): Mackerel accepts them but drops them',
    ])
    assert.deepEqual(
      (s.seen[0].body as {name: string}[]).map((p) => p.name),
      ['custom.good', 'custom.old', 'custom.old2', 'custom.good2'],
    )
    assert.deepEqual(sum, {lines: 9, sent: 4, batches: 1, malformed: 2, invalid: 2, old: 2})
  })

  it('reports at most 20 bad values one by one, then counts the rest', async () => {
    s = await server()
    const c = capture()
    await run({host: 'H1'}, input(Array.from({length: 25}, () => 'a x 1700000000\n').join('')), c.io)
    assert.equal(c.o.warn.length, 22)
    assert.equal(c.o.warn[19], 'line 20: value "x" is not a number; line skipped')
    assert.deepEqual(c.o.warn.slice(20), ['5 more lines with a bad name or value skipped (25 in all)', 'nothing to send'])
    assert.equal(s.seen.length, 0)
  })

  it('streams: the first batch is posted before stdin ends', async () => {
    s = await server()
    const stdin = new PassThrough()
    const posted = s.nextRequest()
    const done = run({service: 'demo', batchSize: 3}, stdin)
    stdin.write(nLines(3))
    await posted // would hang (mocha timeout) if throw waited for the end of the input
    assert.equal(s.seen.length, 1)
    stdin.end(nLines(1, 4))
    await done
    assert.deepEqual(s.seen.map((r) => (r.body as unknown[]).length), [3, 1])
  })

  it('retries 500 and 429 and then delivers', async () => {
    s = await server((n) => ({status: n === 1 ? 500 : n === 2 ? 429 : 200}))
    const sum = await run({service: 'demo'}, input(nLines(2)))
    assert.equal(s.seen.length, 3)
    assert.deepEqual(s.seen[2].body, s.seen[0].body)
    assert.equal(sum.sent, 2)
  })

  it('a 4xx other than 408/429 is never retried; the error says which lines were delivered and which not, and every line is counted', async () => {
    s = await server((n) => ({status: n === 2 ? 400 : 200}))
    const c = capture()
    const e = await failure(run({service: 'demo', batchSize: 10}, input(nLines(35)), c.io))
    assert.equal(s.seen.length, 2)
    assert.equal(e.exitCode, 1)
    assert.equal(e.message, 'POST /api/v0/services/demo/tsdb failed: 400 status 400; lines 1-10 delivered, lines 11-35 not delivered')
    assert.equal(e.hint, 'to resend the rest: tail -n +11 FILE | mkr throw ...')
    assert.deepEqual(c.o.info, ['    thrown 10 values to service demo (lines 1-10)'])
  })

  it('nothing delivered: the error names all lines, the hint is the API error\'s', async () => {
    s = await server(() => ({status: 403}))
    const e = await failure(run({host: 'H1'}, input(nLines(4))))
    assert.equal(s.seen.length, 1)
    assert.equal(e.message, 'POST /api/v0/tsdb failed: 403 status 403; lines 1-4 not delivered')
    assert.match(e.hint!, /API key/)
  })

  it('5xx: 6 attempts per batch by default; --retry N makes N+1 when that is more', async () => {
    s = await server(() => ({status: 503}))
    const e = await failure(run({host: 'H1'}, input(nLines(1))))
    assert.equal(s.seen.length, 6)
    assert.equal(e.message, 'POST /api/v0/tsdb failed: 503 status 503 (after 6 attempts); line 1 not delivered')
    await s.close()
    s = await server(() => ({status: 503}))
    await failure(run({host: 'H1', retry: 9}, input(nLines(1))))
    assert.equal(s.seen.length, 10)
  })

  it('the API key never appears in an error, even when the server echoes it', async () => {
    s = await server(() => ({status: 400, body: {error: {message: `bad key ${KEY}`}}}))
    const e = await failure(run({host: 'H1'}, input(nLines(1))))
    assert.ok(!e.message.includes(KEY), e.message)
    assert.ok(!String(e.hint).includes(KEY))
  })

  it('empty input: no request, no warning', async () => {
    s = await server()
    const c = capture()
    const sum = await run({host: 'H1'}, input(''), c.io)
    assert.equal(s.seen.length, 0)
    assert.deepEqual(c.o, {warn: [], info: []})
    assert.equal(sum.sent, 0)
  })
})
