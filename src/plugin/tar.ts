// A tar (optionally gzip-compressed) reader for untrusted archives, on node:zlib's gunzip: one pass
// over the stream, every header checked (entry.ts, header checksum), the decompressed stream capped,
// so a gzip bomb ends in a clean error. ustar, GNU long names/links and pax path/linkpath/size records.
import {createReadStream} from 'node:fs'
import {createGunzip} from 'node:zlib'
import {ArchiveError, checkEntryName, checkLinkTarget, type ArchiveEntry, type Limits} from './entry.js'

const BLOCK = 512

/** Pulls exact byte counts out of a chunked stream, counting every byte against a cap. */
class Reader {
  private buf: Buffer = Buffer.alloc(0)
  private done = false
  private total = 0
  constructor(
    private it: AsyncIterator<Buffer>,
    private max: number,
  ) {}

  private async fill(n: number): Promise<boolean> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next()
      if (r.done) this.done = true
      else {
        this.total += r.value.length
        if (this.total > this.max)
          throw new ArchiveError(`archive expands to more than the limit of ${this.max} bytes`, 'a gzip bomb, or not a plugin archive: nothing was installed')
        this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value
      }
    }
    return this.buf.length >= n
  }

  /** exactly n bytes, or undefined at a clean end of stream (nothing left) */
  async take(n: number): Promise<Buffer | undefined> {
    if (!(await this.fill(n))) {
      if (this.buf.length === 0) return undefined
      throw new ArchiveError('tar archive is truncated')
    }
    const out = this.buf.subarray(0, n)
    this.buf = this.buf.subarray(n)
    return out
  }

  /** n bytes as chunks (no copy of the whole) */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill(1))) throw new ArchiveError('tar archive is truncated')
      const part = this.buf.subarray(0, Math.min(left, this.buf.length))
      this.buf = this.buf.subarray(part.length)
      left -= part.length
      yield part
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.chunks(n));
  }
}

function cstr(b: Buffer): string {
  const z = b.indexOf(0)
  return (z < 0 ? b : b.subarray(0, z)).toString('utf8')
}

function octal(b: Buffer, what: string): number {
  if (b[0] & 0x80) {
    // GNU base-256: big-endian binary, positive only
    let v = 0
    for (let i = 1; i < b.length; i++) v = v * 256 + b[i]
    if ((b[0] & 0x7f) !== 0 || !Number.isSafeInteger(v)) throw new ArchiveError(`tar header: ${what} out of range`)
    return v
  }
  const s = cstr(b).trim()
  if (s === '') return 0
  if (!/^[0-7]+$/.test(s)) throw new ArchiveError(`tar header: bad ${what} field`)
  return parseInt(s, 8)
}

function checksumOk(h: Buffer): boolean {
  const want = octal(h.subarray(148, 156), 'checksum')
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]
  return sum === want
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let p = 0
  while (p < data.length) {
    const sp = data.indexOf(0x20, p)
    if (sp < 0) break
    const len = parseInt(data.subarray(p, sp).toString('ascii'), 10)
    if (!(len > 0) || p + len > data.length) throw new ArchiveError('tar archive: bad pax record')
    const rec = data.subarray(sp + 1, p + len - 1).toString('utf8')
    const eq = rec.indexOf('=')
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1)
    p += len
  }
  return out
}

const META_MAX = 1024 * 1024

/**
 * Reads the tar (gzip-compressed when `gzip`) at `file`, calling `visit` for every entry; `visit`
 * reads the content of a regular file through `content()` or leaves it (it is then skipped).
 */
export async function walkTar(
  file: string,
  gzip: boolean,
  limits: Limits,
  visit: (entry: ArchiveEntry, content: () => AsyncGenerator<Buffer>) => Promise<void>,
): Promise<void> {
  const source = createReadStream(file)
  const stream = gzip ? source.pipe(createGunzip()) : source
  if (gzip) source.on('error', (e) => stream.destroy(e))
  const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]()
  const r = new Reader(it, limits.maxExtractedBytes)
  let count = 0
  let longName: string | undefined
  let longLink: string | undefined
  let pax: Record<string, string> = {}
  let globalPax: Record<string, string> = {}
  try {
    for (;;) {
      let h: Buffer | undefined
      try {
        h = await r.take(BLOCK)
      } catch (error) {
        if (error instanceof ArchiveError) throw error
        throw new ArchiveError(`cannot decompress the archive: ${(error as Error).message}`)
      }
      if (!h) break // end of stream without end-of-archive blocks: accepted, as tar does
      if (h.every((b) => b === 0)) break // end of archive
      if (!checksumOk(h)) throw new ArchiveError('tar archive: bad header checksum')
      if (++count > limits.maxEntries) throw new ArchiveError(`tar archive has more than ${limits.maxEntries} entries`)
      const flag = String.fromCharCode(h[156] || 0x30)
      let size = octal(h.subarray(124, 136), 'size')
      const padded = Math.ceil(size / BLOCK) * BLOCK
      if (flag === 'L' || flag === 'K' || flag === 'x' || flag === 'g') {
        if (size > META_MAX) throw new ArchiveError('tar archive: oversized extended header')
        const data = Buffer.concat(await collect(r.chunks(padded))).subarray(0, size)
        if (flag === 'L') longName = cstr(data)
        else if (flag === 'K') longLink = cstr(data)
        else if (flag === 'x') pax = parsePax(data)
        else globalPax = {...globalPax, ...parsePax(data)}
        continue
      }
      const ustar = h.subarray(257, 262).toString('latin1') === 'ustar'
      const prefix = ustar ? cstr(h.subarray(345, 500)) : ''
      const attrs = {...globalPax, ...pax}
      const name = attrs.path ?? longName ?? (prefix ? `${prefix}/${cstr(h.subarray(0, 100))}` : cstr(h.subarray(0, 100)))
      const link = attrs.linkpath ?? longLink ?? cstr(h.subarray(157, 257))
      if (attrs.size !== undefined) {
        if (!/^\d+$/.test(attrs.size)) throw new ArchiveError('tar archive: bad pax size')
        size = Number(attrs.size)
      }
      longName = longLink = undefined
      pax = {}
      const type: ArchiveEntry['type'] =
        flag === '0' || flag === '7' || flag === '\0' ? 'file' : flag === '5' ? 'dir' : flag === '2' ? 'symlink' : flag === '1' ? 'hardlink' : 'other'
      const entry: ArchiveEntry = {name, type, mode: octal(h.subarray(100, 108), 'mode') & 0o7777, size: type === 'file' ? size : 0, link: type === 'symlink' || type === 'hardlink' ? link : undefined}
      checkEntryName(name)
      if (entry.link !== undefined) checkLinkTarget(entry)
      const dataLen = type === 'file' || flag === 'x' ? size : type === 'dir' || type === 'symlink' || type === 'hardlink' ? 0 : size
      let consumed = false
      await visit(entry, () => {
        consumed = true
        return r.chunks(dataLen)
      })
      const pad = Math.ceil(dataLen / BLOCK) * BLOCK - dataLen
      if (!consumed) await r.skip(dataLen + pad)
      else await r.skip(pad)
    }
  } catch (error) {
    if (error instanceof ArchiveError) throw error
    const e = error as NodeJS.ErrnoException
    if (e.code?.startsWith('Z_') || /incorrect header|unexpected end|invalid/.test(e.message ?? ''))
      throw new ArchiveError(`cannot decompress the archive: ${e.message}`)
    throw error
  } finally {
    stream.destroy()
    source.destroy()
  }
}

async function collect(g: AsyncGenerator<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = []
  for await (const c of g) out.push(c)
  return out
}
