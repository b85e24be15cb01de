// Runs one collect or remedy command: no shell (argv[0] is executed directly), the alert's context
// in its environment, stdout and stderr captured together with only a head and a tail kept (memory
// stays bounded for any output), a timeout that stops the whole process group (SIGTERM, then SIGKILL).
// The child runs in its own process group and our SIGINT/SIGTERM are NOT passed on: a remedy that
// has started is allowed to finish (the caller stops after it).
import {spawn} from 'node:child_process'
import {startError} from '../alerts/run.js'

export interface StepResult {
  /** null when killed by a signal or not started */
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  /** why it could not start (`sh: command not found`), undefined when it ran */
  startError?: string
  /** what it printed (stdout and stderr interleaved): the head, a marker, and the tail when longer than the limit */
  output: string
  /** bytes left out of `output` */
  cutBytes: number
  durationMs: number
}

export interface ExecOptions {
  timeoutMs: number
  /** bytes of output kept in all (half head, half tail) */
  maxBytes: number
  env: NodeJS.ProcessEnv
  killGraceMs?: number
  /** after the child exits, wait this long for the pipes (a background grandchild may hold them) */
  drainMs?: number
  now?: () => number
}

export function runStep(argv: string[], opts: ExecOptions): Promise<StepResult> {
  const now = opts.now ?? Date.now
  const started = now()
  const headMax = Math.floor(opts.maxBytes / 2)
  const tailMax = opts.maxBytes - headMax
  return new Promise((resolve) => {
    const done = (r: Omit<StepResult, 'durationMs'>) => resolve({...r, durationMs: now() - started})
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(argv[0], argv.slice(1), {stdio: ['ignore', 'pipe', 'pipe'], shell: false, detached: true, env: opts.env})
    } catch (error) {
      return done({code: null, signal: null, timedOut: false, startError: startError(argv[0], error).message, output: '', cutBytes: 0})
    }
    const head: Buffer[] = []
    let headLen = 0
    const tail: Buffer[] = []
    let tailLen = 0
    let cut = 0
    const onData = (b: Buffer) => {
      if (headLen < headMax) {
        const take = b.subarray(0, headMax - headLen)
        head.push(take)
        headLen += take.length
        b = b.subarray(take.length)
        if (b.length === 0) return
      }
      tail.push(b)
      tailLen += b.length
      while (tail.length > 1 && tailLen - tail[0].length >= tailMax) {
        cut += tail[0].length
        tailLen -= tail.shift()!.length
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)

    let timedOut = false
    const timers: NodeJS.Timeout[] = []
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig)
      } catch {
        // gone
      }
    }
    timers.push(
      setTimeout(() => {
        timedOut = true
        killGroup('SIGTERM')
        timers.push(setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs ?? 2000))
      }, opts.timeoutMs),
    )
    let settled = false
    child.on('error', (error) => {
      if (settled) return
      settled = true
      for (const t of timers) clearTimeout(t)
      done({code: null, signal: null, timedOut: false, startError: startError(argv[0], error).message, output: '', cutBytes: 0})
    })
    child.on('exit', () => {
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy()
          child.stderr?.destroy()
        }, opts.drainMs ?? 1000),
      )
    })
    child.on('close', (code, signal) => {
      if (settled) return
      settled = true
      for (const t of timers) clearTimeout(t)
      let t = Buffer.concat(tail)
      if (t.length > tailMax) {
        cut += t.length - tailMax
        t = t.subarray(t.length - tailMax)
      }
      // realign the tail to a UTF-8 character start
      let i = 0
      while (cut > 0 && i < t.length && i < 4 && (t[i] & 0xc0) === 0x80) i++
      cut += i
      t = t.subarray(i)
      const h = Buffer.concat(head).toString('utf8')
      const output = cut > 0 ? `${h.replace(/\uFFFD$/, '')}\n[… ${cut} bytes cut …]\n${t.toString('utf8')}` : h + t.toString('utf8')
      done({code, signal, timedOut, output, cutBytes: cut})
    })
  })
}

/** "exit 0", "exit 3", "killed by SIGKILL", "timed out after 20s", "not started: x: command not found" */
export function describeResult(r: StepResult, timeout: string): string {
  if (r.startError) return `not started: ${r.startError}`
  if (r.timedOut) return `timed out after ${timeout}${r.signal ? ` (stopped with ${r.signal})` : ''}`
  if (r.signal) return `killed by ${r.signal}`
  return `exit ${r.code}`
}

export const succeeded = (r: StepResult) => !r.startError && !r.timedOut && r.code === 0
