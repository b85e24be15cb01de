import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import type {Socket} from 'node:net'
import {holderAlive, tryLock} from '../../src/wrap/lock.js'
import {makeCopier, startFailureExitCode, writeSome} from '../../src/wrap/runner.js'
import {checkKey, readSpooled, Spool, tooOld} from '../../src/wrap/spool.js'
import {loadState, saveState, stateFile} from '../../src/wrap/state.js'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mkr-wrap-io-'))))
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const errno = (code: string) => Object.assign(new Error(code), {code})
const report = (name: string, occurredAt: number) => ({
  source: {type: 'host' as const, hostId: 'h1'},
  name,
  status: 'CRITICAL' as const,
  message: 'm',
  occurredAt,
})

describe('wrap: copying the job output', () => {
  function child(script: string): Socket {
    const c = spawn('sh', ['-c', script], {stdio: ['ignore', 'pipe', 'ignore']})
    return c.stdout as Socket
  }

  it('waits out a full descriptor (EAGAIN, partial writes) without losing or reordering bytes', async () => {
    const out: Buffer[] = []
    let calls = 0
    const write = ((_fd: number, buf: Buffer, off = 0, len = buf.length) => {
      calls++
      if (calls % 3 === 1) throw errno('EAGAIN')
      const n = Math.min(len, 3)
      out.push(Buffer.from(buf.subarray(off, off + n)))
      return n
    }) as never
    const seen: string[] = []
    const {socket} = makeCopier(child('printf abcdefgh; sleep 0.05; printf ijkl'), 99, (c) => seen.push(c.toString()), {write})
    await new Promise((r) => socket.on('close', r))
    assert.equal(Buffer.concat(out).toString(), 'abcdefghijkl')
    assert.equal(seen.join(''), 'abcdefghijkl')
  })

  it('a vanished reader (EPIPE): told once, reading stops', async () => {
    let broken = 0
    const write = (() => {
      throw errno('EPIPE')
    }) as never
    const {socket} = makeCopier(child('while :; do echo y; done'), 99, () => {}, {write, onBroken: () => broken++})
    await new Promise((r) => socket.on('close', r))
    assert.equal(broken, 1)
  })

  it('writeSome maps errors', () => {
    assert.equal(writeSome(1, Buffer.from('x'), (() => { throw errno('EAGAIN') }) as never), 0)
    assert.equal(writeSome(1, Buffer.from('x'), (() => { throw errno('EPIPE') }) as never), -1)
  })

  it('start failures map to 127/126/125', () => {
    assert.equal(startFailureExitCode('ENOENT'), 127)
    assert.equal(startFailureExitCode('EACCES'), 126)
    assert.equal(startFailureExitCode('E2BIG'), 125)
  })
})

describe('wrap: spool and state files', () => {
  it('write-ahead: claimed by this process (0600), released to pending, listed oldest first', () => {
    const spool = new Spool(dir, () => 10_000_000, {pid: 4242, start: '77', host: 'h'})
    const b = spool.prepare({version: 1, apiBase: 'https://x/', spooledAt: 2000, reason: 'r', report: report('b', 2)}, 'id-2')
    const a = spool.prepare({version: 1, apiBase: 'https://x/', spooledAt: 1000, reason: 'r', report: report('a', 1)}, 'id-1')
    spool.writeAhead(b)
    spool.writeAhead(a)
    assert.equal(basename(a.path!), `000000000001000-k${checkKey(report('a', 1))}-id-1.report.json.claim-4242-77-h`)
    assert.equal(statSync(a.path!).mode & 0o777, 0o600)
    assert.deepEqual(
      spool.files().map((f) => [f.ts, f.claimedBy?.pid]),
      [
        [1000, 4242],
        [2000, 4242],
      ],
    )
    const pending = spool.release(a, 'down')
    assert.equal(basename(pending), `000000000001000-k${checkKey(report('a', 1))}-id-1.report.json`)
    assert.equal(readSpooled(pending).entry?.reason, 'down')
    assert.equal(readSpooled(pending).entry?.report.name, 'a')
    assert.equal(statSync(pending).mode & 0o777, 0o600)
    writeFileSync(join(dir, '000000000000003-bad.report.json'), '{nope')
    assert.match(readSpooled(join(dir, '000000000000003-bad.report.json')).error!, /not JSON/)
    assert.equal(new Spool(join(dir, 'missing')).isEmpty(), true)
  })
  it('6 hours minus a 60 s margin is too old; a second less is not', () => {
    const now = 100_000_000_000
    assert.equal(tooOld(report('x', now / 1000 - 6 * 3600), now), true)
    assert.equal(tooOld(report('x', now / 1000 - 6 * 3600 + 60), now), true)
    assert.equal(tooOld(report('x', now / 1000 - 6 * 3600 + 61), now), false)
    assert.equal(tooOld(report('x', now / 1000 - 5 * 3600), now), false)
  })
  it('state: missing is fresh, broken is reported and fresh, saved is read back', () => {
    assert.deepEqual(loadState(dir, 'h1', 'n').state, {version: 1, hostId: 'h1', name: 'n', failures: 0})
    saveState(dir, {version: 1, hostId: 'h1', name: 'n', failures: 2, reported: 'CRITICAL'})
    assert.equal(loadState(dir, 'h1', 'n').state.reported, 'CRITICAL')
    assert.equal(loadState(dir, 'h2', 'n').state.failures, 0, 'per host')
    writeFileSync(stateFile(dir, 'h1', 'n'), 'garbage')
    const l = loadState(dir, 'h1', 'n')
    assert.match(l.error!, /ignoring/)
    assert.equal(l.state.failures, 0)
  })
})

describe('wrap: lock', () => {
  const deadPid = () => {
    const r = spawnSync('sh', ['-c', 'echo $$'])
    return Number(r.stdout.toString().trim())
  }
  it('held while the holder lives; released by release()', () => {
    const path = join(dir, 'a.lock')
    const t = tryLock(path, 'n')
    assert.ok('lock' in t)
    const again = tryLock(path, 'n')
    assert.ok('holder' in again && again.holder?.pid === process.pid)
    t.lock.release()
    assert.ok(!existsSync(path))
  })
  it('a dead holder (and job) is stale: the lock is taken over', () => {
    const path = join(dir, 'b.lock')
    writeFileSync(path, JSON.stringify({pid: deadPid(), host: hostname(), name: 'n', since: 0, jobPid: deadPid()}))
    const t = tryLock(path, 'n')
    assert.ok('lock' in t)
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid)
    assert.ok(!existsSync(path + '.break'))
  })
  it('a living job keeps the lock although its wrap died', () => {
    const rec = {pid: deadPid(), host: hostname(), name: 'n', since: 0, jobPid: process.pid}
    assert.equal(holderAlive(rec), true)
    assert.equal(holderAlive({...rec, jobPid: deadPid()}), false)
    assert.equal(holderAlive({...rec, jobPid: undefined, host: 'other-host'}), true, 'cannot check another host')
  })
  it('a reused pid (different start time) does not hold the lock', () => {
    assert.equal(holderAlive({pid: process.pid, start: '1', host: hostname(), name: 'n', since: 0}), false)
  })
  it('a fresh unreadable lock is respected, an old one is broken', () => {
    const path = join(dir, 'c.lock')
    writeFileSync(path, '')
    assert.ok('holder' in tryLock(path, 'n'))
    utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
    assert.ok('lock' in tryLock(path, 'n'))
  })
})

describe('wrap: runner', () => {
  for (const fifo of [true, false]) {
    it(`streams output to the given descriptors and captures it (${fifo ? 'FIFOs' : 'spawn pipes'})`, async () => {
      const {openSync, closeSync} = await import('node:fs')
      const {Capture} = await import('../../src/wrap/capture.js')
      const {startJob} = await import('../../src/wrap/runner.js')
      const outFile = join(dir, 'out')
      const errFile = join(dir, 'err')
      const out = openSync(outFile, 'w')
      const err = openSync(errFile, 'w')
      const capture = new Capture()
      const job = startJob({command: ['sh', '-c', 'echo o; echo e >&2; exit 3'], env: process.env, stdoutFd: out, stderrFd: err, capture, fifo})
      const r = await job.done
      closeSync(out)
      closeSync(err)
      assert.equal(r.exitCode, 3)
      assert.equal(readFileSync(outFile, 'utf8'), 'o\n')
      assert.equal(readFileSync(errFile, 'utf8'), 'e\n')
      assert.equal(capture.result().totalBytes, 4)
    })
  }
  it('forward() reaches a running job and says false once the job has exited', async () => {
    const {startJob} = await import('../../src/wrap/runner.js')
    const {openSync, closeSync} = await import('node:fs')
    const out = openSync(join(dir, 'fwd'), 'w')
    const running = startJob({command: ['sh', '-c', 'echo up; exec sleep 30'], env: process.env, stdoutFd: out, stderrFd: out})
    for (let i = 0; i < 200 && !readFileSync(join(dir, 'fwd'), 'utf8').includes('up'); i++) await new Promise((r) => setTimeout(r, 25))
    assert.equal(running.forward('SIGTERM'), true)
    assert.equal((await running.done).exitCode, 143)
    const ended = startJob({command: ['true'], env: process.env, stdoutFd: out, stderrFd: out})
    await ended.done
    assert.equal(ended.forward('SIGTERM'), false)
    closeSync(out)
  })

  it('without a capture, the job writes to the given descriptors itself (nothing passes through wrap)', async () => {
    const {startJob} = await import('../../src/wrap/runner.js')
    const {openSync, closeSync} = await import('node:fs')
    const file = join(dir, 'direct')
    const out = openSync(file, 'w')
    const job = startJob({command: ['sh', '-c', 'readlink /proc/self/fd/1; readlink /proc/self/fd/2 >&2'], env: process.env, stdoutFd: out, stderrFd: out})
    const r = await job.done
    closeSync(out)
    assert.equal(r.exitCode, 0)
    // both are the file itself, not a pipe or socket of wrap's
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n'), [file, file])
  })

  it('a daemon the job left holding its stdout: without a capture wrap is not held at all', async () => {
    const {startJob} = await import('../../src/wrap/runner.js')
    const {openSync, closeSync} = await import('node:fs')
    const out = openSync(join(dir, 'o'), 'w')
    const job = startJob({command: ['sh', '-c', 'sleep 30 & echo $!'], env: process.env, stdoutFd: out, stderrFd: out, exitGraceMs: 60_000})
    const r = await job.done
    closeSync(out)
    assert.equal(r.exitCode, 0)
    process.kill(Number(readFileSync(join(dir, 'o'), 'utf8').trim()), 'SIGKILL')
  })

  it('does not wait forever for a daemon the job left holding its captured stdout', async () => {
    const {startJob} = await import('../../src/wrap/runner.js')
    const {Capture} = await import('../../src/wrap/capture.js')
    const {openSync, closeSync} = await import('node:fs')
    const out = openSync(join(dir, 'o'), 'w')
    const job = startJob({command: ['sh', '-c', 'sleep 5 & echo $!'], env: process.env, stdoutFd: out, stderrFd: out, exitGraceMs: 200, capture: new Capture()})
    const t0 = Date.now()
    const r = await job.done
    closeSync(out)
    assert.equal(r.exitCode, 0)
    assert.ok(Date.now() - t0 < 4000)
    process.kill(Number(readFileSync(join(dir, 'o'), 'utf8').trim()), 'SIGKILL')
  })
})

describe('wrap: runner timeouts', () => {
  it('a job that ended in time is not "timed out" because what it left behind holds the pipes', async () => {
    const {startJob} = await import('../../src/wrap/runner.js')
    const {openSync, closeSync} = await import('node:fs')
    const out = openSync(join(dir, 'o'), 'w')
    const {Capture} = await import('../../src/wrap/capture.js')
    const job = startJob({command: ['sh', '-c', 'sleep 3 & echo $!'], env: process.env, stdoutFd: out, stderrFd: out, timeoutMs: 100, exitGraceMs: 600, capture: new Capture()})
    const r = await job.done
    closeSync(out)
    assert.equal(r.timedOut, false)
    assert.equal(r.exitCode, 0)
    process.kill(Number(readFileSync(join(dir, 'o'), 'utf8').trim()), 'SIGKILL')
  })
})

describe('wrap: fast-path entry', () => {
  it('hands help over and runs a job otherwise', async () => {
    const {runWrapCli} = await import('../../src/wrap/cli.js')
    assert.equal(await runWrapCli(['-n', 'x', '--help', '--', 'false']), undefined)
    assert.equal(await runWrapCli(['-help']), undefined)
    const env = process.env
    const saved = env.XDG_STATE_HOME
    env.XDG_STATE_HOME = dir
    try {
      assert.equal(await runWrapCli(['--', 'sh', '-c', 'exit 0']), 0)
    } finally {
      if (saved === undefined) delete env.XDG_STATE_HOME
      else env.XDG_STATE_HOME = saved
    }
  })
})

describe('wrap: state files that are not files', () => {
  it('a FIFO named like a state file is reported and ignored, never waited on', () => {
    const f = stateFile(dir, 'h1', 'fifo')
    spawnSync('mkfifo', [f])
    const l = loadState(dir, 'h1', 'fifo')
    assert.equal(l.state.failures, 0)
    assert.match(l.error!, /is a named pipe \(FIFO\), not a regular file/)
  })
})
