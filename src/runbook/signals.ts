// Stopping a long-running runbook: the first SIGTERM/SIGINT asks to stop after the step in progress
// (a remedy that has started finishes and is recorded); a second one ends the process at once.
import {signalExitCode} from '../errors.js'
import type {IOStreams} from '../output/iostreams.js'

export interface Stopper {
  stopping(): boolean
  /** a sleep that ends early when a stop is asked for */
  sleep(ms: number): Promise<void>
  /** resolves when a stop is asked for */
  stopped: Promise<void>
  dispose(): void
}

export function stopOnSignals(io: IOStreams, what = 'the step in progress'): Stopper {
  let received: NodeJS.Signals | undefined
  let wake: (() => void) | undefined
  let resolveStopped!: () => void
  const stopped = new Promise<void>((r) => (resolveStopped = r))
  const on = (signal: NodeJS.Signals) => {
    if (received) process.exit(signalExitCode(signal))
    received = signal
    io.err(`mkr: runbook: ${signal}: stopping after ${what} (${signal} again to quit at once)\n`)
    wake?.()
    resolveStopped()
  }
  process.on('SIGTERM', on)
  process.on('SIGINT', on)
  return {
    stopping: () => received !== undefined,
    stopped,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (received) return resolve()
        const t = setTimeout(() => ((wake = undefined), resolve()), ms)
        wake = () => {
          clearTimeout(t)
          wake = undefined
          resolve()
        }
      }),
    dispose: () => {
      process.off('SIGTERM', on)
      process.off('SIGINT', on)
    },
  }
}
