// Runs the job: its own session and process group (so that a signal sent to wrap's whole group, e.g.
// Ctrl-C at a terminal, reaches wrap only, and wrap forwards it once; and so that --timeout can kill
// the job's grandchildren), stdin inherited, stdout/stderr handed on as they are or, when captured
// (-d), streamed through with backpressure, exit status mapped to a shell-style exit code.
//
// Consequence of the own session, documented for users: the job has no controlling terminal. It can
// still read a terminal on its stdin, but it cannot open /dev/tty (password prompts of ssh/sudo fail),
// and Ctrl-Z stops wrap, not the job. wrap is meant for cron, systemd timers and agent hooks.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {closeSync, constants as fsConstants, fstatSync, mkdtempSync, openSync, readFileSync, rmdirSync, unlinkSync, writeSync} from 'node:fs'
import {constants, tmpdir} from 'node:os'
import {join} from 'node:path'
import {Socket} from 'node:net'
import type {Capture} from './capture.js'

/**
 * The signals wrap catches and forwards to the job's process group: every catchable signal whose
 * default action would end wrap (and leave the job running, unreported), except
 * - SIGPIPE and SIGXFSZ: Node ignores them, so that a write to a closed pipe or past the file size
 *   limit fails (EPIPE, EFBIG) instead of killing wrap; catching them would turn wrap's own failed
 *   write (a log line to a closed stderr, the spool) into a signal to the job. When the reader of
 *   the job's output goes away, the copier sends the job SIGPIPE itself;
 * - SIGTRAP, SIGSYS, SIGABRT (and SIGSEGV, SIGBUS, SIGFPE, SIGILL, which Node cannot catch): faults
 *   and debugger traps of wrap itself, not requests to the job.
 * Catching SIGUSR1 also stops Node from opening its inspector on 127.0.0.1:9229 when it arrives.
 */
export type ForwardedSignal =
  | 'SIGTERM'
  | 'SIGINT'
  | 'SIGHUP'
  | 'SIGQUIT'
  | 'SIGUSR1'
  | 'SIGUSR2'
  | 'SIGALRM'
  | 'SIGVTALRM'
  | 'SIGPROF'
  | 'SIGXCPU'
  | 'SIGPWR'
  | 'SIGIO'
  | 'SIGSTKFLT'

export interface RunnerOptions {
  command: readonly string[]
  env: NodeJS.ProcessEnv
  /** where the job's stdout and stderr go (default 1 and 2) */
  stdoutFd?: number
  stderrFd?: number
  capture?: Capture
  timeoutMs?: number
  killAfterMs?: number
  /**
   * After the job exited, how long to keep passing through output of processes it left behind that
   * still hold its stdout/stderr (a daemon started by the job) before wrap stops reading.
   */
  exitGraceMs?: number
  /** false: plain spawn pipes (socketpairs) instead of FIFOs */
  fifo?: boolean
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
  /** Sends `sig` to the job's process group (once per call); false when the job had already exited. */
  forward(sig: ForwardedSignal): boolean
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
  const t0 = process.hrtime.bigint() // not performance.now(): its first use loads perf_hooks (~1 ms of every run)
  let child: ChildProcess
  let spawnError: NodeJS.ErrnoException | undefined
  const outFd = opts.stdoutFd ?? 1
  const errFd = opts.stderrFd ?? 2
  // Nothing to capture (no -d): the job writes to our stdout and stderr themselves, as without wrap,
  // and nothing passes through us (no FIFOs to make, no copying: `mkr wrap -- true` -10 ms, 1 GiB
  // at the speed of the job alone, measured). A closed descriptor cannot be handed on: then piped.
  const direct = !opts.capture && isOpen(outFd) && isOpen(errFd)
  const fifos = direct || opts.fifo === false ? undefined : fifoPipes(2)
  try {
    child = spawn(opts.command[0], opts.command.slice(1), {
      env: opts.env,
      stdio: direct ? ['inherit', outFd, errFd] : ['inherit', fifos ? fifos[0].write : 'pipe', fifos ? fifos[1].write : 'pipe'],
      detached: true, // setsid(): own session and process group
    })
  } catch (error) {
    // synchronous failures (e.g. EINVAL for a NUL byte in an argument)
    spawnError = error as NodeJS.ErrnoException
    child = undefined as unknown as ChildProcess
  }
  // the job has its ends now
  for (const f of fifos ?? []) closeQuietly(f.write)
  const sources: (Socket | number)[] = fifos ? fifos.map((f) => f.read) : [child?.stdout as Socket, child?.stderr as Socket]

  let timedOut = false
  let killSent = false
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
        durationMs: Number(process.hrtime.bigint() - t0) / 1e6,
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

    const closeSources = () => {
      for (const f of fifos ?? []) closeQuietly(f.read)
      child?.stdout?.destroy()
      child?.stderr?.destroy()
    }
    if (spawnError || !child) {
      closeSources()
      return startFailed(spawnError ?? new Error('spawn failed'))
    }
    if (pid === undefined) {
      child.once('error', (err: NodeJS.ErrnoException) => {
        closeSources()
        startFailed(err)
      })
      return
    }
    opts.onSpawn?.(pid)

    let open = direct ? 0 : 2
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
    const pump = (src: Socket | number, fd: number, key: string) => {
      const copy = makeCopier(src, fd, (chunk) => opts.capture?.write(key, chunk), {
        // our reader is gone (`mkr wrap -- yes | head -1`): the job gets SIGPIPE, as without wrap
        onBroken: () => {
          if (!exited) {
            try {
              process.kill(pid, 'SIGPIPE')
            } catch {}
          }
        },
      })
      let closed = false
      const onEnd = () => {
        if (closed) return
        closed = true
        open--
        maybeFinish()
      }
      copy.socket.on('end', onEnd)
      copy.socket.on('close', onEnd)
      copy.socket.on('error', () => {})
      return copy.socket
    }
    const socks = direct ? [] : [pump(sources[0], outFd, 'stdout'), pump(sources[1], errFd, 'stderr')]
    const stopReading = () => {
      for (const s of socks) s.destroy()
      open = 0
      maybeFinish()
    }

    child.on('exit', (code, signal) => {
      exited = true
      exitInfo = {code, signal}
      // (after a timeout, the pipes are waited for until the SIGKILL, then for the grace time too)
      if (open > 0 && (!timedOut || killSent)) {
        // processes the job left behind may keep the pipes open; don't wait for them forever
        const grace = opts.exitGraceMs ?? 2000
        graceTimer = setTimeout(stopReading, grace)
        timers.push(graceTimer)
      }
      maybeFinish()
    })

    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
      timers.push(
        setTimeout(() => {
          if (exited) return // it ended in time; only what it left behind holds the pipes
          timedOut = true
          timeoutSignal = 'SIGTERM'
          killGroup('SIGTERM')
          timers.push(
            setTimeout(() => {
              killSent = true
              if (killGroup('SIGKILL')) timeoutSignal = 'SIGKILL'
              // the job went but descendants held the pipes: they are killed now, stop waiting
              if (exited) stopReading()
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
      return !exited && killGroup(sig)
    },
    done,
  }
}

/** Bytes written to fd (0 when it would block), or -1 when the reader is gone (EPIPE and the like). */
export function writeSome(fd: number, buf: Buffer, write: typeof writeSync = writeSync): number {
  try {
    return write(fd, buf, 0, buf.length)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return 0
    return -1
  }
}

const READ_BUFFER = 256 * 1024

/**
 * Copies a child's output pipe to a file descriptor with one reused read buffer (no allocation per
 * chunk, so memory stays flat however much the job prints) and direct writes; while the descriptor
 * is full, reading pauses, so a slow reader of our stdout slows the job down as a shell pipe would.
 * When our reader is gone (EPIPE), `onBroken` runs and reading stops.
 *
 * The user buffer is attached through net.Socket's documented `onread` option on the child's pipe
 * handle; when the handle is not available it falls back to 'data' events.
 */
export function makeCopier(
  src: Socket | number,
  fd: number,
  onChunk: (chunk: Buffer) => void,
  opts: {onBroken?: () => void; write?: typeof writeSync; stream?: NodeJS.WritableStream} = {},
): {socket: Socket} {
  const write = opts.write ?? writeSync
  let broken = false
  let socket: Socket
  const breakOff = () => {
    broken = true
    opts.onBroken?.()
    process.nextTick(() => socket.destroy())
  }
  // A non-blocking descriptor (Node makes its own stdout pipe non-blocking once it is touched) that
  // is full: hand the rest to the stream libuv drives for that descriptor and pause reading until it
  // is written. The read buffer is not reused while reading is paused, so nothing is copied.
  const stream: NodeJS.WritableStream | undefined = opts.stream ?? (fd === 1 ? process.stdout : fd === 2 ? process.stderr : undefined)
  let streamErrors = false
  const later = (rest: Buffer) => {
    if (stream) {
      if (!streamErrors) {
        streamErrors = true
        stream.on('error', () => {
          if (!broken) breakOff()
        })
      }
      stream.write(rest, (err) => {
        if (err) {
          if (!broken) breakOff()
        } else socket.resume()
      })
      return
    }
    // no stream for this descriptor: poll
    const retry = () => {
      const n = writeSome(fd, rest, write)
      if (n < 0) return breakOff()
      if (n === rest.length) return socket.resume()
      rest = rest.subarray(n)
      setTimeout(retry, 2)
    }
    setTimeout(retry, 2)
  }
  /** false = pause reading until the rest is written */
  const onData = (chunk: Buffer, reused: boolean): boolean => {
    onChunk(chunk)
    if (broken) return true
    let off = 0
    while (off < chunk.length) {
      const n = writeSome(fd, off ? chunk.subarray(off) : chunk, write)
      if (n < 0) {
        breakOff()
        return true
      }
      if (n === 0) {
        const rest = chunk.subarray(off)
        later(stream || !reused ? rest : Buffer.from(rest))
        return false
      }
      off += n
    }
    return true
  }
  const handle = typeof src === 'number' ? undefined : (src as unknown as {_handle?: {useUserBuffer?: unknown}})._handle
  if (typeof src === 'number' || (handle && typeof handle.useUserBuffer === 'function')) {
    const buffer = Buffer.allocUnsafe(READ_BUFFER)
    socket = new Socket({
      ...(typeof src === 'number' ? {fd: src} : {handle}),
      readable: true,
      writable: false,
      onread: {buffer, callback: (n: number, buf: Uint8Array) => onData(Buffer.from(buf.buffer, buf.byteOffset, n), true)},
    } as unknown as ConstructorParameters<typeof Socket>[0])
  } else {
    const s = (socket = src as Socket)
    s.on('data', (chunk: Buffer) => {
      if (!onData(chunk, false)) s.pause()
    })
  }
  return {socket}
}

/** Whether fd is an open descriptor (wrap may be started with stdout closed: `>&-`). */
function isOpen(fd: number): boolean {
  try {
    fstatSync(fd)
    return true
  } catch {
    return false
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {}
}

/**
 * `n` real pipes for the job's output, made as FIFOs (Node's spawn() connects a child through UNIX
 * socketpairs, which carry bulk data at about half the speed of a pipe): mkfifo in a private
 * temporary directory, both ends opened (ours non-blocking), the names removed at once. Undefined
 * when that fails; the caller then uses spawn()'s own pipes.
 */
export function fifoPipes(n: number): {read: number; write: number}[] | undefined {
  let dir: string | undefined
  let paths: string[] = []
  const opened: {read: number; write: number}[] = []
  try {
    dir = mkdtempSync(join(tmpdir(), 'mkr-wrap-'))
    paths = Array.from({length: n}, (_, i) => join(dir!, String(i)))
    const r = spawnSync('mkfifo', ['-m', '600', ...paths], {stdio: 'ignore'})
    if (r.status !== 0) return undefined
    for (const p of paths) {
      const read = openSync(p, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK)
      let write: number
      try {
        write = openSync(p, fsConstants.O_WRONLY)
      } catch (error) {
        closeQuietly(read)
        throw error
      }
      opened.push({read, write})
    }
    return opened
  } catch {
    for (const f of opened) {
      closeQuietly(f.read)
      closeQuietly(f.write)
    }
    return undefined
  } finally {
    // not rmSync(dir, {recursive: true}): it walks the directory (~3 ms of every run, measured)
    for (const p of paths)
      try {
        unlinkSync(p)
      } catch {}
    if (dir)
      try {
        rmdirSync(dir)
      } catch {}
  }
}
