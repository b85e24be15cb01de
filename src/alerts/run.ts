// Runs the command given after `--` to `mkr alerts memo` and captures its stdout (bounded: only the
// tail is kept, since only the tail fits in a memo). No shell: argv[0] is executed directly. The child
// gets its own process group so a timeout (or our own SIGINT/SIGTERM) can stop everything it started;
// its stderr passes through to ours.
import {spawn} from 'node:child_process'

export interface RunResult {
  /** the captured stdout (its tail when longer than maxBytes) */
  stdout: string
  /** bytes of stdout dropped from the front */
  droppedBytes: number
  /** exit code, or null when killed by a signal */
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
}

export class StartError extends Error {
  constructor(
    message: string,
    /** conventional shell code: 127 not found, 126 not executable, 125 other */
    readonly exitCode: number,
  ) {
    super(message)
  }
}

export interface RunOptions {
  timeoutMs: number
  /** keep at most this many bytes of stdout (the tail) */
  maxBytes: number
  /** after the timeout's SIGTERM, SIGKILL follows after this long */
  killGraceMs?: number
  /** after the child exits, wait this long for the pipe to drain (a background grandchild may hold it) */
  drainMs?: number
  env?: NodeJS.ProcessEnv
  cwd?: string
}

export function runForOutput(argv: string[], opts: RunOptions): Promise<RunResult> {
  if (argv.length === 0) return Promise.reject(new StartError('no command given', 125))
  const killGraceMs = opts.killGraceMs ?? 2000
  const drainMs = opts.drainMs ?? 1000
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(argv[0], argv.slice(1), {
        stdio: ['ignore', 'pipe', 'inherit'],
        shell: false,
        detached: process.platform !== 'win32',
        env: opts.env ?? process.env,
        cwd: opts.cwd,
      })
    } catch (error) {
      reject(startError(argv[0], error))
      return
    }

    const chunks: Buffer[] = []
    let kept = 0
    let dropped = 0
    const cap = opts.maxBytes + 8 // a few spare bytes so the caller can realign to a character
    child.stdout!.on('data', (b: Buffer) => {
      chunks.push(b)
      kept += b.length
      while (kept - chunks[0].length >= cap) {
        const first = chunks.shift()!
        kept -= first.length
        dropped += first.length
      }
    })

    let timedOut = false
    let settled = false
    const timers: NodeJS.Timeout[] = []
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, sig)
        else child.kill(sig)
      } catch {
        // already gone
      }
    }
    timers.push(
      setTimeout(() => {
        timedOut = true
        killGroup('SIGTERM')
        timers.push(setTimeout(() => killGroup('SIGKILL'), killGraceMs).unref())
      }, opts.timeoutMs),
    )
    const forward = (sig: NodeJS.Signals) => () => {
      killGroup(sig)
      cleanup()
      process.kill(process.pid, sig)
    }
    const onInt = forward('SIGINT')
    const onTerm = forward('SIGTERM')
    process.once('SIGINT', onInt)
    process.once('SIGTERM', onTerm)
    const cleanup = () => {
      for (const t of timers) clearTimeout(t)
      process.removeListener('SIGINT', onInt)
      process.removeListener('SIGTERM', onTerm)
    }

    child.on('error', (error) => {
      if (settled) return
      settled = true
      cleanup()
      reject(startError(argv[0], error))
    })
    child.on('exit', () => {
      timers.push(setTimeout(() => child.stdout?.destroy(), drainMs).unref())
    })
    child.on('close', (code, signal) => {
      if (settled) return
      settled = true
      cleanup()
      let buf = Buffer.concat(chunks)
      if (buf.length > opts.maxBytes) {
        dropped += buf.length - opts.maxBytes
        buf = buf.subarray(buf.length - opts.maxBytes)
      }
      // realign to a UTF-8 character start
      let i = 0
      while (i < buf.length && i < 4 && (buf[i] & 0xc0) === 0x80) i++
      if (dropped > 0 && i > 0) {
        dropped += i
        buf = buf.subarray(i)
      }
      resolve({stdout: buf.toString('utf8'), droppedBytes: dropped, code, signal, timedOut})
    })
  })
}

/** A spawn failure as a shell reports it: 127 not found, 126 found but not executable, 125 other. */
export function startError(cmd: string, error: unknown): StartError {
  const code = (error as NodeJS.ErrnoException)?.code
  if (code === 'ENOENT') return new StartError(`${cmd}: command not found`, 127)
  if (code === 'EACCES' || code === 'EPERM') return new StartError(`${cmd}: permission denied`, 126)
  if (code === 'ENOEXEC') return new StartError(`${cmd}: cannot execute: not an executable format`, 126)
  if (code === 'EISDIR') return new StartError(`${cmd}: is a directory`, 126)
  return new StartError(`${cmd}: cannot start: ${(error as Error)?.message ?? String(error)}`, 125)
}
