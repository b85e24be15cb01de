// Flag handling shared by the `alerts` commands.
import * as Flags from '@oclif/core/flags'
import {ALERTS_PAGE_MAX, DEFAULT_PAGE_DELAY_MS} from '../api/alerts.js'
import type {IOStreams} from '../output/iostreams.js'
import {UsageError} from '../errors.js'
import {parseDurationFlag} from '../timespec.js'

/** mkr's default page count when --with-closed is set (without it, all open alerts are listed). */
export const DEFAULT_ALERTS_LIMIT = 100
export const MAX_LIMIT = 1_000_000

export const alertsFetchFlags = {
  'with-closed': Flags.boolean({char: 'w', description: 'closed alerts too'}),
  limit: Flags.string({
    char: 'l',
    description: `how many alerts, 0..${MAX_LIMIT} [default: all open alerts; ${DEFAULT_ALERTS_LIMIT} with --with-closed]`,
    helpValue: 'N',
  }),
  'page-interval': Flags.string({
    description: 'pause between page requests, to be gentle with the API (mkr: 1s)',
    default: `${DEFAULT_PAGE_DELAY_MS / 1000}s`,
    helpValue: 'DURATION',
  }),
}

/** An integer flag in 0..MAX_LIMIT (a usage error naming the range otherwise). */
export function parseLimit(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const v = value.trim()
  if (!/^[+-]?\d+$/.test(v)) throw new UsageError(`--limit ${JSON.stringify(value)}: not a whole number`, {hint: `give 0..${MAX_LIMIT}`})
  const n = Number(v)
  if (n < 0 || n > MAX_LIMIT) throw new UsageError(`--limit ${n} is out of range: give 0..${MAX_LIMIT}`)
  return n
}

/** mkr: --limit if given, else 100 with --with-closed, else every open alert. */
export function alertsLimit(flags: {limit?: string; 'with-closed'?: boolean}): number | undefined {
  const fallback = flags['with-closed'] ? DEFAULT_ALERTS_LIMIT : Number.POSITIVE_INFINITY
  const n = parseLimit(flags.limit, fallback)
  return Number.isFinite(n) ? n : undefined
}

export function pageInterval(flags: {'page-interval'?: string}): number {
  return parseDurationFlag('page-interval', flags['page-interval'] ?? `${DEFAULT_PAGE_DELAY_MS}ms`, {min: 0})
}

/**
 * The progress of a paged fetch for io.progress: `fetching alerts` at first, then the count once a
 * full page says more may follow (shown only on a terminal's stderr, after the IO's delay).
 */
export function pageProgress(io: IOStreams, what: string): (n: number) => void {
  return (n) => {
    if (n >= ALERTS_PAGE_MAX) io.progress.start(`fetched ${n} ${what}…`)
  }
}
