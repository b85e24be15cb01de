// Bounded capture of a job's merged stdout+stderr for the report: the first `headBytes` and the last
// `tailBytes` bytes, whatever the job prints (memory stays bounded: a 1 GiB job costs the same as a
// 10 KiB one). Lines are kept whole across the two streams: each stream's partial last line waits
// until its newline arrives (up to `maxPendingBytes`), so a stdout line is never split by stderr
// text. No copy of the data is made on the hot path except the small parts that are kept.

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
  private tail: Buffer[] = []
  private tailLen = 0
  private omitted = 0
  private total = 0
  private readonly pending = new Map<string, {parts: Buffer[]; len: number}>()

  constructor(opts: CaptureOptions = {}) {
    this.headMax = opts.headBytes ?? 8192
    this.tailMax = opts.tailBytes ?? 8192
    this.pendingMax = opts.maxPendingBytes ?? Math.max(this.headMax, this.tailMax)
  }

  /** Adds a chunk read from one stream (`stdout`/`stderr`, any key). */
  write(stream: string, chunk: Buffer): void {
    if (chunk.length === 0) return
    let p = this.pending.get(stream)
    if (!p) this.pending.set(stream, (p = {parts: [], len: 0}))
    const nl = chunk.lastIndexOf(10)
    if (nl < 0) {
      p.parts.push(chunk)
      p.len += chunk.length
      if (p.len > this.pendingMax) this.flushPending(p)
      return
    }
    this.flushPending(p)
    this.append(nl === chunk.length - 1 ? chunk : chunk.subarray(0, nl + 1))
    if (nl < chunk.length - 1) {
      const rest = chunk.subarray(nl + 1)
      p.parts.push(rest)
      p.len += rest.length
    }
  }

  /** Flushes partial lines (call once the streams ended) and returns what was kept. */
  result(): Captured {
    for (const p of this.pending.values()) this.flushPending(p)
    return {
      head: Buffer.concat(this.head, this.headLen),
      tail: Buffer.concat(this.tail, this.tailLen),
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
    if (buf.length >= this.tailMax) {
      this.omitted += this.tailLen + buf.length - this.tailMax
      this.tail = [Buffer.from(buf.subarray(buf.length - this.tailMax))]
      this.tailLen = this.tailMax
      return
    }
    this.tail.push(Buffer.from(buf))
    this.tailLen += buf.length
    while (this.tailLen - this.tail[0].length >= this.tailMax) {
      const dropped = this.tail.shift()!
      this.tailLen -= dropped.length
      this.omitted += dropped.length
    }
  }
}
