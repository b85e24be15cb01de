// Where credentials, API base and host id come from (mkr-compatible, see reference/mkr-compat.md §1.1):
//   API key:  MACKEREL_APIKEY (non-empty) > `apikey` in the agent config
//   API base: --apibase > MACKEREL_APIBASE > config `apibase` > https://api.mackerelio.com
//   host id:  argument / --host > <root>/id   (root: config `root`, else the agent default)
// The agent config is TOML (mackerel-agent.conf), parsed with smol-toml; `include` globs are merged in.
import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, isAbsolute, join, resolve} from 'node:path'
import {parse as parseToml} from 'smol-toml'
import {ConfigError, fsReason} from '../errors.js'
import {glob} from './glob.js'

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
  /** the merged TOML document (keys as written) */
  raw: Record<string, unknown>
}

/** Case-insensitive key lookup, as the agent's TOML decoder matches keys. */
function pick(doc: Record<string, unknown>, key: string): unknown {
  for (const [k, v] of Object.entries(doc)) if (k.toLowerCase() === key) return v
  return undefined
}

function readToml(file: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    const why = fsReason(e)
    throw new ConfigError(`cannot read config ${file}: ${why}`, {
      hint: e.code === 'EACCES' ? 'run as a user that can read it, or set MACKEREL_APIKEY' : undefined,
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
  const conf: AgentConfig = {file, raw: doc}
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
    for (const inc of glob(pattern)) {
      const d = readToml(inc)
      apply(d, inc)
      conf.raw = {...conf.raw, ...d}
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
  return {apiKey, apiBase, root, confPath, conf, confError}
}

/** The API key, or a ConfigError that names both ways to set it (and the config problem, if any). */
export function requireApiKey(s: Settings): string {
  if (s.apiKey) return s.apiKey
  if (s.confError && !process.env.MACKEREL_APIKEY) throw s.confError
  throw new ConfigError('no API key: MACKEREL_APIKEY is not set and no `apikey` is in ' + s.confPath, {
    hint: "export MACKEREL_APIKEY='<your API key>' or set apikey in the agent config (--conf FILE)",
  })
}

/** Checks the API base: an http(s) URL; plain http only for loopback (else a warning is returned). */
export function checkApiBase(apiBase: string): {url: URL; warning?: string} {
  let url: URL
  try {
    url = new URL(apiBase)
  } catch {
    throw new ConfigError(`invalid API base URL: ${apiBase}`, {hint: 'use e.g. --apibase https://api.mackerelio.com'})
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(`invalid API base URL: ${apiBase}: scheme must be https or http`)
  if (url.username || url.password) url.username = url.password = ''
  let warning: string | undefined
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host)
  if (url.protocol === 'http:' && !loopback)
    warning = `the API base ${url.origin} is plain http: the API key is sent unencrypted`
  return {url, warning}
}

/** Reads the agent's host id from `<root>/id`. */
export function readHostId(root: string): string {
  const file = join(root, 'id')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    const why = fsReason(e)
    throw new ConfigError(`cannot read host id from ${file}: ${why}`, {
      hint: 'give the host id as an argument, e.g. `mkr status HOSTID`',
    })
  }
  const id = text.trim()
  if (!id) throw new ConfigError(`host id file ${file} is empty`, {hint: 'give the host id as an argument, e.g. `mkr status HOSTID`'})
  return id
}
