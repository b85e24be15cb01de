// Building the API client from resolved settings: the one place that checks the key and the API base,
// applies the MKR_HTTP_TIMEOUT / MKR_HTTP_BUDGET overrides and wires DEBUG retry lines. Every command
// (BaseCommand.api) and `mkr wrap` get their client here.
import {checkApiBase, requireApiKey, type Settings} from '../config/index.js'
import {ConfigError} from '../errors.js'
import {ApiClient, type ClientOptions} from './client.js'

/** A positive number of seconds from the environment, in ms (undefined when unset). */
function envSeconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name]
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number of seconds, got ${JSON.stringify(v)}`)
  return n * 1000
}

/**
 * The client for `s`; throws a ConfigError when the key is missing or the API base is invalid.
 * `log` receives warnings (plain http to a remote host) and, with DEBUG set, one line per retry.
 */
export function connect(
  s: Settings,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  opts: Pick<ClientOptions, 'onWait'> = {},
): {client: ApiClient; apiBase: string} {
  const apiKey = requireApiKey(s)
  const {url, warning} = checkApiBase(s.apiBase)
  if (warning) log(`warning: ${warning}`)
  const client = new ApiClient({
    apiBase: url.href,
    apiKey,
    attemptTimeoutMs: envSeconds(env, 'MKR_HTTP_TIMEOUT'),
    budgetMs: envSeconds(env, 'MKR_HTTP_BUDGET'),
    onRetry: env.DEBUG ? (r) => log(`debug: ${r.method} ${r.path}: ${r.reason}, retry ${r.attempt} in ${r.delayMs} ms`) : undefined,
    onWait: opts.onWait,
  })
  return {client, apiBase: url.href}
}
