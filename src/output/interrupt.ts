// A first Ctrl-C, SIGTERM or SIGHUP during a series of writes (monitors push) only asks the work to
// stop after the write in flight, so it can report what was applied; a second one ends the process
// with the shell's code for that signal. SIGTERM (a supervisor, `kill`, a CI timeout) and SIGHUP (the
// terminal went away) are treated like Ctrl-C.
import {signalExitCode} from '../errors.js'
import type {IOStreams} from './iostreams.js'

/** Runs `work`, which polls `interrupted()` between two writes; `signal()` names what interrupted it. */
export type Interruptible = <T>(work: (interrupted: () => boolean, signal: () => NodeJS.Signals | undefined) => Promise<T>) => Promise<T>

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** The process's signals, announced on `io`'s stderr. */
export function processInterruptible(io: IOStreams, exit: (code: number) => never = process.exit): Interruptible {
  return async (work) => {
    let received: NodeJS.Signals | undefined
    const on = (signal: NodeJS.Signals) => {
      if (received) return exit(signalExitCode(signal))
      received = signal
      const again = signal === 'SIGINT' ? 'Ctrl-C again' : `${signal} again`
      try {
        io.err(`mkr: interrupted${signal === 'SIGINT' ? '' : ` by ${signal}`}: stopping after the change in progress (${again} to quit at once)\n`)
      } catch {}
    }
    for (const s of STOP_SIGNALS) process.on(s, on)
    try {
      return await work(
        () => received !== undefined,
        () => received,
      )
    } finally {
      for (const s of STOP_SIGNALS) process.off(s, on)
    }
  }
}
