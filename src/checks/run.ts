// `mkr checks run`: runs every check plugin of the agent config, at most 2×CPUs at a time (as mkr),
// and prints TAP version 13 as each one finishes (numbers in completion order, as mkr). Any failing
// check (exit code not 0, or an error) makes it end with `Failed n/N tests, xx.xx% okay`, exit 1.
import {availableParallelism} from 'node:os'
import {defaultConfPath} from '../config/index.js'
import {CliError, signalExitCode} from '../errors.js'
import type {IOStreams} from '../output/iostreams.js'
import {loadChecks, type CheckDef} from './config.js'
import {runCheck, type ExecOptions} from './exec.js'
import {passed, tapEntry} from './tap.js'

export interface ChecksRunOptions {
  /** --conf (default: the agent's config path) */
  conf?: string
  /** checks run at the same time (default: 2 × CPUs) */
  concurrency?: number
}

export interface ChecksRunDeps {
  exec?: ExecOptions
  /**
   * Calls `stop(signal)` when the process is asked to stop (Ctrl-C, SIGTERM, SIGHUP); returns the
   * function that stops listening. The checks run in their own process groups, so a terminal's
   * Ctrl-C does not reach them: they are ended here.
   */
  onStop?: (stop: (signal: NodeJS.Signals) => void) => () => void
}

/** The process's stop signals. */
export function processStop(stop: (signal: NodeJS.Signals) => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const s of signals) process.on(s, stop)
  return () => {
    for (const s of signals) process.off(s, stop)
  }
}

export async function runChecksRun(opts: ChecksRunOptions, io: IOStreams, deps: ChecksRunDeps = {}): Promise<void> {
  const file = opts.conf ?? defaultConfPath()
  const {checks, warnings} = loadChecks(file)
  for (const w of warnings) io.warn(`${file}: ${w}`)
  if (checks.length === 0) io.warn(`no [plugin.checks.NAME] in ${file}: nothing to run`)
  const total = checks.length
  io.out(`TAP version 13\n1..${total}\n`)
  const abort = new AbortController()
  let stoppedBy: NodeJS.Signals | undefined
  const unlisten = deps.onStop?.((signal) => {
    if (stoppedBy) return
    stoppedBy = signal
    io.err(`mkr: interrupted${signal === 'SIGINT' ? '' : ` by ${signal}`}: stopping the running checks\n`)
    abort.abort()
  })
  let num = 0
  let failed = 0
  const limit = Math.max(1, opts.concurrency ?? 2 * availableParallelism())
  const queue = [...checks]
  const worker = async () => {
    for (let def: CheckDef | undefined; (def = queue.shift()) && !abort.signal.aborted; ) {
      const r = await runCheck(def, {...deps.exec, signal: abort.signal})
      if (!passed(r)) failed++
      io.out(tapEntry(++num, def, r))
    }
  }
  try {
    await Promise.all(Array.from({length: Math.min(limit, total)}, worker))
  } finally {
    unlisten?.()
  }
  if (stoppedBy) throw new CliError(`interrupted: ${num} of ${total} checks ran`, {exitCode: signalExitCode(stoppedBy)})
  if (failed > 0) {
    const pct = ((100 * (total - failed)) / total).toFixed(2)
    throw new CliError(`Failed ${failed}/${total} tests, ${pct}% okay`)
  }
}
