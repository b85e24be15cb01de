// What only a process shows for `mkr throw` and `mkr metric-names`: the process's stdin read to its
// end and exit codes through bin/run.js. Everything else runs in-process: test/metrics/commands.test.ts.
import assert from 'node:assert/strict'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runMkr} from './harness.js'

describe('e2e: throw and metric-names against the sandbox', () => {
  let sb: Sandbox
  let env: NodeJS.ProcessEnv
  let host: string
  const now = Math.floor(Date.now() / 1000)

  before(async () => {
    sb = await startSandbox({port: 0, seed: false})
    host = sb.store.addHost({name: 'web01', status: 'working', createdAt: 1700000000}).id
    sb.store.addService('demo')
    env = cleanEnv({MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: sb.apiKey, MKR_HTTP_BUDGET: '5'})
  })
  after(() => sb.close())

  it('throw --host reads stdin in batches (exit 0); metric-names -H lists the names', async () => {
    const input = Array.from({length: 10_001}, (_, i) => `e2e.m${i % 2} ${i} ${now - 60}\n`).join('')
    const r = await runMkr(['throw', '--host', host], {env, input})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, `    thrown 10000 values to host ${host} (lines 1-10000)\n    thrown 1 value to host ${host} (line 10001)\n`)
    const names = await runMkr(['metric-names', '-H', host], {env})
    assert.equal(names.code, 0, names.stderr)
    assert.deepEqual((JSON.parse(names.stdout) as string[]).sort(), ['custom.e2e.m0', 'custom.e2e.m1'])
  })

  it('neither --host nor --service exits 2; an unknown service exits 1', async () => {
    const before = sb.requests().length
    let r = await runMkr(['throw'], {env, input: `a 1 ${now}\n`})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mkr: give --host HOSTID or --service SERVICE\n/)
    assert.equal(sb.requests().length, before)
    r = await runMkr(['throw', '-s', 'no-such-service'], {env, input: `a 1 ${now}\nb 2 ${now}\n`})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: POST \/api\/v0\/services\/no-such-service\/tsdb failed: 404 .*; lines 1-2 not delivered\n/)
  })
})
