// The spool: check reports that could not be delivered within the retry budget wait here, one file
// each (mode 0600, written atomically, never containing the API key), until a later `mkr wrap` or
// `mkr wrap --flush` sends them, oldest first.
import {readdirSync, readFileSync, unlinkSync} from 'node:fs'
import {join} from 'node:path'
import type {CheckReport} from '../api/checks.js'
import {writeFileAtomic} from './files.js'

export interface SpoolEntry {
  version: 1
  /** the API base the report was meant for (no credentials) */
  apiBase: string
  /** epoch ms */
  spooledAt: number
  /** why it was spooled */
  reason: string
  report: CheckReport
}

export interface SpooledFile {
  file: string
  entry?: SpoolEntry
  /** why the file could not be read */
  error?: string
}

/** The server ignores reports whose occurredAt is 6 hours or more before it receives them. */
export const MAX_REPORT_AGE_S = 6 * 3600
/** Reports this close to the limit are dropped too: they would likely arrive too late. */
export const AGE_MARGIN_S = 60

const SUFFIX = '.report.json'

/** Names of spooled files, oldest first (cheap: one readdir; a missing directory is empty). */
export function spooledFiles(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names
    .filter((n) => n.endsWith(SUFFIX) && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n))
}

export function spoolReport(dir: string, entry: SpoolEntry, id: string): string {
  const file = join(dir, `${String(entry.spooledAt).padStart(15, '0')}-${id.replace(/[^A-Za-z0-9-]/g, '')}${SUFFIX}`)
  writeFileAtomic(file, JSON.stringify(entry) + '\n', 0o600)
  return file
}

export function readSpooled(file: string): SpooledFile {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as SpoolEntry
    const r = v?.report
    if (
      v?.version !== 1 ||
      typeof v.apiBase !== 'string' ||
      !r ||
      typeof r.name !== 'string' ||
      typeof r.occurredAt !== 'number' ||
      typeof r.source?.hostId !== 'string'
    )
      return {file, error: 'not a spooled report'}
    return {file, entry: v}
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    return {file, error: e.code === 'ENOENT' ? 'gone' : e.message}
  }
}

export function removeSpooled(file: string): void {
  try {
    unlinkSync(file)
  } catch {}
}

/** True when a report would be ignored by the server because of its age. */
export function tooOld(report: CheckReport, nowMs: number): boolean {
  return nowMs / 1000 - report.occurredAt >= MAX_REPORT_AGE_S - AGE_MARGIN_S
}
