// The spool: check reports on their way to Mackerel, one file each (mode 0600, written atomically and
// synced, never containing the API key). A report is written here *before* it is sent (write-ahead)
// and removed once Mackerel accepted it, so a wrap killed at any instant (even by SIGKILL) leaves its
// report either delivered or on disk.
//
// A file is in one of two states, told by its name:
//   <ts>-k<check>-<id>.report.json                        pending: anyone may send it
//   <ts>-k<check>-<id>.report.json.claim-<pid>-<start>-<host>   claimed: the process named sends it
// A process claims a pending file with an atomic rename() before sending it, so concurrent flushes
// never send the same report twice; a claim whose process is gone (killed, crashed) is claimable
// again by the same rename. <ts> is the spool time (ms, zero-padded: names sort oldest first) and
// <check> a short hash of host id + check name, so a run finds the older reports of its own check
// without reading every file (files of older versions, `<ts>-<uuid>.report.json`, are read instead).
import {readdirSync, renameSync, statSync, unlinkSync} from 'node:fs'
import {readRegularFile} from '../files.js'
import {hostname} from 'node:os'
import {basename, join} from 'node:path'
import type {CheckReport} from '../api/checks.js'
import {writeFileAtomic} from './files.js'
import {processStart} from './lock.js'
import {sha256Hex} from './names.js'

export interface SpoolEntry {
  version: 1
  /** the API base the report was meant for (no credentials) */
  apiBase: string
  /** epoch ms */
  spooledAt: number
  /** why it is (still) in the spool */
  reason: string
  report: CheckReport
}

export interface SpooledFile {
  file: string
  entry?: SpoolEntry
  /** why the file could not be read */
  error?: string
}

/** The server ignores reports whose occurredAt is 6 hours or more before it receives them. */
export const MAX_REPORT_AGE_S = 6 * 3600
/** Reports this close to the limit are dropped too: they would likely arrive too late. */
export const AGE_MARGIN_S = 60
/** A spool file is a few KB at most (a message is ≤ 1024 characters); anything bigger is not ours. */
export const MAX_ENTRY_BYTES = 64 * 1024
/** A claim by a process on another host cannot be checked: it is considered abandoned after this. */
export const FOREIGN_CLAIM_TTL_MS = 3600_000

const SUFFIX = '.report.json'
const PENDING = /^(\d{15})-(?:k([0-9a-f]{8})-)?[A-Za-z0-9-]*\.report\.json$/
const CLAIMED = /^(\d{15}-(?:k[0-9a-f]{8}-)?[A-Za-z0-9-]*\.report\.json)\.claim-(\d+)-(\d*)-([A-Za-z0-9._-]*)$/

/** Which check a report belongs to (host id + name): 8 hex digits. */
export function checkKey(r: Pick<CheckReport, 'name'> & {source: {hostId: string}}): string {
  return sha256Hex(`${r.source.hostId}\0${r.name}`).slice(0, 8)
}

export interface Owner {
  pid: number
  start: string
  host: string
}

const safeHost = (h: string) => h.replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 64)

export function selfOwner(): Owner {
  return {pid: process.pid, start: processStart(process.pid) ?? '', host: safeHost(hostname())}
}

/** Whether the process that made a claim still runs (pid reuse guarded by its start time). */
function ownerAlive(o: Owner, self: Owner, claimedAtMs: number, nowMs: number): boolean {
  if (o.host !== self.host) return nowMs - claimedAtMs < FOREIGN_CLAIM_TTL_MS
  if (o.pid === self.pid && o.start === self.start) return true
  try {
    process.kill(o.pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const start = processStart(o.pid)
  return start === undefined || o.start === '' || start === o.start
}

/** A file of the spool, pending or claimed. */
export interface SpoolFile {
  /** its current path */
  path: string
  /** its pending name (the same as `path`'s name when pending) */
  name: string
  /** spool time, ms */
  ts: number
  /** checkKey() of its report, when the name carries it (older spool files do not) */
  check?: string
  claimedBy?: Owner
}

export function parseName(dir: string, n: string): SpoolFile | undefined {
  const p = PENDING.exec(n)
  if (p) return {path: join(dir, n), name: n, ts: Number(p[1]), check: p[2]}
  const c = CLAIMED.exec(n)
  if (!c) return undefined
  const q = PENDING.exec(c[1])!
  return {path: join(dir, n), name: c[1], ts: Number(q[1]), check: q[2], claimedBy: {pid: Number(c[2]), start: c[3], host: c[4]}}
}

/** A report this process has claimed (or written ahead), and must either remove or release. */
export interface Claimed {
  /** undefined when the write-ahead copy could not be written (disk full, read-only spool) */
  path?: string
  /** the pending path it goes back to */
  pendingPath: string
  entry: SpoolEntry
}

export class Spool {
  readonly self: Owner

  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
    self?: Owner,
  ) {
    this.self = self ?? selfOwner()
  }

  private claimName(name: string): string {
    return `${name}.claim-${this.self.pid}-${this.self.start}-${this.self.host}`
  }

  /** Every file of the spool (pending, and claims of any owner), oldest first. Missing dir = empty. */
  files(): SpoolFile[] {
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return []
    }
    const out: SpoolFile[] = []
    for (const n of names) {
      if (n.startsWith('.')) continue
      const f = parseName(this.dir, n)
      if (f) out.push(f)
    }
    return out.sort((a, b) => a.ts - b.ts || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** Files that could be claimed now: pending ones, and claims of processes that are gone. */
  claimable(): SpoolFile[] {
    const now = this.now()
    return this.files().filter((f) => {
      if (!f.claimedBy) return true
      let mtime = now
      try {
        mtime = statSync(f.path).mtimeMs
      } catch {
        return false
      }
      return !ownerAlive(f.claimedBy, this.self, mtime, now)
    })
  }

  /** Claims of processes that still run (this one included): reports being sent right now. */
  inFlight(): SpoolFile[] {
    const dead = new Set(this.claimable().map((f) => f.path))
    return this.files().filter((f) => f.claimedBy && !dead.has(f.path))
  }

  /** Whether any file waits in the spool (cheap: one readdir). */
  isEmpty(): boolean {
    return this.files().length === 0
  }

  /**
   * Claims a file (atomic rename to this process's claim name): the Claimed, or undefined when
   * someone else got it first or it vanished.
   */
  claim(f: SpoolFile, entry: SpoolEntry): Claimed | undefined {
    const target = join(this.dir, this.claimName(f.name))
    try {
      renameSync(f.path, target)
    } catch {
      return undefined
    }
    return {path: target, pendingPath: join(this.dir, f.name), entry}
  }

  /** A new report of this run, not yet on disk: writeAhead() puts it there. */
  prepare(entry: SpoolEntry, id: string): Claimed {
    const name = `${String(entry.spooledAt).padStart(15, '0')}-k${checkKey(entry.report)}-${id.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64)}${SUFFIX}`
    return {pendingPath: join(this.dir, name), entry}
  }

  /**
   * Write-ahead: the report goes to disk, claimed by this process, before it is sent. Throws when it
   * cannot be written (the caller then sends it without a safety copy).
   */
  writeAhead(c: Claimed): void {
    const path = join(this.dir, this.claimName(basename(c.pendingPath)))
    writeFileAtomic(path, JSON.stringify(c.entry) + '\n', 0o600)
    c.path = path
  }

  /** Delivered (or dropped for good): the file goes. */
  remove(c: Claimed): void {
    if (c.path) removeFile(c.path)
    c.path = undefined
  }

  /**
   * Not delivered: back to pending, with the reason why; returns its path. Without a write-ahead copy
   * it is written now, and this throws when it cannot be.
   */
  release(c: Claimed, reason: string): string {
    const entry = {...c.entry, reason}
    if (c.path) {
      try {
        writeFileAtomic(c.path, JSON.stringify(entry) + '\n', 0o600) // the reason, still claimed
      } catch {} // the old reason is only a detail: the report itself is safe on disk
      renameSync(c.path, c.pendingPath)
    } else {
      writeFileAtomic(c.pendingPath, JSON.stringify(entry) + '\n', 0o600)
    }
    c.path = undefined
    return c.pendingPath
  }
}

/**
 * Reads a spool file: regular files only (a FIFO or device named like an entry must not block wrap),
 * at most MAX_ENTRY_BYTES, checked for the fields a report needs.
 */
export function readSpooled(file: string): SpooledFile {
  let text: string
  try {
    text = readRegularFile(file, {maxBytes: MAX_ENTRY_BYTES, noFollow: true})
  } catch (error) {
    const e = error as NodeJS.ErrnoException & {reason?: string}
    if (e.code === 'ENOENT') return {file, error: 'gone'}
    if (e.code === 'ELOOP') return {file, error: 'a symbolic link'}
    if (e.code === 'ENOTREG') return {file, error: 'not a regular file'}
    if (e.code === 'EFBIG') return {file, error: `too big for a spooled report (${e.reason})`}
    return {file, error: e.message}
  }
  try {
    const v = JSON.parse(text) as SpoolEntry
    const r = v?.report
    if (
      v?.version !== 1 ||
      typeof v.apiBase !== 'string' ||
      !r ||
      typeof r.name !== 'string' ||
      typeof r.status !== 'string' ||
      typeof r.message !== 'string' ||
      typeof r.occurredAt !== 'number' ||
      typeof r.source?.hostId !== 'string'
    )
      return {file, error: 'not a spooled report'}
    return {file, entry: v}
  } catch (error) {
    return {file, error: `not JSON (${(error as Error).message})`}
  }
}

export function removeFile(file: string): void {
  try {
    unlinkSync(file)
  } catch {}
}

/** True when a report would be ignored by the server because of its age. */
export function tooOld(report: CheckReport, nowMs: number): boolean {
  return nowMs / 1000 - report.occurredAt >= MAX_REPORT_AGE_S - AGE_MARGIN_S
}
