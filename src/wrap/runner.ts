// Runs the job: its own session and process group (so that a signal sent to wrap's whole group, e.g.
// Ctrl-C at a terminal, reaches wrap only, and wrap forwards it once; and so that --timeout can kill
// the job's grandchildren), stdin inherited, stdout/stderr streamed through with backpressure and
// optionally captured, exit status mapped to a shell-style exit code.
//
// Consequence of the own session, documented for users: the job has no controlling terminal. It can
// still read a terminal on its stdin, but it cannot open /dev/tty (password prompts of ssh/sudo fail),
// and Ctrl-Z stops wrap, not the job. wrap is meant for cron, systemd timers and agent hooks.
import {spawn, type ChildProcess} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {constants} from 'node:os'
import type {Capture} from './capture.js'

export type ForwardedSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGQUIT'

export interface RunnerOptions {
  command: readonly string[]
  env: NodeJS.ProcessEnv
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  capture?: Capture
  timeoutMs?: number
  killAfterMs?: number
  /**
   * After the job exited, how long to keep passing through output of processes it left behind that
   * still hold its stdout/stderr (a daemon started by the job) before wrap stops reading.
   */
  exitGraceMs?: number
  /** called once the job runs */
  onSpawn?: (pid: number) => void
  /** for tests */
  now?: () => number
}

export interface RunResult {
  /** what wrap exits with: the job's code, 128+N for signal N, 125/126/127 for start failures */
  exitCode: number
  /** the job's own exit code (null when it died from a signal or never started) */
  code: number | null
  /** the signal that killed the job */
  signal: number | null
  signalName: string | null
  /** why the job could not start (errno code + text) */
  startError?: {code: string; message: string}
  timedOut: boolean
  /** the signal that --timeout sent last (SIGTERM, then SIGKILL) */
  timeoutSignal?: 'SIGTERM' | 'SIGKILL'
  /** epoch ms */
  startedAt: number
  endedAt: number
  durationMs: number
  /** CPU time of the job and its waited-for descendants (Linux; undefined elsewhere) */
  userMs?: number
  systemMs?: number
  pid?: number
}

export interface RunningJob {
  readonly pid: number | undefined
  /** sends a signal to the job's process group (once per call) */
  forward(sig: ForwardedSignal): void
  readonly done: Promise<RunResult>
}

const CLK_TCK = 100

/** cutime + cstime of this process in ms (children already reaped), Linux only. */
export function childCpuTimes(): {userMs: number; systemMs: number} | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // fields after ")" start at field 3 (state); cutime is field 16, cstime field 17
    const cutime = Number(f[13])
    const cstime = Number(f[14])
    if (!Number.isFinite(cutime) || !Number.isFinite(cstime)) return undefined
    return {userMs: (cutime * 1000) / CLK_TCK, systemMs: (cstime * 1000) / CLK_TCK}
  } catch {
    return undefined
  }
}

/** exit code for an error from spawn(): 127 not found, 126 not executable, 125 anything else */
export function startFailureExitCode(code: string | undefined): number {
  if (code === 'ENOENT' || code === 'ENOTDIR') return 127
  if (code === 'EACCES' || code === 'EPERM' || code === 'ENOEXEC' || code === 'EISDIR') return 126
  return 125
}

function describeStartError(cmd: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return `${cmd}: command not found`
    case 'ENOTDIR':
      return `${cmd}: not a directory`
    case 'EACCES':
    case 'EPERM':
      return `${cmd}: permission denied (not executable)`
    case 'EISDIR':
      return `${cmd}: is a directory`
    case 'ENOEXEC':
      return `${cmd}: exec format error`
    default:
      return `${cmd}: ${err.code ?? ''} ${err.message}`.trim()
  }
}

export function startJob(opts: RunnerOptions): RunningJob {
  const now = opts.now ?? Date.now
  const cpuBefore = childCpuTimes()
  const startedAt = now()
  const t0 = performance.now()
  let child: ChildProcess
  let spawnError: NodeJS.ErrnoException | undefined
  try {
    child = spawn(opts.command[0], opts.command.slice(1), {
      env: opts.env,
      stdio: ['inherit', 'pipe', 'pipe'],
      detached: true, // setsid(): own session and process group
    })
  } catch (error) {
    // synchronous failures (e.g. EINVAL for a NUL byte in an argument)
    spawnError = error as NodeJS.ErrnoException
    child = undefined as unknown as ChildProcess
  }

  let timedOut = false
  let timeoutSignal: 'SIGTERM' | 'SIGKILL' | undefined
  let exited = false
  const timers: NodeJS.Timeout[] = []
  const pid = child?.pid

  const killGroup = (sig: NodeJS.Signals): boolean => {
    if (pid === undefined) return false
    try {
      process.kill(-pid, sig)
      return true
    } catch {
      return false // nobody left in the group
    }
  }

  const done = new Promise<RunResult>((resolve) => {
    const finish = (r: Omit<RunResult, 'startedAt' | 'endedAt' | 'durationMs' | 'timedOut' | 'pid'>) => {
      for (const t of timers) clearTimeout(t)
      const cpuAfter = childCpuTimes()
      const cpu =
        cpuBefore && cpuAfter ? {userMs: cpuAfter.userMs - cpuBefore.userMs, systemMs: cpuAfter.systemMs - cpuBefore.systemMs} : {}
      resolve({
        ...r,
        ...cpu,
        timedOut,
        timeoutSignal,
        startedAt,
        endedAt: now(),
        durationMs: performance.now() - t0,
        pid,
      })
    }
    const startFailed = (err: NodeJS.ErrnoException) =>
      finish({
        exitCode: startFailureExitCode(err.code),
        code: null,
        signal: null,
        signalName: null,
        startError: {code: err.code ?? 'UNKNOWN', message: describeStartError(opts.command[0], err)},
      })

    if (spawnError || !child) return startFailed(spawnError ?? new Error('spawn failed'))
    if (pid === undefined) {
      child.once('error', (err: NodeJS.ErrnoException) => {
        child.stdout?.destroy()
        child.stderr?.destroy()
        startFailed(err)
      })
      return
    }
    opts.onSpawn?.(pid)

    let open = 2
    let exitInfo: {code: number | null; signal: NodeJS.Signals | null} | undefined
    let graceTimer: NodeJS.Timeout | undefined
    const maybeFinish = () => {
      if (!exitInfo || open > 0) return
      if (graceTimer) clearTimeout(graceTimer)
      const {code, signal} = exitInfo
      const signum = signal ? (constants.signals[signal] ?? 0) : null
      finish({
        exitCode: code !== null ? code : 128 + (signum ?? 0),
        code,
        signal: signum,
        signalName: signal,
      })
    }
    const pump = (src: NodeJS.ReadableStream & {destroy(): void}, dst: NodeJS.WritableStream, key: string) => {
      let broken = false
      const onDstError = () => {
        // our stdout/stderr is gone (e.g. `mkr wrap -- yes | head -1`): stop reading so the job sees a
        // broken pipe, as it would without wrap
        broken = true
        src.destroy()
      }
      dst.on('error', onDstError)
      src.on('data', (chunk: Buffer) => {
        opts.capture?.write(key, chunk)
        if (broken) return
        if (!dst.write(chunk)) {
          src.pause()
          dst.once('drain', () => src.resume())
        }
      })
      let closed = false
      const onEnd = () => {
        if (closed) return
        closed = true
        dst.removeListener('error', onDstError)
        open--
        maybeFinish()
      }
      src.on('end', onEnd)
      src.on('close', onEnd)
      src.on('error', () => {})
    }
    pump(child.stdout!, opts.stdout, 'stdout')
    pump(child.stderr!, opts.stderr, 'stderr')

    child.on('exit', (code, signal) => {
      exited = true
      exitInfo = {code, signal}
      if (open > 0 && !timedOut) {
        // processes the job left behind may keep the pipes open; don't wait for them forever
        const grace = opts.exitGraceMs ?? 2000
        graceTimer = setTimeout(() => {
          child.stdout?.destroy()
          child.stderr?.destroy()
          open = 0
          maybeFinish()
        }, grace)
        timers.push(graceTimer)
      }
      maybeFinish()
    })

    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
      timers.push(
        setTimeout(() => {
          timedOut = true
          timeoutSignal = 'SIGTERM'
          killGroup('SIGTERM')
          timers.push(
            setTimeout(() => {
              if (killGroup('SIGKILL')) timeoutSignal = 'SIGKILL'
              if (exited) {
                // the job went but descendants held the pipes: they are killed now, stop waiting
                child.stdout?.destroy()
                child.stderr?.destroy()
                open = 0
                maybeFinish()
              }
            }, opts.killAfterMs ?? 10_000),
          )
          if (graceTimer) clearTimeout(graceTimer)
        }, opts.timeoutMs),
      )
    }
  })

  return {
    pid,
    forward(sig: ForwardedSignal) {
      if (!exited) killGroup(sig)
    },
    done,
  }
}
