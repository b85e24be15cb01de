// The CLI bundle's entry (dist/mkr.cjs, see scripts/build.js), called by the dispatcher
// (src/cli/start.ts) with a command line it has already checked against the manifest. It does what
// oclif's run() does for this CLI (which has no plugins and no hooks) without letting oclif import
// the command module again: root and topic help, `--help`, and the command's class from COMMANDS,
// the registry the build compiles into this same bundle. Errors inside a command are printed by
// BaseCommand.catch; what reaches the catch below is an exit request or an error raised before any
// command ran, which gets the same one-line format.
import {Config} from '@oclif/core/config'
import {flush} from '@oclif/core/flush'
import {loadHelpClass, normalizeArgv} from '@oclif/core/help'
import {helpAddition, versionAddition} from '@oclif/core/run'
import {undiciTransport, useTransport} from './api/client.js'
import {reportTopLevel} from './errors.js'
import {escapeControl} from './output/sanitize.js'

type CommandClass = {id?: string; plugin?: unknown; new (argv: string[], config: Config): unknown}

/** `root` is the package directory (package.json, oclif.manifest.json); `commands` the bundle's registry. */
export async function main(argv: string[], root: string, commands: Record<string, CommandClass>): Promise<void> {
  useTransport(undiciTransport)
  try {
    const config = await Config.load(root)
    const showHelp = async (words: string[]) => {
      const Help = await loadHelpClass(config)
      await new Help(config, config.pjson.oclif.helpOptions ?? config.pjson.helpOptions).showHelp(words)
    }
    const [id, ...rest] = normalizeArgv(config, argv)
    if (versionAddition(argv, config)) process.stdout.write(`${config.userAgent}\n`)
    else if (helpAddition(argv, config)) await showHelp(argv)
    else {
      const cmd = config.findCommand(id)
      const Command = cmd && commands[cmd.id]
      if (Command) {
        Command.id = cmd.id
        Command.plugin = config.plugins.get(cmd.pluginName ?? '')
        // What Command.run does, minus its Config.load(config): given a loaded Config, oclif loads it
        // again (plugins, theme, shell, platform; ~4 ms, measured). This CLI has no hooks to run around it.
        await (new Command(rest, config) as unknown as {_run(): Promise<unknown>})._run()
      } else if (!cmd && config.findTopic(id)) await showHelp([id])
      else {
        process.stderr.write(`mkr: unknown command: ${escapeControl(id.replaceAll(':', ' '))}\nhint: see \`mkr --help\` for the list\n`)
        process.exitCode = 2
        return
      }
    }
    await flush()
  } catch (error) {
    const e = error as Error & {oclif?: {exit?: number}; code?: string}
    if (e?.code === 'EEXIT') {
      process.exitCode = e.oclif?.exit ?? 1
      return
    }
    process.exitCode = reportTopLevel(e)
  }
}
