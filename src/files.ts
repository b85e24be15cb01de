// Writing files whose path a user names (--result-json, monitors pull -F, ...) and our own state
// files. One rule everywhere:
// - a regular file (or a path that does not exist yet) is replaced atomically: a temporary file in
//   the same directory, synced, then rename()d over it, so a crash never leaves half a file; the
//   permissions of a file it replaces are kept;
// - a symlink is resolved and the file it points to is replaced that way (the link stays a link);
// - a device, FIFO or socket (/dev/null, /dev/stdout, a named pipe) is written through, never
//   replaced; a FIFO nobody reads is an error instead of a hang;
// - a directory is an error.
import {
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs'
import {randomBytes} from 'node:crypto'
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

/** Writes to a device, FIFO or socket: no temporary file, no truncation of what is not a file. */
function writeThrough(path: string, data: string | Buffer): void {
  let fd: number
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    if (e.code === 'ENXIO') {
      const err = new Error(`${path} is a named pipe that nobody reads`) as NodeJS.ErrnoException
      err.code = 'ENXIO'
      throw err
    }
    throw error
  }
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data
    let off = 0
    // a full pipe: wait for its reader, but not forever (30 s without progress)
    let stalledMs = 0
    while (off < buf.length) {
      try {
        const n = writeSync(fd, buf, off)
        off += n
        stalledMs = 0
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || stalledMs >= 30_000) throw error
        pause(10)
        stalledMs += 10
      }
    }
  } finally {
    closeSync(fd)
  }
}

/** Atomic replace of a regular file (or creation of a new one) at `file`. */
function replaceAtomically(file: string, data: string | Buffer, mode: number, existing: Stats | undefined): void {
  const dir = dirname(file)
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const fd = openSync(tmp, 'wx', existing ? existing.mode & 0o7777 : mode)
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
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
  const target = resolveLinks(path)
  if (opts.mkdir) mkdirSync(dirname(target), {recursive: true, mode: 0o700})
  const st = statOrUndefined(target, true)
  if (st?.isDirectory()) {
    const e = new Error(`${path} is a directory`) as NodeJS.ErrnoException
    e.code = 'EISDIR'
    throw e
  }
  if (st && !st.isFile()) return writeThrough(target, data)
  replaceAtomically(target, data, opts.mode ?? 0o600, st)
}
