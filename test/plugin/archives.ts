// Archives built in the tests (zip, tar, tar.gz), including hostile ones: entries that escape,
// symlinks, sizes that lie, bombs. Written with node:zlib so that no fixture file is needed.
import {crc32, deflateRawSync, gzipSync} from 'node:zlib'

export interface Entry {
  name: string
  data?: Buffer | string
  /** permission bits (default 0o755 for files, 0o755 for dirs) */
  mode?: number
  type?: 'file' | 'dir' | 'symlink' | 'hardlink'
  /** symlink / hardlink target */
  link?: string
}

export interface ZipEntryOptions extends Entry {
  /** 0 stored, 8 deflate (default) */
  method?: number
  /** the uncompressed size written in the headers (default: the real one) */
  declaredSize?: number
  /** the CRC written (default: the real one) */
  crc?: number
  /** "made by" host: 3 Unix (default), 0 MS-DOS (no mode) */
  madeBy?: number
}

const typeBits = {file: 0o100000, dir: 0o040000, symlink: 0o120000, hardlink: 0o100000}

export function zip(entries: ZipEntryOptions[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const type = e.type ?? 'file'
    const raw = Buffer.from(type === 'symlink' ? (e.link ?? '') : (e.data ?? ''))
    const method = type === 'dir' ? 0 : (e.method ?? 8)
    const body = method === 8 ? deflateRawSync(raw) : raw
    const name = Buffer.from(e.name)
    const crc = e.crc ?? crc32(raw)
    const size = e.declaredSize ?? raw.length
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x800, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc >>> 0, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    locals.push(local, name, body)
    const c = Buffer.alloc(46)
    c.writeUInt32LE(0x02014b50, 0)
    c.writeUInt16LE(((e.madeBy ?? 3) << 8) | 20, 4)
    c.writeUInt16LE(20, 6)
    c.writeUInt16LE(0x800, 8)
    c.writeUInt16LE(method, 10)
    c.writeUInt32LE(crc >>> 0, 16)
    c.writeUInt32LE(body.length, 20)
    c.writeUInt32LE(size, 24)
    c.writeUInt16LE(name.length, 28)
    c.writeUInt32LE(((typeBits[type] | (e.mode ?? 0o755)) * 0x10000 + (type === 'dir' ? 0x10 : 0)) >>> 0, 38)
    c.writeUInt32LE(offset, 42)
    centrals.push(c, name)
    offset += 30 + name.length + body.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

function header(name: string, size: number, mode: number, flag: string, link = ''): Buffer {
  const h = Buffer.alloc(512)
  h.write(name, 0, 100)
  h.write(mode.toString(8).padStart(7, '0') + '\0', 100)
  h.write('0000000\0', 108)
  h.write('0000000\0', 116)
  h.write(size.toString(8).padStart(11, '0') + '\0', 124)
  h.write('00000000000\0', 136)
  h.write('        ', 148)
  h.write(flag, 156)
  h.write(link, 157, 100)
  h.write('ustar\0', 257)
  h.write('00', 263)
  let sum = 0
  for (const b of h) sum += b
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  return h
}

const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)])

export function tar(entries: Entry[]): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) {
    const type = e.type ?? 'file'
    const data = type === 'file' ? Buffer.from(e.data ?? '') : Buffer.alloc(0)
    if (Buffer.byteLength(e.name) > 100) {
      const long = Buffer.from(e.name + '\0')
      parts.push(header('././@LongLink', long.length, 0o644, 'L'), pad(long))
    }
    const flag = {file: '0', dir: '5', symlink: '2', hardlink: '1'}[type]
    parts.push(header(e.name.slice(0, 100), data.length, e.mode ?? 0o755, flag, e.link ?? ''), pad(data))
  }
  parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

export const tgz = (entries: Entry[]) => gzipSync(tar(entries))

/** A shell script plugin that prints `text`. */
export const script = (text: string) => `#!/bin/sh\necho ${text}\n`
