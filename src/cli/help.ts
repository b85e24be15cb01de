// Help without loading oclif's Config (dist/help.cjs, run by the dispatcher, src/cli/start.ts): oclif's
// own Help class (the same formatter, wrapping and layout, so the text is byte for byte what
// `Config.load` + `Help.showHelp` print) given the part of a Config that help reads, built from the
// committed manifest and package.json. Config.load costs far more than the help itself (measured:
// ~15 ms evaluating the config and plugin modules, plus Plugin.load's sort, src/cli/collate.ts), and
// help's templates go through ejs, which compiles each string
// with `new Function` (~8 ms): scripts/build.js gives this bundle src/cli/help-template.ts instead.
//
// Where Config would print something else or more, helpConfig() answers undefined and the caller runs
// oclif's full path (src/main.ts): a theme (package.json or the user's theme.json), a custom help class,
// command aliases, flexible taxonomy, a manifest of another version (oclif warns and ignores it), DEBUG
// (oclif logs), Windows (the shell decides the line continuation), a command whose help is dynamic.
// test/cli/help.test.ts compares this help with oclif's for every command and topic.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {Help} from '@oclif/core/help'
import type {Config} from '@oclif/core/config'
import {compareIds} from './collate.js'
import type {Manifest} from './manifest.js'

export interface PackageJson {
  name: string
  version: string
  description?: string
  oclif: Record<string, unknown> & {
    bin?: string
    dirname?: string
    topicSeparator?: string
    topics?: Record<string, {description?: string; hidden?: boolean}>
    helpOptions?: Record<string, unknown>
  }
  helpOptions?: Record<string, unknown>
}

type Command = Manifest['commands'][string] & {
  aliases?: string[]
  hiddenAliases?: string[]
  hasDynamicHelp?: boolean
  pluginName?: string
  pluginType?: string
}

interface Topic {
  name: string
  description?: string
  hidden?: boolean
}

/** Thrown by a command's load(): only oclif's own path can show this help. */
export class NeedsOclif extends Error {}

function truthy(v: string | undefined): boolean {
  return v === 'true' || v === '1'
}

/** The env var oclif's Config reads for `key` (`MKR_<key>`). */
function scoped(bin: string, key: string, env: NodeJS.ProcessEnv): string | undefined {
  return env[`${bin.replaceAll('@', '').replaceAll(/[/-]/g, '_')}_${key}`.toUpperCase()]
}

/**
 * What oclif's Help reads of a Config, for this CLI, or undefined when only Config.load gives the same
 * help (see above). `root` is the package directory.
 */
export function helpConfig(manifest: Manifest & {version?: string}, pjson: PackageJson, root: string, env: NodeJS.ProcessEnv = process.env): Config | undefined {
  const oclif = pjson.oclif
  if (process.platform === 'win32' || env.DEBUG) return undefined
  if (oclif.theme || oclif.helpClass || oclif.flexibleTaxonomy || oclif.plugins || oclif.state) return undefined
  if (manifest.version?.split('-')[0] !== pjson.version.split('-')[0]) return undefined
  const bin = oclif.bin || pjson.name
  if (truthy(scoped(bin, 'DEBUG', env))) return undefined
  // the user's theme (Config.loadTheme), unless themes are off
  if (!truthy(scoped(bin, 'DISABLE_THEME', env))) {
    const home = env.HOME
    const configDir = scoped(bin, 'CONFIG_DIR', env) || (env.XDG_CONFIG_HOME || (home && join(home, '.config'))) && join(env.XDG_CONFIG_HOME || join(home!, '.config'), oclif.dirname || pjson.name)
    if (!configDir || existsSync(join(configDir, 'theme.json'))) return undefined
  }

  // Plugin.load: the manifest's commands sorted by id; Config.loadCommands and loadTopics
  const commands = new Map<string, Command>()
  const list = Object.entries(manifest.commands as Record<string, Command>)
    .map(([id, c]) => ({...c, load: async () => Promise.reject(new NeedsOclif(id)), pluginAlias: pjson.name, pluginType: c.pluginType === 'jit' ? 'jit' : 'core'}))
    .sort((a, b) => compareIds(a.id, b.id, env))
  for (const c of list) {
    if ((c.aliases?.length ?? 0) > 0 || (c.hiddenAliases?.length ?? 0) > 0 || c.hasDynamicHelp) return undefined
    commands.set(c.id, c)
  }
  const topics = new Map<string, Topic>()
  for (const [name, t] of Object.entries(oclif.topics ?? {})) if (t) topics.set(name, {name, ...t})
  for (const c of list.filter((c) => !c.hidden)) {
    const parts = c.id.split(':')
    while (parts.length > 0) {
      const name = parts.join(':')
      if (name && !topics.has(name)) topics.set(name, {description: c.summary || c.description, name})
      parts.pop()
    }
  }

  const plugin = {name: pjson.name, pjson, root}
  const config = {
    bin,
    name: pjson.name,
    version: pjson.version,
    root,
    pjson,
    platform: process.platform,
    arch: process.arch,
    windows: false,
    shell: '',
    topicSeparator: oclif.topicSeparator || ':',
    userAgent: `${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}`,
    theme: undefined,
    isSingleCommandCLI: false,
    flexibleTaxonomy: false,
    plugins: new Map([[pjson.name, plugin]]),
    get commands() {
      return [...commands.values()]
    },
    get commandIDs() {
      return [...commands.keys()]
    },
    get topics() {
      return [...topics.values()]
    },
    findCommand: (id: string) => commands.get(id),
    findTopic: (name: string) => topics.get(name),
  }
  return config as unknown as Config
}

/**
 * Prints the help for `argv` (a command line that oclif would answer with help: see
 * src/cli/help-request.ts) as oclif's Help does. False when it cannot (helpConfig), before printing
 * anything: the caller then runs oclif's own path.
 */
export async function showHelp(argv: string[], manifest: Manifest, pjson: PackageJson, root: string): Promise<boolean> {
  const config = helpConfig(manifest, pjson, root)
  if (!config) return false
  try {
    await new Help(config, (pjson.oclif.helpOptions ?? pjson.helpOptions) as object).showHelp(argv)
  } catch (error) {
    // a subject Help cannot find, or dynamic help (both before any output)
    if (error instanceof NeedsOclif || (error as {oclif?: unknown}).oclif !== undefined) return false
    throw error
  }
  return true
}
