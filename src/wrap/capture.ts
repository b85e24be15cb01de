// Bounded capture of a job's merged stdout+stderr for the report: the first `headBytes` and the last
// `tailBytes` bytes, whatever the job prints (memory stays bounded: a 1 GiB job costs the same as a
// 10 KiB one). Lines are kept whole across the two streams: each stream's partial last line waits
// until its newline arrives (up to `maxPendingBytes`), so a stdout line is never split by stderr
// text. The caller may reuse the chunk's memory after write(): only the small parts kept are copied.

export interface CaptureOptions {
  headBytes?: number
  tailBytes?: number
  /** a partial line longer than this is flushed as it is */
  maxPendingBytes?: number
}

export interface Captured {
  /** the first bytes of the merged output (the whole output when `omittedBytes` is 0) */
  head: Buffer
  /** the last bytes, after the head and not overlapping it */
  tail: Buffer
  /** bytes between head and tail that were not kept */
  omittedBytes: number
  totalBytes: number
}

export class Capture {
  private readonly headMax: number
  private readonly tailMax: number
  private readonly pendingMax: number
  private readonly head: Buffer[] = []
  private headLen = 0
  /** the tail: a ring of tailMax bytes (no allocation per chunk) */
  private readonly ring: Buffer
  private ringStart = 0
  private tailLen = 0
  private omitted = 0
  private total = 0
  private readonly pending = new Map<string, {parts: Buffer[]; len: number}>()

  constructor(opts: CaptureOptions = {}) {
    this.headMax = opts.headBytes ?? 8192
    this.tailMax = opts.tailBytes ?? 8192
    this.pendingMax = opts.maxPendingBytes ?? Math.max(this.headMax, this.tailMax)
    this.ring = Buffer.alloc(this.tailMax)
  }

  /** Adds a chunk read from one stream (`stdout`/`stderr`, any key). */
  write(stream: string, chunk: Buffer): void {
    if (chunk.length === 0) return
    let p = this.pending.get(stream)
    if (!p) this.pending.set(stream, (p = {parts: [], len: 0}))
    const nl = chunk.lastIndexOf(10)
    if (nl < 0) {
      this.hold(p, chunk)
      return
    }
    this.flushPending(p)
    this.append(nl === chunk.length - 1 ? chunk : chunk.subarray(0, nl + 1))
    if (nl < chunk.length - 1) this.hold(p, chunk.subarray(nl + 1))
  }

  /** Keeps a partial line (a copy: the caller may reuse its buffer), or passes it on when too long. */
  private hold(p: {parts: Buffer[]; len: number}, part: Buffer): void {
    if (p.len + part.length > this.pendingMax) {
      this.flushPending(p)
      this.append(part)
      return
    }
    p.parts.push(Buffer.from(part))
    p.len += part.length
  }

  /** Flushes partial lines (call once the streams ended) and returns what was kept. */
  result(): Captured {
    for (const p of this.pending.values()) this.flushPending(p)
    return {
      head: Buffer.concat(this.head, this.headLen),
      tail: this.tailBytes(),
      omittedBytes: this.omitted,
      totalBytes: this.total,
    }
  }

  private flushPending(p: {parts: Buffer[]; len: number}): void {
    for (const part of p.parts) this.append(part)
    p.parts = []
    p.len = 0
  }

  private append(buf: Buffer): void {
    this.total += buf.length
    if (this.headLen < this.headMax) {
      const take = Math.min(buf.length, this.headMax - this.headLen)
      this.head.push(Buffer.from(buf.subarray(0, take))) // copy: never pin the reader's buffer
      this.headLen += take
      if (take === buf.length) return
      buf = buf.subarray(take)
    }
    const max = this.tailMax
    if (max === 0) {
      this.omitted += buf.length
      return
    }
    if (buf.length >= max) {
      this.omitted += this.tailLen + buf.length - max
      buf.copy(this.ring, 0, buf.length - max)
      this.ringStart = 0
      this.tailLen = max
      return
    }
    // write at the end of the ring, wrapping around, then drop the oldest bytes past max
    let at = (this.ringStart + this.tailLen) % max
    let src = 0
    while (src < buf.length) {
      const n = Math.min(buf.length - src, max - at)
      buf.copy(this.ring, at, src, src + n)
      src += n
      at = (at + n) % max
    }
    const over = this.tailLen + buf.length - max
    if (over > 0) {
      this.omitted += over
      this.ringStart = (this.ringStart + over) % max
      this.tailLen = max
    } else this.tailLen += buf.length
  }

  private tailBytes(): Buffer {
    const end = this.ringStart + this.tailLen
    if (end <= this.tailMax) return Buffer.from(this.ring.subarray(this.ringStart, end))
    return Buffer.concat([this.ring.subarray(this.ringStart), this.ring.subarray(0, end - this.tailMax)])
  }
}
