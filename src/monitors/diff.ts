// Text of `mkr monitors diff` (reference/mkr-compat.md §4.4): the Summary line, a blank line, then
// one block per modified pair (gojsondiff's ASCII format: keys sorted, 2-space indent after a
// one-character marker, the block closed by `},`), one `-` block per monitor only on the "from"
// side and one `+` block per monitor only on the "to" side.
//
// Deliberate differences from gojsondiff, which mkr uses: strings are printed JSON-escaped (it
// prints them raw, so a newline in an expression broke the marker column); array changes come from
// a plain longest-common-subsequence walk, so moved or inserted elements are always shown (it
// silently dropped some of them).
import type {Palette} from '../output/color.js'
import {alignPair, alignZeroValues, jsonEqual, withoutId, type MatchResult} from './match.js'
import {isPlainObject, type Json, type Monitor} from './types.js'

export type Marker = ' ' | '-' | '+'
export interface DiffLine {
  marker: Marker
  /** the line after the marker (indentation included) */
  text: string
}

class Formatter {
  readonly lines: DiffLine[] = []
  private depth = 0
  private readonly sizes: number[] = []
  private readonly inArray: boolean[] = []

  private line(marker: Marker, text: string): void {
    this.lines.push({marker, text: '  '.repeat(this.depth) + text})
  }

  private push(size: number, array: boolean): void {
    this.depth++
    this.sizes.push(size)
    this.inArray.push(array)
  }

  private pop(): void {
    this.depth--
    this.sizes.pop()
    this.inArray.pop()
  }

  /** gojsondiff's comma: one left-side item fewer to go; a comma while some remain */
  private comma(): string {
    const top = this.sizes.length - 1
    this.sizes[top]--
    return this.sizes[top] > 0 ? ',' : ''
  }

  private key(name: string): string {
    return this.inArray[this.inArray.length - 1] ? '' : `${JSON.stringify(name)}: `
  }

  object(left: Monitor, right: Monitor): void {
    this.line(' ', '{')
    this.push(Object.keys(left).length, false)
    this.objectBody(left as {[k: string]: Json}, right as {[k: string]: Json})
    this.pop()
    this.line(' ', '}')
  }

  private print(name: string, value: Json, marker: Marker): void {
    if (isPlainObject(value) || Array.isArray(value)) {
      const array = Array.isArray(value)
      this.line(marker, this.key(name) + (array ? '[' : '{'))
      const entries: [string, Json][] = array ? value.map((v) => ['', v]) : sortedKeys(value).map((k) => [k, value[k]])
      this.push(entries.length, array)
      for (const [k, v] of entries) this.print(k, v, marker)
      this.pop()
      this.line(marker, (array ? ']' : '}') + this.comma())
      return
    }
    const key = this.key(name)
    this.line(marker, key + JSON.stringify(value) + this.comma())
  }

  /** a value present on both sides */
  private changed(name: string, l: Json, r: Json): void {
    if (jsonEqual(l, r)) return this.print(name, l, ' ')
    if (isPlainObject(l) && isPlainObject(r)) {
      this.line(' ', this.key(name) + '{')
      this.push(Object.keys(l).length, false)
      this.objectBody(l, r)
      this.pop()
      this.line(' ', '}' + this.comma())
      return
    }
    if (Array.isArray(l) && Array.isArray(r)) {
      this.line(' ', this.key(name) + '[')
      this.push(l.length, true)
      this.arrayBody(l, r)
      this.pop()
      this.line(' ', ']' + this.comma())
      return
    }
    // replaced value: old and new share one slot of the count
    const top = this.sizes.length - 1
    const saved = this.sizes[top]
    this.print(name, l, '-')
    this.sizes[top] = saved
    this.print(name, r, '+')
  }

  private objectBody(l: {[k: string]: Json}, r: {[k: string]: Json}): void {
    for (const k of sortedKeys(l)) {
      if (Object.hasOwn(r, k) && r[k] !== undefined) this.changed(k, l[k], r[k])
      else this.print(k, l[k], '-')
    }
    for (const k of sortedKeys(r)) if (!Object.hasOwn(l, k) || l[k] === undefined) this.print(k, r[k], '+')
  }

  private arrayBody(l: Json[], r: Json[]): void {
    const anchors = [...lcs(l, r), [l.length, r.length] as const]
    let li = 0
    let rj = 0
    for (const [ai, aj] of anchors) {
      const dels = l.slice(li, ai)
      const adds = r.slice(rj, aj)
      const paired = Math.min(dels.length, adds.length)
      for (let t = 0; t < paired; t++) this.changed('', dels[t], adds[t])
      for (const d of dels.slice(paired)) this.print('', d, '-')
      adds.slice(paired).forEach((a, t) => {
        const rightIndex = rj + paired + t
        this.print('', a, '+')
        // gojsondiff: an element added before the end of the old array does not use up a slot
        if (rightIndex < l.length) this.sizes[this.sizes.length - 1]++
      })
      if (ai < l.length) this.print('', l[ai], ' ')
      li = ai + 1
      rj = aj + 1
    }
  }
}

function sortedKeys(o: {[k: string]: Json | undefined}): string[] {
  // Go's sort.Strings: byte order, which for these keys equals UTF-16 code unit order
  return Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** Index pairs of a longest common subsequence (JSON equality). */
function lcs(a: Json[], b: Json[]): (readonly [number, number])[] {
  const n = a.length
  const m = b.length
  const t: number[][] = Array.from({length: n + 1}, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) t[i][j] = jsonEqual(a[i], b[j]) ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1])
  const out: [number, number][] = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (jsonEqual(a[i], b[j])) {
      out.push([i, j])
      i++
      j++
    } else if (t[i + 1][j] >= t[i][j + 1]) i++
    else j++
  }
  return out
}

/**
 * The block for a modified pair, `from` -> `to` (the top-level id is ignored on both sides, and a
 * zero value or the API default on one side equals absence on the other). The last line carries mkr's `,`.
 */
export function modifiedBlock(from: Monitor, to: Monitor): DiffLine[] {
  const [l, r] = alignZeroValues(withoutId(from), withoutId(to))
  const f = new Formatter()
  f.object(l, r)
  const lines = f.lines
  lines[lines.length - 1] = {...lines[lines.length - 1], text: lines[lines.length - 1].text + ','}
  return lines
}

/** A whole monitor, 2-space JSON, every line marked, closed by `},` (mkr's stringifyMonitor). */
export function monitorBlock(m: Monitor, marker: Marker): DiffLine[] {
  const lines = JSON.stringify(m, null, 2).split('\n')
  lines[lines.length - 1] += ','
  return lines.map((text) => ({marker, text}))
}

export function renderLines(lines: DiffLine[], p?: Palette): string {
  let out = ''
  for (const {marker, text} of lines) {
    const s = marker + text
    out += (p ? (marker === '-' ? p.red(s) : marker === '+' ? p.green(s) : s) : s) + '\n'
  }
  return out
}

export interface DiffReport {
  modify: number
  append: number
  remove: number
  blocks: DiffLine[][]
}

/** Default: `-` is Mackerel, `+` the file (what push would do). `reverse` swaps both. */
export function diffReport(m: MatchResult, opts: {reverse?: boolean} = {}): DiffReport {
  const remoteOnly = m.onlyRemote
  const localOnly = m.onlyLocal.map((l) => l.monitor)
  const from = opts.reverse ? localOnly : remoteOnly
  const to = opts.reverse ? remoteOnly : localOnly
  const blocks: DiffLine[][] = [
    ...m.modified.map((p) => {
      const [remote, local] = alignPair(p.remote, p.local)
      return opts.reverse ? modifiedBlock(local, remote) : modifiedBlock(remote, local)
    }),
    ...from.map((x) => monitorBlock(x, '-')),
    ...to.map((x) => monitorBlock(x, '+')),
  ]
  return {modify: m.modified.length, append: to.length, remove: from.length, blocks}
}

/** The whole stdout of `mkr monitors diff`. */
export function renderDiffReport(r: DiffReport, p?: Palette): string {
  let out = `Summary: ${r.modify} modify, ${r.append} append, ${r.remove} remove\n\n`
  for (const b of r.blocks) out += renderLines(b, p)
  return out
}
