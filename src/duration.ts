// Durations, one syntax for every flag: Go-style (`90s`, `1h30m`, `1.5h`, `500ms`), as mkr's `--notification-interval` takes them
// (Go's time.ParseDuration), their limits and their display.
import {UsageError} from './errors.js'

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/**
 * Parses a Go duration into milliseconds. Like Go: a sign, then one or more `<number><unit>` parts;
 * `0` alone is allowed, any other number without a unit is an error ("missing unit").
 * Throws an Error whose message says what is wrong.
 */
export function parseDuration(input: string): number {
  const s = input.trim()
  if (s === '0' || s === '+0' || s === '-0') return 0
  const bad = (why: string) => new Error(`invalid duration ${JSON.stringify(input)}: ${why} (examples: 90s, 20m, 1h30m)`)
  let rest = s
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1
    rest = rest.slice(1)
  }
  if (rest === '') throw bad('empty')
  let total = 0
  const part = /^(\d+\.?\d*|\.\d+)([a-zµμ]+)/
  while (rest !== '') {
    const m = part.exec(rest)
    if (!m) {
      if (/^[\d.]+$/.test(rest)) throw bad('missing unit')
      throw bad('expected <number><unit> parts')
    }
    const unit = UNIT_MS[m[2]]
    if (unit === undefined) throw bad(`unknown unit ${JSON.stringify(m[2])}`)
    total += Number(m[1]) * unit
    rest = rest.slice(m[0].length)
  }
  return sign * total
}

/**
 * The largest duration a flag takes unless it says otherwise: 24 days (576h). Node's timers hold at
 * most 2^31-1 ms (24.8 days); a longer setTimeout fires after 1 ms, so every duration that ends up in
 * a timer must stay below that.
 */
export const MAX_DURATION_MS = 576 * 3_600_000

/** A duration in Go's notation for messages: `576h`, `10m`, `1.5s`, `1ms`, `0s`. */
export function showDuration(ms: number): string {
  if (ms === 0) return '0s'
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms % size === 0) return `${ms / size}${unit}`
  if (ms >= 1000) return `${ms / 1000}s`
  return `${ms}ms`
}

export interface DurationLimits {
  /** smallest allowed value in ms (default 0: not negative) */
  min?: number
  /** largest allowed value in ms (default MAX_DURATION_MS) */
  max?: number
}

/**
 * A duration flag's value in milliseconds: Go syntax, not negative, within [min, max]. Every
 * duration flag of every command goes through here. A bad value is a UsageError (exit 2) whose
 * message starts with `--<flag>: ` and, when out of range, names the limit.
 */
export function parseDurationFlag(flag: string, value: string, limits: DurationLimits = {}): number {
  const min = limits.min ?? 0
  const max = limits.max ?? MAX_DURATION_MS
  let ms: number
  try {
    ms = parseDuration(value)
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`)
  }
  if (ms < 0) throw new UsageError(`--${flag}: ${JSON.stringify(value)} must not be negative`)
  if (ms < min) throw new UsageError(`--${flag}: ${JSON.stringify(value)} must be at least ${showDuration(min)}`)
  if (!(ms <= max)) throw new UsageError(`--${flag}: ${JSON.stringify(value)} is more than the maximum, ${showDuration(max)}${max % 86_400_000 === 0 ? ` (${max / 86_400_000} days)` : ''}`)
  return ms
}

/**
 * The check report's `notificationInterval` in minutes for a duration, as mkr sends it: whole minutes
 * (truncated), 1-9 raised to 10 (the API's minimum), 0 = omitted (never re-notify).
 */
export function notificationIntervalMinutes(ms: number): number | undefined {
  const minutes = Math.trunc(ms / 60_000)
  if (minutes <= 0) return undefined
  return Math.max(10, minutes)
}

/** A short human duration: `0.35s`, `12.4s`, `2m5s`, `1h2m`. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(Math.round(ms / 10) / 100).toFixed(2)}s`
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)}s`
  const totalS = Math.round(ms / 1000)
  const h = Math.floor(totalS / 3600)
  const m = Math.floor((totalS % 3600) / 60)
  const s = totalS % 60
  if (h > 0) return `${h}h${m}m`
  return `${m}m${s}s`
}
