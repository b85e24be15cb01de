// The real process IO for the monitors commands: stdout/stderr, a progress line and a yes/no prompt
// only on a terminal (never prompt without one: the caller fails with a message naming --yes).
import {palette} from '../output/color.js'
import type {Io} from './run.js'

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {SIGHUP: 1, SIGINT: 2, SIGTERM: 15}

export async function terminalIo(opts: {quiet?: boolean; color: boolean}): Promise<Io> {
  const stderrTTY = Boolean(process.stderr.isTTY)
  const interactive = stderrTTY && Boolean(process.stdin.isTTY)
  let progressShown = false
  const clearProgress = () => {
    if (progressShown) process.stderr.write('\r\x1b[K')
    progressShown = false
  }
  const err = (text: string) => {
    clearProgress()
    process.stderr.write(text)
  }
  return {
    out: (text) => {
      clearProgress()
      process.stdout.write(text)
    },
    err,
    info: (line) => {
      if (!opts.quiet) err(line + '\n')
    },
    warn: (line) => err(`mkr: warning: ${line}\n`),
    palette: opts.color ? await palette(true) : undefined,
    progress:
      stderrTTY && !opts.quiet
        ? (line) => {
            clearProgress()
            if (line === undefined) return
            const width = Math.max(20, (process.stderr.columns || 80) - 1) // 0 on a terminal that reports no size
            process.stderr.write([...line].length > width ? [...line].slice(0, width - 1).join('') + '…' : line)
            progressShown = true
          }
        : undefined,
    interruptible: async (fn) => {
      // SIGTERM (a supervisor, `kill`, a CI runner's timeout) and SIGHUP (the terminal went away) stop a
      // push the way Ctrl-C does: after the change in flight, with the report of what was applied
      let received: NodeJS.Signals | undefined
      const on = (signal: NodeJS.Signals) => {
        if (received) return process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 2))
        received = signal
        const again = signal === 'SIGINT' ? 'Ctrl-C again' : `${signal} again`
        try {
          err(`mkr: interrupted${signal === 'SIGINT' ? '' : ` by ${signal}`}: stopping after the change in progress (${again} to quit at once)\n`)
        } catch {}
      }
      for (const s of STOP_SIGNALS) process.on(s, on)
      try {
        return await fn(
          () => received !== undefined,
          () => received,
        )
      } finally {
        for (const s of STOP_SIGNALS) process.off(s, on)
      }
    },
    confirm: interactive
      ? async (message) => {
          const {confirm} = await import('@inquirer/prompts')
          try {
            return await confirm({message, default: false}, {output: process.stderr})
          } catch (error) {
            if ((error as Error).name === 'ExitPromptError') return false // Ctrl-C / Ctrl-D at the prompt
            throw error
          }
        }
      : undefined,
  }
}
