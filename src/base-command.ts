// Shared flags, settings, the process's IO, the lazily built API client and error presentation for
// every command. Commands stay thin (gh's NewCmd): parse flags -> call one function of a feature
// folder with (options, this.io, this.client) -> exit code.
import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type {Interfaces} from '@oclif/core'
import type {ApiClient} from './api/client.js'
import {normalizeSingleDash} from './argv.js'
import {fatalConfigError, readHostId, resolveSettings, type Settings} from './config/index.js'
import {checkIds, CliError, ExitCode} from './errors.js'
import {systemIO, type IOStreams} from './output/iostreams.js'
import {showWaiting} from './output/progress.js'
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
  private makeIO: (o: {quiet?: boolean; color?: boolean}) => IOStreams = systemIO
  private givenClient?: () => Promise<ApiClient>

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

  /**
   * Runs the command in-process (tests, embedding): prints on the IO `makeIO` builds from --quiet and
   * --color instead of the process's streams, and calls the API with `client` (when given) instead
   * of one built from the settings.
   */
  public inProcess(makeIO: (o: {quiet?: boolean; color?: boolean}) => IOStreams, client?: () => Promise<ApiClient>): this {
    this.makeIO = makeIO
    this.givenClient = client
    return this
  }

  /** The process's one IO object (stdout/stderr/stdin, TTYs, color, width, progress), built on first use. */
  protected get io(): IOStreams {
    this.ioCache ??= this.makeIO({quiet: this.flags?.quiet, color: this.flags?.color})
    return this.ioCache
  }

  /**
   * The API client as command bodies take it: built on the first call, so a body checks its input
   * (usage errors) before a missing API key or a broken config is reported.
   */
  protected readonly client = (): Promise<ApiClient> => this.api()

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
    if (this.givenClient) return this.givenClient()
    if (this.clientCache) return this.clientCache
    const broken = fatalConfigError(this.settings())
    if (broken) throw broken
    const {connect} = await import('./api/connect.js')
    // on a terminal, what a slow or retried request waits for (the indicator is off elsewhere)
    const onWait = this.io.stderrTTY && !this.io.quiet ? showWaiting(this.io) : undefined
    this.clientCache = connect(this.settings(), (line) => this.io.err(`mkr: ${line}\n`), process.env, {onWait}).client
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
    this.io.info(message)
  }

  /** A warning line on stderr (never hidden). */
  protected warnLine(message: string): void {
    this.io.warn(message)
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
      exit = ExitCode.failure
    }
    // messages can carry what a server or a file said: never let it drive the terminal
    this.io.err(`mkr: ${escapeControl(line)}\n${hint ? `hint: ${escapeControl(hint)}\n` : ''}`)
    if (process.env.DEBUG && err.stack) this.io.err(err.stack + '\n')
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

/** Where ids are checked (kept here too: commands import it from this module). */
export {checkIds} from './errors.js'
