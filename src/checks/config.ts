// The check plugins of an agent config: every `[plugin.checks.<name>]` table, read and checked the way
// mackerel-agent reads them (reference/mkr-compat.md §1.1, §5.7): `command` a string (run by `sh -c`)
// or a non-empty array of strings (exec'd as is), `user`, `env` (a table of strings; a key with `=` is
// an error, keys are trimmed, an empty key is ignored), `timeout_seconds` (0 or absent: 30 s), `memo`
// (cut to 250 characters, with a warning). One bad table makes the whole config fail, as in mkr.
import {loadAgentConfig} from '../config/index.js'
import {ConfigError} from '../errors.js'

export const DEFAULT_TIMEOUT_MS = 30_000
const MEMO_MAX_CHARS = 250

export interface CheckDef {
  name: string
  /** a string is run with `sh -c`; an array is exec'd directly, never through a shell */
  command: string | string[]
  /** run as this user through `sudo -Eu USER` */
  user?: string
  /** added to mkr's own environment (later entries win) */
  env: Array<[string, string]>
  timeoutMs: number
  memo?: string
  /** the file that defined it (for messages) */
  file: string
}

/** Case-insensitive key lookup, as the agent's TOML decoder matches struct fields. */
function pick(doc: Record<string, unknown>, key: string): unknown {
  if (key in doc) return doc[key]
  for (const [k, v] of Object.entries(doc)) if (k.toLowerCase() === key) return v
  return undefined
}

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)

export interface LoadedChecks {
  checks: CheckDef[]
  /** config problems that do not stop the run (a memo cut to 250 characters) */
  warnings: string[]
}

/** Loads the check plugins of the agent config `file` (ConfigError when it or a check is invalid). */
export function loadChecks(file: string): LoadedChecks {
  const byName = new Map<string, CheckDef>()
  const warnings: string[] = []
  for (const {file: f, doc} of loadAgentConfig(file).docs) {
    const plugin = pick(doc, 'plugin')
    if (plugin === undefined) continue
    if (!isTable(plugin)) throw new ConfigError(`invalid config ${f}: \`plugin\` must be a table`)
    const checks = plugin.checks
    if (checks === undefined) continue
    if (!isTable(checks)) throw new ConfigError(`invalid config ${f}: \`plugin.checks\` must be a table of [plugin.checks.NAME] tables`)
    for (const [name, table] of Object.entries(checks)) {
      const def = parseCheck(name, table, f, warnings)
      byName.delete(name) // a later file replaces the check and moves it to its own position
      byName.set(name, def)
    }
  }
  return {checks: [...byName.values()], warnings}
}

function parseCheck(name: string, table: unknown, file: string, warnings: string[]): CheckDef {
  const where = `[plugin.checks.${JSON.stringify(name).slice(1, -1)}]`
  const bad = (what: string, hint?: string) => new ConfigError(`invalid config ${file}: ${where} ${what}`, {hint})
  if (!isTable(table)) throw bad('must be a table')
  const raw = pick(table, 'command')
  let command: string | string[]
  if (typeof raw === 'string') command = raw
  else if (Array.isArray(raw) && raw.length > 0 && raw.every((a) => typeof a === 'string')) command = raw as string[]
  else
    throw bad('`command` must be a string or a non-empty array of strings', 'e.g. command = ["/usr/local/bin/check-procs", "-p", "nginx"]')
  const str = (key: string): string | undefined => {
    const v = pick(table, key)
    if (v === undefined) return undefined
    if (typeof v !== 'string') throw bad(`\`${key}\` must be a string`)
    return v
  }
  const user = str('user') || undefined
  let memo = str('memo') || undefined
  if (memo !== undefined && [...memo].length > MEMO_MAX_CHARS) {
    memo = [...memo].slice(0, MEMO_MAX_CHARS).join('')
    warnings.push(`${where} memo is longer than ${MEMO_MAX_CHARS} characters: cut, as the agent does`)
  }
  const t = pick(table, 'timeout_seconds')
  let timeoutMs = DEFAULT_TIMEOUT_MS
  if (t !== undefined) {
    if (typeof t !== 'number' && typeof t !== 'bigint') throw bad('`timeout_seconds` must be an integer')
    const n = Number(t)
    if (!Number.isInteger(n) || n < 0) throw bad('`timeout_seconds` must be a whole number of seconds, 0 or more (0: 30 s)')
    if (n > 0) timeoutMs = Math.min(n, 2_000_000) * 1000 // setTimeout's limit is ~24.8 days
  }
  const env: Array<[string, string]> = []
  const e = pick(table, 'env')
  if (e !== undefined) {
    if (!isTable(e)) throw bad('`env` must be a table of strings, e.g. env = { LANG = "C" }')
    for (const [k, v] of Object.entries(e)) {
      if (typeof v !== 'string') throw bad(`\`env.${k}\` must be a string`)
      if (k.includes('=')) throw bad(`\`env\`: a key must not contain "=": ${JSON.stringify(k)}`)
      const key = k.replace(/^ +| +$/g, '')
      if (key) env.push([key, v])
    }
  }
  return {name, command, user, env, timeoutMs, memo, file}
}
