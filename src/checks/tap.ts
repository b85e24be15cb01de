// One check's result as mkr's TAP (reference/mkr-compat.md §5.7): `ok N - name` or `not ok N - name`,
// then a YAML block (yaml.v2's text, indented by two spaces) between `  ---` and `  ...`.
import {escapeControl} from '../output/sanitize.js'
import type {CheckDef} from './config.js'
import type {CheckResult} from './exec.js'
import {marshalMapping, type YamlValue} from './yaml.js'

/** The agent's status names for a check's exit code (anything but 0–2 is UNKNOWN). */
export function statusOf(exitCode: number): 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN' {
  return exitCode === 0 ? 'OK' : exitCode === 1 ? 'WARNING' : exitCode === 2 ? 'CRITICAL' : 'UNKNOWN'
}

/** ok = exit code 0 and no error (a WARNING counts as a failure, as in mkr). */
export function passed(r: CheckResult): boolean {
  return r.exitCode === 0 && !r.error
}

// Go's unicode.IsSpace, which strings.TrimSpace uses (JavaScript's trim() differs: it trims U+FEFF,
// not U+0085)
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g')
export const goTrimSpace = (s: string) => s.replace(GO_TRIM, '')

/** The TAP lines of one result, numbered `num`, ending with a newline. */
export function tapEntry(num: number, def: CheckDef, r: CheckResult): string {
  const entries: Array<[string, YamlValue]> = []
  if (def.memo) entries.push(['memo', def.memo])
  entries.push(['command', {flow: typeof def.command === 'string' ? [def.command] : def.command}])
  entries.push(['status', statusOf(r.exitCode)])
  const stdout = goTrimSpace(r.stdout)
  const stderr = goTrimSpace(r.stderr)
  if (stdout) entries.push(['stdout', stdout])
  if (stderr) entries.push(['stderr', stderr])
  if (r.exitCode !== 0) entries.push(['exitCode', r.exitCode])
  if (r.error) entries.push(['error', r.error])
  const yaml = '  ' + goTrimSpace(marshalMapping(entries)).replaceAll('\n', '\n  ')
  // a name is a TOML key: anything may be in it, but a newline would break the TAP stream
  return `${passed(r) ? 'ok' : 'not ok'} ${num} - ${escapeControl(def.name)}\n  ---\n${yaml}\n  ...\n`
}
