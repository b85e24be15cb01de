// Runs the real CLI (`node bin/run.js`) as a user would. Async spawn on purpose: an in-process sandbox
// shares this event loop, so a spawnSync would deadlock it.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')
export const BIN = join(ROOT, 'bin', 'run.js')

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv
  input?: string
  cwd?: string
  /** kill the process (SIGKILL) after this long; the test then sees signal SIGKILL */
  timeoutMs?: number
}

/**
 * A clean environment for the CLI: no inherited Mackerel settings, color off, a config path that does
 * not exist (so the machine's agent config never leaks in), plus what the test passes.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('MACKEREL_') || k.startsWith('MKR_') || k === 'NO_COLOR' || k === 'DEBUG' || k === 'FORCE_COLOR') continue
    env[k] = v
  }
  return {...env, ...extra}
}

export function runMkr(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: opts.env ?? cleanEnv(),
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({code, signal, stdout, stderr})
    })
    child.stdin.on('error', () => {}) // the CLI may exit without reading stdin
    child.stdin.end(opts.input ?? '')
  })
}

/** A temporary directory removed after the test file's suite. */
export function tempDir(prefix = 'mkr-e2e-'): {path: string; remove: () => void} {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return {path, remove: () => rmSync(path, {recursive: true, force: true})}
}

const shq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`

/**
 * Runs the CLI with stdout/stderr on a pseudo-terminal (util-linux `script`), as at an interactive
 * shell. Both streams arrive merged in `stdout`, with CRLF turned back into LF.
 */
export function runMkrTty(args: string[], opts: RunOptions & {columns?: number} = {}): Promise<RunResult> {
  const cmd = [`stty cols ${opts.columns ?? 200} 2>/dev/null;`, shq(process.execPath), shq(BIN), ...args.map(shq)].join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', cmd, '/dev/null'], {env: opts.env ?? cleanEnv(), cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({code, signal, stdout: stdout.replaceAll('\r\n', '\n'), stderr}))
    child.stdin.end(opts.input ?? '')
  })
}
