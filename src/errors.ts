// Errors the CLI shows to a user. Every failure path ends in one of these, so the top-level handler
// (BaseCommand.catch) can print one line, `mkr: <what failed>: <why>`, an optional hint, and exit.
import {constants} from 'node:os'
import {escapeControl} from './output/sanitize.js'

/**
 * Every exit code mkr decides itself, in one table (gh's internal/ghcmd): commands throw a CliError
 * (or return one of these), and BaseCommand.catch turns it into the process's code. `mkr wrap` exits
 * with its job's own code instead; a job that cannot start gets the shell's codes below.
 */
export const ExitCode = {
  /** success; `monitors diff --exit-code` without differences */
  ok: 0,
  /** any failure: API, network, config, validation of a file, --jq; `monitors diff --exit-code` with differences */
  failure: 1,
  /** a usage error: unknown command or flag, a missing or bad flag value (oclif's parse errors too) */
  usage: 2,
  /** a command that exists but cannot be executed (shell convention) */
  notExecutable: 126,
  /** a command that was not found (shell convention) */
  notFound: 127,
  /** a command that could not be started for another reason */
  cannotStart: 125,
} as const

/** 128 + the signal's number: how a shell reports a process ended by `signal` (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? constants.signals.SIGINT)
}

export class CliError extends Error {
  /** process exit code (see ExitCode): failure unless said otherwise */
  exitCode: number = ExitCode.failure
  /** optional second line telling the user what to do */
  hint?: string

  constructor(message: string, opts: {hint?: string; exitCode?: number; cause?: unknown} = {}) {
    super(message, opts.cause === undefined ? undefined : {cause: opts.cause})
    this.name = new.target.name
    if (opts.hint) this.hint = opts.hint
    if (opts.exitCode !== undefined) this.exitCode = opts.exitCode
  }
}

/** Bad flags or arguments: exit 2, like oclif's own parse errors. */
export class UsageError extends CliError {
  constructor(message: string, opts: {hint?: string} = {}) {
    super(message, {...opts, exitCode: ExitCode.usage})
  }
}

/**
 * Ids given on the command line, checked: an empty (or blank) id is a usage error, since it would
 * turn `GET /api/v0/hosts/<id>` into the list endpoint `GET /api/v0/hosts/`.
 */
export function checkIds(what: string, ids: readonly string[]): string[] {
  for (const id of ids)
    if (id.trim() === '')
      throw new UsageError(`${what} is empty`, {hint: `give a ${what} such as 2eQGDXqtoXs (check the variable that should hold it)`})
  return [...ids]
}

/** Configuration could not be resolved (missing API key, unreadable or invalid agent config). */
export class ConfigError extends CliError {
  /** the errno code when a file could not be read (`ENOENT`, `EACCES`, `ENOTREG` = not a regular file) */
  fsCode?: string

  constructor(message: string, opts: {hint?: string; cause?: unknown; fsCode?: string} = {}) {
    super(message, opts)
    if (opts.fsCode) this.fsCode = opts.fsCode
  }
}

/** Why a file operation failed, in a few words (`no such file`, `permission denied`, …). */
export function fsReason(error: unknown, opts: {enoent?: string} = {}): string {
  const e = error as NodeJS.ErrnoException
  switch (e?.code) {
    case 'ENOENT':
      return opts.enoent ?? 'no such file'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'is a directory'
    case 'ENOTDIR':
      return 'a part of the path is not a directory'
    case 'ENOSPC':
      return 'no space left on device'
    case 'ELOOP':
      return 'too many levels of symbolic links'
    case 'ENXIO':
      return e.message.startsWith('ENXIO') ? 'no reader or device behind it' : e.message
    default:
      return e?.message ?? String(error)
  }
}

/**
 * The last-resort handler of the process entries (src/main.ts, and the `mkr wrap` fast path in
 * src/wrap/cli.ts): one line, `mkr: <first line>` (`mkr: unexpected error: …` plus a hint for an error
 * that is not oclif's own), control characters escaped, the stack only when DEBUG is set.
 * Returns the exit code to use.
 */
export function reportTopLevel(error: unknown, stderr: {write(s: string): unknown} = process.stderr, env: NodeJS.ProcessEnv = process.env): number {
  const e = error as (Error & {oclif?: {exit?: number}}) | null | undefined
  const message = e instanceof Error ? e.message : String(error)
  const first = escapeControl(message.split('\n')[0] ?? '')
  const known = e instanceof Error && e.oclif !== undefined
  stderr.write(known ? `mkr: ${first}\n` : `mkr: unexpected error: ${first}\nhint: run with DEBUG=1 for details and report it\n`)
  if (env.DEBUG && e instanceof Error && e.stack) stderr.write(e.stack + '\n')
  return (known && e.oclif?.exit) || ExitCode.failure
}
