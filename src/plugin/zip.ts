// A zip reader for untrusted archives, on node:zlib: the central directory is read and every entry
// checked first (entry.ts); only the entries asked for are then inflated, each against its declared
// size and CRC-32, under a cap on what is extracted in all, so a zip bomb ends in a clean error.
// Stored and deflated entries; ZIP64 sizes and offsets; no encryption, no multi-disk archives.
import {createReadStream} from 'node:fs'
import {open, type FileHandle} from 'node:fs/promises'
import {createInflateRaw, crc32} from 'node:zlib'
import {ArchiveError, checkEntryName, checkLinkTarget, type ArchiveEntry, type Limits} from './entry.js'

const EOCD_SIG = 0x06054b50
const EOCD64_LOCATOR_SIG = 0x07064b50
const EOCD64_SIG = 0x06064b50
const CENTRAL_SIG = 0x02014b50
const LOCAL_SIG = 0x04034b50
const MAX_COMMENT = 0xffff

export interface ZipEntry extends ArchiveEntry {
  method: number
  flags: number
  crc: number
  compressedSize: number
  localOffset: number
}

const S_IFMT = 0o170000

function typeOf(unixMode: number, name: string): ArchiveEntry['type'] {
  switch (unixMode & S_IFMT) {
    case 0o040000:
      return 'dir'
    case 0o120000:
      return 'symlink'
    case 0o100000:
      return 'file'
    case 0:
      return name.endsWith('/') || name.endsWith('\\') ? 'dir' : 'file'
    default:
      return 'other' // device, FIFO, socket
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  const {bytesRead} = await fh.read(buf, 0, length, position)
  if (bytesRead !== length) throw new ArchiveError('zip archive is truncated')
  return buf
}

export class ZipReader {
  private constructor(
    private fh: FileHandle,
    private file: string,
    readonly entries: ZipEntry[],
  ) {}

  static async open(file: string, limits: Limits): Promise<ZipReader> {
    const fh = await open(file, 'r')
    try {
      const entries = await readCentralDirectory(fh, (await fh.stat()).size, limits)
      return new ZipReader(fh, file, entries)
    } catch (error) {
      await fh.close()
      throw error
    }
  }

  async close(): Promise<void> {
    await this.fh.close()
  }

  /**
   * The entry's content, inflated, as chunks; at most `budget.left` bytes in all (the budget is
   * shared by the entries of one extraction). Checks the declared size and the CRC-32.
   */
  async *read(entry: ZipEntry, budget: {left: number}): AsyncGenerator<Buffer> {
    const shown = entry.name
    if (entry.flags & 0x1) throw new ArchiveError(`zip entry ${shown} is encrypted`, 'encrypted plugin archives are not supported: nothing was installed')
    if (entry.method !== 0 && entry.method !== 8)
      throw new ArchiveError(`zip entry ${shown} uses compression method ${entry.method}`, 'only stored and deflated zip entries are supported: nothing was installed')
    if (entry.size > budget.left) throw new ArchiveError(`zip archive expands to more than the limit (entry ${shown}: ${entry.size} bytes)`, 'a zip bomb, or not a plugin archive: nothing was installed')
    const local = await readAt(this.fh, entry.localOffset, 30)
    if (local.readUInt32LE(0) !== LOCAL_SIG) throw new ArchiveError(`zip entry ${shown}: bad local header`)
    const start = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
    const raw = entry.compressedSize === 0 ? undefined : createReadStream(this.file, {start, end: start + entry.compressedSize - 1})
    const source: AsyncIterable<Buffer> = raw ?? (async function* () {})()
    let crc = 0
    let n = 0
    const take = (chunk: Buffer) => {
      n += chunk.length
      if (n > entry.size || n > budget.left)
        throw new ArchiveError(`zip entry ${shown} inflates to more than it declares (${entry.size} bytes)`, 'a zip bomb, or a damaged archive: nothing was installed')
      crc = crc32(chunk, crc)
    }
    try {
      if (entry.method === 0) {
        for await (const chunk of source) {
          take(chunk)
          yield chunk
        }
      } else {
        const inflate = createInflateRaw()
        const feed = (async () => {
          try {
            for await (const chunk of source) {
              if (inflate.destroyed) return
              if (!inflate.write(chunk))
                await new Promise<void>((r) => {
                  inflate.once('drain', () => r())
                  inflate.once('close', () => r()) // the reader gave up (a bomb, a bad entry)
                })
            }
            inflate.end()
          } catch (error) {
            inflate.destroy(error as Error)
          }
        })()
        try {
          for await (const chunk of inflate as AsyncIterable<Buffer>) {
            take(chunk)
            yield chunk
          }
        } catch (error) {
          if (error instanceof ArchiveError) throw error
          throw new ArchiveError(`zip entry ${shown} cannot be inflated: ${(error as Error).message}`)
        } finally {
          inflate.destroy()
          raw?.destroy()
          await feed
        }
      }
    } finally {
      raw?.destroy()
    }
    if (n !== entry.size) throw new ArchiveError(`zip entry ${shown} is ${n} bytes, not the ${entry.size} it declares`)
    if (crc >>> 0 !== entry.crc >>> 0) throw new ArchiveError(`zip entry ${shown} fails its CRC-32 check`)
    budget.left -= n
  }
}

async function readCentralDirectory(fh: FileHandle, fileSize: number, limits: Limits): Promise<ZipEntry[]> {
  if (fileSize < 22) throw new ArchiveError('not a zip archive (too short)')
  const tailLen = Math.min(fileSize, 22 + MAX_COMMENT)
  const tail = await readAt(fh, fileSize - tailLen, tailLen)
  let eocd = -1
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i
      break
    }
  if (eocd < 0) throw new ArchiveError('not a zip archive (no end of central directory)')
  if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) throw new ArchiveError('multi-disk zip archives are not supported')
  let count = tail.readUInt16LE(eocd + 10)
  let cdSize = tail.readUInt32LE(eocd + 12)
  let cdOffset = tail.readUInt32LE(eocd + 16)
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20
    if (loc < 0 || tail.readUInt32LE(loc) !== EOCD64_LOCATOR_SIG) throw new ArchiveError('zip archive: ZIP64 end record missing')
    const off = Number(tail.readBigUInt64LE(loc + 8))
    const rec = await readAt(fh, off, 56)
    if (rec.readUInt32LE(0) !== EOCD64_SIG) throw new ArchiveError('zip archive: bad ZIP64 end record')
    count = Number(rec.readBigUInt64LE(32))
    cdSize = Number(rec.readBigUInt64LE(40))
    cdOffset = Number(rec.readBigUInt64LE(48))
  }
  if (count > limits.maxEntries) throw new ArchiveError(`zip archive has ${count} entries, more than the limit of ${limits.maxEntries}`)
  if (cdOffset + cdSize > fileSize) throw new ArchiveError('zip archive is truncated (central directory past the end)')
  const cd = await readAt(fh, cdOffset, cdSize)
  const entries: ZipEntry[] = []
  let p = 0
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) throw new ArchiveError('zip archive: damaged central directory')
    const madeBy = cd.readUInt16LE(p + 4) >> 8
    const flags = cd.readUInt16LE(p + 8)
    const method = cd.readUInt16LE(p + 10)
    const crc = cd.readUInt32LE(p + 16)
    let compressedSize = cd.readUInt32LE(p + 20)
    let size = cd.readUInt32LE(p + 24)
    const nameLen = cd.readUInt16LE(p + 28)
    const extraLen = cd.readUInt16LE(p + 30)
    const commentLen = cd.readUInt16LE(p + 32)
    const external = cd.readUInt32LE(p + 38)
    let localOffset = cd.readUInt32LE(p + 42)
    const end = p + 46 + nameLen + extraLen + commentLen
    if (end > cd.length) throw new ArchiveError('zip archive: damaged central directory')
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLen)
    // bit 11: UTF-8 names; others are CP437 in theory, but plugin archives use ASCII names
    const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1')
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen)
    for (let q = 0; q + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(q)
      const len = extra.readUInt16LE(q + 2)
      if (id === 0x0001) {
        let r = q + 4
        const next = () => {
          if (r + 8 > q + 4 + len) throw new ArchiveError(`zip entry ${name}: bad ZIP64 field`)
          const v = Number(extra.readBigUInt64LE(r))
          r += 8
          return v
        }
        if (size === 0xffffffff) size = next()
        if (compressedSize === 0xffffffff) compressedSize = next()
        if (localOffset === 0xffffffff) localOffset = next()
      }
      q += 4 + len
    }
    // Unix ("made by" 3) and macOS (19) zips carry the file mode in the high half of the external
    // attributes; others (Windows, FAT) carry none: such files are not executable (as in mkr)
    const unixMode = madeBy === 3 || madeBy === 19 ? external >>> 16 : 0
    const entry: ZipEntry = {
      name,
      type: typeOf(unixMode, name),
      mode: unixMode & 0o7777,
      size,
      method,
      flags,
      crc,
      compressedSize,
      localOffset,
    }
    checkEntryName(name)
    if (localOffset + 30 + compressedSize > fileSize) throw new ArchiveError(`zip entry ${name} lies past the end of the archive`)
    entries.push(entry)
    p = end
  }
  return entries
}

/** Reads a symlink entry's target (its content), small and bounded, and checks it (entry.ts). */
export async function readLinkTargets(zip: ZipReader): Promise<void> {
  for (const e of zip.entries) {
    if (e.type !== 'symlink') continue
    const budget = {left: 4096}
    const parts: Buffer[] = []
    for await (const chunk of zip.read(e, budget)) parts.push(chunk)
    e.link = Buffer.concat(parts).toString('utf8')
    checkLinkTarget(e)
  }
}
