// `mkr throw`: `name value epoch` lines from stdin to host or service metrics, streamed in batches.
// Unlike mkr (which reads everything, then sends one request) memory stays constant whatever the
// input size: a batch is sent as soon as it is full, and stdin is not read while it is in flight.
// A failure part-way says which input lines were delivered and which were not.
import type {ApiClient} from '../api/client.js'
import {postHostMetrics, postServiceMetrics, type MetricPoint} from '../api/metrics.js'
import {checkIds, CliError, UsageError} from '../errors.js'
import type {IOStreams} from '../output/iostreams.js'
import {readLines} from './lines.js'

/**
 * Values per request. The API documents no maximum for /tsdb (mackerel-api.md §6.3) and mkr sends a
 * whole input in one request, but a service's POSTs are capped per minute (429) and the docs ask to
 * "batch many values into one request": so few, large requests. 10,000 values of about 100 bytes of
 * JSON each is about 1 MB, the common default body limit of proxies (nginx's client_max_body_size),
 * and what a retry resends at most; MAX_BATCH_BYTES keeps long names under it too.
 */
export const BATCH_SIZE = 10_000
export const MAX_BATCH_BYTES = 1_000_000
/** The API drops points older than this without an error (mackerel-api.md §6.3). */
export const MAX_AGE_SECONDS = 24 * 60 * 60
/** Attempts per batch without --retry (network errors, 408, 429, 5xx; never other 4xx). */
export const DEFAULT_ATTEMPTS = 6
/** Lines with a bad value or name reported one by one; beyond that only counted. */
export const MAX_REPORTED = 20

const NAME = /^[a-zA-Z0-9._-]+$/
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const EPOCH = /^[+-]?\d+$/

export interface ThrowOptions {
  host?: string
  service?: string
  /** mkr's --retry N: N more attempts per batch (at least DEFAULT_ATTEMPTS - 1), in a longer budget */
  retry?: number
  batchSize?: number
  /** the clock, ms since the epoch (the 24 h check) */
  now?: () => number
}

export interface ThrowIO {
  /** warnings (never hidden) */
  warn(line: string): void
  /** progress lines (hidden by --quiet) */
  info(line: string): void
}

export interface ThrowSummary {
  lines: number
  sent: number
  batches: number
  malformed: number
  invalid: number
  old: number
}

type Parsed = {point: MetricPoint} | {problem: string} | 'malformed' | 'blank'

/** One input line (mkr: whitespace-split, exactly three fields); `custom.` added to host metric names without it. */
export function parseLine(line: string, hostMetric: boolean): Parsed {
  const fields = line.trim().split(/\s+/)
  if (fields.length === 1 && fields[0] === '') return 'blank'
  if (fields.length !== 3) return 'malformed'
  const [raw, value, time] = fields
  const name = hostMetric && !raw.startsWith('custom.') ? `custom.${raw}` : raw
  if (!NAME.test(raw)) return {problem: `metric name ${JSON.stringify(raw)} has characters other than a-z A-Z 0-9 . _ -`}
  const v = Number(value)
  if (!NUMBER.test(value) || !Number.isFinite(v)) return {problem: `value ${JSON.stringify(value)} is not a number`}
  const t = Number(time)
  if (!EPOCH.test(time) || !Number.isSafeInteger(t)) return {problem: `time ${JSON.stringify(time)} is not epoch seconds`}
  return {point: {name, time: t, value: v}}
}

const range = (from: number, to: number) => (from === to ? `line ${from}` : `lines ${from}-${to}`)

export async function throwMetrics(opts: ThrowOptions, stdin: AsyncIterable<Buffer | string>, io: ThrowIO, client: ApiClient): Promise<ThrowSummary> {
  const hostMetric = opts.host !== undefined
  const target = hostMetric ? `host ${opts.host}` : `service ${opts.service}`
  const batchSize = opts.batchSize ?? BATCH_SIZE
  const retry = opts.retry ?? 0
  const postOpts = {
    maxAttempts: 1 + Math.max(retry, DEFAULT_ATTEMPTS - 1),
    budgetMs: retry > 0 ? 60_000 + retry * 30_000 : undefined,
  }
  const post = (points: MetricPoint[]) =>
    hostMetric ? postHostMetrics(client, opts.host!, points, postOpts) : postServiceMetrics(client, opts.service!, points, postOpts)
  const oldest = Math.floor((opts.now ?? Date.now)() / 1000) - MAX_AGE_SECONDS

  const s: ThrowSummary = {lines: 0, sent: 0, batches: 0, malformed: 0, invalid: 0, old: 0}
  let firstOld = 0
  let batch: MetricPoint[] = []
  let bytes = 0
  /** input lines 1..delivered were all handled (sent, or skipped and reported) */
  let delivered = 0
  let failure: CliError | undefined

  const flush = async () => {
    if (batch.length === 0) return
    try {
      await post(batch)
    } catch (error) {
      if (!(error instanceof CliError)) throw error
      failure = error
      return
    }
    s.sent += batch.length
    s.batches++
    io.info(`    thrown ${batch.length} value${batch.length === 1 ? '' : 's'} to ${target} (${range(delivered + 1, s.lines)})`)
    delivered = s.lines
    batch = []
    bytes = 0
  }

  for await (const line of readLines(stdin)) {
    s.lines++
    if (failure !== undefined) continue // counting what was not delivered
    const p = line === null ? 'malformed' : parseLine(line, hostMetric)
    if (p === 'blank') continue
    if (p === 'malformed') {
      s.malformed++
      continue
    }
    if ('problem' in p) {
      if (++s.invalid <= MAX_REPORTED) io.warn(`line ${s.lines}: ${p.problem}; line skipped`)
      continue
    }
    if (p.point.time < oldest && s.old++ === 0) firstOld = s.lines
    batch.push(p.point)
    bytes += p.point.name.length + 60
    if (batch.length >= batchSize || bytes >= MAX_BATCH_BYTES) await flush()
  }
  if (failure === undefined) await flush()

  if (s.invalid > MAX_REPORTED) io.warn(`${s.invalid - MAX_REPORTED} more lines with a bad name or value skipped (${s.invalid} in all)`)
  if (s.malformed > 0)
    io.warn(`${s.malformed} line${s.malformed === 1 ? '' : 's'} skipped: not \`name value epoch\` (three fields separated by whitespace)`)
  if (s.old > 0)
    io.warn(
      `${s.old} value${s.old === 1 ? ' is' : 's are'} older than 24 hours (first on line ${firstOld}): Mackerel accepts ${s.old === 1 ? 'it' : 'them'} but drops ${s.old === 1 ? 'it' : 'them'}`,
    )
  if (failure !== undefined) {
    const done = delivered > 0 ? `${range(1, delivered)} delivered, ` : ''
    throw new CliError(`${failure.message}; ${done}${range(delivered + 1, s.lines)} not delivered`, {
      hint: delivered > 0 ? `to resend the rest: tail -n +${delivered + 1} FILE | mkr throw ...` : failure.hint,
      cause: failure,
    })
  }
  if (s.sent === 0 && s.lines > 0 && s.invalid + s.malformed > 0) io.warn('nothing to send')
  return s
}

export interface ThrowCommandOptions {
  host?: string
  service?: string
  retry?: number
}

/**
 * `mkr throw`: checks the target (a usage error without one; --host wins over --service, as in mkr,
 * with a warning), then streams the IO's stdin to it.
 */
export async function runThrow(opts: ThrowCommandOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<ThrowSummary> {
  if (opts.host === undefined && opts.service === undefined)
    throw new UsageError('give --host HOSTID or --service SERVICE', {hint: 'e.g. echo "custom.x 1 $(date +%s)" | mkr throw --host 2eQGDXqtoXs'})
  if (opts.host !== undefined) checkIds('host id', [opts.host])
  else checkIds('service name', [opts.service!])
  if (opts.host !== undefined && opts.service !== undefined) io.warn('--host and --service both given: posting host metrics (as mkr does), --service ignored')
  return throwMetrics(
    {host: opts.host, service: opts.host === undefined ? opts.service : undefined, retry: opts.retry},
    io.stdin as AsyncIterable<Buffer | string>,
    io,
    await client(),
  )
}
