// `mkr wrap` signals and locks, end to end: signals sent to wrap reach the job exactly once (also when
// the whole process group is signalled, as a terminal's Ctrl-C does), and --lock.
import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {BIN} from './harness.js'
import {running, runWrap, sleep, startWrap, until, wrapEnv, type WrapEnv} from '../wrap/helpers.js'

const KEY = 'sandbox-e2e-signals-key'

// Counts the signals it gets; exits with that count after it was told to stop (a second line on
// stdin is not available, so: after 1.2 s from "ready").
const COUNTER = `
let n = 0
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT']) process.on(s, () => { n++ })
process.stdout.write('ready ' + process.pid + '\\n')
setTimeout(() => process.exit(n), 1200)
`

// Exits with 7 when it gets the signal named in argv[2]; with 3 when its parent (wrap) goes away or
// after 20 s (so a wrap that died or did not forward the signal never leaves it running for long).
const TRAP = `
process.on(process.argv[2], () => process.exit(7))
const parent = process.ppid
setInterval(() => { if (process.ppid !== parent) process.exit(3) }, 100)
setTimeout(() => process.exit(3), 20000)
process.stdout.write('ready\\n')
`

/** Kills a wrap that has not ended after `ms` (a hang is then a failure, not a stuck test run). */
async function within(s: ReturnType<typeof startWrap>, ms = 30_000) {
  const t = setTimeout(() => s.child.kill('SIGKILL'), ms)
  try {
    return await s.done
  } finally {
    clearTimeout(t)
  }
}

describe('mkr wrap signals and locks (e2e)', function () {
  this.timeout(60_000)
  let sb: Sandbox
  let host: string
  let w: WrapEnv
  let counter: string
  const reportsFor = (name: string) => sb.reports().filter((r) => r.report.name === name)

  before(async () => {
    sb = await startSandbox({port: 0, seed: true, apiKey: KEY})
    host = [...sb.store.hosts.keys()].find((id) => sb.store.liveHost(id))!
  })
  after(async () => sb.close())
  beforeEach(() => {
    w = wrapEnv(sb.url, KEY, host)
    counter = join(w.dir, 'counter.cjs')
    writeFileSync(counter, COUNTER)
  })
  afterEach(() => w.remove())

  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`${sig} sent to wrap reaches the job exactly once; wrap waits and reports`, async () => {
      const name = `fwd-${sig}`
      const s = startWrap(['--conf', w.conf, '-n', name, '--', process.execPath, counter], w.env)
      await s.waitOut('ready')
      s.child.kill(sig)
      const r = await s.done
      assert.equal(r.code, 1, `the job counted ${r.code} signals; stderr: ${r.stderr}`)
      assert.equal(reportsFor(name).length, 1)
      assert.match(reportsFor(name)[0].report.message as string, /^command exited with code: 1\n/)
    })
  }

  // the signals whose default action would end wrap and orphan the job (see ForwardedSignal)
  for (const sig of ['SIGUSR2', 'SIGUSR1', 'SIGALRM', 'SIGVTALRM', 'SIGPROF', 'SIGXCPU', 'SIGPWR', 'SIGIO', 'SIGSTKFLT'] as const) {
    it(`${sig} sent to wrap reaches the job; wrap exits with the job's code and reports`, async () => {
      const trap = join(w.dir, 'trap.cjs')
      writeFileSync(trap, TRAP)
      const name = `fwd-${sig}`
      const s = startWrap(['--conf', w.conf, '-n', name, '--', process.execPath, trap, sig], w.env)
      await s.waitOut('ready')
      s.child.kill(sig)
      const r = await within(s)
      assert.deepEqual({code: r.code, signal: r.signal}, {code: 7, signal: null}, r.stderr)
      assert.equal(reportsFor(name).length, 1)
      assert.match(reportsFor(name)[0].report.message as string, /^command exited with code: 7\n/)
      assert.doesNotMatch(r.stderr, /Debugger listening/)
    })
  }

  it('SIGINT to the whole process group (like Ctrl-C at a terminal) reaches the job once', async () => {
    const s = startWrap(['--conf', w.conf, '-n', 'grp', '--', process.execPath, counter], w.env, {detached: true})
    await s.waitOut('ready')
    process.kill(-s.child.pid!, 'SIGINT')
    const r = await s.done
    assert.equal(r.code, 1, `the job counted ${r.code} signals`)
    assert.equal(reportsFor('grp').length, 1)
  })

  it('a job that dies from the forwarded signal: 128+N and a report', async () => {
    const s = startWrap(['--conf', w.conf, '-n', 'die', '--', 'sh', '-c', 'echo ready; sleep 30'], w.env)
    await s.waitOut('ready')
    s.child.kill('SIGTERM')
    const r = await s.done
    assert.equal(r.code, 143)
    assert.match(reportsFor('die')[0].report.message as string, /^command died with signal: 15\n/)
  })

  it('a signal while the report is being sent spools it at once and exits with the job code', async () => {
    sb.addFault({method: 'POST', path: '/api/v0/monitoring/checks/report', delayMs: 20_000})
    try {
      const s = startWrap(['--conf', w.conf, '-n', 'late', '--', 'sh', '-c', 'echo done; exit 2'], w.env)
      await s.waitOut('done')
      await sleep(400)
      const t0 = Date.now()
      s.child.kill('SIGTERM')
      const r = await s.done
      assert.equal(r.code, 2)
      assert.ok(Date.now() - t0 < 10_000, 'did not wait for the slow API')
      assert.match(r.stderr, /interrupted by a signal.*saved it to/)
      assert.equal(readdirSync(w.spoolDir).filter((n) => n.endsWith('.report.json')).length, 1)
    } finally {
      sb.clearFaults()
    }
  })

  const tmux = spawnSync('tmux', ['-V']).status === 0
  ;(tmux ? it : it.skip)('Ctrl-C typed in a tmux pane reaches the job once', async () => {
    const sock = join(w.dir, 'tmux.sock')
    const rcFile = join(w.dir, 'rc')
    const envs = Object.entries({...w.env})
      .filter(([k]) => /^(HOME|XDG_STATE_HOME|TMPDIR|MACKEREL_APIBASE|MACKEREL_APIKEY|PATH)$/.test(k))
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ')
    const cmd = `env ${envs} ${process.execPath} ${BIN} wrap --conf ${w.conf} -n tmux -- ${process.execPath} ${counter} > ${join(w.dir, 'out')} 2>&1; echo $? > ${rcFile}`
    execFileSync('tmux', ['-S', sock, 'new-session', '-d', '-x', '80', '-y', '20', cmd])
    try {
      await until(() => existsSync(join(w.dir, 'out')) && readFileSync(join(w.dir, 'out'), 'utf8').includes('ready'), 'the job in tmux', 15_000)
      execFileSync('tmux', ['-S', sock, 'send-keys', 'C-c'])
      await until(() => existsSync(rcFile) && readFileSync(rcFile, 'utf8').trim() !== '', 'wrap in tmux to end', 15_000)
      assert.equal(readFileSync(rcFile, 'utf8').trim(), '1', readFileSync(join(w.dir, 'out'), 'utf8'))
      assert.equal(reportsFor('tmux').length, 1)
    } finally {
      spawnSync('tmux', ['-S', sock, 'kill-server'])
    }
  })

  describe('--lock', () => {
    it('a second run skips, reports (exit 75) or waits, per --on-locked', async () => {
      const a = startWrap(['--conf', w.conf, '-n', 'L', '--lock', '--', 'sh', '-c', 'echo started $$; sleep 30'], w.env)
      await a.waitOut('started')
      const jobPid = Number(/started (\d+)/.exec(a.out())![1])

      const skip = await runWrap(['--conf', w.conf, '-n', 'L', '--lock', '--', 'echo', 'hi'], w.env)
      assert.equal(skip.code, 0)
      assert.equal(skip.stdout, '')
      assert.match(skip.stderr, /skipped L: the previous run is still running \(pid \d+, job pid \d+/)

      const rep = await runWrap(['--conf', w.conf, '-n', 'L', '--lock', '--on-locked', 'report', '--', 'echo', 'hi'], w.env)
      assert.equal(rep.code, 75)
      assert.equal(rep.stdout, '')
      const [report] = reportsFor('L')
      assert.equal(report.report.status, 'CRITICAL')
      assert.match(report.report.message as string, /^skipped: the previous run is still running/)

      const waiter = startWrap(['--conf', w.conf, '-n', 'L', '--lock', '--on-locked', 'wait', '--', 'echo', 'waited'], w.env)
      await sleep(700)
      assert.equal(waiter.out(), '')
      process.kill(-jobPid, 'SIGTERM')
      assert.equal((await a.done).code, 143)
      const wr = await waiter.done
      assert.equal(wr.code, 0)
      assert.equal(wr.stdout, 'waited\n')
    })

    it('is freed when the holder is killed with SIGKILL (and its job is gone too)', async () => {
      const lock = join(w.dir, 'my.lock')
      const a = startWrap(['--lock=' + lock, '--', 'sh', '-c', 'echo started $$; exec sleep 30'], w.env)
      await a.waitOut('started')
      const jobPid = Number(/started (\d+)/.exec(a.out())![1])
      // the job writes to the test's pipe itself: its line can arrive before wrap has recorded it in the lock
      await until(() => readFileSync(lock, 'utf8').includes(`"jobPid":${jobPid}`), 'the lock to name the job')
      a.child.kill('SIGKILL')
      // (its stdout stays open: the orphaned job holds it, as it would without wrap)
      if (a.child.exitCode === null && a.child.signalCode === null) await new Promise((r) => a.child.once('exit', r))
      assert.ok(existsSync(lock), 'the dead holder leaves its file')
      // the orphaned job still runs: the previous run is not over
      const b = await runWrap(['--lock', lock, '--', 'echo', 'hi'], w.env)
      assert.equal(b.stdout, '')
      assert.match(b.stderr, /still running/)
      process.kill(jobPid, 'SIGKILL')
      await until(() => !running(jobPid), 'the job to die')
      const c = await runWrap(['--lock', lock, '--', 'echo', 'hi'], w.env)
      assert.equal(c.code, 0)
      assert.equal(c.stdout, 'hi\n', c.stderr)
      assert.ok(!existsSync(lock), 'released at exit')
    })

    it('a lock left on another host (a killed pod) counts until --lock-ttl; the skip says its age and how to break it', async () => {
      const lock = join(w.dir, 'pod.lock')
      const write = (ageMs: number) =>
        writeFileSync(lock, JSON.stringify({pid: 4242, host: 'pod-abc123', name: 'P', since: Date.now() - ageMs}) + '\n')
      write(3_600_000 + 30_000) // 1h0m30s: reported as 1h0m (or 1h1m if this test is very slow)
      const skipped = await runWrap(['--lock=' + lock, '-n', 'P', '--', 'echo', 'hi'], w.env)
      assert.equal(skipped.code, 0)
      assert.equal(skipped.stdout, '')
      assert.match(
        skipped.stderr,
        new RegExp(
          `^mkr wrap: skipped P: the previous run is still running \\(pid 4242 on pod-abc123 since \\S+Z, 1h[01]m ago; ` +
            `another host cannot be checked from here: the lock counts as stale after --lock-ttl 24h0m, in 2[23]h\\d+m\\); ` +
            `lock ${lock}: if no run is active, remove it to break the lock\n$`,
        ),
      )
      // a shorter TTL: the lock is stale, taken over, and that is told
      const taken = await runWrap(['--lock=' + lock, '--lock-ttl', '1h', '-n', 'P', '--', 'echo', 'hi'], w.env)
      assert.equal(taken.code, 0)
      assert.equal(taken.stdout, 'hi\n')
      assert.match(taken.stderr, /took over the lock .*pod\.lock from pid 4242 on pod-abc123 since \S+Z, 1h[01]m ago: older than --lock-ttl 1h /)
      assert.ok(!existsSync(lock), 'released at exit')
      // the default TTL is 24h
      write(25 * 3_600_000)
      const old = await runWrap(['--lock=' + lock, '-n', 'P', '--', 'echo', 'hi'], w.env)
      assert.equal(old.stdout, 'hi\n', old.stderr)
    })

    it('--lock=DIR is a usage error: exit 2 without `--`; with `--` the job runs (without the lock) and the error is shown', async () => {
      const d = join(w.dir, 'locks')
      mkdirSync(d)
      const bad = await runWrap(['--lock=' + d, 'echo', 'hi'], w.env)
      assert.equal(bad.code, 2)
      assert.equal(bad.stdout, '')
      assert.equal(bad.stderr, `mkr wrap: --lock=${d}: is a directory; give the lock file's path, e.g. --lock=${d}/JOB.lock\n`)
      const ran = await runWrap(['--lock=' + d, '--', 'sh', '-c', 'echo hi; exit 4'], w.env)
      assert.equal(ran.code, 4)
      assert.equal(ran.stdout, 'hi\n')
      assert.match(ran.stderr, new RegExp(`^mkr wrap: USAGE ERROR: --lock=${d}: is a directory`))
      assert.match(ran.stderr, /running the command anyway/)
    })

    it('a lock directory that cannot be created (/proc/nope): the job runs without the lock, no hang', async function () {
      if (!existsSync('/proc/self')) this.skip()
      const r = await within(startWrap(['--lock=/proc/nope/x.lock', '--', 'echo', 'hi'], w.env))
      assert.equal(r.code, 0, `wrap did not end by itself: ${r.signal}`)
      assert.equal(r.stdout, 'hi\n')
      assert.match(r.stderr, /cannot use the lock \/proc\/nope\/x\.lock \(ENOENT: .*\): running without it/)
    })

    it('a FIFO at the lock path: the job runs without the lock, no hang', async () => {
      const fifo = join(w.dir, 'fifo.lock')
      execFileSync('mkfifo', [fifo])
      const r = await within(startWrap(['--lock=' + fifo, '--', 'echo', 'hi'], w.env))
      assert.equal(r.code, 0, `wrap did not end by itself: ${r.signal}`)
      assert.equal(r.stdout, 'hi\n')
      assert.match(r.stderr, /cannot use the lock .*fifo\.lock \(.*fifo\.lock is a named pipe \(FIFO\), not a regular file\): running without it/)
    })
  })
})
