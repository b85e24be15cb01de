// Durations, one syntax for every flag: Go-style (`90s`, `1h30m`, `1.5h`, `500ms`), as mkr's `--notification-interval` takes them
// (Go's time.ParseDuration), and their display.

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

/** Parses a non-negative duration; `what` names the flag in the error. */
export function parseFlagDuration(what: string, input: string): number {
  let ms: number
  try {
    ms = parseDuration(input)
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`)
  }
  if (ms < 0) throw new Error(`${what}: must not be negative (got ${input})`)
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
