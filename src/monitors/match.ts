// Pairs remote monitors with the rules of the file, as mkr does (reference/mkr-compat.md §4.3):
// for each remote monitor in API order, the first unused local rule (file order) that is identical,
// has the same id, or - only when the local rule has no id and names are unique on both sides - has
// the same name. Unpaired remote monitors are "remove", unpaired local rules "append".
import {describeMonitor, isPlainObject, type Json, type Monitor} from './types.js'

/** JSON equality: key order does not matter, array order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((v, i) => jsonEqual(v, b[i]))
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false
    const ka = Object.keys(a).filter((k) => a[k] !== undefined)
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined)
    if (ka.length !== kb.length) return false
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], (b as Record<string, unknown>)[k]))
  }
  return false
}

/** Go's zero values, which mkr's `omitempty` struct fields never write. */
export function isZeroValue(v: Json | undefined): boolean {
  return v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0)
}

/**
 * Values the API fills in when a field is left out (reference/mackerel-api.md §3), per type. A rule
 * that leaves such a field out gets exactly this value, so leaving it out is no difference.
 */
const API_DEFAULTS: Record<string, Record<string, Json>> = {
  host: {maxCheckAttempts: 1},
  service: {maxCheckAttempts: 1},
  external: {maxCheckAttempts: 1, method: 'GET'},
  connectivity: {name: 'connectivity', alertStatusOnGone: 'CRITICAL'},
  expression: {evaluateBackwardMinutes: 2},
  anomalyDetection: {maxCheckAttempts: 3},
  query: {evaluateBackwardMinutes: 0},
}

/**
 * Files written by the Go mkr leave out zero values (`"isMute": false`, `"scopes": []`, ...), hand
 * written files leave out defaults, and sending them or leaving them out means the same to the API.
 * So, at the top level, a field present on one side only is no difference when its value is a zero
 * value or the API's default for the type: it is dropped from that side. Everything else is compared
 * as it is.
 */
export function alignZeroValues(a: Monitor, b: Monitor): [Monitor, Monitor] {
  const type = typeof a.type === 'string' ? a.type : typeof b.type === 'string' ? b.type : ''
  const defaults = Object.hasOwn(API_DEFAULTS, type) ? API_DEFAULTS[type] : {}
  const trim = (x: Monitor, other: Monitor): Monitor => {
    let out: Monitor | undefined
    for (const k of Object.keys(x)) {
      if (Object.hasOwn(other, k) && other[k] !== undefined) continue
      if (isZeroValue(x[k]) || (Object.hasOwn(defaults, k) && jsonEqual(x[k], defaults[k]))) {
        out ??= {...x}
        delete out[k]
      }
    }
    return out ?? x
  }
  return [trim(a, b), trim(b, a)]
}

export function withoutId(m: Monitor): Monitor {
  if (!Object.hasOwn(m, 'id')) return m
  const {id: _id, ...rest} = m
  return rest
}

function hasId(m: Monitor): m is Monitor & {id: string} {
  return typeof m.id === 'string' && m.id !== ''
}

function nameOf(m: Monitor): string | undefined {
  return typeof m.name === 'string' && m.name !== '' ? m.name : undefined
}

/**
 * The rule a file asks for, given the remote monitor it is paired with: the file's fields, plus, for
 * every top-level key the file leaves out, the value Mackerel holds. The file does not manage what it
 * leaves out (a file written by the Go mkr knows fewer fields than the API returns), and a PUT
 * replaces the whole monitor, so an update keeps those values by sending them back. The remote id
 * is never merged in.
 */
export function mergeRemote(remote: Monitor, local: Monitor): Monitor {
  let out: Monitor | undefined
  for (const k of Object.keys(remote)) {
    if (k === 'id' || remote[k] === undefined) continue
    if (Object.hasOwn(local, k) && local[k] !== undefined) continue
    out ??= {...local}
    out[k] = remote[k]
  }
  return out ?? local
}

/**
 * A paired remote monitor and file rule, ready to compare or show: ids dropped, keys the file leaves
 * out taken from Mackerel (no difference), and fields only the file has dropped when they hold a
 * zero value or the API default (no difference either). Returns [remote, local].
 */
export function alignPair(remote: Monitor, local: Monitor): [Monitor, Monitor] {
  return alignZeroValues(withoutId(remote), withoutId(mergeRemote(remote, local)))
}

/** The two rules differ in more than the top-level id, keys the file leaves out, and zero values vs. absence. */
export function differs(remote: Monitor, local: Monitor): boolean {
  const [r, l] = alignPair(remote, local)
  return !jsonEqual(r, l)
}

export interface Pair {
  remote: Monitor
  local: Monitor
  /** position of the local rule in the file */
  index: number
}

export interface LocalRule {
  monitor: Monitor
  index: number
}

export interface MatchResult {
  /** paired and different: "modify" */
  modified: Pair[]
  /** paired and equal */
  unchanged: Pair[]
  /** remote monitors no rule of the file claims: "remove" */
  onlyRemote: Monitor[]
  /** rules of the file that match no remote monitor: "append" */
  onlyLocal: LocalRule[]
  /** names were unique on both sides, so id-less rules were matched by name */
  nameMatching: boolean
  /** names used more than once (only non-empty names count) */
  duplicateNames: {local: string[]; remote: string[]}
  /** unpaired local rules that carry an id the remote side does not have (another organization?) */
  foreignIds: LocalRule[]
}

function duplicates(list: Monitor[]): string[] {
  const seen = new Set<string>()
  const dup = new Set<string>()
  for (const m of list) {
    const n = nameOf(m)
    if (n === undefined) continue
    if (seen.has(n)) dup.add(n)
    seen.add(n)
  }
  return [...dup]
}

export function matchMonitors(remote: Monitor[], local: Monitor[]): MatchResult {
  const duplicateNames = {local: duplicates(local), remote: duplicates(remote)}
  const nameMatching = duplicateNames.local.length === 0 && duplicateNames.remote.length === 0
  const used = new Array<boolean>(local.length).fill(false)
  const result: MatchResult = {
    modified: [],
    unchanged: [],
    onlyRemote: [],
    onlyLocal: [],
    nameMatching,
    duplicateNames,
    foreignIds: [],
  }
  // mkr scans the file for each remote monitor and takes the first unused rule that is identical,
  // has the same id, or (name matching) has no id and the same name. An identical rule has the same
  // id, so the first two collapse into "same id"; indexes by id and by name give the same first hit
  // without comparing every pair (files of thousands of rules stay fast).
  const byId = new Map<string, number[]>()
  const byName = new Map<string, number[]>()
  local.forEach((l, i) => {
    const key = hasId(l) ? l.id : nameMatching ? nameOf(l) : undefined
    if (key === undefined) return
    const index = hasId(l) ? byId : byName
    const list = index.get(key)
    if (list) list.push(i)
    else index.set(key, [i])
  })
  const firstUnused = (list: number[] | undefined) => list?.find((i) => !used[i])
  for (const r of remote) {
    const a = typeof r.id === 'string' ? firstUnused(byId.get(r.id)) : undefined
    const name = nameOf(r)
    const b = name !== undefined ? firstUnused(byName.get(name)) : undefined
    const i = a === undefined ? b : b === undefined ? a : Math.min(a, b)
    if (i === undefined) {
      result.onlyRemote.push(r)
      continue
    }
    used[i] = true
    const pair = {remote: r, local: local[i], index: i}
    if (differs(r, local[i])) result.modified.push(pair)
    else result.unchanged.push(pair)
  }
  const remoteIds = new Set(remote.map((r) => r.id))
  local.forEach((l, i) => {
    if (used[i]) return
    result.onlyLocal.push({monitor: l, index: i})
    if (hasId(l) && !remoteIds.has(l.id)) result.foreignIds.push({monitor: l, index: i})
  })
  return result
}

/** Warnings worth printing before a diff or a push (empty when there is nothing to say). */
export function matchWarnings(m: MatchResult, file: string): string[] {
  const out: string[] = []
  if (!m.nameMatching && m.onlyLocal.some((l) => !hasId(l.monitor))) {
    const where = [
      m.duplicateNames.local.length ? `${file} (${m.duplicateNames.local.map((n) => JSON.stringify(n)).join(', ')})` : '',
      m.duplicateNames.remote.length ? `Mackerel (${m.duplicateNames.remote.map((n) => JSON.stringify(n)).join(', ')})` : '',
    ]
      .filter(Boolean)
      .join(' and in ')
    out.push(
      `monitor names are not unique in ${where}: rules without an "id" are not matched by name, so they count as new rules`,
    )
  }
  if (m.foreignIds.length > 0) {
    const n = m.foreignIds.length
    const sample = m.foreignIds
      .slice(0, 3)
      .map((l) => `monitors[${l.index}] ${describeMonitor(l.monitor)}`)
      .join(', ')
    out.push(
      `${n} rule${n === 1 ? '' : 's'} in ${file} ${n === 1 ? 'has an id' : 'have ids'} that this organization does not have ` +
        `(${sample}${n > 3 ? ', …' : ''}): they count as new rules. Was the file pulled from another organization?`,
    )
  }
  return out
}
