// `mkr metric-names`: the API calls (host and service), the response check, and what is printed.
import assert from 'node:assert/strict'
import nock from 'nock'
import {ApiClient} from '../../src/api/client.js'
import {InvalidResponseError} from '../../src/api/errors.js'
import {getHostMetricNames, getServiceMetricNames} from '../../src/api/metrics.js'
import {metricNamesView} from '../../src/metrics/names.js'
import {exportData, type OutputOptions} from '../../src/output/export.js'
import {testIO} from '../../src/output/iostreams.js'

const BASE = 'https://api.example.test'
const client = () => new ApiClient({apiBase: BASE, apiKey: 'k', random: () => 0, sleep: async () => {}})

async function print(names: string[], opts: OutputOptions & {tty: boolean}) {
  const {tty, ...rest} = opts
  const t = testIO({stdoutTTY: tty})
  await exportData(names, rest, metricNamesView(names), t.io)
  return {out: t.out(), info: t.err().split('\n').filter(Boolean)}
}

describe('metrics: metric-names', () => {
  before(() => nock.disableNetConnect())
  after(() => nock.enableNetConnect())
  afterEach(() => nock.cleanAll())

  it('host: GET /api/v0/hosts/<id>/metric-names; service: GET /api/v0/services/<s>/metric-names (escaped)', async () => {
    nock(BASE).get('/api/v0/hosts/2eQ%2FX/metric-names').reply(200, {names: ['loadavg5', 'custom.a']})
    nock(BASE).get('/api/v0/services/my%20svc/metric-names').reply(200, {names: ['access.count']})
    assert.deepEqual(await getHostMetricNames(client(), '2eQ/X'), ['loadavg5', 'custom.a'])
    assert.deepEqual(await getServiceMetricNames(client(), 'my svc'), ['access.count'])
    assert.ok(nock.isDone())
  })

  it('a body without a names array is an invalid response; 404 is an error naming the path', async () => {
    nock(BASE).get('/api/v0/services/demo/metric-names').reply(200, {names: [1]})
    await assert.rejects(getServiceMetricNames(client(), 'demo'), (e: Error) => e instanceof InvalidResponseError && /names\[0\]/.test(e.message))
    nock(BASE).get('/api/v0/services/nope/metric-names').reply(404, {error: {message: 'Service not found'}})
    await assert.rejects(getServiceMetricNames(client(), 'nope'), {message: 'GET /api/v0/services/nope/metric-names failed: 404 Service not found'})
  })

  it("piped: mkr's JSON string array in the API's order; on a terminal one name a line, sorted; --jq", async () => {
    const names = ['loadavg5', 'custom.b', 'cpu.user']
    assert.equal((await print(names, {tty: false})).out, '[\n    "loadavg5",\n    "custom.b",\n    "cpu.user"\n]\n')
    assert.equal((await print([], {tty: false})).out, '[]\n')
    assert.equal((await print(names, {tty: true})).out, 'cpu.user\ncustom.b\nloadavg5\n')
    assert.deepEqual((await print([], {tty: true})).info, ['no metric names'])
    assert.equal((await print(names, {tty: false, jq: '.[] | select(startswith("c"))'})).out, 'custom.b\ncpu.user\n')
  })
})
