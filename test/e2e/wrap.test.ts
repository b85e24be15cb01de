// `mkr wrap` end to end: the built CLI against the in-process sandbox, every test with its own
// HOME / XDG_STATE_HOME / TMPDIR.
import assert from 'node:assert/strict'
import {chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {Spool} from '../../src/wrap/spool.js'
import {call} from '../sandbox/helpers.js'
import {running, runWrap, sleep, startWrap, until, wrapEnv, type WrapEnv} from '../wrap/helpers.js'

const KEY = 'sandbox-e2e-secret-key-0123456789'
/** sha256('jitterhost01\0jit7') gives the stable fraction 0.9295: 1858 ms of a 2 s --jitter */
const JITTER_NAME = 'jit7'
const JITTER_MS = 1858

describe('mkr wrap (e2e)', function () {
  this.timeout(60_000)
  let sb: Sandbox
  let host: string
  let w: WrapEnv
  const reportsFor = (name: string) => sb.reports().filter((r) => r.report.name === name)
  let seen = 0
  const reportRequests = () => sb.requests().slice(seen).filter((r) => r.path === '/api/v0/monitoring/checks/report')

  before(async () => {
    sb = await startSandbox({port: 0, seed: true, apiKey: KEY})
    host = [...sb.store.hosts.keys()].find((id) => sb.store.liveHost(id))!
    assert.ok(host)
  })
  after(async () => sb.close())
  beforeEach(() => {
    sb.clearFaults()
    seen = sb.requests().length
    w = wrapEnv(sb.url, KEY, host)
  })
  afterEach(() => w.remove())

  describe('exit codes', () => {
    for (const code of [0, 1, 2, 42, 255]) {
      it(`passes exit code ${code} through${code ? ' and reports CRITICAL' : ''}`, async () => {
        const name = `exit-${code}`
        const r = await runWrap(['--conf', w.conf, '-n', name, '--', 'sh', '-c', `exit ${code}`], w.env)
        assert.equal(r.code, code, r.stderr)
        const reps = reportsFor(name)
        if (code === 0) {
          assert.equal(reps.length, 0)
          assert.equal(r.stderr, '')
        } else {
          assert.equal(reps.length, 1)
          assert.equal(reps[0].report.status, 'CRITICAL')
          assert.match(reps[0].report.message as string, new RegExp(`^command exited with code: ${code}\\n`))
          assert.deepEqual(reps[0].report.source, {type: 'host', hostId: host})
          // like mkr: the status line, plain, on stderr
          assert.match(r.stderr, new RegExp(`command exited with code: ${code}\\n$`))
        }
      })
    }
    for (const [sig, n] of [['TERM', 15], ['KILL', 9], ['SEGV', 11]] as const) {
      it(`a job killed by SIG${sig} gives ${128 + n} and a "died with signal" report`, async () => {
        const name = `sig-${sig}`
        const r = await runWrap(['--conf', w.conf, '-n', name, '--', 'sh', '-c', `kill -${sig} $$`], w.env)
        assert.equal(r.code, 128 + n, r.stderr)
        const [rep] = reportsFor(name)
        assert.equal(rep.report.status, 'CRITICAL')
        assert.match(rep.report.message as string, new RegExp(`^command died with signal: ${n}\\n`))
      })
    }
    it('command not found: 127, reported', async () => {
      const r = await runWrap(['--conf', w.conf, '-n', 'nf', '--', 'no-such-command-xyz'], w.env)
      assert.equal(r.code, 127)
      assert.match(reportsFor('nf')[0].report.message as string, /^command invocation failed with following error: no-such-command-xyz: command not found/)
    })
    it('not executable: 126', async () => {
      const f = join(w.dir, 'script.sh')
      writeFileSync(f, '#!/bin/sh\necho hi\n')
      chmodSync(f, 0o644)
      const r = await runWrap(['--conf', w.conf, '-n', 'nx', '--', f], w.env)
      assert.equal(r.code, 126)
      assert.match(reportsFor('nx')[0].report.message as string, /permission denied/)
    })
    it('the job runs and its code wins when no host id can be found; the lost report is logged', async () => {
      const emptyRoot = join(w.dir, 'empty-root')
      mkdirSync(emptyRoot)
      writeFileSync(join(w.dir, 'noid.conf'), `root = ${JSON.stringify(emptyRoot)}\n`)
      const r = await runWrap(['--conf', join(w.dir, 'noid.conf'), '-n', 'noid', '--', 'sh', '-c', 'echo ran; exit 5'], w.env)
      assert.equal(r.code, 5)
      assert.equal(r.stdout, 'ran\n')
      assert.match(r.stderr, /cannot read host id from .*empty-root\/id: no such file; pass the host id with --host to report/)
      assert.match(r.stderr, /this report is lost:\n--- lost report: noid CRITICAL on host \(unknown\) at [^\n]*\ncommand exited with code: 5\n/)
      assert.equal(reportsFor('noid').length, 0)
    })

    it('the job runs and its code wins when the API key and config are missing', async () => {
      const env = {...w.env, MACKEREL_APIKEY: ''}
      const r = await runWrap(['--conf', join(w.dir, 'missing.conf'), '-H', host, '--', 'sh', '-c', 'echo ran; exit 3'], env)
      assert.equal(r.code, 3)
      assert.equal(r.stdout, 'ran\n')
      assert.match(r.stderr, /cannot read config .*missing\.conf/)
      assert.match(r.stderr, /no API key/)
      assert.match(r.stderr, /this report is lost:\n--- lost report: mkrwrap-sh-\w+ CRITICAL[^\n]*\ncommand exited with code: 3\n/)
      // the API unreachable (connection refused): spooled, the job's code still wins
      const port = await closedPort()
      const down = await runWrap(['--conf', w.conf, '--report-timeout', '1s', '--', 'sh', '-c', 'exit 4'], {...w.env, MACKEREL_APIBASE: `http://127.0.0.1:${port}`})
      assert.equal(down.code, 4)
      assert.match(down.stderr, new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port} \\(connection refused\\).*saved it to`))
    })
  })

  describe('flags and streams', () => {
    it('flags stop at the command: `-n` after it goes to the job', async () => {
      const a = await runWrap(['--', 'echo', '-n', 'hi'], w.env)
      assert.equal(a.stdout, 'hi')
      const b = await runWrap(['echo', '-n', 'hi'], w.env)
      assert.equal(b.stdout, 'hi')
      assert.equal(b.code, 0)
    })
    it('a usage error without `--` exits 2 and names the flag', async () => {
      const r = await runWrap(['--bogus', 'true'], w.env)
      assert.equal(r.code, 2)
      assert.match(r.stderr, /unknown flag --bogus/)
    })
    it('stdout and stderr keep their streams and order; stdin reaches the job', async () => {
      const r = await runWrap(['--', 'sh', '-c', 'echo o1; echo e1 >&2; read x; echo "got $x"; echo e2 >&2; echo o2'], w.env, {input: 'hello\n'})
      assert.equal(r.stdout, 'o1\ngot hello\no2\n')
      assert.equal(r.stderr, 'e1\ne2\n')
    })
    it('output is streamed while the job runs', async () => {
      const s = startWrap(['--', 'sh', '-c', 'echo first; sleep 2; echo second'], w.env)
      let ended = false
      s.done.then(() => (ended = true))
      await s.waitOut('first\n')
      assert.equal(ended, false)
      assert.ok(!s.out().includes('second'))
      const r = await s.done
      assert.equal(r.stdout, 'first\nsecond\n')
    })
    it('20 MB pass through unchanged to a slow reader (backpressure)', async () => {
      const s = startWrap(['--', 'sh', '-c', 'yes 0123456789 | head -c 20000000'], w.env)
      s.child.stdout!.pause()
      await sleep(300) // let wrap hit a full pipe
      s.child.stdout!.resume()
      const r = await s.done
      assert.equal(r.code, 0)
      assert.equal(r.stdout.length, 20_000_000)
      assert.deepEqual(r.stdout.split('\n').filter((l) => l !== '0123456789'), ['012345678']) // 20,000,000 = 11 x 1,818,181 + 9: the cut last line
    })
    it('a vanished reader: the job gets SIGPIPE, as without wrap (`mkr wrap -- yes | head -1`)', async () => {
      const {spawnSync} = await import('node:child_process')
      const {BIN} = await import('./harness.js')
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" wrap -- yes | head -1; echo "wrap=\${PIPESTATUS[0]}"`], {env: w.env, encoding: 'utf8'})
      assert.equal(r.stdout, 'y\nwrap=141\n', r.stderr)
    })
    it('started with stdout closed (`>&-`): the job still runs and its exit code is kept', async () => {
      const {spawnSync} = await import('node:child_process')
      const {BIN} = await import('./harness.js')
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" wrap -- sh -c 'echo ran >&2; exit 4' >&-; echo "wrap=$?"`], {env: w.env, encoding: 'utf8'})
      assert.equal(r.stdout, 'wrap=4\n', r.stderr)
      assert.match(r.stderr, /^ran$/m)
    })
    it("wrap's own log lines to a vanished stderr reader do not cost the job's exit code", async () => {
      const {spawnSync} = await import('node:child_process')
      const {BIN} = await import('./harness.js')
      const cmd = `"${process.execPath}" "${BIN}" wrap --conf /nonexistent -- sh -c "sleep 0.3; exit 3" 2>&1 >/dev/null | true; echo "wrap=\${PIPESTATUS[0]}"`
      const r = spawnSync('bash', ['-c', cmd], {env: {...w.env, MACKEREL_APIKEY: ''}, encoding: 'utf8'})
      assert.equal(r.stdout, 'wrap=3\n', r.stderr)
    })
    it('gives the job MKR_WRAP_NAME and MKR_WRAP_RUN_ID', async () => {
      const r = await runWrap(['-n', 'envtest', '--', 'sh', '-c', 'echo "$MKR_WRAP_NAME $MKR_WRAP_RUN_ID"'], w.env)
      assert.match(r.stdout, /^envtest [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$/)
    })
  })

  describe('mkr-compatible reports', () => {
    it('the message for a failure with --detail --note', async () => {
      const cmd = ['sh', '-c', 'echo Hello.; sleep 0.2; echo "exit status 1" >&2; exit 1']
      const r = await runWrap(['--conf', w.conf, '-n', 'msg', '-d', '-N', 'This is note', '--', ...cmd], w.env)
      assert.equal(r.code, 1)
      const [rep] = reportsFor('msg')
      const m = rep.report.message as string
      const re = new RegExp(
        `^command exited with code: 1\\nNote: This is note\\nHost: ${hostname()}, duration: \\d+\\.\\d\\ds\\n% sh -c echo Hello\\.; sleep 0\\.2; echo "exit status 1" >&2; exit 1\\nHello\\.\\nexit status 1\\n$`,
      )
      assert.match(m, re)
      assert.equal(rep.report.status, 'CRITICAL')
      assert.equal(typeof rep.report.occurredAt, 'number')
      assert.equal(rep.report.notificationInterval, undefined)
    })
    it('the automatic check name for an argv, -w, and -I 5m sent as 10', async () => {
      const r = await runWrap(['--conf', w.conf, '-w', '-I', '5m', '--', 'sh', '-c', 'exit 3'], w.env)
      assert.equal(r.code, 3)
      // md5("sh -c exit 3") starts with 49e067
      const [rep] = reportsFor('mkrwrap-sh-49e067')
      assert.ok(rep, JSON.stringify(sb.reports().map((x) => x.report.name)))
      assert.equal(rep.report.status, 'WARNING')
      assert.equal(rep.report.notificationInterval, 10)
      assert.equal(rep.accepted, true)
    })
    it('a 3,000-line output is cut to 1024 code points, multi-byte characters intact', async () => {
      const script = 'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo "line $i 日本語🍣"; done; exit 1'
      const r = await runWrap(['--conf', w.conf, '-n', 'long', '-d', '--', 'sh', '-c', script], w.env)
      assert.equal(r.code, 1)
      assert.equal(r.stdout.split('\n').length, 3001)
      const [rep] = reportsFor('long')
      assert.equal(rep.accepted, true)
      const m = rep.report.message as string
      const n = Array.from(m).length
      assert.ok(n <= 1024 && n > 900, `${n} code points`)
      assert.ok(!m.includes('\uFFFD'))
      assert.match(m, /\nline 1 日本語🍣\nline 2 日本語🍣\n/)
      assert.match(m, /\n\.\.\. \d+ bytes cut \.\.\.\nline \d+ 日本語🍣\n/)
      assert.ok(m.endsWith('\nline 3000 日本語🍣\n'))
    })
  })

  describe('--auto-close and state', () => {
    it('failure -> CRITICAL, next success -> OK, following success -> nothing', async () => {
      const args = ['--conf', w.conf, '-a', '-n', 'ac']
      assert.equal((await runWrap([...args, '--', 'false'], w.env)).code, 1)
      assert.equal((await runWrap([...args, '--', 'true'], w.env)).code, 0)
      assert.equal((await runWrap([...args, '--', 'true'], w.env)).code, 0)
      assert.deepEqual(reportsFor('ac').map((r) => r.report.status), ['CRITICAL', 'OK'])
    })
    it('a refused OK leaves the state as it was: the next success sends OK again', async () => {
      const args = ['--conf', w.conf, '-a', '-n', 'ac-lost']
      await runWrap([...args, '--', 'false'], w.env)
      sb.addFault({method: 'POST', path: '/api/v0/monitoring/checks/report', status: 400, times: 1})
      const lost = await runWrap([...args, '--', 'true'], w.env)
      assert.equal(lost.code, 0)
      assert.match(lost.stderr, /the API refused the report for ac-lost .*400/)
      assert.deepEqual(readdirOrEmpty(w.spoolDir), [], 'a report the API refuses is not spooled')
      await runWrap([...args, '--', 'true'], w.env)
      await runWrap([...args, '--', 'true'], w.env)
      assert.deepEqual(reportsFor('ac-lost').map((r) => r.report.status), ['CRITICAL', 'OK'])
    })
    it('state is kept per host and name under XDG_STATE_HOME, no API key inside', async () => {
      await runWrap(['--conf', w.conf, '-a', '-n', 'st', '--', 'false'], w.env)
      const dir = join(w.state, 'mkr', 'wrap-state')
      const files = readdirSync(dir)
      assert.equal(files.length, 1)
      const text = readFileSync(join(dir, files[0]), 'utf8')
      assert.equal(JSON.parse(text).reported, 'CRITICAL')
      assert.ok(!text.includes(KEY))
      assert.equal(statSync(join(dir, files[0])).mode & 0o777, 0o600)
    })
  })

  describe('spool', () => {
    it('503s: retried within the budget, spooled (0600, no key), exits on time; the next run sends it first', async () => {
      sb.addFault({method: 'POST', path: '/api/v0/monitoring/checks/report', status: 503})
      const t0 = Date.now()
      const r = await runWrap(['--conf', w.conf, '-n', 'sp', '--report-timeout', '2s', '--', 'sh', '-c', 'exit 5'], w.env)
      const elapsed = Date.now() - t0
      assert.equal(r.code, 5)
      assert.ok(elapsed < 15_000, `took ${elapsed} ms with a 2 s budget`)
      assert.ok(reportRequests().filter((q) => q.status === 503).length >= 2, 'retried')
      assert.match(r.stderr, /could not send the report for sp .*saved it to/)
      const files = readdirOrEmpty(w.spoolDir)
      assert.equal(files.length, 1)
      const file = join(w.spoolDir, files[0])
      assert.equal(statSync(file).mode & 0o777, 0o600)
      const text = readFileSync(file, 'utf8')
      assert.ok(!text.includes(KEY))
      const spooled = JSON.parse(text).report
      assert.equal(reportsFor('sp').length, 0)

      sb.clearFaults()
      const next = await runWrap(['--conf', w.conf, '-n', 'sp', '--', 'sh', '-c', 'exit 6'], w.env)
      assert.equal(next.code, 6)
      const got = reportsFor('sp')
      assert.equal(got.length, 2)
      assert.deepEqual(got[0].report, spooled, 'the spooled report goes first, unchanged')
      assert.match(got[1].report.message as string, /^command exited with code: 6/)
      assert.deepEqual(readdirOrEmpty(w.spoolDir), [])
    })
    it('--flush sends what is spooled; a successful run without reports also flushes', async () => {
      sb.addFault({method: 'POST', path: '/api/v0/monitoring/checks/report', drop: true})
      const r = await runWrap(['--conf', w.conf, '-n', 'fl', '--report-timeout', '1s', '--', 'false'], w.env)
      assert.equal(r.code, 1)
      assert.equal(readdirOrEmpty(w.spoolDir).length, 1)
      sb.clearFaults()
      const f = await runWrap(['--conf', w.conf, '--flush'], w.env)
      assert.equal(f.code, 0, f.stderr)
      assert.equal(reportsFor('fl').length, 1)
      assert.deepEqual(readdirOrEmpty(w.spoolDir), [])

      sb.addFault({method: 'POST', path: '/api/v0/monitoring/checks/report', status: 502})
      await runWrap(['--conf', w.conf, '-n', 'fl2', '--report-timeout', '1s', '--', 'false'], w.env)
      sb.clearFaults()
      const ok = await runWrap(['--conf', w.conf, '--', 'true'], w.env)
      assert.equal(ok.code, 0)
      assert.equal(reportsFor('fl2').length, 1)
    })
    it('a spooled report older than 6 hours is dropped with a log line, never sent', async () => {
      const old = Math.floor(Date.now() / 1000) - 7 * 3600
      const entry = {
        version: 1,
        apiBase: new URL(sb.url).href,
        spooledAt: old * 1000,
        reason: 'test',
        report: {source: {type: 'host', hostId: host}, name: 'old', status: 'CRITICAL', message: 'm', occurredAt: old},
      }
      const {mkdirSync} = await import('node:fs')
      mkdirSync(w.spoolDir, {recursive: true})
      writeFileSync(join(w.spoolDir, `${String(old * 1000).padStart(15, '0')}-x.report.json`), JSON.stringify(entry))
      const r = await runWrap(['--conf', w.conf, '--', 'true'], w.env)
      assert.equal(r.code, 0)
      assert.match(r.stderr, /dropped the spooled report for old .*older than 6 hours/)
      assert.equal(reportsFor('old').length, 0)
      assert.deepEqual(readdirOrEmpty(w.spoolDir), [])
    })
    it('a 400 for the report: not retried, not spooled, logged with the lost message', async () => {
      sb.addFault({method: 'POST', path: '/api/v0/monitoring/checks/report', status: 400})
      const r = await runWrap(['--conf', w.conf, '-n', 'refused', '-N', 'the note', '--', 'sh', '-c', 'exit 4'], w.env)
      assert.equal(r.code, 4)
      assert.match(r.stderr, /the API refused the report for refused \(CRITICAL, host \w+, [^)]*\): POST \/api\/v0\/monitoring\/checks\/report failed: 400/)
      assert.match(r.stderr, /this report is lost:\n--- lost report: refused CRITICAL[^\n]*\ncommand exited with code: 4\nNote: the note\n/)
      assert.equal(reportRequests().length, 1, 'not retried')
      assert.deepEqual(readdirOrEmpty(w.spoolDir), [])
    })
    it('a 403 (read-only key, IP restriction): the report is kept in the spool, not lost', async () => {
      sb.addFault({method: 'POST', path: '/api/v0/monitoring/checks/report', status: 403, times: 1})
      const r = await runWrap(['--conf', w.conf, '-n', 'forbidden', '--', 'sh', '-c', 'exit 4'], w.env)
      assert.equal(r.code, 4)
      assert.match(r.stderr, /could not send the report for forbidden \(.*403.*this API key or URL cannot send reports\); saved it to /)
      assert.equal(reportRequests().length, 1, 'not retried')
      assert.equal(readdirOrEmpty(w.spoolDir).length, 1)
      const f = await runWrap(['--conf', w.conf, '--flush'], w.env)
      assert.equal(f.code, 0, f.stderr)
      assert.deepEqual(reportsFor('forbidden').map((x) => x.report.status), ['CRITICAL'])
    })
  })

  describe('--timeout', () => {
    it('SIGTERM ignored: SIGKILL after --kill-after to the whole group (grandchild too), report says timed out', async () => {
      const script = 'trap "" TERM; sleep 30 & echo $!; sleep 30'
      const r = await runWrap(['--conf', w.conf, '-n', 'to', '--timeout', '300ms', '--kill-after', '300ms', '--', 'sh', '-c', script], w.env)
      assert.equal(r.code, 137, r.stderr)
      const grandchild = Number(r.stdout.trim())
      assert.ok(grandchild > 0)
      await until(() => !running(grandchild), 'the grandchild to die', 5000)
      const [rep] = reportsFor('to')
      assert.match(rep.report.message as string, /^command timed out after 0\.30s and died with signal: 9\n/)
      assert.equal(rep.report.status, 'CRITICAL')
    })
    it('a job that stops on SIGTERM: no SIGKILL needed', async () => {
      const r = await runWrap(['--conf', w.conf, '-n', 'to2', '--timeout', '200ms', '--', 'sleep', '30'], w.env)
      assert.equal(r.code, 143)
      assert.match(reportsFor('to2')[0].report.message as string, /^command timed out after 0\.20s and died with signal: 15\n/)
    })
  })

  describe('beyond mkr', () => {
    it('--status-on maps exit codes', async () => {
      await runWrap(['--conf', w.conf, '-n', 'so1', '--status-on', '1=WARNING', '--', 'sh', '-c', 'exit 1'], w.env)
      await runWrap(['--conf', w.conf, '-n', 'so2', '-a', '--status-on', '1=WARNING', '--status-on', '3-9=OK', '--', 'sh', '-c', 'exit 5'], w.env)
      await runWrap(['--conf', w.conf, '-n', 'so3', '--status-on', '3-9=OK', '--', 'sh', '-c', 'exit 10'], w.env)
      assert.equal(reportsFor('so1')[0].report.status, 'WARNING')
      assert.equal(reportsFor('so2')[0].report.status, 'OK')
      assert.equal(reportsFor('so3')[0].report.status, 'CRITICAL')
    })
    it('--max-duration: a slow success reports WARNING', async () => {
      const r = await runWrap(['--conf', w.conf, '-n', 'slow', '--max-duration', '100ms', '--', 'sleep', '0.4'], w.env)
      assert.equal(r.code, 0)
      const [rep] = reportsFor('slow')
      assert.equal(rep.report.status, 'WARNING')
      assert.match(rep.report.message as string, /^command exited with code: 0 but ran for \d+\.\d+s, longer than --max-duration 0\.10s\n/)
    })
    it('--fail-after 3: only the third consecutive failure is reported; a success resets', async () => {
      const args = ['--conf', w.conf, '-n', 'fa', '--fail-after', '3', '--']
      for (let i = 0; i < 2; i++) assert.equal((await runWrap([...args, 'false'], w.env)).code, 1)
      assert.equal(reportsFor('fa').length, 0)
      await runWrap([...args, 'false'], w.env)
      assert.equal(reportsFor('fa').length, 1)
      assert.match(reportsFor('fa')[0].report.message as string, /^command exited with code: 1 \(3 consecutive failures\)/)
      await runWrap([...args, 'true'], w.env)
      await runWrap([...args, 'false'], w.env)
      assert.equal(reportsFor('fa').length, 1)
    })
    it('--if-status runs the job only for listed MACKEREL_STATUS values', async () => {
      const args = ['--conf', w.conf, '--if-status', 'CRITICAL,WARNING', '--', 'echo', 'ran']
      assert.equal((await runWrap(args, {...w.env, MACKEREL_STATUS: 'OK', MACKEREL_PREVIOUS_STATUS: 'CRITICAL'})).stdout, '')
      assert.equal((await runWrap(args, {...w.env, MACKEREL_STATUS: 'CRITICAL', MACKEREL_PREVIOUS_STATUS: 'OK'})).stdout, 'ran\n')
      const unset = await runWrap(args, w.env)
      assert.equal(unset.stdout, '')
      assert.equal(unset.code, 0)
      assert.match(unset.stderr, /MACKEREL_STATUS is not set/)
    })
    it('--on-change runs the job only when the status changed', async () => {
      const args = ['--conf', w.conf, '-n', 'oc', '--on-change', '--', 'echo', 'ran']
      const run = (st: string, prev?: string) =>
        runWrap(args, {...w.env, MACKEREL_STATUS: st, ...(prev === undefined ? {} : {MACKEREL_PREVIOUS_STATUS: prev})})
      assert.equal((await run('CRITICAL', 'CRITICAL')).stdout, '')
      assert.equal((await run('CRITICAL', 'OK')).stdout, 'ran\n')
      assert.equal((await run('WARNING', '')).stdout, 'ran\n', 'the first check result (empty previous) is a change')
      // an agent that does not set MACKEREL_PREVIOUS_STATUS: the last run's status is kept in the state
      assert.equal((await run('OK')).stdout, 'ran\n')
      assert.equal((await run('OK')).stdout, '')
      assert.equal((await run('CRITICAL')).stdout, 'ran\n')
    })
    it('--annotate posts an annotation covering the job window', async () => {
      const before = Math.floor(Date.now() / 1000)
      const r = await runWrap(['--conf', w.conf, '-n', 'ann', '--annotate', 'demo:web', '--', 'sleep', '1.1'], w.env)
      const after = Math.ceil(Date.now() / 1000)
      assert.equal(r.code, 0, r.stderr)
      const anns = [...sb.store.annotations.values()].filter((a) => a.title.startsWith('ann: '))
      assert.equal(anns.length, 1)
      const a = anns[0]
      assert.equal(a.service, 'demo')
      assert.deepEqual(a.roles, ['web'])
      assert.match(a.title, /^ann: OK command exited with code: 0 \(1\.\d\ds\)$/)
      assert.ok(a.from >= before && a.to <= after && a.to - a.from >= 1, JSON.stringify(a))
      const missing = await runWrap(['--conf', w.conf, '-n', 'ann2', '--annotate', 'no-such-service', '--', 'sh', '-c', 'exit 3'], w.env)
      assert.equal(missing.code, 3)
      assert.match(missing.stderr, /cannot post the annotation for ann2 to no-such-service: POST \/api\/v0\/graph-annotations failed: 404/)
      assert.equal(reportsFor('ann2').length, 1, 'the report still went out')
    })
    it('--result-json describes the run', async () => {
      const file = join(w.dir, 'result.json')
      const r = await runWrap(['--conf', w.conf, '-n', 'rj', '--result-json', file, '--', 'sh', '-c', 'exit 7'], w.env)
      assert.equal(r.code, 7)
      const j = JSON.parse(readFileSync(file, 'utf8'))
      assert.equal(j.name, 'rj')
      assert.deepEqual(j.command, ['sh', '-c', 'exit 7'])
      assert.equal(j.hostId, host)
      assert.equal(j.exitCode, 7)
      assert.equal(j.signal, null)
      assert.equal(j.status, 'CRITICAL')
      assert.equal(j.report, true)
      assert.equal(j.delivered, true)
      assert.equal(j.delivery, 'delivered')
      assert.ok(Date.parse(j.endedAt) >= Date.parse(j.startedAt))
      assert.equal(typeof j.durationMs, 'number')
      assert.equal(typeof j.userTimeMs, 'number')
      assert.equal(typeof j.systemTimeMs, 'number')
    })
    it('--jitter: a delay stable for the same host and name', async () => {
      const run = async (name: string) => {
        const file = join(w.dir, `${name}.json`)
        await runWrap(['--conf', w.conf, '-H', 'jitterhost01', '-n', name, '--jitter', '1s', '--result-json', file, '--', 'true'], w.env)
        return JSON.parse(readFileSync(file, 'utf8'))
      }
      const a1 = await run('jit-a')
      const a2 = await run('jit-a')
      const b = await run('jit-b')
      // sha256 of "jitterhost01\0jit-a" / "\0jit-b" as a fraction of 1 s (precomputed)
      assert.equal(a1.jitterMs, 132)
      assert.equal(a2.jitterMs, 132)
      assert.equal(b.jitterMs, 822)
    })
  })
  describe('no lost or duplicated reports', () => {
    /** pending spool files as an earlier run during an outage leaves them */
    const spoolSome = (n: number, hostId: (i: number) => string, prefix: string) => {
      const spool = new Spool(w.spoolDir)
      for (let i = 0; i < n; i++) {
        const c = spool.prepare(
          {version: 1, apiBase: new URL(sb.url).href, spooledAt: 1_700_000_000_000 + i, reason: 'outage', report: {source: {type: 'host', hostId: hostId(i)}, name: `${prefix}${i}`, status: 'CRITICAL', message: 'm', occurredAt: Math.floor(Date.now() / 1000) - 60}},
          `r${i}`,
        )
        spool.writeAhead(c)
        spool.release(c, 'outage')
      }
    }

    it('SIGKILL while the report is being sent: it is on disk, and the next --flush delivers it', async () => {
      sb.addFault({method: 'POST', path: '/api/v0/monitoring/checks/report', delayMs: 20_000, times: 1})
      const s = startWrap(['--conf', w.conf, '-n', 'killed', '--', 'sh', '-c', 'exit 3'], w.env)
      await until(() => reportRequests().length > 0 || readdirOrEmpty(w.spoolDir).some((n) => n.includes('.claim-')), 'the report in flight', 20_000)
      await until(() => readdirOrEmpty(w.spoolDir).length === 1, 'the write-ahead copy', 20_000)
      s.child.kill('SIGKILL')
      await s.done
      assert.equal(reportsFor('killed').length, 0)
      assert.equal(readdirOrEmpty(w.spoolDir).length, 1)
      sb.clearFaults()
      const f = await runWrap(['--conf', w.conf, '--flush'], w.env)
      assert.equal(f.code, 0, f.stderr)
      assert.deepEqual(reportsFor('killed').map((r) => r.report.status), ['CRITICAL'])
      assert.deepEqual(readdirOrEmpty(w.spoolDir), [])
    })

    it('five wraps at once with 300 spooled reports: each is sent exactly once', async () => {
      spoolSome(300, () => host, 'par')
      const runs = await Promise.all([1, 2, 3, 4, 5].map(() => runWrap(['--conf', w.conf, '--', 'true'], w.env)))
      for (const r of runs) assert.equal(r.code, 0, r.stderr)
      // each run sends at most 200: what is left goes with --flush
      await runWrap(['--conf', w.conf, '--flush'], w.env)
      const names = sb.reports().filter((r) => String(r.report.name).startsWith('par')).map((r) => r.report.name)
      assert.equal(names.length, 300)
      assert.equal(new Set(names).size, 300)
    })

    it('--flush with one report for a host that no longer exists: the other two arrive', async () => {
      spoolSome(3, (i) => (i === 1 ? 'gonehost0000' : host), 'flush')
      const r = await runWrap(['--conf', w.conf, '--flush'], w.env)
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stderr, /sent 2 spooled report\(s\), 1 refused by the API/)
      assert.match(r.stderr, /the API refused the report for flush1 \(CRITICAL, host gonehost0000/)
      assert.deepEqual(reportsFor('flush0').length + reportsFor('flush2').length, 2)
    })

    it('a mistyped key on a run with nothing to report keeps every spooled report', async () => {
      spoolSome(5, () => host, 'typo')
      const r = await runWrap(['--conf', w.conf, '--', 'true'], {...w.env, MACKEREL_APIKEY: 'typo-typo-typo-typo'})
      assert.equal(r.code, 0)
      assert.match(r.stderr, /could not send 5 spooled report\(s\) yet: .*401/)
      assert.equal(readdirOrEmpty(w.spoolDir).length, 5)
      const f = await runWrap(['--conf', w.conf, '--flush'], w.env)
      assert.equal(f.code, 0, f.stderr)
      assert.equal(sb.reports().filter((x) => String(x.report.name).startsWith('typo')).length, 5)
    })

    it('API down: at most 3 requests for the whole run (spool flush and its own report), all kept', async () => {
      sb.addFault({method: 'POST', path: '/api/v0/monitoring/checks/report', status: 503})
      spoolSome(3, () => host, 'down')
      const r = await runWrap(['--conf', w.conf, '-n', 'down-own', '--', 'sh', '-c', 'exit 2'], w.env)
      assert.equal(r.code, 2)
      assert.ok(reportRequests().length <= 3, `${reportRequests().length} requests`)
      assert.ok(reportRequests().length >= 1)
      assert.equal(readdirOrEmpty(w.spoolDir).length, 4)
    })

    it('the API key printed by the job is masked in the report, and still reaches the job', async () => {
      const r = await runWrap(['--conf', w.conf, '-d', '-n', 'leaky', '--', 'sh', '-c', 'echo "key=$MACKEREL_APIKEY"; exit 1'], w.env)
      assert.equal(r.code, 1)
      assert.equal(r.stdout, `key=${KEY}\n`)
      const m = String(reportsFor('leaky')[0].report.message)
      assert.match(m, /key=\[API key hidden\]/)
      assert.ok(!m.includes(KEY))
    })

    it('a check name Mackerel refuses: said before the job runs, the job runs, nothing is spooled', async () => {
      const r = await runWrap(['--conf', w.conf, '-n', 'bad name!', '--', 'sh', '-c', 'echo ran; exit 1'], w.env)
      assert.equal(r.code, 1)
      assert.equal(r.stdout, 'ran\n')
      assert.match(r.stderr, /^mkr wrap: the check name "bad name!" is not valid for Mackerel/)
      assert.equal(reportRequests().length, 0)
      assert.deepEqual(readdirOrEmpty(w.spoolDir), [])
    })

    it('--result-json to /dev/stdout writes through the pipe; a symlink stays a symlink', async () => {
      const r = await runWrap(['--conf', w.conf, '-n', 'rj', '--result-json', '/dev/stdout', '--', 'true'], w.env)
      assert.equal(r.code, 0)
      assert.equal(JSON.parse(r.stdout).name, 'rj')
      const target = join(w.dir, 'target.json')
      const link = join(w.dir, 'link.json')
      symlinkSync(target, link)
      await runWrap(['--conf', w.conf, '-n', 'rj2', '--result-json', link, '--', 'true'], w.env)
      assert.ok(lstatSync(link).isSymbolicLink())
      assert.equal(JSON.parse(readFileSync(target, 'utf8')).name, 'rj2')
    })

    it('--heartbeat posts 1 to the service metric after a success, nothing after a failure', async () => {
      const points = async () => {
        const r = await call(sb, 'GET', `/api/v0/services/demo/metrics?name=cron.hb&from=0&to=${Math.floor(Date.now() / 1000) + 60}`)
        return r.status === 200 ? (r.body.metrics as {value: number}[]) : []
      }
      const failed = await runWrap(['--conf', w.conf, '-n', 'hb', '--heartbeat', 'demo:cron.hb', '--', 'sh', '-c', 'exit 1'], w.env)
      assert.equal(failed.code, 1)
      assert.deepEqual(await points(), [])
      const ok = await runWrap(['--conf', w.conf, '-n', 'hb', '--heartbeat', 'demo:cron.hb', '--', 'true'], w.env)
      assert.equal(ok.code, 0, ok.stderr)
      assert.equal(ok.stderr, '')
      assert.deepEqual((await points()).map((p) => p.value), [1])
    })

    it('--heartbeat without a metric: said loudly, the job still runs (command after --)', async () => {
      const r = await runWrap(['--conf', w.conf, '-n', 'hb2', '--heartbeat', 'demo', '--', 'sh', '-c', 'echo ran'], w.env)
      assert.equal(r.code, 0)
      assert.equal(r.stdout, 'ran\n')
      assert.match(r.stderr, /USAGE ERROR: --heartbeat "demo": missing :METRIC/)
    })

    it('--jitter is not counted in durationMs', async () => {
      const file = join(w.dir, 'j.json')
      const r = await runWrap(['--conf', w.conf, '-H', 'jitterhost01', '-n', JITTER_NAME, '--jitter', '2s', '--result-json', file, '--', 'true'], w.env)
      assert.equal(r.code, 0, r.stderr)
      const j = JSON.parse(readFileSync(file, 'utf8'))
      assert.equal(j.jitterMs, JITTER_MS)
      assert.ok(j.durationMs < JITTER_MS, `durationMs ${j.durationMs} includes the jitter`)
    })
  })
})

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const {createServer} = await import('node:net')
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as {port: number}).port
  await new Promise((r) => srv.close(r))
  return port
}

function readdirOrEmpty(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')) : []
}
void sleep
