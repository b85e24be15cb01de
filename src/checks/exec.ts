// Runs one check command as mackerel-agent runs it (reference/mkr-compat.md §5.7): a string through
// `sh -c`, an array exec'd directly (never a shell), `sudo -Eu USER` in front when `user` is set, the
// config's `env` added to ours, stdin /dev/null. The command gets its own process group, so that a
// timeout (SIGTERM, then SIGKILL 10 s later) or our own interruption reaches what it started too.
import {spawn} from 'node:child_process'
import {constants} from 'node:os'
import type {CheckDef} from './config.js'

/** After the timeout's SIGTERM, how long a check may take to exit before SIGKILL (the agent's 10 s). */
export const KILL_AFTER_MS = 10_000
/** Output kept per stream; more is counted and dropped (the agent keeps it all in memory). */
export const MAX_OUTPUT_BYTES = 1024 * 1024

export interface CheckResult {
  stdout: string
  stderr: string
  /** the exit code; 128+N when ended by signal N; 127/126/125 when it could not start */
  exitCode: number
  /** why it failed besides its exit code (could not start, timed out, killed by a signal) */
  error?: string
}

export interface ExecOptions {
  /** the environment the check starts from (default: ours) */
  env?: NodeJS.ProcessEnv
  killAfterMs?: number
  maxOutputBytes?: number
  /** aborts the check (SIGTERM to its group, SIGKILL after killAfterMs) */
  signal?: AbortSignal
}

/** The argv the check runs: what `ps` shows. */
export function checkArgv(def: CheckDef): string[] {
  const argv = typeof def.command === 'string' ? ['sh', '-c', def.command] : [...def.command]
  return def.user ? ['sudo', '-Eu', def.user, ...argv] : argv
}

class Capture {
  private chunks: Buffer[] = []
  private kept = 0
  dropped = 0
  constructor(private max: number) {}
  add(b: Buffer): void {
    const room = this.max - this.kept
    if (room <= 0) {
      this.dropped += b.length
      return
    }
    const part = b.length > room ? b.subarray(0, room) : b
    this.chunks.push(part)
    this.kept += part.length
    this.dropped += b.length - part.length
  }
  text(): string {
    // invalid UTF-8 becomes U+FFFD (mkr prints such output as base64 `!!binary`)
    const s = Buffer.concat(this.chunks).toString('utf8')
    return this.dropped ? `${s}\n(output cut: ${this.dropped} more bytes)` : s
  }
}

function signalNumber(sig: NodeJS.Signals): number {
  return constants.signals[sig] ?? 0
}

function startFailure(error: NodeJS.ErrnoException, file: string): {exitCode: number; error: string} {
  if (error.code === 'ENOENT') return {exitCode: 127, error: `cannot run ${file}: command not found`}
  if (error.code === 'EACCES' || error.code === 'EPERM') return {exitCode: 126, error: `cannot run ${file}: permission denied`}
  return {exitCode: 125, error: `cannot run ${file}: ${error.message}`}
}

const seconds = (ms: number) => `${ms / 1000}s`

/** Runs the check to its end (never rejects). */
export function runCheck(def: CheckDef, opts: ExecOptions = {}): Promise<CheckResult> {
  const argv = checkArgv(def)
  const env: NodeJS.ProcessEnv = {...(opts.env ?? process.env)}
  for (const [k, v] of def.env) env[k] = v
  const out = new Capture(opts.maxOutputBytes ?? MAX_OUTPUT_BYTES)
  const err = new Capture(opts.maxOutputBytes ?? MAX_OUTPUT_BYTES)
  const killAfter = opts.killAfterMs ?? KILL_AFTER_MS
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(argv[0], argv.slice(1), {env, stdio: ['ignore', 'pipe', 'pipe'], detached: true})
    } catch (error) {
      const f = startFailure(error as NodeJS.ErrnoException, argv[0])
      return resolve({stdout: '', stderr: '', ...f})
    }
    let timedOut = false
    let aborted = false
    let done = false
    let termTimer: NodeJS.Timeout | undefined
    let killTimer: NodeJS.Timeout | undefined
    const group = (sig: NodeJS.Signals) => {
      if (done || child.pid === undefined) return
      try {
        process.kill(-child.pid, sig) // the whole group: `sh -c` and what it started
      } catch {
        try {
          child.kill(sig)
        } catch {}
      }
    }
    const terminate = () => {
      group('SIGTERM')
      killTimer ??= setTimeout(() => group('SIGKILL'), killAfter)
    }
    termTimer = setTimeout(() => {
      timedOut = true
      terminate()
    }, def.timeoutMs)
    const onAbort = () => {
      aborted = true
      terminate()
    }
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, {once: true})
    child.stdout!.on('data', (b: Buffer) => out.add(b))
    child.stderr!.on('data', (b: Buffer) => err.add(b))
    const finish = (r: Omit<CheckResult, 'stdout' | 'stderr'>) => {
      if (done) return
      done = true
      clearTimeout(termTimer)
      clearTimeout(killTimer)
      opts.signal?.removeEventListener('abort', onAbort)
      resolve({stdout: out.text(), stderr: err.text(), ...r})
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      // spawn failed (ENOENT, EACCES, ...): there is no process to wait for
      if (child.pid === undefined) finish(startFailure(error, argv[0]))
    })
    child.on('exit', (code, signal) => {
      // the output pipes close once the check and everything it started has let go of them; a
      // daemonised grandchild may hold them for ever, so wait only a moment after the exit
      const settle = () => {
        const exitCode = code ?? 128 + signalNumber(signal!)
        let error: string | undefined
        if (timedOut) error = `command timed out after ${seconds(def.timeoutMs)}`
        else if (aborted) error = 'interrupted: mkr was stopped'
        else if (signal) error = `killed by ${signal}`
        finish({exitCode, ...(error ? {error} : {})})
      }
      let settled = false
      const once = () => {
        if (!settled) {
          settled = true
          settle()
        }
      }
      child.on('close', once)
      setTimeout(() => {
        child.stdout?.destroy()
        child.stderr?.destroy()
        once()
      }, 500).unref()
    })
  })
}
