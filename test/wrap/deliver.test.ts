// Delivery of check reports through the spool, in-process against the sandbox: what is sent, what is
// kept, what is dropped, and in which order. Expected values are literals.
import assert from 'node:assert/strict'
import {EventEmitter} from 'node:events'
import {spawn, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ApiClient} from '../../src/api/client.js'
import type {CheckReport} from '../../src/api/checks.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {Breaker} from '../../src/wrap/breaker.js'
import {deliverReport, flushSpool, type DeliverOptions} from '../../src/wrap/deliver.js'
import type {WrapLog} from '../../src/wrap/log.js'
import {runWrap, type WrapIO} from '../../src/wrap/main.js'
import {checkKey, readSpooled, selfOwner, Spool, type SpoolEntry} from '../../src/wrap/spool.js'

const KEY = 'sandbox-key-0123456789'

let sb: Sandbox
let dir: string
let hostA: string
let hostB: string
let lines: string[]
let requestsBefore = 0
const log: WrapLog = {info: (m) => lines.push(`info: ${m}`), error: (m) => lines.push(`error: ${m}`)}
const nowS = () => Math.floor(Date.now() / 1000)

before(async () => {
  sb = await startSandbox({apiKey: KEY})
  const live = [...sb.store.hosts.values()].filter((h) => !h.isRetired)
  hostA = live[0].id
  hostB = live[1].id
})
after(() => sb.close())
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mkr-deliver-'))
  lines = []
  sb.clearFaults()
  sb.reports().length = 0
  requestsBefore = sb.requests().length
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const client = (apiKey = KEY) => new ApiClient({apiBase: sb.url, apiKey, budgetMs: 5000, sleep: async () => {}, random: () => 0})

function opts(over: Partial<DeliverOptions> = {}): DeliverOptions {
  return {client: client(), apiBase: new URL(sb.url).href, spool: new Spool(dir), budgetMs: 5000, log, now: Date.now, breaker: new Breaker(), maxAttempts: 3, secret: KEY, ...over}
}

function report(hostId: string, name: string, status: CheckReport['status'], occurredAt = nowS(), message = `${name} ${status}`): CheckReport {
  return {source: {type: 'host', hostId}, name, status, message, occurredAt}
}

let seq = 0
/** A pending spool file, as an earlier run that could not deliver would have left it. */
function spooled(r: CheckReport, over: Partial<SpoolEntry> = {}): string {
  const spool = new Spool(dir)
  const c = spool.prepare({version: 1, apiBase: new URL(sb.url).href, spooledAt: 1_700_000_000_000 + seq++, reason: 'earlier outage', report: r, ...over}, `run${seq}`)
  spool.writeAhead(c)
  return spool.release(c, 'earlier outage')
}

const files = () => readdirSync(dir).filter((n) => !n.startsWith('.')).sort()
const received = () => sb.reports().map((r) => `${(r.report as any).name}:${(r.report as any).status}:${(r.report.source as any).hostId === hostA ? 'A' : 'B'}`)
const reportRequests = () => sb.requests().slice(requestsBefore).filter((r) => r.path === '/api/v0/monitoring/checks/report')

describe('wrap delivery: refusals', () => {
  it('one report for a host that does not exist: only that one is dropped (named in the log), the others are sent', async () => {
    spooled(report(hostA, 'one', 'CRITICAL'))
    spooled(report('nohost00000', 'ghost', 'CRITICAL'))
    spooled(report(hostB, 'two', 'WARNING'))
    const r = await flushSpool(opts())
    assert.deepEqual(r, {sent: 2, dropped: 0, refused: 1, remaining: 0})
    assert.deepEqual(received().sort(), ['one:CRITICAL:A', 'two:WARNING:B'])
    assert.deepEqual(files(), [])
    const refusedLines = lines.filter((l) => l.includes('refused'))
    assert.equal(refusedLines.length, 1)
    assert.match(refusedLines[0], /the API refused the report for ghost \(CRITICAL, host nohost00000, .*\): .*400.*host not found: nohost00000.*this report is lost:\n--- lost report: ghost CRITICAL/s)
  })

  it('150 spooled with one refused: 149 arrive', async () => {
    for (let i = 0; i < 150; i++) spooled(report(i === 120 ? 'nohost00000' : hostA, `c${i}`, 'CRITICAL'))
    const r = await flushSpool(opts())
    assert.equal(r.sent, 149)
    assert.equal(r.refused, 1)
    assert.equal(sb.reports().length, 149)
    assert.deepEqual(files(), [])
  })

  for (const [what, key] of [
    ['a mistyped key (401)', 'typo-typo-typo'],
    ['the read-only key (403)', 'sandbox-readonly'],
  ] as const) {
    it(`${what}: every spooled report is kept, and the log says the key cannot send`, async () => {
      for (let i = 0; i < 5; i++) spooled(report(hostA, `job${i}`, 'CRITICAL'))
      const before = files()
      const r = await flushSpool(opts({client: client(key)}))
      assert.deepEqual(r, {sent: 0, dropped: 0, refused: 0, remaining: 5})
      assert.deepEqual(files(), before)
      assert.match(lines.join('\n'), /could not send 5 spooled report\(s\) yet: .*(401|403).*this API key or URL cannot send reports/)
      assert.equal(reportRequests().filter((q) => q.status === 200).length, 0)
    })
  }

  it('this run with a mistyped key: its own report is spooled, not lost, and the spool is untouched', async () => {
    spooled(report(hostA, 'other', 'CRITICAL'))
    const d = await deliverReport(report(hostA, 'mine', 'CRITICAL'), 'run-x', opts({client: client('typo-typo-typo')}))
    assert.equal(d, 'spooled')
    assert.equal(files().length, 2)
    assert.ok(files().every((n) => n.endsWith('.report.json')), 'both pending again')
  })
})

describe('wrap delivery: write-ahead and claims', () => {
  it('while its request is in flight, this run’s report is on disk, claimed by this process', async () => {
    sb.addFault({method: 'POST', path: '/api/v0/monitoring/checks/report', delayMs: 300, times: 1})
    const p = deliverReport(report(hostA, 'wal', 'CRITICAL'), 'run-wal', opts())
    // written before the first await: on disk before any byte goes out
    const during = files()
    assert.equal(during.length, 1)
    assert.match(during[0], new RegExp(`^\\d{15}-k${checkKey(report(hostA, 'wal', 'OK'))}-run-wal\\.report\\.json\\.claim-${process.pid}-`))
    assert.equal(readSpooled(join(dir, during[0])).entry?.report.name, 'wal')
    assert.equal(await p, 'delivered')
    assert.deepEqual(files(), [])
  })

  it('a claim left by a dead process is sent; one held by a live process is not', async () => {
    const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim()
    const live = spawn('sleep', ['30'])
    try {
      const a = spooled(report(hostA, 'orphan', 'CRITICAL'))
      const b = spooled(report(hostB, 'busy', 'CRITICAL'))
      const host = selfOwner().host
      const {renameSync} = await import('node:fs')
      renameSync(a, `${a}.claim-${dead}-1-${host}`)
      renameSync(b, `${b}.claim-${live.pid}--${host}`)
      const r = await flushSpool(opts())
      assert.equal(r.sent, 1)
      assert.deepEqual(received(), ['orphan:CRITICAL:A'])
      assert.equal(files().length, 1)
      assert.match(files()[0], new RegExp(`claim-${live.pid}-`))
    } finally {
      live.kill()
    }
  })

  it('two flushes at once send each report once', async () => {
    for (let i = 0; i < 300; i++) spooled(report(i % 2 ? hostA : hostB, `p${i}`, 'CRITICAL'))
    const [a, b] = await Promise.all([flushSpool(opts({spool: new Spool(dir)})), flushSpool(opts({spool: new Spool(dir)}))])
    assert.equal(a.sent + b.sent, 300)
    assert.equal(sb.reports().length, 300)
    assert.equal(new Set(sb.reports().map((r) => (r.report as any).name)).size, 300)
  })

  /** a spool directory that cannot be created (its parent is a file): fails for root too */
  const brokenSpool = () => {
    writeFileSync(join(dir, 'file'), '')
    return new Spool(join(dir, 'file', 'spool'))
  }

  it('the spool cannot be written: the report is still sent, and said so', async () => {
    const d = await deliverReport(report(hostA, 'ro', 'OK'), 'run-ro', opts({spool: brokenSpool()}))
    assert.equal(d, 'delivered')
    assert.deepEqual(received(), ['ro:OK:A'])
    assert.match(lines.join('\n'), /cannot write the report for ro to the spool .*sending it without a safety copy/)
  })

  it('the spool cannot be written and the API is down: the report is lost, with its message in the log', async () => {
    sb.addFault({path: '/api/v0/monitoring/checks/report', status: 503})
    const d = await deliverReport(report(hostA, 'ro2', 'CRITICAL', nowS(), 'disk is full'), 'run-ro2', opts({spool: brokenSpool()}))
    assert.equal(d, 'lost')
    assert.match(lines.join('\n'), /could not send the report for ro2 .* nor keep it in the spool .*this report is lost:\n--- lost report: ro2 CRITICAL[^\n]*\ndisk is full\n/)
  })
})

describe('wrap delivery: order, breaker, budget', () => {
  it('older spooled reports of the same check go first, in the same request, oldest first', async () => {
    spooled(report(hostA, 'nightly', 'CRITICAL', nowS() - 120))
    spooled(report(hostA, 'nightly', 'WARNING', nowS() - 60))
    spooled(report(hostB, 'unrelated', 'CRITICAL', nowS() - 90))
    const d = await deliverReport(report(hostA, 'nightly', 'OK'), 'run-o', opts())
    assert.equal(d, 'delivered')
    assert.deepEqual(received(), ['nightly:CRITICAL:A', 'nightly:WARNING:A', 'nightly:OK:A'])
    assert.equal(reportRequests().length, 1)
    assert.equal(sb.reports().filter((r) => r.accepted).length, 3, 'none discarded as older')
    assert.equal(files().length, 1, 'the unrelated one waits for a flush')
  })

  it('a spool file from an older version (`<ts>-<uuid>.report.json`) of the same check also goes first', async () => {
    const old: SpoolEntry = {version: 1, apiBase: new URL(sb.url).href, spooledAt: 1_600_000_000_000, reason: 'outage', report: report(hostA, 'legacy', 'CRITICAL', nowS() - 60)}
    writeFileSync(join(dir, '001600000000000-a249274c-34d5-4bc9-a2fc-82dd398890da.report.json'), JSON.stringify(old))
    const d = await deliverReport(report(hostA, 'legacy', 'OK'), 'run-l', opts())
    assert.equal(d, 'delivered')
    assert.deepEqual(received(), ['legacy:CRITICAL:A', 'legacy:OK:A'])
    assert.equal(reportRequests().length, 1)
  })

  it('a report never overtakes an older one of its check that another process is sending', async () => {
    const live = spawn('sleep', ['30'])
    try {
      const a = spooled(report(hostA, 'nightly', 'CRITICAL', nowS() - 60))
      const {renameSync} = await import('node:fs')
      renameSync(a, `${a}.claim-${live.pid}--${selfOwner().host}`)
      const d = await deliverReport(report(hostA, 'nightly', 'OK'), 'run-b', opts())
      assert.equal(d, 'spooled')
      assert.deepEqual(received(), [])
      assert.equal(files().filter((n) => n.endsWith('.report.json')).length, 1)
    } finally {
      live.kill()
    }
  })

  it('API down: one delivery attempt (3 requests) for the flush, none for the run’s own report; everything kept', async () => {
    sb.addFault({path: '/api/v0/monitoring/checks/report', status: 503})
    for (let i = 0; i < 3; i++) spooled(report(hostA, `s${i}`, 'CRITICAL'))
    const o = opts()
    const f = await flushSpool(o)
    const d = await deliverReport(report(hostA, 'mine', 'CRITICAL'), 'run-d', o)
    assert.deepEqual(f, {sent: 0, dropped: 0, refused: 0, remaining: 3})
    assert.equal(d, 'spooled')
    assert.equal(reportRequests().length, 3)
    assert.equal(files().length, 4)
    assert.ok(files().every((n) => n.endsWith('.report.json')))
  })

  it('no time left: kept, nothing sent', async () => {
    spooled(report(hostA, 'late', 'CRITICAL'))
    const r = await flushSpool(opts({budgetMs: 0}))
    assert.deepEqual(r, {sent: 0, dropped: 0, refused: 0, remaining: 1})
    assert.equal(reportRequests().length, 0)
    assert.match(readFileSync(join(dir, files()[0]), 'utf8'), /no time left/)
  })

  it('--flush in a run sends at most maxReports, oldest first', async () => {
    for (let i = 0; i < 5; i++) spooled(report(hostA, `m${i}`, 'CRITICAL'))
    const r = await flushSpool(opts(), 2)
    assert.deepEqual(r, {sent: 2, dropped: 0, refused: 0, remaining: 3})
    assert.deepEqual(received(), ['m0:CRITICAL:A', 'm1:CRITICAL:A'])
  })
})

describe('wrap delivery: what stays in the spool, what goes', () => {
  it('reports spooled for another API base are not sent here', async () => {
    spooled(report(hostA, 'elsewhere', 'CRITICAL'), {apiBase: 'https://api.example.invalid/'})
    const r = await flushSpool(opts())
    assert.deepEqual(r, {sent: 0, dropped: 0, refused: 0, remaining: 1})
    assert.equal(files().length, 1)
  })

  it('older than 6 hours: dropped with a log line, never sent', async () => {
    spooled(report(hostA, 'stale', 'CRITICAL', nowS() - 6 * 3600))
    const r = await flushSpool(opts())
    assert.deepEqual(r, {sent: 0, dropped: 1, refused: 0, remaining: 0})
    assert.deepEqual(files(), [])
    assert.match(lines.join('\n'), /dropped the spooled report for stale .*older than 6 hours/)
  })

  it('a corrupt file and a FIFO named like an entry are removed with a log line, without blocking', async () => {
    writeFileSync(join(dir, '000000000000001-corrupt.report.json'), '{"version":1,')
    spawnSync('mkfifo', [join(dir, '000000000000002-fifo.report.json')])
    spooled(report(hostA, 'fine', 'OK'))
    const r = await flushSpool(opts())
    assert.equal(r.sent, 1)
    assert.deepEqual(files(), [])
    assert.match(lines.join('\n'), /removing unreadable spool file .*000000000000001-corrupt\.report\.json: not JSON/)
    assert.match(lines.join('\n'), /removing unreadable spool file .*000000000000002-fifo\.report\.json: not a regular file/)
  })

  it('the API key in a server message never reaches the spool file or the log', async () => {
    sb.addFault({path: '/api/v0/monitoring/checks/report', status: 503, body: JSON.stringify({error: {message: `overloaded, key=${KEY}`}})})
    const d = await deliverReport(report(hostA, 'k', 'CRITICAL'), 'run-k', opts())
    assert.equal(d, 'spooled')
    const text = readFileSync(join(dir, files()[0]), 'utf8')
    assert.match(text, /overloaded, key=/)
    assert.ok(!text.includes(KEY))
    assert.ok(!lines.join('\n').includes(KEY))
  })

  it('a spool entry that is old on disk but not claimed stays claimable (mtime does not matter for pending files)', async () => {
    const f = spooled(report(hostA, 'aged', 'CRITICAL'))
    utimesSync(f, new Date(0), new Date(0))
    mkdirSync(join(dir, 'sub'))
    const r = await flushSpool(opts())
    assert.equal(r.sent, 1)
  })
})

describe('wrap delivery: a 429 storm keeps the order of each check', () => {
  it('the flush gives up during the storm, the run’s newer report waits behind the older ones, and all arrive in order after it', async () => {
    sb.addFault({path: '/api/v0/monitoring/checks/report', status: 429, times: 3})
    spooled(report(hostA, 'stormy', 'CRITICAL', nowS() - 300))
    spooled(report(hostA, 'stormy', 'CRITICAL', nowS() - 240))
    const o = opts()
    const f = await flushSpool(o)
    assert.equal(f.sent, 0)
    const d = await deliverReport(report(hostA, 'stormy', 'OK'), 'run-s', o)
    assert.equal(d, 'spooled', 'not sent past the older ones while the service pushes back')
    assert.equal(reportRequests().length, 3)
    // the storm is over: the next run's flush delivers all three, oldest first, none discarded
    const g = await flushSpool(opts())
    assert.equal(g.sent, 3)
    assert.deepEqual(received(), ['stormy:CRITICAL:A', 'stormy:CRITICAL:A', 'stormy:OK:A'])
    assert.equal(sb.reports().filter((r) => r.accepted).length, 3)
  })
})

describe('mkr wrap --flush (in-process)', () => {
  it('--jitter delays the flush by a stable share of it (per host)', async () => {
    spooled(report(hostA, 'j', 'CRITICAL'))
    const slept: number[] = []
    const err: string[] = []
    const io: WrapIO = {
      env: {MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: KEY, HOME: dir, XDG_STATE_HOME: dir},
      stderr: {write: (s: string) => (err.push(s), true), on: () => undefined} as unknown as NodeJS.WritableStream,
      signals: new EventEmitter() as never,
      sleep: async (ms) => void slept.push(ms),
    }
    const code = await runWrap(['--conf', join(dir, 'none.conf'), '-H', 'jitterhost01', '--spool-dir', dir, '--flush', '--jitter', '30s'], io)
    assert.equal(code, 0, err.join(''))
    // sha256("jitterhost01\0--flush") as a fraction of 30 s (precomputed)
    assert.deepEqual(slept, [24590])
    assert.deepEqual(received(), ['j:CRITICAL:A'])
  })
})
