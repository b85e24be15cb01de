// The pooled typed-array chunks behind MetricSeriesStore (src/sandbox/metrics.ts): growth across
// chunks, dropping old points (chunks go back to the pool and are reused), replacement and out-of-order
// inserts across chunk edges, the point cap and the retention window, checked against a plain-array
// model of the documented behaviour.
import assert from 'node:assert/strict'
import {CHUNK_POINTS, MetricSeriesStore, PointPool, PooledSeries, type Point} from '../../src/sandbox/metrics.js'

/** The behaviour spec as plain sorted arrays (what the store did before typed arrays). */
class Model {
  points: Point[] = []
  constructor(
    private readonly maxPoints: number,
    private readonly retentionS: number,
  ) {}

  put(time: number, value: number, now: number): boolean {
    const cutoff = now - this.retentionS
    if (time < cutoff) return false
    const i = this.points.findIndex((p) => p.time >= time)
    if (i >= 0 && this.points[i].time === time) this.points[i].value = value
    else if (i < 0) this.points.push({time, value})
    else this.points.splice(i, 0, {time, value})
    const keep = this.points.filter((p) => p.time >= cutoff)
    this.points = keep.slice(Math.max(0, keep.length - this.maxPoints))
    return true
  }
}

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('sandbox: metric series store (typed-array ring buffer)', () => {
  const NOW = 1_749_556_800

  it('grows chunk by chunk up to the cap, then drops the oldest points: order stays, emptied chunks go back to the pool', () => {
    const cap = CHUNK_POINTS * 2 + 3
    const s = new MetricSeriesStore(cap, 86_400)
    const n = CHUNK_POINTS * 5
    for (let i = 0; i < n; i++) s.put('h', 'm', NOW + i * 60, i, NOW + i * 60)
    const all = s.range('h', 'm', 0, NOW + n * 60, NOW + n * 60)
    assert.deepEqual(
      all.map((p) => p.value),
      Array.from({length: cap}, (_, k) => n - cap + k),
    )
    // the cap spans at most one chunk more than it needs, whatever the offset of the oldest point
    assert.ok(s.pool.inUse <= Math.ceil(cap / CHUNK_POINTS) + 1, String(s.pool.inUse))
    s.deleteOwner('h')
    assert.equal(s.pool.inUse, 0)
  })

  it('replaces the value at an existing time and inserts out-of-order points across chunk edges', () => {
    const pool = new PointPool()
    const r = new PooledSeries(pool)
    const max = CHUNK_POINTS + 5
    for (let i = 0; i < max + 10; i++) r.set(i * 10, i, max) // full, and the oldest point is inside a chunk
    assert.equal(r.length, max)
    assert.equal(r.time(0), 100)
    r.set(CHUNK_POINTS * 10, -1, max) // replace
    r.set(CHUNK_POINTS * 10 + 5, -2, max) // insert in the middle: the oldest goes (the cap)
    r.set(5, -3, max) // older than everything on a full series: dropped at once
    const got = Array.from({length: r.length}, (_, i) => [r.time(i), r.value(i)])
    const want: number[][] = []
    for (let i = 11; i < max + 10; i++) {
      want.push([i * 10, i === CHUNK_POINTS ? -1 : i])
      if (i === CHUNK_POINTS) want.push([CHUNK_POINTS * 10 + 5, -2])
    }
    assert.deepEqual(got, want)
    r.dropFront(r.length)
    assert.equal(r.chunkCount, 0)
    assert.equal(pool.inUse, 0)
  })

  it('a series gives its chunks back as the retention window passes, and another series reuses them', () => {
    const s = new MetricSeriesStore(1440, 3600)
    for (let i = 0; i < 60; i++) s.put('a', 'm', NOW + i * 60, i, NOW + i * 60)
    const held = s.pool.inUse
    // two hours later a post prunes everything of 'a' but the new point
    s.put('a', 'm', NOW + 3 * 3600, 1, NOW + 3 * 3600)
    assert.equal(s.pool.inUse, 1)
    for (let i = 0; i < 60; i++) s.put('b', 'm', NOW + 3 * 3600 + i * 60, i, NOW + 3 * 3600 + i * 60)
    assert.ok(s.pool.inUse <= held + 1)
    assert.equal(s.range('b', 'm', 0, NOW + 5 * 3600, NOW + 4 * 3600).length, 60)
  })

  it('a time that is not a uint32 integer is kept exactly (the series moves to plain arrays)', () => {
    const s = new MetricSeriesStore()
    s.put('h', 'm', NOW, 1, NOW)
    s.put('h', 'm', NOW + 0.5, 2, NOW)
    s.put('h', 'm', 2 ** 33, 3, NOW)
    s.put('h', 'm', NOW, 4, NOW)
    assert.deepEqual(s.range('h', 'm', 0, 2 ** 34, NOW), [
      {time: NOW, value: 4},
      {time: NOW + 0.5, value: 2},
      {time: 2 ** 33, value: 3},
    ])
    assert.equal(s.pool.inUse, 0)
  })

  it('random posts (in order, late, repeated, too old) with a moving clock read back as the plain-array model', () => {
    for (const seed of [1, 2, 3]) {
      const rand = rng(seed)
      const store = new MetricSeriesStore(50, 3600)
      const model = new Model(50, 3600)
      let now = NOW
      for (let step = 0; step < 3000; step++) {
        now += Math.floor(rand() * 40)
        const time = rand() < 0.7 ? now - Math.floor(rand() * 120) : now - Math.floor(rand() * 4000)
        const value = Math.round(rand() * 1000) / 10
        assert.equal(store.put('h', 'm', time, value, now), model.put(time, value, now))
        if (step % 97 === 0) assert.deepEqual(store.range('h', 'm', 0, now + 10, now), model.points.filter((p) => p.time >= now - 3600))
      }
      assert.deepEqual(store.range('h', 'm', 0, now + 10, now), model.points.filter((p) => p.time >= now - 3600))
      const since = now - 600
      const inWindow = model.points.filter((p) => p.time > since && p.time >= now - 3600)
      const avg = inWindow.length ? inWindow.reduce((a, p) => a + p.value, 0) / inWindow.length : undefined
      assert.equal(store.averageSince('h', 'm', since, now), avg)
    }
  })

  it('a snapshot round-trips; a loaded series out of order or over the cap is sorted and capped', () => {
    const a = new MetricSeriesStore(4, 86_400)
    for (let i = 0; i < 6; i++) a.put('h', 'm', NOW + i, i, NOW)
    const snap = a.toJSON()
    assert.deepEqual(snap, {h: {m: {times: [NOW + 2, NOW + 3, NOW + 4, NOW + 5], values: [2, 3, 4, 5]}}})
    const b = new MetricSeriesStore(4, 86_400)
    b.load(JSON.parse(JSON.stringify(snap)))
    assert.deepEqual(b.toJSON(), snap)
    const c = new MetricSeriesStore(4, 86_400)
    c.load({h: {m: {times: [5, 1, 3, 2, 4, 9], values: [50, 10, 30, 20, 40, 'x']}}})
    assert.deepEqual(c.toJSON(), {h: {m: {times: [2, 3, 4, 5], values: [20, 30, 40, 50]}}})
  })
})
