// What the runbook remembers, under $XDG_STATE_HOME/mkr/runbook (files 0600, directories 0700):
//   alerts/<alertId>.json   per alert: which rules handled it, at which status, with what outcome
//   remedies.json           per rule and remedy: when it ran in the last hour (max_per_hour)
//   locks/alert-<id>.lock   held while an alert is being handled: two `run`/`serve` processes never
//                           handle the same alert at once (a dead holder's lock is taken over)
//   locks/remedies.lock     held for the few milliseconds of a remedy slot's read-modify-write
import {createHash} from 'node:crypto'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {readRegularFile, writeFileSafely} from '../files.js'
import {stateBase} from '../wrap/files.js'
import {tryLock, type Lock} from '../wrap/lock.js'

export interface RuleRecord {
  /** the alert status when the rule handled it */
  status: string
  /** epoch ms */
  at: number
  /** every step succeeded */
  ok: boolean
  remedies: {name: string; at: number; ok: boolean}[]
}

export interface AlertRecord {
  id: string
  monitorId?: string
  hostId?: string
  rules: Record<string, RuleRecord>
}

const MAX_STATE_BYTES = 1024 * 1024
const HOUR_MS = 3_600_000

export function defaultRunbookStateDir(env: NodeJS.ProcessEnv): string {
  return join(stateBase(env), 'runbook')
}

/** A file name for an id: the id itself when it is plain, else a hash (never a path). */
function fileId(id: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : 'h' + createHash('sha256').update(id).digest('hex').slice(0, 32)
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readRegularFile(path, {maxBytes: MAX_STATE_BYTES})) as T
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    if (error instanceof SyntaxError) return undefined // a damaged file counts as empty, and is rewritten
    throw error
  }
}

export class RunbookState {
  constructor(
    readonly dir: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  private alertPath(id: string): string {
    return join(this.dir, 'alerts', `${fileId(id)}.json`)
  }

  alert(id: string): AlertRecord | undefined {
    const r = readJson<AlertRecord>(this.alertPath(id))
    return r && typeof r === 'object' && r.rules && typeof r.rules === 'object' ? r : undefined
  }

  saveAlert(record: AlertRecord): void {
    writeFileSafely(this.alertPath(record.id), JSON.stringify(record) + '\n', {mode: 0o600, mkdir: true})
  }

  /** Every alert record (for `alerts report`). */
  allAlerts(): AlertRecord[] {
    let names: string[]
    try {
      names = readdirSync(join(this.dir, 'alerts'))
    } catch {
      return []
    }
    const out: AlertRecord[] = []
    for (const n of names) {
      if (!n.endsWith('.json')) continue
      const r = readJson<AlertRecord>(join(this.dir, 'alerts', n))
      if (r && typeof r.id === 'string' && r.rules) out.push(r)
    }
    return out
  }

  /** The alert's handling lock, or undefined when another live process holds it. */
  lockAlert(id: string): Lock | undefined {
    const r = tryLock(join(this.dir, 'locks', `alert-${fileId(id)}.lock`), `runbook alert ${id}`)
    return 'lock' in r ? r.lock : undefined
  }

  /**
   * Takes one run of a remedy if its hourly budget allows: `{ok, n}` where `n` is this run's number
   * in the rolling hour, or `{ok: false, used}`. The slot is recorded before the remedy starts, so a
   * crash during it still counts.
   */
  async reserveRemedy(rule: string, remedy: string, max: number, now: number): Promise<{ok: true; n: number} | {ok: false; used: number}> {
    const lock = await this.withLock('remedies')
    try {
      const path = join(this.dir, 'remedies.json')
      const all = readJson<Record<string, number[]>>(path) ?? {}
      const key = `${rule}\u0000${remedy}`
      const recent = (Array.isArray(all[key]) ? all[key] : []).filter((t) => typeof t === 'number' && t > now - HOUR_MS && t <= now)
      if (recent.length >= max) return {ok: false, used: recent.length}
      recent.push(now)
      all[key] = recent
      for (const [k, v] of Object.entries(all)) if (!Array.isArray(v) || v.every((t) => t <= now - HOUR_MS)) delete all[k]
      writeFileSafely(path, JSON.stringify(all) + '\n', {mode: 0o600, mkdir: true})
      return {ok: true, n: recent.length}
    } finally {
      lock.release()
    }
  }

  /** A short-lived lock, waited for (its holders keep it for milliseconds); a dead holder's is taken over. */
  private async withLock(name: string): Promise<Lock> {
    for (let i = 0; i < 200; i++) {
      const r = tryLock(join(this.dir, 'locks', `${name}.lock`), `runbook ${name}`)
      if ('lock' in r) return r.lock
      await this.sleep(25)
    }
    throw new Error(`the runbook state lock ${join(this.dir, 'locks', `${name}.lock`)} stayed held for 5 s`)
  }
}
