// `mkr throw` and `mkr metric-names` in-process (test IO, stdin from a string) against the in-process
// sandbox (its /tsdb and metric-names endpoints): batches, warnings on stderr, exit codes, retries,
// names round-trip. What needs a process (the real stdin, exit codes through bin/run.js) is in
// test/e2e/metrics.test.ts.
import assert from 'node:assert/strict'
import {closeAgent} from '../../src/api/client.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {clientOf, mkr as run} from '../cli/run.js'

describe('throw and metric-names (in-process)', () => {
  let sb: Sandbox
  let client: ReturnType<typeof clientOf>
  let host: string
  const now = Math.floor(Date.now() / 1000)

  before(async () => {
    sb = await startSandbox({port: 0, seed: false})
    host = sb.store.addHost({name: 'web01', status: 'working', createdAt: 1700000000}).id
    sb.store.addService('demo')
    client = clientOf(sb)
  })
  after(async () => {
    await sb.close()
    await closeAgent()
  })

  const mkr = (args: string[], stdin?: string) => run(args, {client, io: {stdin}})
  const posts = (path: string) => sb.requests().filter((r) => r.method === 'POST' && r.path === path)

  it('throw --host: 25,000 lines in 3 batches of at most 10,000, `custom.` added; metric-names -H lists them', async () => {
    const input = Array.from({length: 25_000}, (_, i) => `e2e.m${i % 3} ${i} ${now - 60}\n`).join('')
    const r = await mkr(['throw', '--host', host], input)
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(
      r.stderr,
      `    thrown 10000 values to host ${host} (lines 1-10000)\n    thrown 10000 values to host ${host} (lines 10001-20000)\n    thrown 5000 values to host ${host} (lines 20001-25000)\n`,
    )
    assert.deepEqual(
      posts('/api/v0/tsdb').map((x) => x.status),
      [200, 200, 200],
    )
    const names = await mkr(['metric-names', '-H', host])
    assert.equal(names.code, 0, names.stderr)
    const list = JSON.parse(names.stdout) as string[]
    for (const n of ['custom.e2e.m0', 'custom.e2e.m1', 'custom.e2e.m2']) assert.ok(list.includes(n), names.stdout)
    const jq = await mkr(['metric-names', '-H', host, '--jq', '.[] | select(. == "custom.e2e.m1")'])
    assert.equal(jq.stdout, 'custom.e2e.m1\n')
  })

  it('throw -s with good and bad lines: the good ones are posted, warnings on stderr, -q hides only the progress, exit 0', async () => {
    const input = `svc.ok 1 ${now}\nonly two\nsvc.bad abc ${now}\nsvc.old 1 ${now - 90_000}\n`
    const r = await mkr(['throw', '-q', '-s', 'demo'], input)
    assert.equal(r.code, 0, r.stderr)
    assert.equal(
      r.stderr,
      'mkr: warning: line 3: value "abc" is not a number; line skipped\n' +
        'mkr: warning: 1 line skipped: not `name value epoch` (three fields separated by whitespace)\n' +
        'mkr: warning: 1 value is older than 24 hours (first on line 4): Mackerel accepts it but drops it\n',
    )
    const names = await mkr(['metric-names', '--service', 'demo'])
    assert.ok((JSON.parse(names.stdout) as string[]).includes('svc.ok'), names.stdout)
  })

  it('throw retries a 503 and delivers', async () => {
    const before = posts('/api/v0/services/demo/tsdb').length
    sb.addFault({method: 'POST', path: '/api/v0/services/demo/tsdb', status: 503, times: 2})
    const r = await mkr(['throw', '-s', 'demo', '-q'], `svc.retry 1 ${now}\n`)
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(
      posts('/api/v0/services/demo/tsdb')
        .slice(before)
        .map((x) => x.status),
      [503, 503, 200],
    )
  })

  it('throw to an unknown service: one error line naming the lines not delivered, exit 1, the key never shown', async () => {
    const r = await mkr(['throw', '-s', 'no-such-service'], `a 1 ${now}\nb 2 ${now}\n`)
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: POST \/api\/v0\/services\/no-such-service\/tsdb failed: 404 .*; lines 1-2 not delivered\n/)
    assert.ok(!r.stderr.includes(sb.apiKey))
  })

  it('neither --host nor --service is a usage error (exit 2) for both commands; nothing is posted', async () => {
    const before = sb.requests().length
    for (const cmd of ['throw', 'metric-names']) {
      const r = await mkr([cmd], `a 1 ${now}\n`)
      assert.equal(r.code, 2, cmd)
      assert.match(r.stderr, /^mkr: give --host HOSTID or --service SERVICE\n/)
    }
    assert.equal(sb.requests().length, before)
  })

  it('--host wins over --service (as in mkr), with a warning', async () => {
    const r = await mkr(['throw', '-H', host, '-s', 'demo', '-q'], `both 1 ${now}\n`)
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, 'mkr: warning: --host and --service both given: posting host metrics (as mkr does), --service ignored\n')
    const n = await mkr(['metric-names', '-H', host, '-s', 'demo'])
    assert.equal(n.code, 0)
    assert.ok((JSON.parse(n.stdout) as string[]).includes('custom.both'), n.stdout)
    assert.equal(n.stderr, "mkr: warning: --host and --service both given: listing the host's metric names (as mkr does), --service ignored\n")
  })

  it('--retry takes a non-negative integer', async () => {
    for (const bad of ['x', '-1']) {
      const r = await mkr(['throw', '-s', 'demo', '--retry', bad])
      assert.equal(r.code, 2, bad)
      assert.match(r.stderr, /--retry/)
    }
  })
})
