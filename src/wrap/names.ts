// Check names (mkr-compatible) and file names derived from them.
import {createHash} from 'node:crypto'

/** Go's filepath.Base on a POSIX path. */
export function goBase(path: string): string {
  if (path === '') return '.'
  const trimmed = path.replace(/\/+$/, '')
  if (trimmed === '') return '/'
  return trimmed.slice(trimmed.lastIndexOf('/') + 1)
}

/**
 * The check name mkr derives from the command line: `mkrwrap-<base>-<hash>`, where `<base>` is the
 * basename of argv[0], trimmed, with every character outside [-a-zA-Z0-9_] replaced by `_`, and
 * `<hash>` the first 3 bytes of MD5(argv joined by single spaces) as 6 lowercase hex digits.
 */
export function defaultCheckName(argv: readonly string[]): string {
  const base = goBase(argv[0] ?? '').trim().replace(/[^-a-zA-Z0-9_]/gu, '_')
  const hash = createHash('md5').update(argv.join(' '), 'utf8').digest('hex').slice(0, 6)
  return `mkrwrap-${base}-${hash}`
}

/** The name the API accepts for a check (the host `checks[].name` rule). */
export const CHECK_NAME_RE = /^[a-zA-Z0-9_-]+$/

/**
 * A file name for a key made of free-form parts (host id, check name): readable, reversible-enough,
 * never `.`/`..`, never containing `/`, and short enough for any file system (long keys are hashed).
 */
export function fileKey(...parts: string[]): string {
  const enc = parts.map((p) => p.replace(/[^A-Za-z0-9_-]/gu, (c) => '%' + [...Buffer.from(c, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join('%'))).join('--')
  if (enc.length <= 180) return enc
  const hash = createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16)
  return `${enc.slice(0, 160)}~${hash}`
}

/** A stable number in [0, 1) for a key (e.g. host id + check name for --jitter). */
export function stableFraction(key: string): number {
  const h = createHash('sha256').update(key, 'utf8').digest()
  return h.readUInt32BE(0) / 2 ** 32
}
