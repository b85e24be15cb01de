// Where credentials, API base and host id come from (mkr-compatible, see reference/mkr-compat.md §1.1):
//   API key:  MACKEREL_APIKEY (non-empty) > `apikey` in the agent config
//   API base: --apibase > MACKEREL_APIBASE > config `apibase` > https://api.mackerelio.com
//   host id:  argument / --host > <root>/id   (root: config `root`, else the agent default)
// The agent config is TOML (mackerel-agent.conf), parsed with smol-toml; `include` globs are merged in.
import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, isAbsolute, join, resolve} from 'node:path'
import {parse as parseToml} from 'smol-toml'
import {ConfigError, fsReason} from '../errors.js'
import {readRegularFile} from '../files.js'
import {isLoopbackHost} from '../loopback.js'
import {escapeControl} from '../output/sanitize.js'
import {glob, GlobPatternError} from './glob.js'

export const DEFAULT_API_BASE = 'https://api.mackerelio.com'

export function defaultConfPath(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'mackerel-agent', 'mackerel-agent.conf')
  if (platform === 'win32') return join(dirname(process.execPath), 'mackerel-agent.conf')
  return '/etc/mackerel-agent/mackerel-agent.conf'
}

export function defaultRoot(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'mackerel-agent')
  if (platform === 'win32') return dirname(process.execPath)
  return '/var/lib/mackerel-agent'
}

export interface AgentConfig {
  file: string
  apikey?: string
  apibase?: string
  root?: string
  /**
   * Each file's TOML document (keys as written), the main file first, then the included ones in
   * glob order. Kept apart, not merged: the agent merges tables such as [plugin.checks.NAME] entry by
   * entry, which a shallow merge of the documents would get wrong.
   */
  docs: {file: string; doc: Record<string, unknown>}[]
}

/** Case-insensitive key lookup, as the agent's TOML decoder matches keys. */
function pick(doc: Record<string, unknown>, key: string): unknown {
  for (const [k, v] of Object.entries(doc)) if (k.toLowerCase() === key) return v
  return undefined
}

function readToml(file: string): Record<string, unknown> {
  let text: string
  try {
    text = readRegularFile(file)
  } catch (error) {
    const e = error as NodeJS.ErrnoException & {reason?: string}
    const why = e.reason ?? fsReason(e)
    throw new ConfigError(`cannot read config ${file}: ${why}`, {
      hint: e.code === 'EACCES' ? 'run as a user that can read it, or set MACKEREL_APIKEY' : undefined,
      fsCode: e.code,
    })
  }
  try {
    return parseToml(text.replace(/^\uFEFF/, '')) as Record<string, unknown>
  } catch (error) {
    const e = error as {line?: number; column?: number; message: string}
    const where = e.line ? `line ${e.line}${e.column ? `, column ${e.column}` : ''}` : 'parse error'
    const first = String(e.message).split('\n')[0].replace(/^Invalid TOML document: /, '')
    throw new ConfigError(`invalid TOML in ${file} (${where}): ${first}`)
  }
}

function stringKey(doc: Record<string, unknown>, key: string, file: string): string | undefined {
  const v = pick(doc, key)
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw new ConfigError(`invalid config ${file}: \`${key}\` must be a string`)
  return v
}

/** Loads an agent config file and the files its `include` glob names (later files override). */
export function loadAgentConfig(file: string): AgentConfig {
  const doc = readToml(file)
  const conf: AgentConfig = {file, docs: [{file, doc}]}
  const apply = (d: Record<string, unknown>, f: string) => {
    for (const key of ['apikey', 'apibase', 'root'] as const) {
      const v = stringKey(d, key, f)
      if (v !== undefined) conf[key] = v
    }
  }
  apply(doc, file)
  const include = stringKey(doc, 'include', file)
  if (include) {
    const pattern = isAbsolute(include) ? include : resolve(dirname(file), include)
    let files: string[]
    try {
      files = glob(pattern)
    } catch (error) {
      if (!(error instanceof GlobPatternError)) throw error
      throw new ConfigError(`invalid config ${file}: \`include\` pattern ${JSON.stringify(include)}: ${error.message}`, {
        hint: 'fix the glob: `*`, `?` and character classes like [a-z] are supported',
      })
    }
    for (const inc of files) {
      const d = readToml(inc)
      apply(d, inc)
      conf.docs.push({file: inc, doc: d})
    }
  }
  return conf
}

export interface SettingsInput {
  /** --conf; undefined = the agent default path */
  conf?: string
  /** --apibase */
  apibase?: string
}

export interface Settings {
  apiKey?: string
  apiBase: string
  /** directory holding the agent's `id` file */
  root: string
  confPath: string
  /** the config path was given (--conf), not the agent default */
  confExplicit: boolean
  /** the loaded config, when the file exists and parsed */
  conf?: AgentConfig
  /** why the config could not be used (missing explicit file, unreadable, invalid) */
  confError?: ConfigError
}

/**
 * Resolves settings without throwing: problems with the config file end up in `confError`, so that
 * `wrap` can log them and run the job anyway. Other commands call `requireApiKey()`, which throws.
 */
export function resolveSettings(input: SettingsInput, env: NodeJS.ProcessEnv = process.env): Settings {
  const confPath = input.conf ?? defaultConfPath()
  let conf: AgentConfig | undefined
  let confError: ConfigError | undefined
  if (input.conf !== undefined || existsSync(confPath)) {
    try {
      conf = loadAgentConfig(confPath)
    } catch (error) {
      confError = error as ConfigError
    }
  }
  const envKey = env.MACKEREL_APIKEY
  const apiKey = envKey ? envKey : conf?.apikey || undefined
  const apiBase = input.apibase || env.MACKEREL_APIBASE || conf?.apibase || DEFAULT_API_BASE
  const root = conf?.root || defaultRoot()
  return {apiKey, apiBase, root, confPath, confExplicit: input.conf !== undefined, conf, confError}
}

/**
 * The config problem a command (not `wrap`, which logs it and runs the job) must stop on, even when
 * MACKEREL_APIKEY is set: a broken config would otherwise be skipped silently and requests would go
 * to another API base than the config's. Always for an explicit --conf. For the agent's default path
 * too (invalid TOML, not a regular file, a bad include), except a permission error when the key
 * comes from the environment: the agent config is commonly root-only, and `MACKEREL_APIKEY=… mkr`
 * as another user is the normal way around it (mkr ignores the file then too).
 */
export function fatalConfigError(s: Settings): ConfigError | undefined {
  const e = s.confError
  if (!e) return undefined
  if (!s.confExplicit && s.apiKey && (e.fsCode === 'EACCES' || e.fsCode === 'EPERM')) return undefined
  return e
}

/** The API key, or a ConfigError that names both ways to set it (and the config problem, if any). */
export function requireApiKey(s: Settings): string {
  if (s.apiKey) return s.apiKey
  if (s.confError) throw s.confError
  throw new ConfigError('no API key: MACKEREL_APIKEY is not set and no `apikey` is in ' + s.confPath, {
    hint: "export MACKEREL_APIKEY='<your API key>' or set apikey in the agent config (--conf FILE)",
  })
}

/**
 * `text` (a URL, or what was meant as one) with any user name and password replaced by `***`, so an
 * error message never echoes a credential written into a URL.
 */
export function redactUserinfo(text: string): string {
  return text.replace(/(\/\/|^)([^/?#\s]*)@/g, (m, pre: string) => `${pre}***@`)
}

/**
 * Checks the API base: an http(s) URL without user name or password; plain http only for loopback
 * (else a warning is returned).
 */
export function checkApiBase(apiBase: string): {url: URL; warning?: string} {
  const shown = escapeControl(redactUserinfo(apiBase))
  let url: URL
  try {
    url = new URL(apiBase)
  } catch {
    throw new ConfigError(`invalid API base URL: ${shown}`, {hint: 'use e.g. --apibase https://api.mackerelio.com'})
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(`invalid API base URL: ${shown}: scheme must be https or http`)
  if (url.username || url.password)
    throw new ConfigError(`invalid API base URL: ${shown}: a user name or password in the URL is not supported`, {
      hint: 'the API key is sent in the X-Api-Key header: remove the `user:password@` part',
    })
  let warning: string | undefined
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    warning = `the API base ${url.origin} is plain http: the API key is sent unencrypted`
  return {url, warning}
}

/** Reads the agent's host id from `<root>/id`. */
export function readHostId(root: string): string {
  const file = join(root, 'id')
  let text: string
  try {
    text = readRegularFile(file)
  } catch (error) {
    const e = error as NodeJS.ErrnoException & {reason?: string}
    const why = e.reason ?? fsReason(e)
    throw new ConfigError(`cannot read host id from ${file}: ${why}`, {
      hint: 'give the host id as an argument, e.g. `mkr status HOSTID`',
    })
  }
  const id = text.trim()
  if (!id) throw new ConfigError(`host id file ${file} is empty`, {hint: 'give the host id as an argument, e.g. `mkr status HOSTID`'})
  return id
}
