// Check names (mkr-compatible) and file names derived from them.
import {md5Hex} from './md5.js'

/**
 * node:crypto, loaded on first use: what every run needs (the default name's MD5, the run id) does
 * without it, as loading it costs `mkr wrap -- true` ~5 ms (measured).
 */
export function crypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto')
}

/** SHA-256 of a string's UTF-8 bytes, as hex. */
export function sha256Hex(text: string): string {
  return crypto().createHash('sha256').update(text, 'utf8').digest('hex')
}

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
  const hash = md5Hex(argv.join(' ')).slice(0, 6)
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
  const hash = sha256Hex(parts.join('\0')).slice(0, 16)
  return `${enc.slice(0, 160)}~${hash}`
}

/** A stable number in [0, 1) for a key (e.g. host id + check name for --jitter). */
export function stableFraction(key: string): number {
  return parseInt(sha256Hex(key).slice(0, 8), 16) / 2 ** 32
}

/**
 * A random (version 4) UUID for a run's id (MKR_WRAP_RUN_ID, the result JSON): it names a run, it
 * guards nothing, so Math.random's bits (V8 seeds them from the OS) do, without node:crypto.
 */
export function runUuid(): string {
  const hex = Array.from({length: 32}, () => Math.floor(Math.random() * 16).toString(16))
  hex[12] = '4'
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)
  const h = hex.join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
