// The monitors file: mkr's `{"monitors": [...]}`, 4-space JSON with a trailing newline.
// Reading refuses bytes that are not UTF-8 (with the offset, line and column), accepts a UTF-8 BOM,
// refuses anything that is not strict JSON with the line and column, and reports every invalid rule
// at once (file, line, index, name, field).
import {readFile} from 'node:fs/promises'
import {isUtf8} from 'node:buffer'
import {CliError, fsReason} from '../errors.js'
import {writeFileSafely} from '../files.js'
import {formatJson} from '../output/json.js'
import {parseJsonFile} from './json-text.js'
import {isPlainObject, type Monitor} from './types.js'
import {formatIssue, validateMonitors, type Issue} from './validate.js'

export const DEFAULT_FILE = 'monitors.json'

export interface MonitorsFile {
  file: string
  monitors: Monitor[]
  /** line where each element of the file's `monitors` array starts (by position in the file) */
  lines: number[]
  /** position in the file's `monitors` array of each entry of `monitors` (elements that are not objects are left out) */
  indexes: number[]
  /** problems with individual rules (the file itself parsed) */
  issues: Issue[]
}

/** The file cannot be used at all: unreadable, not JSON, not `{"monitors": [...]}`, or invalid rules. */
export class MonitorsFileError extends CliError {
  constructor(
    message: string,
    /** every problem, one line each (for the rule-level case) */
    readonly details: string[] = [],
  ) {
    super(message, {hint: 'nothing was sent to Mackerel; fix the file and run the command again'})
  }
}

/** Parses file text (pure: the name is used in messages only). Throws MonitorsFileError. */
export function parseMonitorsText(text: string, file: string): MonitorsFile {
  const parsed = parseJsonFile(text, file, {expected: '{"monitors": [...]}', fail: (m, d) => new MonitorsFileError(m, d)})
  const doc = parsed.value
  if (!isPlainObject(doc)) {
    throw new MonitorsFileError(`${file}: expected an object {"monitors": [...]} at the top level, got ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : typeof doc}`)
  }
  if (!('monitors' in doc)) throw new MonitorsFileError(`${file}: no "monitors" array at the top level; expected {"monitors": [...]}`)
  const list = doc.monitors
  if (!Array.isArray(list)) throw new MonitorsFileError(`${file}: "monitors" must be an array, got ${list === null ? 'null' : typeof list}`)
  const lines = linesOf(text, parsed.elementOffsets)
  const issues = validateMonitors(list, lines)
  // Elements that are not objects cannot be used at all; they are reported as issues and left out.
  const indexes: number[] = []
  list.forEach((m, i) => isPlainObject(m) && indexes.push(i))
  return {file, monitors: indexes.map((i) => list[i]) as Monitor[], lines, indexes, issues}
}

/** 1-based line of each (ascending) offset, in one pass. */
function linesOf(text: string, offsets: number[]): number[] {
  const out: number[] = []
  let line = 1
  let i = 0
  for (const o of offsets) {
    for (; i < o; i++) if (text.charCodeAt(i) === 10) line++
    out.push(line)
  }
  return out
}

/** Offset of the first byte that does not belong to a valid UTF-8 sequence (-1: none). */
export function invalidUtf8Offset(buf: Uint8Array): number {
  if (isUtf8(buf)) return -1
  let i = 0
  while (i < buf.length) {
    const b = buf[i]
    let n: number
    let min: number
    if (b < 0x80) {
      i++
      continue
    } else if (b >= 0xc2 && b <= 0xdf) [n, min] = [1, 0x80]
    else if (b >= 0xe0 && b <= 0xef) [n, min] = [2, 0x800]
    else if (b >= 0xf0 && b <= 0xf4) [n, min] = [3, 0x10000]
    else return i
    let cp = b & (0x3f >> n)
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += n + 1
  }
  return -1
}

/** Decodes the file's bytes; bytes that are not UTF-8 are an error naming where (never U+FFFD). */
export function decodeMonitorsFile(buf: Buffer, file: string): string {
  const bad = invalidUtf8Offset(buf)
  if (bad < 0) return buf.toString('utf8')
  let line = 1
  let lineStart = 0
  for (let i = 0; i < bad; i++) {
    if (buf[i] === 10) {
      line++
      lineStart = i + 1
    }
  }
  const column = [...buf.subarray(lineStart, bad).toString('utf8')].length + 1
  const hex = `0x${buf[bad].toString(16).toUpperCase().padStart(2, '0')}`
  throw new CliError(`${file}:${line}:${column}: not UTF-8: byte ${hex} at offset ${bad} is not valid UTF-8`, {
    hint: 'save the file as UTF-8 (it may be Latin-1 or another legacy encoding, e.g. `iconv -f latin1 -t utf-8`); nothing was sent to Mackerel',
  })
}

export async function readMonitorsFile(file: string): Promise<MonitorsFile> {
  let text: string
  try {
    text = decodeMonitorsFile(await readFile(file), file)
  } catch (error) {
    if (error instanceof CliError) throw error
    const e = error as NodeJS.ErrnoException
    const why = fsReason(e)
    throw new CliError(`cannot read ${file}: ${why}`, {
      hint: e.code === 'ENOENT' ? 'create it with `mkr monitors pull`, or name another file with -F' : undefined,
    })
  }
  return parseMonitorsText(text, file)
}

/**
 * Throws when the rules have problems other than unknown types (which only matter for rules that
 * would be written; see plan.ts). Every problem is listed in `details`.
 */
export function assertValid(f: MonitorsFile, opts: {allowUnknownTypes: boolean}): void {
  const error = problemsError(
    f.file,
    f.issues.filter((i) => !(opts.allowUnknownTypes && i.unknownType)),
  )
  if (error) throw error
}

/** One error listing every problem (undefined when there is none). */
export function problemsError(file: string, errors: Issue[]): MonitorsFileError | undefined {
  if (errors.length === 0) return undefined
  const lines = errors.map((i) => formatIssue(file, i))
  if (lines.length === 1) return new MonitorsFileError(lines[0])
  const rules = new Set(errors.map((i) => i.index)).size
  return new MonitorsFileError(`${file}: ${errors.length} problems in ${rules} monitor rule${rules === 1 ? '' : 's'}`, lines)
}

/** mkr's file text: `{"monitors": [...]}`, 4-space indent, trailing newline. */
export function formatMonitorsFile(monitors: Monitor[]): string {
  return formatJson({monitors})
}

/**
 * Writes the file by src/files.ts's rule: a regular file is replaced atomically (a failed write never
 * leaves half a file), a symlink keeps being a link to the replaced target, a device or FIFO is
 * written through (never replaced), a directory is an error.
 */
export async function writeMonitorsFile(file: string, monitors: Monitor[]): Promise<void> {
  const text = formatMonitorsFile(monitors)
  try {
    // 0666 before the umask, as before (and as the Go mkr's files)
    writeFileSafely(file, text, {mode: 0o666})
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${fsReason(error, {enoent: 'no such directory'})}`)
  }
}

