// --lock: one run per check name at a time. The lock is a file holding the holder's pid, process start
// time and host name, plus its job's pid once started. It counts as held while the wrap process or
// its job is alive, so a holder killed with SIGKILL frees it (and an orphaned job that outlived its
// wrap still blocks the next run, as it should: that run is "still running").
//
// Races: the file is created atomically with its content (link() of a temporary file, so nobody ever
// reads a half-written lock). A stale lock is broken only under a short-lived guard file
// (`<lock>.break`, O_EXCL), after re-reading it under the guard and checking it is still the same
// stale content, so two runs that both saw the same dead holder cannot both break it and both win.
import {closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync} from 'node:fs'
import {hostname} from 'node:os'
import {dirname, join} from 'node:path'
import {randomBytes} from 'node:crypto'
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
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    try {
      writeFileSync(tmp, raw, {mode: 0o644})
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
      if (readFileSync(this.path, 'utf8') === this.raw) unlinkSync(this.path)
    } catch {}
  }
}

export type TryLock = {lock: Lock} | {holder: LockRecord | undefined}

function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
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
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, raw, {mode: 0o644})
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

/** One attempt to take the lock: the lock, or who holds it. */
export function tryLock(path: string, name: string, now = Date.now()): TryLock {
  mkdirSync(dirname(path), {recursive: true, mode: 0o700})
  const record: LockRecord = {pid: process.pid, start: processStart(process.pid), host: hostname(), name, since: now}
  const raw = JSON.stringify(record) + '\n'
  for (let attempt = 0; attempt < 10; attempt++) {
    if (createExclusive(path, raw)) return {lock: new Lock(path, record, raw)}
    const cur = readRaw(path)
    if (cur === undefined) continue // released meanwhile
    const holder = parse(cur)
    if (holder && holderAlive(holder)) return {holder}
    if (!holder) {
      // unreadable content: only an old file is considered stale
      let age = 0
      try {
        age = Date.now() - statSync(path).mtimeMs
      } catch {
        continue
      }
      if (age < GUARD_STALE_MS) return {holder: undefined}
    }
    breakStale(path, cur)
  }
  return {holder: parse(readRaw(path) ?? '')}
}
