// Posted metric values (§6.3): host metrics by host id and service metrics by service name, one series
// per metric name, each a pair of parallel arrays sorted by time.
//
// The store is bounded. Per series it keeps at most METRIC_MAX_POINTS points (1440: a day of the
// one-a-minute points mackerel-agent posts) and only points from the last METRIC_RETENTION_S seconds
// (24 h) of sandbox time, whichever bound bites first. Points already older than 24 h when posted are
// dropped silently, as the API does; a point posted again for the same time overwrites the old value.
// Pruning happens on every write to a series; reads skip anything past the 24 h window.

/** Points kept per series at most (a day at one point a minute). */
export const METRIC_MAX_POINTS = 1440
/** Points older than this (seconds of sandbox time) are dropped on post and pruned. */
export const METRIC_RETENTION_S = 24 * 3600

export interface Point {
  time: number
  value: number
}

export interface Series {
  times: number[]
  values: number[]
}

/** What a snapshot holds: owner (host id or service name) -> metric name -> series. */
export type MetricsSnapshot = Record<string, Record<string, Series>>

export class MetricSeriesStore {
  private readonly owners = new Map<string, Map<string, Series>>()

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
    if (!s) byName.set(name, (s = {times: [], values: []}))
    const {times, values} = s
    const n = times.length
    if (n === 0 || time > times[n - 1]) {
      times.push(time)
      values.push(value)
    } else {
      const i = lowerBound(times, time)
      if (times[i] === time) values[i] = value
      else {
        times.splice(i, 0, time)
        values.splice(i, 0, value)
      }
    }
    let drop = lowerBound(times, cutoff)
    drop = Math.max(drop, times.length - this.maxPoints)
    if (drop > 0) {
      times.splice(0, drop)
      values.splice(0, drop)
    }
    return true
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
    for (let i = lowerBound(s.times, lo); i < s.times.length && s.times[i] <= to; i++) out.push({time: s.times[i], value: s.values[i]})
    return out
  }

  /** The newest point of a series inside the retention window. */
  latest(owner: string, name: string, now: number): Point | undefined {
    const s = this.owners.get(owner)?.get(name)
    const n = s?.times.length ?? 0
    if (!s || n === 0 || s.times[n - 1] < now - this.retentionS) return undefined
    return {time: s.times[n - 1], value: s.values[n - 1]}
  }

  /** The metric names stored for an owner. */
  names(owner: string): string[] {
    return [...(this.owners.get(owner)?.keys() ?? [])]
  }

  /** The time of the newest point ever kept (even past the retention window), for "no data" checks. */
  lastTime(owner: string, name: string): number | undefined {
    const s = this.owners.get(owner)?.get(name)
    return s && s.times.length > 0 ? s.times[s.times.length - 1] : undefined
  }

  /** The average of the points with time > from (inside the retention window); undefined when none. */
  averageSince(owner: string, name: string, from: number, now: number): number | undefined {
    const s = this.owners.get(owner)?.get(name)
    if (!s) return undefined
    let sum = 0
    let n = 0
    for (let i = lowerBound(s.times, Math.max(from + 1, now - this.retentionS)); i < s.times.length; i++, n++) sum += s.values[i]
    return n > 0 ? sum / n : undefined
  }

  /** The average of the newest `count` points (fewer when fewer exist) inside the retention window. */
  averageLatest(owner: string, name: string, count: number, now: number): number | undefined {
    const s = this.owners.get(owner)?.get(name)
    if (!s) return undefined
    const lo = Math.max(s.times.length - count, lowerBound(s.times, now - this.retentionS))
    let sum = 0
    for (let i = lo; i < s.times.length; i++) sum += s.values[i]
    return s.times.length > lo ? sum / (s.times.length - lo) : undefined
  }

  deleteOwner(owner: string): void {
    this.owners.delete(owner)
  }

  toJSON(): MetricsSnapshot {
    const out: MetricsSnapshot = {}
    for (const [owner, byName] of this.owners) out[owner] = Object.fromEntries(byName)
    return out
  }

  load(data: unknown): void {
    if (!data || typeof data !== 'object') return
    for (const [owner, byName] of Object.entries(data as MetricsSnapshot)) {
      const m = new Map<string, Series>()
      for (const [name, s] of Object.entries(byName ?? {}))
        if (s && Array.isArray(s.times) && Array.isArray(s.values) && s.times.length === s.values.length) m.set(name, {times: s.times, values: s.values})
      this.owners.set(owner, m)
    }
  }
}

/** The first index whose time is >= t. */
function lowerBound(times: number[], t: number): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (times[mid] < t) lo = mid + 1
    else hi = mid
  }
  return lo
}
