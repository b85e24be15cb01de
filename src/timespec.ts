// Time and duration forms accepted on the command line.
//
// Times (annotation --from/--to, …) resolve to epoch seconds:
//   1700000000                 epoch seconds, as mkr takes them
//   2024-05-01T12:00:00+09:00  ISO-8601 with `Z` or an offset; `T` or a space between date and time;
//   2024-05-01T12:00           seconds and fractions optional; without a zone it is local time;
//   2024-05-01                 a date alone is local midnight
//   now                        the current time
//   -15m  +2h  now-1h30m       relative to now; units s, m, h, d, w (combinable: 1h30m)
// Durations (--timeout, --page-interval, …) are parsed by src/duration.ts: Go syntax (`30s`, `1m30s`, `500ms`),
// at most 24 days unless a flag says otherwise.

import {UsageError} from './errors.js'

export class TimeSpecError extends Error {}

/** A hint listing the accepted forms, for error messages. */
export const TIME_FORMS_HINT =
  'use epoch seconds (1700000000), ISO-8601 (2024-05-01T12:00:00+09:00, 2024-05-01 12:00, 2024-05-01), `now`, or a time relative to now (-15m, -2h, now-1d, +30s)'

const UNIT_SECONDS: Record<string, number> = {s: 1, m: 60, h: 3600, d: 86400, w: 604800}

/** Epoch seconds this large are almost certainly milliseconds (1e11 s is the year 5138). */
const MAX_EPOCH_SECONDS = 1e11

const RELATIVE = /^(?:now)?([+-])((?:\d+[smhdw])+)$/
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i

/**
 * Parses a time given on the command line into epoch seconds.
 * @param nowMs the current time in milliseconds (injectable for tests)
 */
export function parseTimeSpec(input: string, nowMs: number = Date.now()): number {
  const text = input.trim()
  if (text === '') throw new TimeSpecError('empty time')
  const compact = text.replace(/\s+/g, '').toLowerCase()
  const nowSec = Math.floor(nowMs / 1000)

  if (compact === 'now') return nowSec

  const rel = RELATIVE.exec(compact)
  if (rel) {
    let seconds = 0
    for (const [, n, unit] of rel[2].matchAll(/(\d+)([smhdw])/g)) seconds += Number(n) * UNIT_SECONDS[unit]
    const t = rel[1] === '-' ? nowSec - seconds : nowSec + seconds
    return checkRange(t)
  }

  if (/^\d+$/.test(text)) {
    const n = Number(text)
    if (n === 0) throw new TimeSpecError('0 is not a time (mkr treats it as "not given")')
    if (n >= MAX_EPOCH_SECONDS)
      throw new TimeSpecError(`${text} looks like epoch milliseconds; give epoch seconds (${Math.floor(n / 1000)})`)
    return n
  }

  if (/^[+-]?\d+$/.test(compact) || /^[+-]?\d+(\.\d+)?[a-z]+$/.test(compact)) {
    throw new TimeSpecError(
      /^\d/.test(compact)
        ? 'a relative time needs a sign: -15m is 15 minutes ago, +15m is 15 minutes from now'
        : 'a relative time needs whole numbers with a unit: s, m, h, d or w (for example -15m, -1h30m)',
    )
  }

  const iso = ISO.exec(text)
  if (iso) return checkRange(Math.floor(isoToMs(iso) / 1000))

  throw new TimeSpecError('not a time I understand')
}

function checkRange(t: number): number {
  if (t <= 0) throw new TimeSpecError('the time is before 1970-01-01')
  if (t >= MAX_EPOCH_SECONDS) throw new TimeSpecError('the time is too far in the future')
  return t
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

function isoToMs(m: RegExpExecArray): number {
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m
  const y = Number(ys)
  const mo = Number(mos)
  const d = Number(ds)
  const h = hs === undefined ? 0 : Number(hs)
  const mi = mis === undefined ? 0 : Number(mis)
  const s = ss === undefined ? 0 : Number(ss)
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000)
  if (mo < 1 || mo > 12) throw new TimeSpecError(`month ${mos} is out of range`)
  if (d < 1 || d > daysInMonth(y, mo)) throw new TimeSpecError(`day ${ds} is out of range for ${ys}-${mos}`)
  if (h > 23 || mi > 59 || s > 59) throw new TimeSpecError(`${hs}:${mis}${ss === undefined ? '' : ':' + ss} is not a time of day`)
  if (zone === undefined) return new Date(y, mo - 1, d, h, mi, s, ms).getTime()
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms)
  if (zone.toUpperCase() === 'Z') return utc
  const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!
  const offH = Number(zm[2])
  const offM = zm[3] === undefined ? 0 : Number(zm[3])
  if (offH > 23 || offM > 59) throw new TimeSpecError(`offset ${zone} is out of range`)
  const off = (offH * 60 + offM) * 60_000 * (zm[1] === '-' ? -1 : 1)
  return utc - off
}

/** A time flag's value as epoch seconds; a bad value is a usage error naming the flag and the forms. */
export function parseTimeFlag(flag: string, value: string, nowMs: number = Date.now()): number {
  try {
    return parseTimeSpec(value, nowMs)
  } catch (error) {
    if (!(error instanceof TimeSpecError)) throw error
    throw new UsageError(`--${flag} ${JSON.stringify(value)}: ${error.message}`, {hint: TIME_FORMS_HINT})
  }
}

// Duration flags are parsed in one place, src/duration.ts (Go syntax, a documented maximum); this
// name stays for the commands that import it from here.
export {parseDurationFlag} from './duration.js'
