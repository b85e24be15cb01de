// What the archive readers (zip.ts, tar.ts) report for each entry, and the checks every entry of an
// untrusted archive passes before anything is extracted: a relative path that stays inside the
// archive (no `..`, no absolute or drive path, no NUL), symlinks and hard links likewise.
import {CliError} from '../errors.js'
import {escapeControl} from '../output/sanitize.js'

export interface ArchiveEntry {
  /** the path as the archive writes it */
  name: string
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other'
  /** permission bits (0o755, ...); 0 when the archive has none (a zip made on Windows) */
  mode: number
  /** the uncompressed size the archive declares */
  size: number
  /** a link's target */
  link?: string
}

/** Limits for an untrusted archive. */
export interface Limits {
  /** bytes extracted in all (zip: the plugins taken; tar: the whole decompressed stream) */
  maxExtractedBytes: number
  /** entries in the archive */
  maxEntries: number
}

export const DEFAULT_LIMITS: Limits = {maxExtractedBytes: 1024 * 1024 * 1024, maxEntries: 100_000}

export class ArchiveError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, {hint: hint ?? 'the archive is damaged or not a plugin archive: nothing was installed'})
  }
}

const segments = (p: string) => p.split(/[/\\]+/).filter((s) => s !== '' && s !== '.')

/** The entry's path segments; throws when the path could land outside the extraction directory. */
export function checkEntryName(name: string): string[] {
  const shown = escapeControl(name)
  if (name === '' || name.includes('\0')) throw new ArchiveError(`archive entry with an empty or invalid name: "${shown}"`)
  if (/^[/\\]/.test(name) || /^[A-Za-z]:/.test(name)) throw new ArchiveError(`archive entry with an absolute path: ${shown}`, 'a plugin archive never holds absolute paths: nothing was installed')
  const segs = segments(name)
  if (segs.includes('..')) throw new ArchiveError(`archive entry escapes the archive: ${shown}`, 'a plugin archive never holds `..` paths: nothing was installed')
  return segs
}

/** Throws when a link entry points outside the archive's tree (absolute, or up past its root). */
export function checkLinkTarget(entry: ArchiveEntry): void {
  const target = entry.link ?? ''
  const shown = `${escapeControl(entry.name)} -> ${escapeControl(target)}`
  if (target === '' || target.includes('\0')) throw new ArchiveError(`archive link with an empty or invalid target: ${shown}`)
  if (/^[/\\]/.test(target) || /^[A-Za-z]:/.test(target)) throw new ArchiveError(`archive link points outside the archive: ${shown}`)
  // a symlink resolves from its own directory; a hard link's name is relative to the archive's root
  const base = entry.type === 'symlink' ? segments(entry.name).slice(0, -1) : []
  let depth = base.length
  for (const s of segments(target)) {
    depth += s === '..' ? -1 : 1
    if (depth < 0) throw new ArchiveError(`archive link points outside the archive: ${shown}`)
  }
}

/** mkr's rule: a plugin is a file named check-* or mackerel-plugin-* (and not itself an archive). */
export function looksLikePlugin(base: string): boolean {
  if (/\.(zip|tar\.gz|tgz)$/.test(base)) return false
  return base.startsWith('check-') || base.startsWith('mackerel-plugin-')
}
