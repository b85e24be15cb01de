// --lock: holders on another host expire after the TTL; a lock path that cannot be used fails at once
// (never a hang or a spin), so that wrap runs the job without it.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {LockUnusableError, tryLock} from '../../src/wrap/lock.js'
import {ensureDir} from '../../src/files.js'
import {ROOT} from '../e2e/harness.js'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mkr-wrap-lock-'))))
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const NOW = 1_700_000_000_000
const HOUR = 3_600_000
const foreign = (path: string, since: number | undefined) =>
  writeFileSync(path, JSON.stringify({pid: 1234, host: 'pod-abc123', name: 'n', ...(since === undefined ? {} : {since})}) + '\n')

/**
 * Runs `tryLock(path)` in a child process and reports what happened: a call that hangs or spins is
 * killed (the time limit only bounds a failure; a working tryLock answers at once).
 */
function tryLockInChild(path: string): {result: string; killed: boolean} {
  const code = `import {tryLock} from './src/wrap/lock.ts'
try { const t = tryLock(${JSON.stringify(path)}, 'n'); console.log('lock' in t ? 'locked' : 'held') }
catch (e) { console.log('threw ' + e.constructor.name + ' ' + (e.code ?? '') + ': ' + e.message) }`
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {cwd: ROOT, timeout: 30_000, encoding: 'utf8'})
  return {result: (r.stdout ?? '').trim(), killed: r.signal !== null}
}

describe('wrap: a lock held by another host', () => {
  it('counts as held while younger than the TTL, with its age; the holder cannot be checked', () => {
    const path = join(dir, 'a.lock')
    foreign(path, NOW - HOUR)
    const t = tryLock(path, 'n', NOW, {ttlMs: 2 * HOUR, host: 'this-host'})
    assert.deepEqual(t, {holder: {pid: 1234, host: 'pod-abc123', name: 'n', since: NOW - HOUR}, age: HOUR, unchecked: true})
    assert.equal(readFileSync(path, 'utf8'), JSON.stringify({pid: 1234, host: 'pod-abc123', name: 'n', since: NOW - HOUR}) + '\n')
  })

  it('is stale once older than the TTL: taken over, and the old holder is told', () => {
    const path = join(dir, 'a.lock')
    foreign(path, NOW - 2 * HOUR - 1)
    const t = tryLock(path, 'n', NOW, {ttlMs: 2 * HOUR, host: 'this-host'})
    assert.ok('lock' in t)
    assert.deepEqual(t.replaced, {pid: 1234, host: 'pod-abc123', name: 'n', since: NOW - 2 * HOUR - 1})
    assert.equal(t.replacedAge, 2 * HOUR + 1)
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).host, 'this-host')
    t.lock.release()
    assert.equal(existsSync(path), false)
  })

  it('the default TTL is 24 hours (a pod killed yesterday no longer blocks)', () => {
    const path = join(dir, 'a.lock')
    foreign(path, NOW - 24 * HOUR)
    assert.ok('holder' in tryLock(path, 'n', NOW, {host: 'this-host'}))
    foreign(path, NOW - 24 * HOUR - 1)
    assert.ok('lock' in tryLock(path, 'n', NOW, {host: 'this-host'}))
  })

  it('without a usable `since` (missing, or in the future) the file time counts', () => {
    const path = join(dir, 'a.lock')
    foreign(path, NOW + 10 * HOUR)
    utimesSync(path, (NOW - 3 * HOUR) / 1000, (NOW - 3 * HOUR) / 1000)
    assert.ok('lock' in tryLock(path, 'n', NOW, {ttlMs: 2 * HOUR, host: 'this-host'}))
    foreign(path, undefined)
    utimesSync(path, (NOW - HOUR) / 1000, (NOW - HOUR) / 1000)
    const t = tryLock(path, 'n', NOW, {ttlMs: 2 * HOUR, host: 'this-host'})
    assert.ok('holder' in t)
    assert.equal(t.age, HOUR)
  })
})

describe('wrap: a lock path that cannot be used fails at once', () => {
  it('a directory that cannot be created (/proc/nope/x.lock): an error, no endless mkdir loop', function () {
    if (!existsSync('/proc/self')) this.skip()
    const r = tryLockInChild('/proc/nope/x.lock')
    assert.equal(r.killed, false, 'tryLock did not return')
    assert.match(r.result, /^threw Error ENOENT: /)
  })

  it('a FIFO at the lock path is not opened for reading (it would wait for a writer)', () => {
    const path = join(dir, 'fifo.lock')
    assert.equal(spawnSync('mkfifo', [path]).status, 0)
    const r = tryLockInChild(path)
    assert.equal(r.killed, false, 'tryLock did not return')
    assert.equal(r.result, `threw LockUnusableError : ${path} is a named pipe (FIFO), not a regular file`)
  })

  it('a directory or a dangling symlink at the lock path', () => {
    const d = join(dir, 'd.lock')
    mkdirSync(d)
    assert.throws(() => tryLock(d, 'n'), (e: Error) => e instanceof LockUnusableError && e.message === `${d} is a directory`)
    const l = join(dir, 'l.lock')
    symlinkSync(join(dir, 'nowhere'), l)
    assert.throws(() => tryLock(l, 'n'), (e: Error) => e instanceof LockUnusableError && e.message === `${l} is a dangling symbolic link`)
  })

  it('a file in the way of the lock directory', () => {
    writeFileSync(join(dir, 'f'), '')
    assert.throws(() => tryLock(join(dir, 'f', 'sub', 'x.lock'), 'n'), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR')
  })

  it('ensureDir creates the missing levels (mode 0700) and accepts existing ones', () => {
    const deep = join(dir, 'a', 'b', 'c')
    ensureDir(deep)
    assert.ok(statSync(deep).isDirectory())
    assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o700)
    ensureDir(deep)
    const t = tryLock(join(dir, 'x', 'y', 'n.lock'), 'n')
    assert.ok('lock' in t)
    t.lock.release()
  })
})
