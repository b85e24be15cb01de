// The one IO object of a process (gh's pkg/iostreams): stdout, stderr and stdin, whether each is a
// terminal, the color decision, the terminal width and a progress indicator. BaseCommand builds it
// once (`systemIO`); command bodies take it as a parameter, and tests pass `testIO()` with captured
// buffers and a chosen TTY/width. Nothing else reads process.stdout/isTTY (wrap's job fds aside).
import {isatty} from 'node:tty'
import {Readable} from 'node:stream'
import {palette, type Palette} from './color.js'

export interface Progress {
  /** shows `label` (after a short delay, so fast requests show nothing); a later call replaces it */
  start(label: string): void
  /** stops and clears the indicator */
  stop(): void
}

export interface IOStreams {
  /** stdout */
  out(text: string): void
  /** stderr, never hidden */
  err(text: string): void
  /** an info line on stderr (hidden by --quiet) */
  info(line: string): void
  /** `mkr: warning: ...` on stderr */
  warn(line: string): void
  readonly stdoutTTY: boolean
  readonly stderrTTY: boolean
  readonly stdinTTY: boolean
  /** ANSI colors allowed on stdout / on stderr */
  readonly colorOut: boolean
  readonly colorErr: boolean
  /** stdout's terminal width in columns (80 when not a terminal or unknown) */
  readonly width: number
  readonly quiet: boolean
  readonly stdin: NodeJS.ReadableStream
  /** colors for stdout (plain functions when colorOut is false) */
  palette(): Promise<Palette>
  /** a spinner/progress line on a terminal's stderr; does nothing otherwise */
  readonly progress: Progress
  /**
   * Asks a yes/no question (default no) on stderr; present only when stdin and stderr are terminals,
   * so a command without it must refuse and name the flag that confirms (`--yes`).
   */
  readonly confirm?: (message: string) => Promise<boolean>
}

export interface ColorOptions {
  /** --color (true) / --no-color (false) / neither (undefined) */
  flag?: boolean
  tty: boolean
  env: NodeJS.ProcessEnv
}

const truthyForce = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'

/**
 * Whether to color a stream: `--no-color` wins; then `--color`, FORCE_COLOR or CLICOLOR_FORCE turn it
 * on even when piped; then a non-empty NO_COLOR (no-color.org: an empty one does not count) or
 * TERM=dumb turns it off; otherwise on exactly when the stream is a terminal.
 */
export function colorEnabled(o: ColorOptions): boolean {
  if (o.flag === false) return false
  if (o.flag === true || truthyForce(o.env.FORCE_COLOR) || truthyForce(o.env.CLICOLOR_FORCE)) return true
  if ((o.env.NO_COLOR ?? '') !== '' || o.env.TERM === 'dumb') return false
  return o.tty
}

/** The delay before a progress indicator appears: a request answered faster shows nothing. */
export const PROGRESS_DELAY_MS = 300
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

interface Streams {
  stdout: {write(s: string): unknown; isTTY?: boolean; columns?: number}
  stderr: {write(s: string): unknown; isTTY?: boolean; columns?: number}
  stdin: NodeJS.ReadableStream & {isTTY?: boolean}
  /** the yes/no prompt, when there is a terminal to ask on */
  confirm?: (message: string) => Promise<boolean>
}

function build(
  s: Streams,
  o: {quiet?: boolean; color?: boolean; env: NodeJS.ProcessEnv; stdoutTTY: boolean; stderrTTY: boolean; stdinTTY: boolean; width?: number},
): IOStreams {
  const colorOut = colorEnabled({flag: o.color, tty: o.stdoutTTY, env: o.env})
  const colorErr = colorEnabled({flag: o.color, tty: o.stderrTTY, env: o.env})
  const quiet = Boolean(o.quiet)
  // progress: a line on stderr that every other write clears first
  let shown = false
  let label = ''
  let frame = 0
  let delay: NodeJS.Timeout | undefined
  let spin: NodeJS.Timeout | undefined
  const clear = () => {
    if (shown) s.stderr.write('\r\x1b[2K')
    shown = false
  }
  const draw = () => {
    const width = Math.max(20, (s.stderr.columns || 80) - 1)
    let line = `${SPINNER[frame++ % SPINNER.length]} ${label}`
    if ([...line].length > width) line = [...line].slice(0, width - 1).join('') + '…'
    s.stderr.write(`\r\x1b[2K${line}`)
    shown = true
  }
  const progress: Progress =
    o.stderrTTY && !quiet
      ? {
          start(text) {
            label = text
            if (shown) return draw()
            if (delay || spin) return
            delay = setTimeout(() => {
              delay = undefined
              draw()
              spin = setInterval(draw, 120)
              spin.unref()
            }, PROGRESS_DELAY_MS)
            delay.unref()
          },
          stop() {
            if (delay) clearTimeout(delay)
            if (spin) clearInterval(spin)
            delay = spin = undefined
            clear()
          },
        }
      : {start() {}, stop() {}}
  const err = (text: string) => {
    clear()
    s.stderr.write(text)
  }
  let paletteCache: Promise<Palette> | undefined
  return {
    out(text) {
      clear()
      s.stdout.write(text)
    },
    err,
    info(line) {
      if (!quiet) err(line + '\n')
    },
    warn(line) {
      err(`mkr: warning: ${line}\n`)
    },
    stdoutTTY: o.stdoutTTY,
    stderrTTY: o.stderrTTY,
    stdinTTY: o.stdinTTY,
    colorOut,
    colorErr,
    width: o.width ?? (o.stdoutTTY && s.stdout.columns ? s.stdout.columns : 80),
    quiet,
    get stdin() {
      return s.stdin
    },
    palette: () => (paletteCache ??= palette(colorOut)),
    progress,
    ...(s.confirm
      ? {
          confirm: (message: string) => {
            progress.stop()
            return s.confirm!(message)
          },
        }
      : {}),
  }
}

/** The yes/no prompt on a terminal (@inquirer/prompts, imported only when asked: ~70 ms). */
async function terminalConfirm(message: string): Promise<boolean> {
  const {confirm} = await import('@inquirer/prompts')
  try {
    return await confirm({message, default: false}, {input: process.stdin, output: process.stderr})
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') return false // Ctrl-C / Ctrl-D at the prompt
    throw error
  }
}

/** The process's IO: built once by BaseCommand from --quiet and --color/--no-color. */
export function systemIO(opts: {quiet?: boolean; color?: boolean} = {}, env: NodeJS.ProcessEnv = process.env): IOStreams {
  // process.stdin only when a command reads it: building it loads Node's stream modules for files
  // and sets up a stream (~3 ms of every command, measured); isatty(0) answers the TTY question
  const stdinTTY = isatty(0)
  const canPrompt = stdinTTY && Boolean(process.stderr.isTTY)
  return build(
    {
      stdout: process.stdout,
      stderr: process.stderr,
      get stdin() {
        return process.stdin
      },
      confirm: canPrompt ? terminalConfirm : undefined,
    },
    {...opts, env, stdoutTTY: Boolean(process.stdout.isTTY), stderrTTY: Boolean(process.stderr.isTTY), stdinTTY},
  )
}

export interface TestIO {
  io: IOStreams
  /** everything written to stdout so far */
  out(): string
  /** everything written to stderr so far (progress escapes included) */
  err(): string
}

/**
 * An IO for in-process tests (gh's iostreams.Test()): captured stdout/stderr, stdin from a string,
 * TTYs and width as given (default: nothing is a terminal, 80 columns, no color unless asked).
 */
export function testIO(
  o: {
    stdoutTTY?: boolean
    stderrTTY?: boolean
    stdinTTY?: boolean
    width?: number
    color?: boolean
    quiet?: boolean
    stdin?: string
    env?: NodeJS.ProcessEnv
    /** answers yes/no questions (the IO then has `confirm`, as on a terminal); the question is written to stderr */
    confirm?: (message: string) => boolean | Promise<boolean>
  } = {},
): TestIO {
  let out = ''
  let err = ''
  const stdin = Readable.from(o.stdin === undefined ? [] : [Buffer.from(o.stdin)]) as NodeJS.ReadableStream
  const width = o.width ?? 80
  const io = build(
    {
      stdout: {write: (t: string) => (out += t), isTTY: o.stdoutTTY, columns: width},
      stderr: {write: (t: string) => (err += t), isTTY: o.stderrTTY, columns: width},
      stdin,
      confirm: o.confirm
        ? async (message) => {
            err += `? ${message} (y/N)\n`
            return o.confirm!(message)
          }
        : undefined,
    },
    {
      quiet: o.quiet,
      color: o.color,
      env: o.env ?? {},
      stdoutTTY: Boolean(o.stdoutTTY),
      stderrTTY: Boolean(o.stderrTTY),
      stdinTTY: Boolean(o.stdinTTY),
      width,
    },
  )
  return {io, out: () => out, err: () => err}
}
