// The CLI bundle's entry (dist/mkr.cjs, see scripts/build.js), called by the dispatcher
// (src/cli/start.ts) with a command line it has already checked against the manifest. It does what
// oclif's run() does for this CLI (which has no plugins and no hooks) without letting oclif import
// the command module again: the command's class comes from COMMANDS, the registry the build puts in
// this bundle, whose entries require the command's own bundle (dist/cmd-<id>.cjs) when it runs.
//
// A command line that names a command runs it with the light Config (src/cli/light-config.ts),
// built from the manifest and package.json the dispatcher has already read: oclif's Config module and
// Config.load (~15 ms, measured) are not even evaluated. Anything else (root and topic help, `--help`
// that dist/help.cjs declined, a setup the light Config cannot stand in for) goes through oclif's own
// path, loaded only then. Errors inside a command are printed by BaseCommand.catch; what reaches the
// catch below is an exit request or an error raised before any command ran, which gets the same
// one-line format.
import type {Config} from '@oclif/core/config'
import {undiciTransport, useTransport} from './api/client.js'
import {cjsExports} from './cli/cjs-module.js'
import {matchCommand} from './cli/dispatch.js'
import {lightConfig, type PackageJson} from './cli/light-config.js'
import type {Manifest} from './cli/manifest.js'
import {reportTopLevel} from './errors.js'
import {escapeControl} from './output/sanitize.js'

type CommandClass = {id?: string; plugin?: unknown; new (argv: string[], config: Config): unknown}

/** What the dispatcher has read: present when `argv` is not a help request it left to oclif. */
export interface Known {
  manifest: Manifest
  pjson: PackageJson
}

/**
 * `root` is the package directory (package.json, oclif.manifest.json); `commands` the bundle's
 * registry; `known` the manifest and package.json, for a command line that runs a command.
 */
export async function main(argv: string[], root: string, commands: Record<string, CommandClass>, known?: Known): Promise<void> {
  useTransport(undiciTransport)
  try {
    const light = known && lightRun(argv, known, root)
    if (light) await runCommand(commands[light.id], light.id, light.rest, light.config)
    else if (!(await oclifRun(argv, root, commands))) return
    await flushStdout()
  } catch (error) {
    const e = error as Error & {oclif?: {exit?: number}; code?: string}
    if (e?.code === 'EEXIT') {
      process.exitCode = e.oclif?.exit ?? 1
      return
    }
    process.exitCode = reportTopLevel(e)
  }
}

/** The command `argv` names (its words joined with ':', as oclif's ids), the rest, and the light Config. */
function lightRun(argv: string[], known: Known, root: string): {id: string; rest: string[]; config: Config} | undefined {
  const words = matchCommand(argv, known.manifest)
  const id = words.join(':')
  if (!known.manifest.commands[id]) return undefined
  const config = lightConfig(known.manifest, known.pjson, root)
  return config && {id, rest: argv.slice(words.length), config}
}

async function runCommand(Command: CommandClass, id: string, rest: string[], config: Config): Promise<void> {
  Command.id = id
  Command.plugin = config.plugins.get(config.pjson.name)
  // What Command.run does, minus its Config.load(config): given a loaded Config, oclif loads it
  // again (plugins, theme, shell, platform; ~4 ms, measured). This CLI has no hooks to run around it.
  await (new Command(rest, config) as unknown as {_run(): Promise<unknown>})._run()
}

/** oclif's run(): Config.load, version, help, the command. False when it has set an exit code for a usage error. */
async function oclifRun(argv: string[], root: string, commands: Record<string, CommandClass>): Promise<boolean> {
  const [configModule, helpModule, runModule] = await Promise.all([import('@oclif/core/config'), import('@oclif/core/help'), import('@oclif/core/run')])
  const {Config} = cjsExports(configModule)
  const {loadHelpClass, normalizeArgv} = cjsExports(helpModule)
  const {helpAddition, versionAddition} = cjsExports(runModule)
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
    if (Command) await runCommand(Command, cmd.id, rest, config)
    else if (!cmd && config.findTopic(id)) await showHelp([id])
    else {
      process.stderr.write(`mkr: unknown command: ${escapeControl(id.replaceAll(':', ' '))}\nhint: see \`mkr --help\` for the list\n`)
      process.exitCode = 2
      return false
    }
  }
  return true
}

/** Resolves when what was written to stdout has been handed to the OS (oclif's flush, without its module). */
async function flushStdout(): Promise<void> {
  if (process.stdout.write('')) return
  await new Promise((resolve) => process.stdout.once('drain', resolve))
}
