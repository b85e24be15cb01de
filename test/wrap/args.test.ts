// `mkr wrap` argument parsing: mistakes in wrap's own flags when the command is clear (after `--`),
// --lock-ttl, --lock=DIR, and the maximum of every duration flag.
import assert from 'node:assert/strict'
import {EventEmitter} from 'node:events'
import {closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough} from 'node:stream'
import {parseWrapArgs, WrapUsageError} from '../../src/wrap/args.js'
import {runWrap} from '../../src/wrap/main.js'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mkr-wrap-args-'))))
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const usage = (a: string[], re: RegExp) => assert.throws(() => parseWrapArgs(a), (e: Error) => e instanceof WrapUsageError && re.test(e.message))

describe('wrap: a mistake in the flags when the command follows `--`', () => {
  it('an unknown flag (and the word after it) is ignored; the other flags still apply', () => {
    const o = parseWrapArgs(['--nmae', 'x', '-d', '--timeout', '5m', '--', 'sh', '-c', 'exit 3'])
    assert.deepEqual(o.command, ['sh', '-c', 'exit 3'])
    assert.deepEqual(o.usageErrors, ['unknown flag --nmae'])
    assert.equal(o.name, undefined)
    assert.equal(o.detail, true)
    assert.equal(o.timeoutMs, 300_000)
  })
  it('unknown short flags, =values and flags right before `--`', () => {
    assert.deepEqual(parseWrapArgs(['-z', 'v', '-n', 'job', '--', 'true']).usageErrors, ['unknown flag -z'])
    assert.equal(parseWrapArgs(['-z', 'v', '-n', 'job', '--', 'true']).name, 'job')
    assert.deepEqual(parseWrapArgs(['--nmae=x', '--', 'true']).usageErrors, ['unknown flag --nmae'])
    assert.deepEqual(parseWrapArgs(['-n', 'job', '--bogus', '--', 'true']).usageErrors, ['unknown flag --bogus'])
    assert.deepEqual(parseWrapArgs(['-dz', '--', 'true']).usageErrors, ['unknown flag -z in -dz'])
  })
  it('a bad value is ignored with its flag', () => {
    const o = parseWrapArgs(['--timeout', '600h', '-I', '30', '--status-on', '1=NOPE', '--fail-after', '0', '-n', 'job', '--', 'true'])
    assert.deepEqual(o.usageErrors, [
      '--timeout: "600h" is more than the maximum, 576h (24 days)',
      '--notification-interval: invalid duration "30": missing unit (examples: 90s, 20m, 1h30m)',
      '--status-on: unknown status "NOPE" (one of OK, WARNING, CRITICAL, UNKNOWN)',
      '--fail-after: expected a number of consecutive failures from 1 to 1000000, got "0"',
    ])
    assert.equal(o.timeoutMs, undefined)
    assert.equal(o.notificationIntervalMs, undefined)
    assert.deepEqual(o.statusOn, [])
    assert.equal(o.failAfter, undefined)
    assert.equal(o.name, 'job')
  })
  it('flags that do not fit together: the one in the way is dropped', () => {
    const a = parseWrapArgs(['--on-locked', 'wait', '--', 'true'])
    assert.deepEqual(a.usageErrors, ['--on-locked needs --lock'])
    assert.equal(a.onLocked, 'skip')
    const b = parseWrapArgs(['-n', '', '--', 'true'])
    assert.deepEqual(b.usageErrors, ['--name must not be empty'])
    assert.equal(b.name, undefined)
    const c = parseWrapArgs(['--flush', '--', 'true'])
    assert.deepEqual(c.usageErrors, ['--flush sends the spooled reports and runs no command; drop the command or --flush'])
    assert.equal(c.flush, false)
    const d = parseWrapArgs(['-n', 'a', '-n', 'b', '--', 'true'])
    assert.deepEqual(d.usageErrors, ['--name can only be given once'])
    assert.equal(d.name, 'a')
  })
  it('a clean command line has no usage errors', () => {
    assert.deepEqual(parseWrapArgs(['-n', 'job', '--', 'true']).usageErrors, [])
    assert.deepEqual(parseWrapArgs(['-n', 'job', 'true']).usageErrors, [])
  })
  it('without a clear command it stays a usage error', () => {
    usage(['--nmae', 'x', 'sh', '-c', 'exit 3'], /^unknown flag --nmae; put the command after `--`/)
    // after an unknown flag and its possible value, a word is where the command would start: a guess
    usage(['--nmae', 'x', 'y', '--', 'true'], /^unknown flag --nmae/)
    usage(['--nmae', 'x', '--'], /^unknown flag --nmae/)
    usage(['--timeout', '600h', 'true'], /^--timeout: "600h" is more than the maximum/)
    usage(['-n'], /-n expects a value/)
  })
  it('--help still wins', () => {
    assert.equal(parseWrapArgs(['--nmae', 'x', '--help', '--', 'true']).help, true)
  })
})

describe('wrap: runWrap with a mistake in the flags', () => {
  function io() {
    const stderr = new PassThrough()
    let err = ''
    stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    const out = openSync(join(dir, 'job.out'), 'w')
    const env: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: dir, XDG_STATE_HOME: join(dir, 'state')}
    return {io: {env, stderr, stdoutFd: out, stderrFd: out, signals: new EventEmitter()}, err: () => err, close: () => closeSync(out)}
  }
  const job = () => ['sh', '-c', `echo ran > ${JSON.stringify(join(dir, 'ran'))}; exit 3`]

  it('runs the command after `--`, says so loudly (also with -q) and exits with its code', async () => {
    const t = io()
    // exit 3 maps to OK: nothing to report, so the run needs no API
    const code = await runWrap(['-q', '--nmae', 'x', '--status-on', '3=OK', '--', ...job()], t.io)
    t.close()
    assert.equal(code, 3)
    assert.equal(readFileSync(join(dir, 'ran'), 'utf8'), 'ran\n')
    assert.equal(
      t.err(),
      'mkr wrap: USAGE ERROR: unknown flag --nmae\n' +
        'mkr wrap: running the command anyway, ignoring the flag(s) above; fix the mkr wrap command line (see mkr wrap --help)\n' +
        'command exited with code: 3\n',
    )
  })

  it('without `--` the command does not run: exit 2', async () => {
    const t = io()
    const code = await runWrap(['--nmae', 'x', '--status-on', '3=OK', ...job()], t.io)
    t.close()
    assert.equal(code, 2)
    assert.equal(existsSync(join(dir, 'ran')), false)
    assert.equal(t.err(), 'mkr wrap: unknown flag --nmae; put the command after `--`: mkr wrap [FLAGS] -- COMMAND [ARGS...]\n')
  })
})

describe('wrap: --lock-ttl and --lock=PATH', () => {
  it('--lock-ttl: default 24h, a duration from 1s to 8760h', () => {
    assert.equal(parseWrapArgs(['--lock', '--', 'true']).lockTtlMs, 86_400_000)
    assert.equal(parseWrapArgs(['--lock', '--lock-ttl', '90m', '--', 'true']).lockTtlMs, 5_400_000)
    assert.equal(parseWrapArgs(['--lock-ttl', '8760h', 'true']).lockTtlMs, 31_536_000_000)
    assert.equal(parseWrapArgs(['--lock-ttl', '1s', 'true']).lockTtlMs, 1000)
    usage(['--lock-ttl', '8760h1ms', 'true'], /^--lock-ttl: "8760h1ms" is more than the maximum, 8760h \(365 days\)$/)
    usage(['--lock-ttl', '999ms', 'true'], /^--lock-ttl: "999ms" must be at least 1s$/)
    usage(['--lock-ttl', '1d', 'true'], /^--lock-ttl: invalid duration "1d": unknown unit "d"/)
  })
  it('--lock=DIR (an existing directory, or a path ending in /) is a usage error', () => {
    usage(['--lock=' + dir, 'true'], new RegExp(`^--lock=${dir}: is a directory; give the lock file's path, e\\.g\\. --lock=${dir}/JOB\\.lock$`))
    usage(['--lock=' + join(dir, 'new') + '/', 'true'], /is a directory/)
    const o = parseWrapArgs(['--lock', dir, '--', 'true'])
    assert.deepEqual(o.usageErrors, [`--lock=${dir}: is a directory; give the lock file's path, e.g. --lock=${dir}/JOB.lock`])
    assert.equal(o.lock, false, 'the job runs without the lock')
    assert.equal(parseWrapArgs(['--lock=' + join(dir, 'a.lock'), 'true']).lockPath, join(dir, 'a.lock'))
  })
})
