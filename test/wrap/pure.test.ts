import assert from 'node:assert/strict'
import {parseAnnotate, parseStatusOn, parseWrapArgs, WrapUsageError} from '../../src/wrap/args.js'
import {Capture} from '../../src/wrap/capture.js'
import {decide, statusLine} from '../../src/wrap/decide.js'
import {formatDuration, notificationIntervalMinutes, parseDuration} from '../../src/duration.js'
import {buildMessage, truncateMiddle} from '../../src/wrap/message.js'
import {createHash} from 'node:crypto'
import {md5Hex} from '../../src/wrap/md5.js'
import {defaultCheckName, fileKey, goBase, runUuid, stableFraction} from '../../src/wrap/names.js'
import type {RunResult} from '../../src/wrap/runner.js'

const cps = (s: string) => Array.from(s).length

describe('wrap: durations', () => {
  it('parses Go durations', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['90s', 90_000],
      ['20m', 1_200_000],
      ['1h30m', 5_400_000],
      ['1.5h', 5_400_000],
      ['500ms', 500],
      ['1h2m3s4ms', 3_723_004],
      ['.5s', 500],
      ['1µs', 0.001],
    ]
    for (const [s, ms] of cases) assert.equal(parseDuration(s), ms, s)
  })
  it('rejects a bare number (missing unit) and garbage, like Go', () => {
    assert.throws(() => parseDuration('30'), /missing unit/)
    assert.throws(() => parseDuration('5x'), /unknown unit "x"/)
    assert.throws(() => parseDuration(''), /invalid duration/)
    assert.throws(() => parseDuration('m'), /invalid duration/)
  })
  it('notification interval: whole minutes, 1-9 raised to 10, 0 omitted', () => {
    assert.equal(notificationIntervalMinutes(parseDuration('5m')), 10)
    assert.equal(notificationIntervalMinutes(parseDuration('1m')), 10)
    assert.equal(notificationIntervalMinutes(parseDuration('9m59s')), 10)
    assert.equal(notificationIntervalMinutes(parseDuration('10m')), 10)
    assert.equal(notificationIntervalMinutes(parseDuration('90m30s')), 90)
    assert.equal(notificationIntervalMinutes(parseDuration('1h')), 60)
    assert.equal(notificationIntervalMinutes(parseDuration('59s')), undefined)
    assert.equal(notificationIntervalMinutes(0), undefined)
  })
  it('formats durations for people', () => {
    assert.equal(formatDuration(345), '0.35s')
    assert.equal(formatDuration(12_345), '12.3s')
    assert.equal(formatDuration(125_000), '2m5s')
    assert.equal(formatDuration(3_725_000), '1h2m')
  })
})

describe('wrap: check names', () => {
  it('derives mkrwrap-<base>-<md5 6 hex> like mkr', () => {
    // md5 values computed independently (python hashlib)
    assert.equal(defaultCheckName(['echo', '1']), 'mkrwrap-echo-e58da9')
    assert.equal(defaultCheckName(['/usr/local/bin/backup.sh', '--full']), 'mkrwrap-backup_sh-e1f9ba')
    assert.equal(defaultCheckName(['go', 'run', 'testdata/stub.go']), 'mkrwrap-go-d7985d')
  })
  it('Go filepath.Base semantics and sanitising', () => {
    assert.equal(goBase('/a/b/'), 'b')
    assert.equal(goBase('///'), '/')
    assert.equal(goBase(''), '.')
    assert.match(defaultCheckName([' my tool.py ']), /^mkrwrap-my_tool_py-[0-9a-f]{6}$/)
    assert.match(defaultCheckName(['/usr/bin/é']), /^mkrwrap-_-[0-9a-f]{6}$/)
  })
  it('file keys never contain a slash or dot-dot and stay short', () => {
    assert.equal(fileKey('h1', '../x'), 'h1--%2e%2e%2fx')
    assert.ok(fileKey('h', 'x'.repeat(1000)).length <= 180)
    assert.notEqual(fileKey('h', 'x'.repeat(1000)), fileKey('h', 'x'.repeat(999) + 'y'))
  })
  it('md5 (written out to spare every run node:crypto) is node:crypto\'s on every length and on multi-byte text', () => {
    let seed = 1
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    for (let n = 0; n < 2000; n++) {
      const len = n < 200 ? n : Math.floor(rand() * 400)
      let s = ''
      for (let i = 0; i < len; i++) s += rand() < 0.85 ? String.fromCharCode(32 + Math.floor(rand() * 95)) : ['é', '日', '😀', '\0', '\n'][Math.floor(rand() * 5)]
      assert.equal(md5Hex(s), createHash('md5').update(s, 'utf8').digest('hex'), JSON.stringify(s))
    }
  })
  it('run ids are version 4 UUIDs, all different', () => {
    const ids = new Set(Array.from({length: 2000}, () => runUuid()))
    assert.equal(ids.size, 2000)
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
  it('stable fraction is stable and spread', () => {
    assert.equal(stableFraction('host\0name'), stableFraction('host\0name'))
    assert.notEqual(stableFraction('host\0a'), stableFraction('host\0b'))
    const v = stableFraction('x')
    assert.ok(v >= 0 && v < 1)
  })
})

describe('wrap: argument parsing', () => {
  it('flags stop at the command: everything after it goes to the job', () => {
    assert.deepEqual(parseWrapArgs(['--', 'echo', '-n', 'hi']).command, ['echo', '-n', 'hi'])
    const o = parseWrapArgs(['-n', 'x', 'echo', '-n', 'hi'])
    assert.equal(o.name, 'x')
    assert.deepEqual(o.command, ['echo', '-n', 'hi'])
    assert.deepEqual(parseWrapArgs(['-d', '--', '--', 'x']).command, ['--', 'x'])
  })
  it("accepts mkr's forms: single-dash long flags, =value, short with value, bundles", () => {
    const o = parseWrapArgs(['-name=job', '-detail', '-note', 'a note', '-H', 'h1', '-wa', '-I5m', '--', 'true'])
    assert.equal(o.name, 'job')
    assert.equal(o.detail, true)
    assert.equal(o.note, 'a note')
    assert.equal(o.host, 'h1')
    assert.equal(o.warning, true)
    assert.equal(o.autoClose, true)
    assert.equal(o.notificationIntervalMs, 300_000)
    assert.equal(parseWrapArgs(['--detail=false', '--', 'x']).detail, false)
  })
  it('--lock with and without a path', () => {
    assert.equal(parseWrapArgs(['--lock', '--', 'x']).lockPath, undefined)
    assert.equal(parseWrapArgs(['--lock', '--', 'x']).lock, true)
    assert.equal(parseWrapArgs(['--lock=/tmp/a.lock', 'x']).lockPath, '/tmp/a.lock')
    assert.equal(parseWrapArgs(['--lock', '/tmp/a.lock', '--', 'x']).lockPath, '/tmp/a.lock')
    // without a later `--` the next word is the command
    const o = parseWrapArgs(['--lock', 'sleep', '1'])
    assert.equal(o.lockPath, undefined)
    assert.deepEqual(o.command, ['sleep', '1'])
  })
  it('usage errors name the problem (without `--`, so the command is not clear: exit 2)', () => {
    const err = (a: string[], re: RegExp) => assert.throws(() => parseWrapArgs(a), (e: Error) => e instanceof WrapUsageError && re.test(e.message))
    err([], /no command specified/)
    err(['--bogus', 'x'], /unknown flag --bogus; put the command after `--`/)
    err(['-z', 'x'], /unknown flag -z/)
    err(['-n'], /-n expects a value/)
    err(['-I', '30', 'x'], /missing unit/)
    err(['--fail-after', '0', 'x'], /from 1 to/)
    err(['--on-locked', 'wait', 'x'], /needs --lock/)
    err(['--on-locked', 'never', '--lock', 'x'], /skip, wait or report/)
    err(['--if-status', 'BAD', 'x'], /unknown status "BAD"/)
    err(['--flush', 'x'], /runs no command/)
    err(['-n', 'a', '-n', 'b', 'x'], /only be given once/)
  })
  it('--status-on and --annotate syntax', () => {
    assert.deepEqual(parseStatusOn('1=warning'), [{from: 1, to: 1, status: 'WARNING'}])
    assert.deepEqual(parseStatusOn('3-9,42=OK'), [
      {from: 3, to: 9, status: 'OK'},
      {from: 42, to: 42, status: 'OK'},
    ])
    assert.throws(() => parseStatusOn('9-3=OK'), /empty range/)
    assert.throws(() => parseStatusOn('300=OK'), /0-255/)
    assert.throws(() => parseStatusOn('1'), /missing =STATUS/)
    assert.deepEqual(parseAnnotate('Blog'), {service: 'Blog'})
    assert.deepEqual(parseAnnotate('Blog:app,db'), {service: 'Blog', roles: ['app', 'db']})
    assert.throws(() => parseAnnotate(':app'), /missing service/)
  })
})

describe('wrap: message', () => {
  it('is the mkr template', () => {
    assert.equal(buildMessage({statusLine: 'command exited with code: 0', command: ['echo', '1']}), 'command exited with code: 0\n% echo 1')
    const c = new Capture()
    c.write('stdout', Buffer.from('Hello.\n'))
    c.write('stderr', Buffer.from('exit status 1\n'))
    assert.equal(
      buildMessage({statusLine: 'command exited with code: 1', note: 'This is note', command: ['go', 'run', 'testdata/stub.go'], output: c.result()}),
      'command exited with code: 1\nNote: This is note\n% go run testdata/stub.go\nHello.\nexit status 1\n',
    )
  })
  it("mkr's truncate: 509 + \\n...\\n + 510 code points", () => {
    const src = 'a'.repeat(600) + 'b'.repeat(600)
    const t = truncateMiddle(src, 1024, '\n...\n')
    assert.equal(cps(t), 1024)
    assert.equal(t, 'a'.repeat(509) + '\n...\n' + 'b'.repeat(510))
    assert.equal(truncateMiddle('short', 1024, '\n...\n'), 'short')
    assert.equal(truncateMiddle('x'.repeat(10), 3, '\n...\n'), '\n..')
  })
  it('cuts long output on line boundaries, multi-byte characters intact, saying what was cut', () => {
    const c = new Capture()
    let all = ''
    for (let i = 1; i <= 3000; i++) {
      const line = `line ${i} 日本語🍣\n`
      all += line
      c.write(i % 2 ? 'stdout' : 'stderr', Buffer.from(line))
    }
    const m = buildMessage({statusLine: 'command exited with code: 1', info: 'Host: h, duration: 1.00s', command: ['job'], output: c.result()})
    assert.ok(cps(m) <= 1024, `${cps(m)} code points`)
    assert.ok(cps(m) > 900)
    assert.ok(!m.includes('\uFFFD'))
    assert.match(m, /^command exited with code: 1\nHost: h, duration: 1\.00s\n% job\nline 1 日本語🍣\nline 2 /)
    assert.ok(m.endsWith('line 3000 日本語🍣\n'))
    const cut = /\n\.\.\. (\d+) bytes cut \.\.\.\n/.exec(m)
    assert.ok(cut, m)
    // what is shown + what was cut = the whole output
    const shown = m.slice(m.indexOf('% job\n') + 6)
    const [a, z] = shown.split(cut[0])
    assert.ok(all.startsWith(a + '\n'))
    assert.ok(all.endsWith('\n' + z))
    assert.equal(Buffer.byteLength(a) + Number(cut[1]) + Buffer.byteLength(z), Buffer.byteLength(all))
    // cut on line boundaries
    assert.match(a, /🍣$/)
    assert.match(z, /^line \d+ /)
  })
  it('falls back to mkr truncation when the header alone is too long', () => {
    const c = new Capture()
    c.write('stdout', Buffer.from('out\n'))
    const m = buildMessage({statusLine: 'command exited with code: 1', note: 'n'.repeat(2000), command: ['x'], output: c.result()})
    assert.equal(cps(m), 1024)
    assert.ok(m.includes('\n...\n'))
  })
})

describe('wrap: capture', () => {
  it('keeps head and tail, bounded, and whole lines per stream', () => {
    const c = new Capture({headBytes: 16, tailBytes: 16})
    c.write('stdout', Buffer.from('out-partial'))
    c.write('stderr', Buffer.from('err line\n'))
    c.write('stdout', Buffer.from(' done\n'))
    const r = c.result()
    assert.equal(r.totalBytes, 26)
    assert.equal(Buffer.concat([r.head, r.tail]).toString(), 'err line\nout-partial done\n')
    assert.equal(r.omittedBytes, 0)
  })
  it('memory stays bounded for a lot of output', () => {
    const c = new Capture({headBytes: 100, tailBytes: 100})
    const chunk = Buffer.alloc(65536, 'y\n')
    for (let i = 0; i < 2000; i++) c.write('stdout', chunk)
    const r = c.result()
    assert.equal(r.totalBytes, 65536 * 2000)
    assert.equal(r.head.length, 100)
    assert.equal(r.tail.length, 100)
    assert.equal(r.head.length + r.omittedBytes + r.tail.length, r.totalBytes)
  })
  it('flushes a partial line that grows past the limit', () => {
    const c = new Capture({headBytes: 8, tailBytes: 8, maxPendingBytes: 10})
    c.write('stdout', Buffer.from('x'.repeat(30)))
    const r = c.result()
    assert.equal(r.totalBytes, 30)
    assert.equal(r.head.toString(), 'xxxxxxxx')
  })
})

function run(p: Partial<RunResult>): RunResult {
  return {exitCode: 0, code: 0, signal: null, signalName: null, timedOut: false, startedAt: 0, endedAt: 0, durationMs: 100, ...p}
}

describe('wrap: report decision', () => {
  const base = {warning: false, autoClose: false, statusOn: []}
  it('status lines', () => {
    assert.equal(statusLine(run({exitCode: 3, code: 3})), 'command exited with code: 3')
    assert.equal(statusLine(run({exitCode: 143, code: null, signal: 15})), 'command died with signal: 15')
    assert.equal(statusLine(run({exitCode: 137, code: null, signal: 9, timedOut: true}), 2000), 'command timed out after 2.00s and died with signal: 9')
    assert.equal(
      statusLine(run({exitCode: 127, code: null, startError: {code: 'ENOENT', message: 'x: command not found'}})),
      'command invocation failed with following error: x: command not found',
    )
  })
  it('mkr: failure -> CRITICAL (WARNING with -w), success sends nothing without -a', () => {
    assert.deepEqual(
      [decide({...base, result: run({exitCode: 1, code: 1})}).status, decide({...base, result: run({exitCode: 1, code: 1})}).send],
      ['CRITICAL', true],
    )
    assert.equal(decide({...base, warning: true, result: run({exitCode: 1, code: 1})}).status, 'WARNING')
    assert.equal(decide({...base, result: run({})}).send, false)
  })
  it('auto-close: OK when the previous report failed or is unknown, nothing after OK', () => {
    const prev = (reported?: 'OK' | 'CRITICAL') => ({version: 1 as const, hostId: 'h', name: 'n', failures: 0, reported})
    assert.equal(decide({...base, autoClose: true, result: run({}), prev: prev()}).send, true)
    assert.equal(decide({...base, autoClose: true, result: run({}), prev: prev('CRITICAL')}).send, true)
    assert.equal(decide({...base, autoClose: true, result: run({}), prev: prev('OK')}).send, false)
  })
  it('--status-on (later rules win), --max-duration, timeout', () => {
    const statusOn = [...parseStatusOn('1-9=WARNING'), ...parseStatusOn('3=OK')]
    assert.equal(decide({...base, statusOn, result: run({exitCode: 1, code: 1})}).status, 'WARNING')
    assert.equal(decide({...base, statusOn, result: run({exitCode: 3, code: 3})}).status, 'OK')
    assert.equal(decide({...base, statusOn, result: run({exitCode: 10, code: 10})}).status, 'CRITICAL')
    const slow = decide({...base, maxDurationMs: 50, result: run({durationMs: 120})})
    assert.equal(slow.status, 'WARNING')
    assert.equal(slow.send, true)
    assert.match(slow.statusLine, /^command exited with code: 0 but ran for 0\.12s, longer than --max-duration 0\.05s$/)
    const statusOnOk = parseStatusOn('143=OK')
    assert.equal(decide({...base, statusOn: statusOnOk, result: run({exitCode: 143, code: null, signal: 15, timedOut: true})}).status, 'CRITICAL')
  })
  it('--fail-after counts consecutive failures', () => {
    const st = (failures: number) => ({version: 1 as const, hostId: 'h', name: 'n', failures})
    const fail = run({exitCode: 1, code: 1})
    assert.deepEqual(
      [0, 1, 2].map((f) => decide({...base, failAfter: 3, result: fail, prev: st(f)}).send),
      [false, false, true],
    )
    assert.equal(decide({...base, failAfter: 3, result: fail, prev: st(2)}).failures, 3)
    assert.equal(decide({...base, failAfter: 3, result: run({}), prev: st(2)}).failures, 0)
  })
})
