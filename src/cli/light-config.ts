// The part of oclif's Config that this CLI's commands and oclif's Help read, built from the committed
// manifest and package.json instead of by Config.load, which costs far more than a small command
// itself (measured: ~15 ms evaluating the config and plugin modules, plus Plugin.load's sort,
// src/cli/collate.ts, and reading and parsing the manifest again). Used by help (src/cli/help.ts,
// dist/help.cjs) and to run every command (src/main.ts).
//
// Where Config would behave differently, lightConfig() answers undefined and the caller runs oclif's
// full path (src/main.ts): a theme (package.json or the user's theme.json), a custom help class,
// command aliases, flexible taxonomy, plugins or hooks, a manifest of another version (oclif warns
// and ignores it), DEBUG (oclif logs), Windows (the shell decides help's line continuation), a command
// whose help is dynamic. test/cli/help.test.ts compares help with oclif's for every command and topic;
// test/cli/light-config.test.ts compares what commands read with what Config.load gives.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
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
function scopedKey(bin: string, key: string): string {
  return `${bin.replaceAll('@', '').replaceAll(/[/-]/g, '_')}_${key}`.toUpperCase()
}

function scoped(bin: string, key: string, env: NodeJS.ProcessEnv): string | undefined {
  return env[scopedKey(bin, key)]
}

/**
 * What oclif's Help and a command read of a Config, for this CLI, or undefined when only Config.load
 * behaves the same (see above). `root` is the package directory.
 */
export function lightConfig(manifest: Manifest & {version?: string}, pjson: PackageJson, root: string, env: NodeJS.ProcessEnv = process.env): Config | undefined {
  const oclif = pjson.oclif
  if (process.platform === 'win32' || env.DEBUG) return undefined
  if (oclif.theme || oclif.helpClass || oclif.flexibleTaxonomy || oclif.plugins || oclif.hooks || oclif.binAliases || oclif.state) return undefined
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
    // what a command reads (oclif's Command: hooks around parsing, its --json env var)
    runHook: async () => ({successes: [], failures: []}),
    scopedEnvVarKey: (key: string) => scopedKey(bin, key),
    scopedEnvVarKeys: (key: string) => [scopedKey(bin, key)],
    scopedEnvVar: (key: string) => scoped(bin, key, env),
    scopedEnvVarTrue: (key: string) => truthy(scoped(bin, key, env)),
  }
  return config as unknown as Config
}

