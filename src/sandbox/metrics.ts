// Posted metric values (§6.3): host metrics by host id and service metrics by service name, one series
// per metric name, each kept sorted by time.
//
// The store is bounded. Per series it keeps at most METRIC_MAX_POINTS points (1440: a day of the
// one-a-minute points mackerel-agent posts) and only points from the last METRIC_RETENTION_S seconds
// (24 h) of sandbox time, whichever bound bites first. Points already older than 24 h when posted are
// dropped silently, as the API does; a point posted again for the same time overwrites the old value.
// Pruning happens on every write to a series; reads skip anything past the 24 h window.
//
// Memory: 10,000 hosts × 10 metrics is 100,000 series, and a small ArrayBuffer costs about 850 bytes
// of bookkeeping beyond its contents (measured on Node 20), so series own no buffers. Points live in a
// PointPool per store: chunks of CHUNK_POINTS points (a Float64 value and a Uint32 time, 12 bytes a
// point) cut from big slabs. A series is a list of chunk ids plus the offset of its oldest point:
// dropping old points moves the offset and gives emptied chunks back to the pool, an append takes a
// chunk when the last one is full, and any series reuses the chunks another gave back, so nothing
// fragments. Slabs are kept for reuse, never returned to the OS: the pool stays at its peak size.
// A time that is not a uint32 integer (only reachable through put() called directly: the routes floor
// times) turns that one series into plain arrays, so nothing is ever rounded.

/** Points kept per series at most (a day at one point a minute). */
export const METRIC_MAX_POINTS = 1440
/** Points older than this (seconds of sandbox time) are dropped on post and pruned. */
export const METRIC_RETENTION_S = 24 * 3600
/** Points per chunk (a power of two). */
export const CHUNK_POINTS = 32
const CHUNK_SHIFT = 5
/** Chunks per slab (a power of two): 2048 × 32 points × 12 bytes = 768 KiB. */
const SLAB_CHUNKS = 2048
const SLAB_SHIFT = 11

export interface Point {
  time: number
  value: number
}

/** One series in a snapshot (the `--data` file): parallel arrays, oldest first. */
export interface Series {
  times: number[]
  values: number[]
}

/** What a snapshot holds: owner (host id or service name) -> metric name -> series. */
export type MetricsSnapshot = Record<string, Record<string, Series>>

const isUint32 = (t: number) => t >>> 0 === t

/** Fixed-size chunks of (Uint32 time, Float64 value) points, cut from slabs allocated as needed. */
export class PointPool {
  readonly times: Uint32Array[] = []
  readonly values: Float64Array[] = []
  private readonly free: number[] = []
  private next = 0

  /** A chunk id: slab = id >> SLAB_SHIFT, first point = (id & (SLAB_CHUNKS - 1)) * CHUNK_POINTS. */
  take(): number {
    if (this.free.length > 0) return this.free.pop()!
    if (this.next === this.times.length * SLAB_CHUNKS) {
      const buf = new ArrayBuffer(SLAB_CHUNKS * CHUNK_POINTS * 12)
      this.values.push(new Float64Array(buf, 0, SLAB_CHUNKS * CHUNK_POINTS))
      this.times.push(new Uint32Array(buf, SLAB_CHUNKS * CHUNK_POINTS * 8, SLAB_CHUNKS * CHUNK_POINTS))
    }
    return this.next++
  }

  give(id: number): void {
    this.free.push(id)
  }

  /** Chunks handed out and not given back (for tests). */
  get inUse(): number {
    return this.next - this.free.length
  }
}

/** A series: sorted points, at most maxPoints. Indexes are logical (0 = the oldest point). */
interface SeriesData {
  readonly length: number
  time(i: number): number
  value(i: number): number
  /** the first index whose time is >= t (length when none) */
  lowerBound(t: number): number
  /** adds a point in time order or replaces the value at that time; the oldest go past maxPoints. False: the series cannot hold this time */
  set(time: number, value: number, maxPoints: number): boolean
  dropFront(count: number): void
  /** gives its memory back (the series is deleted) */
  release(): void
}

function lowerBound(s: SeriesData, t: number): number {
  let lo = 0
  let hi = s.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (s.time(mid) < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** A series in pool chunks (uint32 times only). */
export class PooledSeries implements SeriesData {
  private readonly chunks: number[] = []
  /** position of the oldest point in chunks[0] */
  private start = 0
  length = 0

  constructor(private readonly pool: PointPool) {}

  /** Chunks held (for tests). */
  get chunkCount(): number {
    return this.chunks.length
  }

  time(i: number): number {
    const p = this.start + i
    const id = this.chunks[p >>> CHUNK_SHIFT]
    return this.pool.times[id >>> SLAB_SHIFT][((id & (SLAB_CHUNKS - 1)) << CHUNK_SHIFT) | (p & (CHUNK_POINTS - 1))]
  }

  value(i: number): number {
    const p = this.start + i
    const id = this.chunks[p >>> CHUNK_SHIFT]
    return this.pool.values[id >>> SLAB_SHIFT][((id & (SLAB_CHUNKS - 1)) << CHUNK_SHIFT) | (p & (CHUNK_POINTS - 1))]
  }

  lowerBound(t: number): number {
    return lowerBound(this, t)
  }

  private write(i: number, time: number, value: number): void {
    const p = this.start + i
    const id = this.chunks[p >>> CHUNK_SHIFT]
    const at = ((id & (SLAB_CHUNKS - 1)) << CHUNK_SHIFT) | (p & (CHUNK_POINTS - 1))
    this.pool.times[id >>> SLAB_SHIFT][at] = time
    this.pool.values[id >>> SLAB_SHIFT][at] = value
  }

  set(time: number, value: number, maxPoints: number): boolean {
    if (!isUint32(time)) return false
    const n = this.length
    let i = n === 0 || time > this.time(n - 1) ? n : this.lowerBound(time)
    if (i < n && this.time(i) === time) {
      this.write(i, time, value)
      return true
    }
    if (n >= maxPoints) {
      // full: the new point pushes out the oldest, and it is the oldest itself when i is 0
      if (i === 0) return true
      this.dropFront(1)
      i--
    }
    if (this.start + this.length === this.chunks.length * CHUNK_POINTS) this.chunks.push(this.pool.take())
    for (let k = this.length; k > i; k--) this.write(k, this.time(k - 1), this.value(k - 1))
    this.write(i, time, value)
    this.length++
    return true
  }

  dropFront(count: number): void {
    count = Math.min(count, this.length)
    if (count <= 0) return
    this.length -= count
    if (this.length === 0) return this.release()
    this.start += count
    let emptied = 0
    while (this.start >= CHUNK_POINTS) {
      this.pool.give(this.chunks[emptied++])
      this.start -= CHUNK_POINTS
    }
    if (emptied > 0) this.chunks.splice(0, emptied)
  }

  release(): void {
    for (const id of this.chunks) this.pool.give(id)
    this.chunks.length = 0
    this.start = 0
    this.length = 0
  }
}

/** A series in plain arrays: any finite time (fractions, before 1970, past 2106). */
class ArraySeries implements SeriesData {
  constructor(
    private readonly times: number[] = [],
    private readonly values: number[] = [],
  ) {}

  get length(): number {
    return this.times.length
  }

  time(i: number): number {
    return this.times[i]
  }

  value(i: number): number {
    return this.values[i]
  }

  lowerBound(t: number): number {
    return lowerBound(this, t)
  }

  set(time: number, value: number, maxPoints: number): boolean {
    const i = this.lowerBound(time)
    if (this.times[i] === time) this.values[i] = value
    else {
      this.times.splice(i, 0, time)
      this.values.splice(i, 0, value)
    }
    this.dropFront(this.times.length - maxPoints)
    return true
  }

  dropFront(count: number): void {
    if (count <= 0) return
    this.times.splice(0, count)
    this.values.splice(0, count)
  }

  release(): void {
    this.times.length = 0
    this.values.length = 0
  }
}

export class MetricSeriesStore {
  private readonly owners = new Map<string, Map<string, SeriesData>>()
  /** where every pooled series of this store keeps its points */
  readonly pool = new PointPool()

  constructor(
    private readonly maxPoints = METRIC_MAX_POINTS,
    private readonly retentionS = METRIC_RETENTION_S,
  ) {}

  /** Stores one point; false when it was dropped as older than the retention window. */
  put(owner: string, name: string, time: number, value: number, now: number): boolean {
    const cutoff = now - this.retentionS
    if (time < cutoff) return false
    let byName = this.owners.get(owner)
    if (!byName) this.owners.set(owner, (byName = new Map()))
    let s = byName.get(name)
    if (!s) byName.set(name, (s = new PooledSeries(this.pool)))
    this.insert(byName, name, s, time, value)
    s = byName.get(name)!
    s.dropFront(s.lowerBound(cutoff))
    return true
  }

  /** Sets a point; a pooled series that cannot hold its time moves to plain arrays first. */
  private insert(byName: Map<string, SeriesData>, name: string, s: SeriesData, time: number, value: number): void {
    if (s.set(time, value, this.maxPoints)) return
    const times: number[] = []
    const values: number[] = []
    for (let i = 0; i < s.length; i++) (times.push(s.time(i)), values.push(s.value(i)))
    s.release()
    const a = new ArraySeries(times, values)
    byName.set(name, a)
    a.set(time, value, this.maxPoints)
  }

  has(owner: string, name: string): boolean {
    return this.owners.get(owner)?.has(name) ?? false
  }

  /** Points with from <= time <= to (and inside the retention window), oldest first. */
  range(owner: string, name: string, from: number, to: number, now: number): Point[] {
    const s = this.owners.get(owner)?.get(name)
    if (!s) return []
    const out: Point[] = []
    const lo = Math.max(from, now - this.retentionS)
    for (let i = s.lowerBound(lo); i < s.length; i++) {
      const time = s.time(i)
      if (time > to) break
      out.push({time, value: s.value(i)})
    }
    return out
  }

  /** The newest point of a series inside the retention window. */
  latest(owner: string, name: string, now: number): Point | undefined {
    const s = this.owners.get(owner)?.get(name)
    const n = s?.length ?? 0
    if (!s || n === 0 || s.time(n - 1) < now - this.retentionS) return undefined
    return {time: s.time(n - 1), value: s.value(n - 1)}
  }

  /** The metric names stored for an owner. */
  names(owner: string): string[] {
    return [...(this.owners.get(owner)?.keys() ?? [])]
  }

  /** The time of the newest point ever kept (even past the retention window), for "no data" checks. */
  lastTime(owner: string, name: string): number | undefined {
    const s = this.owners.get(owner)?.get(name)
    return s && s.length > 0 ? s.time(s.length - 1) : undefined
  }

  /** The average of the points with time > from (inside the retention window); undefined when none. */
  averageSince(owner: string, name: string, from: number, now: number): number | undefined {
    const s = this.owners.get(owner)?.get(name)
    if (!s) return undefined
    let sum = 0
    let n = 0
    for (let i = s.lowerBound(Math.max(from + 1, now - this.retentionS)); i < s.length; i++, n++) sum += s.value(i)
    return n > 0 ? sum / n : undefined
  }

  /** The average of the newest `count` points (fewer when fewer exist) inside the retention window. */
  averageLatest(owner: string, name: string, count: number, now: number): number | undefined {
    const s = this.owners.get(owner)?.get(name)
    if (!s) return undefined
    const lo = Math.max(s.length - count, s.lowerBound(now - this.retentionS))
    let sum = 0
    for (let i = lo; i < s.length; i++) sum += s.value(i)
    return s.length > lo ? sum / (s.length - lo) : undefined
  }

  deleteOwner(owner: string): void {
    const byName = this.owners.get(owner)
    if (!byName) return
    for (const s of byName.values()) s.release()
    this.owners.delete(owner)
  }

  toJSON(): MetricsSnapshot {
    const out: MetricsSnapshot = {}
    for (const [owner, byName] of this.owners) {
      const o: Record<string, Series> = (out[owner] = {})
      for (const [name, s] of byName) {
        const times = new Array<number>(s.length)
        const values = new Array<number>(s.length)
        for (let i = 0; i < s.length; i++) ((times[i] = s.time(i)), (values[i] = s.value(i)))
        o[name] = {times, values}
      }
    }
    return out
  }

  /** Loads a snapshot; pairs that are not finite numbers are skipped, and order and the point cap are restored. */
  load(data: unknown): void {
    if (!data || typeof data !== 'object') return
    for (const [owner, byName] of Object.entries(data as MetricsSnapshot)) {
      this.deleteOwner(owner)
      const m = new Map<string, SeriesData>()
      for (const [name, s] of Object.entries(byName ?? {})) {
        if (!s || !Array.isArray(s.times) || !Array.isArray(s.values) || s.times.length !== s.values.length) continue
        m.set(name, new PooledSeries(this.pool))
        for (let i = 0; i < s.times.length; i++) {
          const t = s.times[i]
          const v = s.values[i]
          if (typeof t === 'number' && Number.isFinite(t) && typeof v === 'number' && Number.isFinite(v)) this.insert(m, name, m.get(name)!, t, v)
        }
      }
      this.owners.set(owner, m)
    }
  }
}
