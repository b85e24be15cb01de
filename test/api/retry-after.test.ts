// Retry-After: honoured in both forms, plus a random extra so that a fleet told "come back in N
// seconds" does not come back in the same instant; capped; never waited for past the budget.
import assert from 'node:assert/strict'
import nock from 'nock'
import {ApiClient, parseRetryAfter, retryAfterDelay} from '../../src/api/client.js'
import {ApiError} from '../../src/api/errors.js'

const BASE = 'https://api.example.test'
/** a fixed local clock: 2030-01-01T00:00:00Z */
const NOW = 1_893_456_000_000

function client(random: number, opts: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) {
  const sleeps: number[] = []
  const c = new ApiClient({
    apiBase: BASE,
    apiKey: 'secret-key-123',
    random: () => random,
    now: () => NOW,
    sleep: async (ms) => void sleeps.push(ms),
    budgetMs: 200_000,
    ...opts,
  })
  return {c, sleeps}
}

/** One 429 with these headers, then a 200; returns the waits the client made. */
async function waitsAfter429(headers: Record<string, string>, random: number, opts: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) {
  nock(BASE).get('/api/v0/org').reply(429, {error: {message: 'slow down'}}, headers)
  nock(BASE).get('/api/v0/org').reply(200, {name: 'acme'})
  const {c, sleeps} = client(random, opts)
  assert.deepEqual(await c.get('/api/v0/org'), {name: 'acme'})
  return sleeps
}

describe('ApiClient: Retry-After with jitter', () => {
  before(() => nock.disableNetConnect())
  after(() => nock.enableNetConnect())
  afterEach(() => nock.cleanAll())

  // wait = N + random × max(1 s, N/2), N = Retry-After capped at 60 s
  const table: {name: string; headers: Record<string, string>; random: number; wait: number}[] = [
    {name: 'seconds, lowest draw: exactly N', headers: {'Retry-After': '5'}, random: 0, wait: 5000},
    {name: 'seconds, draw 0.1', headers: {'Retry-After': '5'}, random: 0.1, wait: 5250},
    {name: 'seconds, draw 0.9: up to N/2 later', headers: {'Retry-After': '5'}, random: 0.9, wait: 7250},
    {name: 'seconds, highest draw', headers: {'Retry-After': '10'}, random: 0.999, wait: 14995},
    {name: 'a small N still spreads over a whole second', headers: {'Retry-After': '1'}, random: 0.5, wait: 1500},
    {name: 'Retry-After: 0 spreads over a second too', headers: {'Retry-After': '0'}, random: 0.75, wait: 750},
    {name: 'above the 60 s cap: N counts as 60 s, the extra still applies', headers: {'Retry-After': '3600'}, random: 0.5, wait: 75000},
    {
      name: 'an HTTP date, counted from the response Date (not the local clock)',
      headers: {Date: 'Wed, 21 Oct 2015 07:28:00 GMT', 'Retry-After': 'Wed, 21 Oct 2015 07:28:07 GMT'},
      random: 0.5,
      wait: 8750,
    },
    {
      name: 'an HTTP date without a Date header, counted from the local clock',
      headers: {'Retry-After': 'Tue, 01 Jan 2030 00:00:11 GMT'},
      random: 0.5,
      wait: 13750,
    },
    {
      name: 'an HTTP date in the past: no wait beyond the spread',
      headers: {Date: 'Wed, 21 Oct 2015 07:28:00 GMT', 'Retry-After': 'Wed, 21 Oct 2015 07:00:00 GMT'},
      random: 0.5,
      wait: 500,
    },
    {name: 'unreadable: the plain backoff (0.5 × 500)', headers: {'Retry-After': 'soon'}, random: 0.5, wait: 250},
  ]
  for (const t of table)
    it(t.name, async () => {
      assert.deepEqual(await waitsAfter429(t.headers, t.random), [t.wait])
    })

  it('hosts told the same Retry-After come back at different times', async () => {
    const waits: number[] = []
    for (const r of [0.05, 0.35, 0.65, 0.95]) waits.push(...(await waitsAfter429({'Retry-After': '6'}, r)))
    assert.deepEqual(waits, [6150, 7050, 7950, 8850])
  })

  it('a wait that would end past the budget is not made: the 429 is the error', async () => {
    let n = 0
    nock(BASE).get('/api/v0/org').times(3).reply(() => (n++, [429, {error: {message: 'slow down'}}, {'Retry-After': '10'}]))
    // 10 s + 0.999 × 5 s = 14995 ms > the 14 s budget, though Retry-After alone (10 s) would fit
    const {c, sleeps} = client(0.999, {budgetMs: 14_000})
    await assert.rejects(c.get('/api/v0/org'), (err: Error) => err instanceof ApiError && err.message === 'GET /api/v0/org failed: 429 slow down')
    assert.deepEqual(sleeps, [])
    assert.equal(n, 1)
  })

  it('the same wait inside the budget is made', async () => {
    assert.deepEqual(await waitsAfter429({'Retry-After': '10'}, 0.999, {budgetMs: 15_000}), [14995])
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  const table: [string | null, string | null, number | undefined][] = [
    [null, null, undefined],
    ['', null, undefined],
    ['7', null, 7000],
    [' 7 ', null, 7000],
    ['0', null, 0],
    ['61', null, 60_000],
    ['-1', null, undefined],
    ['1.5', null, undefined],
    ['2030', null, 60_000], // delta seconds, not a year
    ['soon', null, undefined],
    ['Tue, 01 Jan 2030 00:00:30 GMT', null, 30_000],
    ['Tue, 01 Jan 2030 00:00:30 GMT', 'Tue, 01 Jan 2030 00:00:20 GMT', 10_000],
    ['Tue, 01 Jan 2030 00:00:30 GMT', 'not a date', 30_000],
    ['Mon, 31 Dec 2029 23:59:00 GMT', null, 0],
    ['Wed, 01 Jan 2031 00:00:00 GMT', null, 60_000],
  ]
  for (const [value, date, expected] of table)
    it(`${JSON.stringify(value)} (Date: ${JSON.stringify(date)}) -> ${expected}`, () => {
      assert.equal(parseRetryAfter(value, date, now), expected)
    })
})

describe('retryAfterDelay', () => {
  const table: [number, number, number][] = [
    [0, 0, 0],
    [0, 0.5, 500],
    [1000, 0.999, 1999],
    [4000, 0.5, 5000],
    [60_000, 0.999, 89_970],
  ]
  for (const [n, r, expected] of table)
    it(`N=${n} ms, random ${r} -> ${expected} ms`, () => assert.equal(retryAfterDelay(n, r), expected))
})
