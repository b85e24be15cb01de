// Writing files whose path a user names (--result-json, monitors pull -F, ...) and our own state
// files. One rule everywhere:
// - a regular file (or a path that does not exist yet) is replaced atomically: a temporary file in
//   the same directory, synced, then rename()d over it, so a crash never leaves half a file; the
//   permissions of a file it replaces are kept;
// - a symlink is resolved and the file it points to is replaced that way (the link stays a link);
// - a device, FIFO or socket (/dev/null, /dev/stdout, a named pipe) is written through, never
//   replaced; a FIFO nobody reads is an error instead of a hang; /dev/stdout and /dev/fd/N write to
//   this process's descriptor (a socket from the parent cannot be opened by path);
// - a directory is an error.
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs'
import {basename, dirname, isAbsolute, join, resolve} from 'node:path'

export interface WriteOptions {
  /** mode of a newly created file (an existing file keeps its own) */
  mode?: number
  /** create missing parent directories (0700) */
  mkdir?: boolean
}

function statOrUndefined(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * mkdir -p without Node's `recursive` (on a path like /proc/nope/x it retries forever): each missing
 * level is created once, parents first, and the depth is bounded.
 */
export function ensureDir(dir: string, mode = 0o700, depth = 0): void {
  if (depth > 64) throw new Error(`${dir}: too many levels of directories to create`)
  try {
    if (statSync(dir).isDirectory()) return
    const e = new Error(`${dir} is not a directory`) as NodeJS.ErrnoException
    e.code = 'ENOTDIR'
    throw e
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const parent = dirname(dir)
  if (parent !== dir) ensureDir(parent, mode, depth + 1)
  try {
    mkdirSync(dir, {mode})
  } catch (error) {
    // created meanwhile by someone else: fine if it is a directory
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error
  }
}

/** The final path a chain of symlinks leads to (which may not exist yet); at most 40 links. */
export function resolveLinks(path: string): string {
  let p = resolve(path)
  for (let i = 0; i < 40; i++) {
    const st = statOrUndefined(p, false)
    if (!st?.isSymbolicLink()) return p
    const target = readlinkSync(p)
    p = isAbsolute(target) ? target : resolve(dirname(p), target)
  }
  const e = new Error(`too many levels of symbolic links: ${path}`) as NodeJS.ErrnoException
  e.code = 'ELOOP'
  throw e
}

/** Sleeps synchronously (a write to a full non-blocking FIFO waits for its reader). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Writes all of `buf` to `fd`; a full pipe is waited for, but not forever (30 s without progress). */
function writeAll(fd: number, buf: Buffer): void {
  let off = 0
  let stalledMs = 0
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off)
      stalledMs = 0
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || stalledMs >= 30_000) throw error
      pause(10)
      stalledMs += 10
    }
  }
}

/** Writes to a device, FIFO or socket: no temporary file, no truncation of what is not a file. */
function writeThrough(path: string, data: Buffer, st: Stats): void {
  let fd: number
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    if (e.code === 'ENXIO') {
      const err = new Error(st.isFIFO() ? 'a named pipe that nobody reads' : 'a socket, which cannot be opened as a file') as NodeJS.ErrnoException
      err.code = 'ENXIO'
      throw err
    }
    throw error
  }
  try {
    writeAll(fd, data)
  } finally {
    closeSync(fd)
  }
}

/** The descriptor a path names: /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N. */
function descriptorPath(path: string): number | undefined {
  if (path === '/dev/stdout') return 1
  if (path === '/dev/stderr') return 2
  const m = /^\/(?:dev|proc\/self)\/fd\/(\d+)$/.exec(path)
  return m ? Number(m[1]) : undefined
}

/** Atomic replace of a regular file (or creation of a new one) at `file`. */
function replaceAtomically(file: string, data: Buffer, mode: number, existing: Stats | undefined): void {
  const dir = dirname(file)
  // not node:crypto: loading it costs every command ~3 ms (measured), and the name need not be secret:
  // 'wx' (O_EXCL) refuses a name that exists, a link included
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`)
  const fd = openSync(tmp, 'wx', existing ? existing.mode & 0o7777 : mode)
  try {
    writeAll(fd, data)
    fsyncSync(fd)
    closeSync(fd)
  } catch (error) {
    try {
      closeSync(fd)
    } catch {}
    try {
      unlinkSync(tmp)
    } catch {}
    throw error
  }
  try {
    renameSync(tmp, file)
  } catch (error) {
    try {
      unlinkSync(tmp)
    } catch {}
    throw error
  }
}

/**
 * Writes `data` to the file at `path` by the rule at the top of this module. Throws the fs error
 * (code EISDIR for a directory, ENXIO for a FIFO without reader); callers word it with fsReason().
 */
export function writeFileSafely(path: string, data: string | Buffer, opts: WriteOptions = {}): void {
  const buf = typeof data === 'string' ? Buffer.from(data) : data
  // this process's own descriptor, when it is not a file (a pipe or socket from the caller): written
  // to as it is (a socket cannot be opened through /proc)
  const fd = descriptorPath(path)
  if (fd !== undefined) {
    let st: Stats | undefined
    try {
      st = fstatSync(fd)
    } catch {}
    if (st && !st.isFile() && !st.isDirectory()) return writeAll(fd, buf)
  }
  // stat() first: the kernel follows "magic" links such as /dev/stdout -> /proc/self/fd/1 -> pipe:[…]
  const st = statOrUndefined(path, true)
  if (st?.isDirectory()) {
    const e = new Error(`${path} is a directory`) as NodeJS.ErrnoException
    e.code = 'EISDIR'
    throw e
  }
  if (st && !st.isFile()) return writeThrough(path, buf, st)
  // a regular file (through any symlinks: replaced where it is), or a new file (where a dangling link points)
  const target = st ? realpathSync(path) : resolveLinks(path)
  if (opts.mkdir) ensureDir(dirname(target))
  replaceAtomically(target, buf, opts.mode ?? 0o600, st)
}

/** What a path is, in a few words, when it is not a regular file (undefined when it is one). */
export function notRegular(st: Stats): string | undefined {
  if (st.isFile()) return undefined
  if (st.isDirectory()) return 'is a directory'
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a regular file'
  if (st.isSocket()) return 'is a socket, not a regular file'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device, not a regular file'
  return 'is not a regular file'
}

/**
 * Reads a regular file as UTF-8, and only a regular file: the open is non-blocking (a FIFO never
 * waits for a writer) and the type is checked on the open descriptor, so a FIFO, device or directory
 * is an error (code ENOTREG, `reason` in a few words), never a hang. With `maxBytes`, a bigger file
 * is an error (code EFBIG) and never more than that is read; `noFollow` refuses a symlink (ELOOP).
 */
export function readRegularFile(path: string, opts: {maxBytes?: number; noFollow?: boolean} = {}): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (opts.noFollow ? constants.O_NOFOLLOW : 0))
  try {
    const st = fstatSync(fd)
    const bad = notRegular(st)
    if (bad) throw Object.assign(new Error(`${path} ${bad}`), {code: 'ENOTREG', reason: bad})
    const max = opts.maxBytes ?? Infinity
    if (st.size > max) throw Object.assign(new Error(`${path} is too big (${st.size} bytes)`), {code: 'EFBIG', reason: `is too big (${st.size} bytes)`})
    // bounded: the size fstat reported (plus one byte to notice growth), at most maxBytes + 1
    const buf = Buffer.alloc(Math.min(st.size + 1, max + 1))
    let n = 0
    for (let r = -1; r !== 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null)
    if (n > max) throw Object.assign(new Error(`${path} is too big`), {code: 'EFBIG', reason: 'is too big'})
    if (n === buf.length) {
      // it grew while being read: read the rest, still bounded by maxBytes
      const more: Buffer[] = [buf]
      const chunk = Buffer.alloc(64 * 1024)
      for (let r = readSync(fd, chunk, 0, chunk.length, null); r > 0; r = readSync(fd, chunk, 0, chunk.length, null)) {
        n += r
        if (n > max) throw Object.assign(new Error(`${path} is too big`), {code: 'EFBIG', reason: 'is too big'})
        more.push(Buffer.from(chunk.subarray(0, r)))
      }
      return Buffer.concat(more).subarray(0, n).toString('utf8')
    }
    return buf.subarray(0, n).toString('utf8')
  } finally {
    closeSync(fd)
  }
}
