// Errors the CLI shows to a user. Every failure path ends in one of these, so the top-level handler
// (BaseCommand.catch) can print one line, `mkr: <what failed>: <why>`, an optional hint, and exit.

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
export class ConfigError extends CliError {}

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
    default:
      return e?.message ?? String(error)
  }
}
