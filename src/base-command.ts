// Shared flags, settings, the lazily built API client and error presentation for every command.
// Commands stay thin: parse flags -> call src/api, src/wrap, ... -> render with src/output.
import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type {Interfaces} from '@oclif/core'
import type {ApiClient} from './api/client.js'
import {normalizeSingleDash} from './argv.js'
import {fatalConfigError, readHostId, resolveSettings, type Settings} from './config/index.js'
import {CliError, UsageError} from './errors.js'
import {systemIO, type IOStreams} from './output/iostreams.js'
import {escapeControl} from './output/sanitize.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

export abstract class BaseCommand<T extends typeof Command> extends Command {
  // -q first: oclif trims the leading spaces of a flag list, so a list that starts with a flag
  // without a short form (--conf) prints that first line out of line with the others.
  static baseFlags = {
    quiet: Flags.boolean({char: 'q', description: 'hide info messages (errors are always shown)', helpGroup: 'GLOBAL'}),
    conf: Flags.string({
      description: 'mackerel-agent config to read apikey, apibase and root from [default: /etc/mackerel-agent/mackerel-agent.conf]',
      helpValue: 'FILE',
      helpGroup: 'GLOBAL',
    }),
    apibase: Flags.string({description: 'Mackerel API base URL (env MACKEREL_APIBASE)', helpValue: 'URL', helpGroup: 'GLOBAL'}),
    color: Flags.boolean({allowNo: true, description: 'color output (default: only on a terminal, off with NO_COLOR)', helpGroup: 'GLOBAL'}),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  /** positional arguments not declared as args (commands with `strict = false`) */
  protected rest!: string[]
  private settingsCache?: Settings
  private clientCache?: ApiClient
  private ioCache?: IOStreams

  public async init(): Promise<void> {
    await super.init()
    const ctor = this.ctor as unknown as typeof BaseCommand
    const argvIn = normalizeSingleDash(this.argv, {...ctor.baseFlags, ...ctor.flags})
    const {args, flags, argv} = await this.parse(
      {flags: ctor.flags, baseFlags: ctor.baseFlags, args: ctor.args, strict: ctor.strict, enableJsonFlag: false},
      argvIn,
    )
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
    this.rest = argv as string[]
  }

  /** The process's one IO object (stdout/stderr/stdin, TTYs, color, width, progress), built on first use. */
  protected get io(): IOStreams {
    this.ioCache ??= systemIO({quiet: this.flags?.quiet, color: this.flags?.color})
    return this.ioCache
  }

  /** API key, base and root from flags > env > agent config > defaults (never throws). */
  protected settings(): Settings {
    this.settingsCache ??= resolveSettings({conf: this.flags.conf, apibase: this.flags.apibase})
    return this.settingsCache
  }

  /**
   * The API client; throws a ConfigError naming both ways to set the key when it is missing, and one
   * naming the file and line when the agent config is broken (also when MACKEREL_APIKEY is set).
   */
  protected async api(): Promise<ApiClient> {
    if (this.clientCache) return this.clientCache
    const broken = fatalConfigError(this.settings())
    if (broken) throw broken
    const {connect} = await import('./api/connect.js')
    this.clientCache = connect(this.settings(), (line) => process.stderr.write(`mkr: ${line}\n`)).client
    return this.clientCache
  }

  /** The host id given, or the agent's (`<root>/id`). */
  protected hostId(explicit?: string): string {
    if (explicit !== undefined) return checkIds('host id', [explicit])[0]
    const s = this.settings()
    const broken = fatalConfigError(s)
    if (broken) throw broken
    return readHostId(s.root)
  }

  /** An info line on stderr, hidden by --quiet. */
  protected info(message: string): void {
    if (!this.flags?.quiet) process.stderr.write(message + '\n')
  }

  /** A warning line on stderr (never hidden). */
  protected warnLine(message: string): void {
    process.stderr.write(`mkr: warning: ${message}\n`)
  }

  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}; code?: string}): Promise<unknown> {
    if (err.code === 'EEXIT') throw err // this.exit(): already decided
    let line: string
    let hint: string | undefined
    let exit: number
    if (err instanceof CliError) {
      line = err.message
      hint = err.hint
      exit = err.exitCode
    } else if (err.oclif?.exit !== undefined) {
      // oclif parse errors: a usage problem (exit 2)
      // oclif spreads one error over lines ("Missing 1 required arg:\nhostId  host id\nSee more help…")
      line = err.message
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !/^See more help with/.test(l))
        .join(' ')
        .replace(/: +/g, ': ')
      hint = `see \`mkr ${this.id?.replaceAll(':', ' ') ?? ''} --help\``
      exit = err.oclif.exit
    } else {
      line = `unexpected error: ${err.message}`
      hint = 'run with DEBUG=1 for details and report it'
      exit = 1
    }
    // messages can carry what a server or a file said: never let it drive the terminal
    process.stderr.write(`mkr: ${escapeControl(line)}\n${hint ? `hint: ${escapeControl(hint)}\n` : ''}`)
    if (process.env.DEBUG && err.stack) process.stderr.write(err.stack + '\n')
    this.exit(exit)
  }

  protected async finally(err: Error | undefined): Promise<unknown> {
    if (this.clientCache) {
      const {closeAgent} = await import('./api/client.js')
      await closeAgent()
    }
    return super.finally(err)
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
