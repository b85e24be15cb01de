// Helpers for the `mkr wrap` end-to-end tests: an isolated HOME/XDG_STATE_HOME/TMPDIR per test, the
// sandbox's address and key in the environment, and a way to start wrap and talk to it while it runs.
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN, cleanEnv, tempDir, type RunResult} from '../e2e/harness.js'

export interface WrapEnv {
  dir: string
  home: string
  state: string
  tmp: string
  /** a mackerel-agent.conf whose root holds an `id` file with the host id */
  conf: string
  env: NodeJS.ProcessEnv
  spoolDir: string
  remove(): void
}

export function wrapEnv(apiBase: string, apiKey: string, hostId: string, extra: NodeJS.ProcessEnv = {}): WrapEnv {
  const t = tempDir('mkr-wrap-')
  const home = join(t.path, 'home')
  const state = join(t.path, 'state')
  const tmp = join(t.path, 'tmp')
  const root = join(t.path, 'agent')
  for (const d of [home, state, tmp, root]) mkdirSync(d, {recursive: true})
  writeFileSync(join(root, 'id'), hostId + '\n')
  const conf = join(t.path, 'mackerel-agent.conf')
  writeFileSync(conf, `root = ${JSON.stringify(root)}\n`)
  return {
    dir: t.path,
    home,
    state,
    tmp,
    conf,
    spoolDir: join(state, 'mkr', 'wrap-spool'),
    env: cleanEnv({HOME: home, XDG_STATE_HOME: state, TMPDIR: tmp, MACKEREL_APIBASE: apiBase, MACKEREL_APIKEY: apiKey, ...extra}),
    remove: t.remove,
  }
}

export interface Started {
  child: ChildProcess
  /** stdout so far */
  out(): string
  err(): string
  /** resolves when stdout contains the text */
  waitOut(text: string | RegExp, timeoutMs?: number): Promise<void>
  done: Promise<RunResult>
}

export function startWrap(args: string[], env: NodeJS.ProcessEnv, opts: {detached?: boolean; input?: string} = {}): Started {
  const child = spawn(process.execPath, [BIN, 'wrap', ...args], {env, stdio: ['pipe', 'pipe', 'pipe'], detached: opts.detached})
  let stdout = ''
  let stderr = ''
  const waiters: (() => void)[] = []
  child.stdout!.setEncoding('utf8').on('data', (d) => {
    stdout += d
    for (const w of [...waiters]) w()
  })
  child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d))
  child.stdin!.on('error', () => {})
  child.stdin!.end(opts.input ?? '')
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}))
  })
  return {
    child,
    out: () => stdout,
    err: () => stderr,
    waitOut(text, timeoutMs = 15_000) {
      const has = () => (typeof text === 'string' ? stdout.includes(text) : text.test(stdout))
      return new Promise((resolve, reject) => {
        if (has()) return resolve()
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${text} in stdout: ${JSON.stringify(stdout)} stderr: ${JSON.stringify(stderr)}`)), timeoutMs)
        const w = () => {
          if (!has()) return
          clearTimeout(t)
          waiters.splice(waiters.indexOf(w), 1)
          resolve()
        }
        waiters.push(w)
        done.then(() => {
          if (!has()) {
            clearTimeout(t)
            reject(new Error(`wrap ended before ${text} appeared: ${JSON.stringify(stdout)} ${JSON.stringify(stderr)}`))
          }
        })
      })
    },
    done,
  }
}

export function runWrap(args: string[], env: NodeJS.ProcessEnv, opts: {input?: string} = {}): Promise<RunResult> {
  return startWrap(args, env, opts).done
}

/** Whether a process exists and is not a zombie (a killed orphan may wait for a reaper). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return false
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls until fn() is true (or fails after timeoutMs). */
export async function until(fn: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(25)
  }
}
