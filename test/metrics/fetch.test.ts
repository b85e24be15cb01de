// `mkr fetch` and `mkr metrics` bodies in-process against the in-process sandbox: mkr's JSON shapes,
// --jq, the terminal tables, 100 hosts a request merged, time flags, usage errors before any request.
import assert from 'node:assert/strict'
import {ApiClient, closeAgent} from '../../src/api/client.js'
import {postHostMetrics, postServiceMetrics} from '../../src/api/metrics.js'
import {UsageError} from '../../src/errors.js'
import {fetchRun} from '../../src/metrics/fetch.js'
import {metricsRun, rangeBound} from '../../src/metrics/query.js'
import {testIO} from '../../src/output/iostreams.js'
import {SEED_IDS} from '../../src/sandbox/seed.js'
import {failure} from '../helpers/failure.js'
import {useTZ} from '../helpers/tz.js'
import {NOW_S, sandbox} from '../sandbox/helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>
const noClient = async (): Promise<ApiClient> => assert.fail('the client was asked for')
const web01 = SEED_IDS.web01
const web02 = SEED_IDS.web02
const now = () => NOW_S * 1000

describe('metrics: fetch and metrics (in-process)', () => {
  let sb: SB
  let client: ApiClient
  const get = () => Promise.resolve(client)
  useTZ('UTC')

  beforeEach(async () => {
    sb = await sandbox()
    client = new ApiClient({apiBase: sb.url, apiKey: sb.apiKey, random: () => 0, sleep: async () => {}})
    await postHostMetrics(client, web01, [
      {name: 'loadavg5', time: NOW_S - 120, value: 0.5},
      {name: 'loadavg5', time: NOW_S - 60, value: 0.75},
      {name: 'memory.used', time: NOW_S - 60, value: 1024},
    ])
    await postHostMetrics(client, web02, [{name: 'loadavg5', time: NOW_S - 60, value: 2}])
    await postServiceMetrics(client, 'demo', [
      {name: 'orders.count', time: NOW_S - 7200, value: 10},
      {name: 'orders.count', time: NOW_S - 1800, value: 12},
      {name: 'orders.count', time: NOW_S - 60, value: 0},
    ])
  })
  afterEach(() => sb.close())
  after(() => closeAgent())

  describe('fetch', () => {
    it('piped: mkr\'s JSON, hosts and names in sorted order (Go maps), a metric without data left out as the API does', async () => {
      const t = testIO()
      await fetchRun({hostIds: [web02, web01], names: ['memory.used,loadavg5']}, t.io, get)
      const want = {
        [web01]: {loadavg5: {time: NOW_S - 60, value: 0.75}, 'memory.used': {time: NOW_S - 60, value: 1024}},
        [web02]: {loadavg5: {time: NOW_S - 60, value: 2}},
      }
      assert.equal(t.out(), JSON.stringify(want, null, 4) + '\n')
      assert.deepEqual(Object.keys(JSON.parse(t.out())), [web01, web02].sort())
    })

    it('--jq filters that JSON', async () => {
      const t = testIO()
      await fetchRun({hostIds: [web01, web02], names: ['loadavg5'], jq: '.[].loadavg5.value'}, t.io, get)
      assert.equal(t.out(), '0.75\n2\n')
    })

    it('on a terminal: one row per host and metric, `-` where there is no value; --json forces JSON', async () => {
      const t = testIO({stdoutTTY: true, width: 100})
      await fetchRun({hostIds: [web01, web02], names: ['loadavg5', 'memory.used'], now}, t.io, get)
      const lines = t.out().trimEnd().split('\n')
      assert.match(lines[0], /^HOST\s+METRIC\s+VALUE\s+TIME$/)
      assert.match(lines[1], new RegExp(`^${web01}\\s+loadavg5\\s+0\\.75\\s+1 minute ago$`))
      assert.match(lines[4], new RegExp(`^${web02}\\s+memory\\.used\\s+-$`))
      const j = testIO({stdoutTTY: true})
      await fetchRun({hostIds: [web01], names: ['loadavg5'], json: true}, j.io, get)
      assert.deepEqual(JSON.parse(j.out()), {[web01]: {loadavg5: {time: NOW_S - 60, value: 0.75}}})
    })

    it('asks for 100 hosts a request and merges the answers', async () => {
      const ids = Array.from({length: 150}, (_, i) => sb.store.addHost({name: `h${i}`}).id)
      await postHostMetrics(client, ids[149], [{name: 'loadavg5', time: NOW_S - 60, value: 9}])
      const before = sb.requests().length
      const t = testIO()
      await fetchRun({hostIds: [...ids, ids[0]], names: ['loadavg5']}, t.io, get)
      const calls = sb.requests().slice(before)
      assert.deepEqual(
        calls.map((c) => new URLSearchParams(c.query).getAll('hostId').length),
        [100, 50],
      )
      const out = JSON.parse(t.out())
      assert.equal(Object.keys(out).length, 150)
      assert.deepEqual(out[ids[149]], {loadavg5: {time: NOW_S - 60, value: 9}})
      assert.deepEqual(out[ids[0]], {})
    })

    it('no host id or no -n is a usage error before any request; an unknown host is the API\'s 404', async () => {
      let e = await failure(fetchRun({hostIds: [], names: ['loadavg5']}, testIO().io, noClient))
      assert.ok(e instanceof UsageError)
      e = await failure(fetchRun({hostIds: [web01], names: [' ', '']}, testIO().io, noClient))
      assert.ok(e instanceof UsageError)
      assert.match(e.message, /-n\/--name/)
      e = await failure(fetchRun({hostIds: ['nosuchhost'], names: ['loadavg5']}, testIO().io, get))
      assert.match(e.message, /^GET \/api\/v0\/tsdb\/latest failed: 404 /)
    })
  })

  describe('metrics', () => {
    it('a service metric between two times (our forms): mkr\'s JSON, oldest first, a zero value kept', async () => {
      const t = testIO()
      await metricsRun({service: 'demo', name: 'orders.count', from: '-1h', to: 'now', now}, t.io, get)
      assert.equal(
        t.out(),
        JSON.stringify(
          [
            {time: NOW_S - 1800, value: 12},
            {time: NOW_S - 60, value: 0},
          ],
          null,
          4,
        ) + '\n',
      )
    })

    it('epoch seconds as mkr takes them; without --from and --to: from 0 to now', async () => {
      const t = testIO()
      await metricsRun({service: 'demo', name: 'orders.count', from: String(NOW_S - 7200), to: String(NOW_S - 1800), now}, t.io, get)
      assert.deepEqual(JSON.parse(t.out()), [
        {time: NOW_S - 7200, value: 10},
        {time: NOW_S - 1800, value: 12},
      ])
      const before = sb.requests().length
      const all = testIO()
      await metricsRun({host: web01, name: 'loadavg5', now}, all.io, get)
      assert.equal(JSON.parse(all.out()).length, 2)
      const q = new URLSearchParams(sb.requests()[before].query)
      assert.equal(sb.requests()[before].path, `/api/v0/hosts/${web01}/metrics`)
      assert.deepEqual([q.get('name'), q.get('from'), q.get('to')], ['loadavg5', '0', String(NOW_S)])
    })

    it('--host wins over --service with a warning, as in mkr; --jq', async () => {
      const t = testIO()
      await metricsRun({host: web01, service: 'demo', name: 'loadavg5', jq: 'map(.value) | add', now}, t.io, get)
      assert.equal(t.out(), '1.25\n')
      assert.match(t.err(), /warning: --host and --service both given/)
    })

    it('on a terminal: a TIME / VALUE table in local time; no values: an info line instead', async () => {
      const t = testIO({stdoutTTY: true})
      await metricsRun({host: web01, name: 'loadavg5', now}, t.io, get)
      assert.deepEqual(t.out().trimEnd().split('\n').map((l) => l.trim().split(/\s+/)), [
        ['TIME', 'VALUE'],
        ['2025-06-10', '11:58:00', '0.5'],
        ['2025-06-10', '11:59:00', '0.75'],
      ])
      const e = testIO({stdoutTTY: true})
      await metricsRun({host: web01, name: 'loadavg5', from: '-30s', now}, e.io, get)
      assert.equal(e.out(), '')
      assert.equal(e.err(), 'no values in that time range\n')
    })

    it('bad input is a usage error before any request', async () => {
      const cases: [Parameters<typeof metricsRun>[0], RegExp][] = [
        [{name: 'x'}, /--host HOSTID or --service SERVICE/],
        [{service: 'demo'}, /-n\/--name/],
        [{service: '', name: 'x'}, /--service is empty/],
        [{service: 'demo', name: 'x', from: 'yesterday'}, /^--from "yesterday": /],
        [{service: 'demo', name: 'x', from: '1749556800000'}, /milliseconds/],
        [{service: 'demo', name: 'x', from: '-1h', to: '-2h'}, /^--from \(.*\) is after --to/],
      ]
      for (const [opts, re] of cases) {
        const e = await failure(metricsRun({...opts, now}, testIO().io, noClient))
        assert.ok(e instanceof UsageError, String(e))
        assert.match(e.message, re)
      }
    })

    it('an unknown metric or service is the API\'s 404', async () => {
      const e = await failure(metricsRun({service: 'demo', name: 'nope', now}, testIO().io, get))
      assert.match(e.message, /^GET \/api\/v0\/services\/demo\/metrics failed: 404 /)
    })

    it('rangeBound: 0 is mkr\'s default (the epoch for --from, now for --to)', () => {
      assert.equal(rangeBound('from', '0', now()), 0)
      assert.equal(rangeBound('to', '0', now()), NOW_S)
      assert.equal(rangeBound('to', undefined, now()), NOW_S)
      assert.equal(rangeBound('from', '-1d', now()), NOW_S - 86400)
    })
  })
})
