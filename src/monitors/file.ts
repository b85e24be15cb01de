// The monitors file: mkr's `{"monitors": [...]}`, 4-space JSON with a trailing newline.
// Reading accepts a UTF-8 BOM, refuses anything that is not strict JSON with the line and column,
// and reports every invalid rule at once (file, line, index, name, field).
import {chmod, lstat, readFile, rename, unlink, writeFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {CliError, fsReason} from '../errors.js'
import {formatJson} from '../output/json.js'
import {JsonSyntaxError, parseJsonText} from './json-text.js'
import {isPlainObject, type Monitor} from './types.js'
import {formatIssue, validateMonitors, type Issue} from './validate.js'

export const DEFAULT_FILE = 'monitors.json'

export interface MonitorsFile {
  file: string
  monitors: Monitor[]
  /** line where each monitor starts */
  lines: number[]
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
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.trim() === '') throw new MonitorsFileError(`${file}: the file is empty; expected {"monitors": [...]}`)
  let parsed
  try {
    parsed = parseJsonText(text)
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      const {line, column} = error.location
      throw new MonitorsFileError(`${file}:${line}:${column}: ${error.duplicateKey ? '' : 'invalid JSON: '}${error.message}`)
    }
    throw error
  }
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
  return {file, monitors: list.filter(isPlainObject) as Monitor[], lines, issues}
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

export async function readMonitorsFile(file: string): Promise<MonitorsFile> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
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
  const errors = f.issues.filter((i) => !(opts.allowUnknownTypes && i.unknownType))
  if (errors.length === 0) return
  const lines = errors.map((i) => formatIssue(f.file, i))
  if (lines.length === 1) throw new MonitorsFileError(lines[0])
  const rules = new Set(errors.map((i) => i.index)).size
  throw new MonitorsFileError(`${f.file}: ${errors.length} problems in ${rules} monitor rule${rules === 1 ? '' : 's'}`, lines)
}

/** mkr's file text: `{"monitors": [...]}`, 4-space indent, trailing newline. */
export function formatMonitorsFile(monitors: Monitor[]): string {
  return formatJson({monitors})
}

/**
 * Writes through a temporary file in the same directory, so a failed write never leaves half a file
 * (a symlink is written through, to keep the link).
 */
export async function writeMonitorsFile(file: string, monitors: Monitor[]): Promise<void> {
  const text = formatMonitorsFile(monitors)
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`)
  let usedTmp = false
  try {
    const st = await lstat(file).catch(() => undefined)
    if (st?.isSymbolicLink()) {
      await writeFile(file, text)
    } else {
      usedTmp = true
      await writeFile(tmp, text)
      if (st) await chmod(tmp, st.mode & 0o7777) // keep the permissions of the file it replaces
      await rename(tmp, file)
    }
  } catch (error) {
    if (usedTmp) await unlink(tmp).catch(() => {})
    const e = error as NodeJS.ErrnoException
    const why = fsReason(e, {enoent: 'no such directory'})
    throw new CliError(`cannot write ${file}: ${why}`)
  }
}
