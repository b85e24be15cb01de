#!/usr/bin/env node
// `npm run bench:fleet`: a fleet of N hosts (default 50; FLEET_HOSTS=N) running `mkr wrap` from the
// same cron minute, each with its own spool and state, released at the same instant against the
// sandbox behind a timestamping proxy that can play an outage. Not part of `npm test`.
//
// Scenarios:
//   outage+recovery  two rounds of failing runs while reports get 503, then a round of successes
//                    (-a: OK closes the alert) after the service is back;
//   429 storm        a failure spooled during an outage, then a round of successes (-a: OK) during
//                    20 s of 429 with Retry-After: 5, then a healthy round: is the failure recorded?
//   steady           one round of failing runs, the API healthy.
// Printed per scenario: requests per second (peak and the shape over time), report requests per
// run during the outage or storm, and reports delivered / expected / duplicated / discarded as older.
//
// MKR_BIN=/path/to/bin/run.js compares another build (e.g. an older checkout) with the same harness.
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer, request} from 'node:http'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {table, startSandbox} from './lib.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = process.env.MKR_BIN ?? join(root, 'bin/run.js')
const sandboxBin = join(root, 'bin/run.js')
const node = process.execPath
const N = Number(process.env.FLEET_HOSTS ?? 50)
const REPORT_PATH = '/api/v0/monitoring/checks/report'

function getJson(url, key, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request(url, {method, headers: {'X-Api-Key': key}, agent: false}, (res) => {
      let t = ''
      res.setEncoding('utf8').on('data', (d) => (t += d))
      res.on('end', () => resolve(JSON.parse(t)))
    })
    req.on('error', reject)
    req.end()
  })
}

/** A proxy in front of the sandbox: records every request's time; `mode` plays outages on reports. */
function startProxy(target) {
  const log = []
  // a fault lasts `windowMs` from the first report request that meets it (the fleet's first second)
  const state = {mode: 'ok', windowMs: Infinity, start: undefined}
  const server = createServer((req, res) => {
    const t = performance.now()
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const isReport = req.url === REPORT_PATH
      if (isReport && state.mode !== 'ok') state.start ??= t
      const fault = isReport && state.mode !== 'ok' && t < state.start + state.windowMs ? state.mode : undefined
      log.push({t, path: req.url, fault: fault ?? null})
      if (fault === '503') {
        res.writeHead(503, {'Content-Type': 'application/json'}).end('{"error":{"message":"Service Unavailable"}}')
        return
      }
      if (fault === '429') {
        res.writeHead(429, {'Content-Type': 'application/json', 'Retry-After': '5'}).end('{"error":{"message":"Too Many Requests"}}')
        return
      }
      const up = request(target + req.url, {method: req.method, headers: req.headers, agent: false}, (r) => {
        res.writeHead(r.statusCode, r.headers)
        r.pipe(res)
      })
      up.on('error', () => res.writeHead(502).end())
      up.end(Buffer.concat(chunks))
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({url: `http://127.0.0.1:${server.address().port}`, log, state, close: () => server.close()})),
  )
}

function runWrap(args, env) {
  return new Promise((resolve) => {
    const child = spawn(node, [bin, 'wrap', ...args], {env, stdio: ['ignore', 'ignore', 'pipe']})
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => resolve({code, err}))
  })
}

/** One cron minute: every host runs its job at the same instant. */
async function round(hosts, proxy, key, job, extra = []) {
  const t0 = performance.now()
  const runs = await Promise.all(
    hosts.map((h) =>
      runWrap(['-H', h.id, '--spool-dir', h.spool, '--state-dir', h.state, '-n', 'fleetjob', '-a', ...extra, '--', 'sh', '-c', job], {
        ...process.env,
        MACKEREL_APIBASE: proxy.url,
        MACKEREL_APIKEY: key,
        XDG_STATE_HOME: h.dir,
      }),
    ),
  )
  return {t0, ms: performance.now() - t0, runs}
}

function shape(log, t0, t1) {
  const secs = Math.max(1, Math.ceil((t1 - t0) / 1000))
  const buckets = new Array(secs).fill(0)
  for (const r of log) if (r.path === REPORT_PATH && r.t >= t0 && r.t < t1) buckets[Math.min(secs - 1, Math.floor((r.t - t0) / 1000))]++
  return buckets
}

async function scenario(name, fn) {
  const sb = await startSandbox(sandboxBin, ['--hosts', String(N), '--no-seed'])
  const proxy = await startProxy(sb.base)
  const {hosts: list} = await getJson(`${sb.base}/api/v0/hosts?status=working&status=standby&status=maintenance&status=poweroff`, sb.key)
  const base = mkdtempSync(join(tmpdir(), 'mkr-fleet-'))
  const hosts = list.slice(0, N).map((h, i) => {
    const dir = join(base, `h${i}`)
    mkdirSync(dir)
    return {id: h.id, dir, spool: join(dir, 'spool'), state: join(dir, 'state')}
  })
  try {
    const r = await fn({hosts, proxy, key: sb.key})
    const received = await getJson(`${sb.base}/_sandbox/reports`, sb.key)
    const seen = new Map()
    let dup = 0
    for (const x of received) {
      const k = `${x.report.source.hostId}\t${x.report.name}\t${x.report.occurredAt}\t${x.report.status}`
      if (seen.has(k)) dup++
      seen.set(k, true)
    }
    const accepted = received.filter((x) => x.accepted).length
    return {name, ...r, received: received.length, accepted, discarded: received.length - accepted, duplicated: dup}
  } finally {
    proxy.close()
    sb.child.kill('SIGTERM')
    rmSync(base, {recursive: true, force: true})
  }
}

const results = []

results.push(
  await scenario('outage + recovery', async ({hosts, proxy, key}) => {
    proxy.state.mode = '503'
    const a = await round(hosts, proxy, key, 'exit 1')
    await new Promise((r) => setTimeout(r, 1100))
    const b = await round(hosts, proxy, key, 'exit 1')
    const outageEnd = performance.now()
    const outageRequests = proxy.log.filter((x) => x.path === REPORT_PATH).length
    proxy.state.mode = 'ok'
    await new Promise((r) => setTimeout(r, 1100))
    const c = await round(hosts, proxy, key, 'exit 0')
    return {
      expected: 3 * hosts.length,
      perFailingRun: outageRequests / (2 * hosts.length),
      runMs: Math.max(...a.runs.map(() => a.ms), b.ms),
      shape: shape(proxy.log, c.t0, c.t0 + c.ms),
      outageShape: shape(proxy.log, a.t0, outageEnd),
    }
  }),
)

results.push(
  await scenario('429 storm (Retry-After: 5) after an outage', async ({hosts, proxy, key}) => {
    // a failure spooled during an outage, then a 20 s storm of 429s while the next run succeeds (-a: OK)
    proxy.state.mode = '503'
    await round(hosts, proxy, key, 'exit 1')
    proxy.state.mode = '429'
    proxy.state.start = undefined
    proxy.state.windowMs = 20_000
    const before = proxy.log.filter((x) => x.path === REPORT_PATH).length
    const b = await round(hosts, proxy, key, 'exit 0')
    const reqs = proxy.log.filter((x) => x.path === REPORT_PATH).length - before
    proxy.state.mode = 'ok'
    await new Promise((r) => setTimeout(r, 1100))
    await round(hosts, proxy, key, 'exit 0') // the storm is over: whatever waits in the spool goes
    return {expected: 2 * hosts.length, perFailingRun: reqs / hosts.length, runMs: b.ms, shape: shape(proxy.log, b.t0, b.t0 + b.ms)}
  }),
)

results.push(
  await scenario('steady state', async ({hosts, proxy, key}) => {
    const a = await round(hosts, proxy, key, 'exit 1')
    const reqs = proxy.log.filter((x) => x.path === REPORT_PATH).length
    return {expected: hosts.length, perFailingRun: reqs / hosts.length, runMs: a.ms, shape: shape(proxy.log, a.t0, a.t0 + a.ms)}
  }),
)

console.log(`\n## fleet: ${N} hosts released at once (${bin === join(root, 'bin/run.js') ? 'this build' : bin})\n`)
console.log(
  table(
    ['scenario', 'report requests per run', 'peak req/s', 'req/s, second by second', 'delivered (accepted)', 'expected', 'duplicated', 'discarded as older'],
    results.map((r) => [
      r.name,
      r.perFailingRun.toFixed(1),
      Math.max(...r.shape, ...(r.outageShape ?? [])),
      (r.outageShape ? `outage: ${r.outageShape.join(' ')}; after: ` : '') + r.shape.join(' '),
      r.accepted,
      r.expected,
      r.duplicated,
      r.discarded,
    ]),
  ),
)
