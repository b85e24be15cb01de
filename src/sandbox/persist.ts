// --data FILE: load a saved store, and save it atomically (write a temp file, then rename).
//
// Saving is batched (Persister): a write marks the store dirty and the whole snapshot is written at
// most once per interval (200 ms, or 4× the last save's duration when the snapshot is big, so saving
// never takes more than about a fifth of the server's time), plus once on close. A clean stop
// (Ctrl-C, SIGTERM: the command calls close) therefore keeps every answered write; a crash or
// SIGKILL can lose the writes of the last interval.
import {readFileSync, renameSync, writeFileSync} from 'node:fs'
import {Store} from './store.js'

/** The store saved in `file`, or undefined when the file does not exist. Throws on a bad file. */
export function loadStore(file: string, clockMs?: () => number): Store | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`cannot read ${file}: ${(error as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`)
  }
  try {
    return Store.fromJSON(data, clockMs)
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`)
  }
}

export function saveStore(store: Store, file: string): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(store.toJSON()))
  renameSync(tmp, file)
}

/** Default shortest time between two saves (real ms). */
export const SAVE_INTERVAL_MS = 200

export class Persister {
  private dirty = false
  private timer?: NodeJS.Timeout
  /** performance.now() when the last save ended */
  private lastSavedAt = -Infinity
  private lastSaveMs = 0
  private closed = false
  /** saves done (for tests and the bench) */
  saves = 0

  constructor(
    private readonly store: Store,
    private readonly file: string,
    private readonly log: (line: string) => void,
    private readonly intervalMs = SAVE_INTERVAL_MS,
  ) {}

  /** Something changed: save soon (never within the interval after the last save). */
  markDirty(): void {
    this.dirty = true
    this.schedule()
  }

  private schedule(): void {
    if (this.timer || this.closed) return
    const gap = Math.max(this.intervalMs, 4 * this.lastSaveMs)
    const wait = Math.max(0, this.lastSavedAt + gap - performance.now())
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flush()
    }, wait)
  }

  /** Saves now if anything changed since the last save. A failed save is reported and retried later. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (!this.dirty) return
    this.dirty = false
    const t0 = performance.now()
    try {
      saveStore(this.store, this.file)
      this.saves++
    } catch (error) {
      this.log(`mkr sandbox: cannot save ${this.file}: ${(error as Error).message}`)
      this.dirty = true
    }
    this.lastSavedAt = performance.now()
    this.lastSaveMs = this.lastSavedAt - t0
    if (this.dirty) this.schedule()
  }

  /** The last save; nothing is scheduled afterwards. */
  close(): void {
    this.flush()
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  pending(): boolean {
    return this.dirty
  }
}
