// Errors the CLI shows to a user. Every failure path ends in one of these, so the top-level handler
// (BaseCommand.catch) can print one line, `mkr: <what failed>: <why>`, an optional hint, and exit.
import {escapeControl} from './output/sanitize.js'

export class CliError extends Error {
  /** process exit code: 1 failure, 2 usage */
  exitCode = 1
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
    super(message, {...opts, exitCode: 2})
  }
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
  return (known && e.oclif?.exit) || 1
}
