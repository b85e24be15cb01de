// --lock: one run per check name at a time. The lock is a file holding the holder's pid, process start
// time and host name, plus its job's pid once started. It counts as held while the wrap process or
// its job is alive, so a holder killed with SIGKILL frees it (and an orphaned job that outlived its
// wrap still blocks the next run, as it should: that run is "still running").
//
// Races: the file is created atomically with its content (link() of a temporary file, so nobody ever
// reads a half-written lock). A stale lock is broken only under a short-lived guard file
// (`<lock>.break`, O_EXCL), after re-reading it under the guard and checking it is still the same
// stale content, so two runs that both saw the same dead holder cannot both break it and both win.
//
// A holder on another host (a shared file system, or a Kubernetes pod that got a new host name)
// cannot be checked: its lock counts as held until it is older than the TTL (--lock-ttl, 24h).
//
// Nothing here may hang or spin: every loop is bounded, the lock's directory is created without
// Node's recursive mkdir (which loops forever on /proc/nope), and only regular files are read (a
// FIFO at the lock path is opened non-blocking and refused). A lock that cannot be used throws; the
// caller then runs the job without it.
import {
  closeSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import {hostname} from 'node:os'
import {dirname, join} from 'node:path'
import {ensureDir, readRegularFile} from '../files.js'
import {fileKey} from './names.js'

export interface LockRecord {
  pid: number
  /** process start time (Linux /proc starttime), guards against pid reuse */
  start?: string
  host: string
  name: string
  /** epoch ms */
  since: number
  jobPid?: number
  jobStart?: string
}

export function defaultLockPath(stateDir: string, name: string): string {
  return join(stateDir, 'locks', `${fileKey(name)}.lock`)
}

function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/** Start time of a process (field 22 of /proc/<pid>/stat), undefined when unavailable. */
export function processStart(pid: number): string | undefined {
  return procStat(pid)?.[19]
}

function alive(pid: number | undefined, start: string | undefined): boolean {
  if (!pid || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const f = procStat(pid)
  if (!f) return true // no /proc: kill(0) is all we know
  if (f[0] === 'Z' || f[0] === 'X') return false // killed, waiting for its parent to reap it
  return start === undefined || f[19] === start
}

/** Whether the record's holder (wrap or its job) still runs. Records from another host count as held. */
export function holderAlive(r: LockRecord, host = hostname()): boolean {
  if (r.host !== host) return true
  return alive(r.pid, r.start) || alive(r.jobPid, r.jobStart)
}

/** The lock's age in ms: from the record's `since`, else (missing, or in the future) the file's mtime. */
export function lockAge(r: LockRecord | undefined, now: number, mtimeMs?: number): number | undefined {
  const since = typeof r?.since === 'number' && Number.isFinite(r.since) && r.since <= now ? r.since : mtimeMs
  return since === undefined ? undefined : Math.max(0, now - since)
}

/** Default --lock-ttl: how long a lock held by another host (which cannot be checked) counts as held. */
export const DEFAULT_LOCK_TTL_MS = 24 * 3_600_000

/** A lock path that cannot be used (a directory, a FIFO, a device, too large to be a lock). */
export class LockUnusableError extends Error {}

const MAX_LOCK_BYTES = 64 * 1024

/**
 * Reads the lock file: undefined when there is none. Only a regular file is read: the open is
 * non-blocking (a FIFO never waits for a writer) and the type is checked on the open descriptor.
 */
export function readLockFile(path: string): {raw: string; mtimeMs: number} | undefined {
  let raw: string
  try {
    raw = readRegularFile(path, {maxBytes: MAX_LOCK_BYTES})
  } catch (error) {
    const e = error as NodeJS.ErrnoException & {reason?: string}
    if (e.code === 'ENOENT') return undefined
    if (e.code === 'ENOTREG') throw new LockUnusableError(`${path} ${e.reason}`)
    if (e.code === 'EFBIG') throw new LockUnusableError(`${path} is too large to be a lock file`)
    throw error
  }
  let mtimeMs = Date.now()
  try {
    mtimeMs = statSync(path).mtimeMs
  } catch {}
  return {raw, mtimeMs}
}


const GUARD_STALE_MS = 10_000

export class Lock {
  private raw: string
  constructor(
    readonly path: string,
    private record: LockRecord,
    raw: string,
  ) {
    this.raw = raw
  }

  /** Records the job's pid, so the lock stays held while the job runs even if wrap dies. */
  setJob(pid: number): void {
    this.record = {...this.record, jobPid: pid, jobStart: processStart(pid)}
    const raw = JSON.stringify(this.record) + '\n'
    const tmp = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`
    try {
      writeFileSync(tmp, raw, {mode: 0o644, flag: 'wx'})
      renameSync(tmp, this.path)
      this.raw = raw
    } catch {
      try {
        unlinkSync(tmp)
      } catch {}
    }
  }

  /** Removes the lock file if it is still ours. */
  release(): void {
    try {
      if (readLockFile(this.path)?.raw === this.raw) unlinkSync(this.path)
    } catch {}
  }
}

export type TryLock =
  /** taken; `replaced`: the holder of an expired lock (another host, older than the TTL) that was broken, and its age */
  | {lock: Lock; replaced?: LockRecord; replacedAge?: number}
  /** held; `age` in ms when known; `unchecked`: the holder is on another host (held until the TTL) */
  | {holder: LockRecord | undefined; age?: number; unchecked?: boolean}

export interface TryLockOptions {
  /** --lock-ttl: a lock of another host older than this is stale (default 24h) */
  ttlMs?: number
  /** this host's name (tests) */
  host?: string
}

function readRaw(path: string): string | undefined {
  return readLockFile(path)?.raw
}

function parse(raw: string): LockRecord | undefined {
  try {
    const r = JSON.parse(raw) as LockRecord
    return typeof r?.pid === 'number' && typeof r.host === 'string' ? r : undefined
  } catch {
    return undefined
  }
}

function createExclusive(path: string, raw: string): boolean {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`
  writeFileSync(tmp, raw, {mode: 0o644, flag: 'wx'})
  try {
    linkSync(tmp, path)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error
    // no hard links on this file system: O_EXCL create (content written right after)
    let fd: number
    try {
      fd = openSync(path, 'wx', 0o644)
    } catch (error2) {
      if ((error2 as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw error2
    }
    writeSync(fd, raw)
    closeSync(fd)
    return true
  } finally {
    try {
      unlinkSync(tmp)
    } catch {}
  }
}

/** Breaks a stale lock whose content is `staleRaw`, under the guard; false if someone else is at it. */
function breakStale(path: string, staleRaw: string): void {
  const guard = `${path}.break`
  let fd: number
  try {
    fd = openSync(guard, 'wx', 0o644)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    try {
      // a breaker that died mid-way leaves its guard: old guards are removed
      if (Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS) unlinkSync(guard)
    } catch {}
    return
  }
  try {
    if (readRaw(path) === staleRaw) unlinkSync(path)
  } finally {
    closeSync(fd)
    try {
      unlinkSync(guard)
    } catch {}
  }
}

/**
 * One attempt to take the lock: the lock, or who holds it. Throws when the lock cannot be used (its
 * directory cannot be created, the path is not a regular file, ...): the caller runs without it.
 */
export function tryLock(path: string, name: string, now = Date.now(), opts: TryLockOptions = {}): TryLock {
  const ttlMs = opts.ttlMs ?? DEFAULT_LOCK_TTL_MS
  const host = opts.host ?? hostname()
  ensureDir(dirname(path))
  const record: LockRecord = {pid: process.pid, start: processStart(process.pid), host, name, since: now}
  const raw = JSON.stringify(record) + '\n'
  let replaced: {replaced: LockRecord; replacedAge: number} | undefined
  // bounded: a lock that keeps changing under us is reported as held
  for (let attempt = 0; attempt < 10; attempt++) {
    if (createExclusive(path, raw)) return {lock: new Lock(path, record, raw), ...replaced}
    const cur = readLockFile(path)
    if (cur === undefined) {
      if (lstatSync(path, {throwIfNoEntry: false})?.isSymbolicLink()) throw new LockUnusableError(`${path} is a dangling symbolic link`)
      continue // released meanwhile
    }
    const holder = parse(cur.raw)
    const age = lockAge(holder, now, cur.mtimeMs)
    if (holder && holder.host !== host) {
      // cannot be checked from here: held until it is older than the TTL
      if (age === undefined || age <= ttlMs) return {holder, age, unchecked: true}
      replaced = {replaced: holder, replacedAge: age}
    } else if (holder && holderAlive(holder, host)) return {holder, age}
    else if (!holder) {
      // unreadable content (being written by a non-atomic writer?): only an old file is stale
      if (now - cur.mtimeMs < GUARD_STALE_MS) return {holder: undefined, age}
    }
    breakStale(path, cur.raw)
  }
  // it kept changing under us: someone else is at it
  const cur = readLockFile(path)
  const holder = cur && parse(cur.raw)
  return {holder, age: lockAge(holder, now, cur?.mtimeMs), ...(holder && holder.host !== host ? {unchecked: true} : {})}
}
