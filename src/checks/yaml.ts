// The YAML that `mkr checks run` prints under each TAP line: mkr marshals a flat struct with Go's
// gopkg.in/yaml.v2 (v2.4.0), and scripts or TAP consumers may compare that text, so this emits the
// same bytes for the shapes we need (a block mapping of string keys to strings, ints and one flow
// sequence of strings): yaml.v2's choice of scalar style (plain, single-quoted, double-quoted,
// literal), its escapes and its folding of long lines at 80 columns. Written from the YAML 1.1
// rules libyaml's emitter follows; test/checks/yaml.test.ts pins the cases.

/** A value of the mapping: a string, an integer, or a flow sequence of strings. */
export type YamlValue = string | number | {flow: string[]}

const BEST_WIDTH = 80
const BEST_INDENT = 2

// Go's strconv.ParseFloat on what yaml.v2 calls a YAML-style float
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2}))|(?: [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?))?$/

// words yaml.v2 reads as booleans, null, special floats or the merge key when unquoted
const NOT_STRINGS = new Set(
  'y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF <<'.split(
    ' ',
  ),
)

/** Whether yaml.v2 would read `s`, written without quotes, as something other than this string. */
function resolvesToNonString(s: string): boolean {
  if (s === '') return true // null
  const c = s[0]
  if (!/[-+0-9.yYnNtTfFoO~<]/.test(c)) return false
  if (NOT_STRINGS.has(s)) return true
  if (c === '.') return YAML_FLOAT.test(s)
  if (!/[-+0-9]/.test(c)) return false
  if (TIMESTAMP.test(s)) return true
  const plain = s.replaceAll('_', '')
  if (GO_INT.test(plain) || YAML_FLOAT.test(plain)) return true
  return /^-?0b[01]+$/.test(plain)
}

// character classes of libyaml, by code point
const isBreak = (c: number) => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029
const isSpace = (c: number) => c === 0x20
const isBlank = (c: number) => c === 0x20 || c === 0x09
const isPrintable = (c: number) =>
  c === 0x0a ||
  (c >= 0x20 && c <= 0x7e) ||
  (c >= 0xa0 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) // 4-byte UTF-8 (emoji) is not "printable" to libyaml

interface Analysis {
  multiline: boolean
  flowPlain: boolean
  blockPlain: boolean
  singleQuoted: boolean
  block: boolean
}

function analyze(cps: number[]): Analysis {
  if (cps.length === 0) return {multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false}
  let blockIndicators = false
  let flowIndicators = false
  let lineBreaks = false
  let special = false
  let leadingSpace = false
  let leadingBreak = false
  let trailingSpace = false
  let trailingBreak = false
  let breakSpace = false
  let spaceBreak = false
  let previousSpace = false
  let previousBreak = false
  const str = String.fromCodePoint(...cps.slice(0, 3))
  if (str === '---' || str === '...') blockIndicators = flowIndicators = true
  let precededByWhitespace = true
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]
    const ch = String.fromCodePoint(c)
    const followedByWhitespace = i + 1 >= cps.length || isBlank(cps[i + 1]) || isBreak(cps[i + 1])
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowIndicators = blockIndicators = true
      else if (ch === '?' || ch === ':') {
        flowIndicators = true
        if (followedByWhitespace) blockIndicators = true
      } else if (ch === '-' && followedByWhitespace) flowIndicators = blockIndicators = true
    } else if (',?[]{}'.includes(ch)) flowIndicators = true
    else if (ch === ':') {
      flowIndicators = true
      if (followedByWhitespace) blockIndicators = true
    } else if (ch === '#' && precededByWhitespace) flowIndicators = blockIndicators = true
    if (!isPrintable(c)) special = true
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true
      if (i === cps.length - 1) trailingSpace = true
      if (previousBreak) breakSpace = true
      previousSpace = true
      previousBreak = false
    } else if (isBreak(c)) {
      lineBreaks = true
      if (i === 0) leadingBreak = true
      if (i === cps.length - 1) trailingBreak = true
      if (previousSpace) spaceBreak = true
      previousSpace = false
      previousBreak = true
    } else {
      previousSpace = previousBreak = false
    }
    precededByWhitespace = isBlank(c) || isBreak(c) || c === 0
  }
  const a: Analysis = {multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, block: true}
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false
  if (trailingSpace) a.block = false
  if (breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false
  if (spaceBreak || special) a.flowPlain = a.blockPlain = a.singleQuoted = a.block = false
  if (lineBreaks) a.flowPlain = a.blockPlain = false
  if (flowIndicators) a.flowPlain = false
  if (blockIndicators) a.blockPlain = false
  return a
}

type Style = 'plain' | 'single' | 'double' | 'literal'

/** libyaml's emitter state for one document: where the cursor is, and what was last written. */
class Emitter {
  out = ''
  column = 0
  indent = 0
  whitespace = true
  indention = true
  flowLevel = 0

  put(s: string): void {
    this.out += s
    this.column += [...s].length
  }
  putBreak(): void {
    this.out += '\n'
    this.column = 0
  }
  writeIndent(): void {
    const indent = Math.max(this.indent, 0)
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak()
    while (this.column < indent) this.put(' ')
    this.whitespace = this.indention = true
  }
  indicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ')
    this.put(s)
    this.whitespace = isWhitespace
    this.indention = this.indention && isIndention
  }

  /** A string scalar, with yaml.v2's choice of style. `simpleKey`: a mapping key. */
  string(s: string, simpleKey = false): void {
    const cps = [...s].map((ch) => ch.codePointAt(0)!)
    const a = analyze(cps)
    let style: Style = s.includes('\n') ? 'literal' : resolvesToNonString(s) || BASE60_FLOAT.test(s) ? 'double' : 'plain'
    if (simpleKey && a.multiline) style = 'double'
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.flowPlain) || (this.flowLevel === 0 && !a.blockPlain)) style = 'single'
      if (cps.length === 0 && (this.flowLevel > 0 || simpleKey)) style = 'single'
    }
    if (style === 'single' && !a.singleQuoted) style = 'double'
    if (style === 'literal' && (!a.block || this.flowLevel > 0 || simpleKey)) style = 'double'
    this.scalar(cps, style, !simpleKey)
  }

  /** Writes a scalar in `style`, one indentation level deeper for its continuation lines. */
  scalar(cps: number[], style: Style, allowBreaks: boolean): void {
    const saved = this.indent
    this.indent = this.indent < 0 ? (this.flowLevel > 0 ? BEST_INDENT : 0) : this.indent + BEST_INDENT
    if (style === 'plain') this.plain(cps, allowBreaks)
    else if (style === 'single') this.singleQuoted(cps, allowBreaks)
    else if (style === 'double') this.doubleQuoted(cps, allowBreaks)
    else this.literal(cps)
    this.indent = saved
  }

  plain(cps: number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ')
    let spaces = false
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i]
      if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpace(cps[i + 1] ?? 0)) this.writeIndent()
        else this.put(' ')
        spaces = true
      } else {
        this.put(String.fromCodePoint(c))
        this.indention = false
        spaces = false
      }
    }
    this.whitespace = this.indention = false
  }

  singleQuoted(cps: number[], allowBreaks: boolean): void {
    this.indicator("'", true, false, false)
    let spaces = false
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i]
      if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < cps.length - 1 && !isSpace(cps[i + 1])) this.writeIndent()
        else this.put(' ')
        spaces = true
      } else {
        // (no line breaks reach here: a string with one is literal or double-quoted)
        if (c === 0x27) this.put("'")
        this.put(String.fromCodePoint(c))
        this.indention = false
        spaces = false
      }
    }
    this.indicator("'", false, false, false)
    this.whitespace = this.indention = false
  }

  doubleQuoted(cps: number[], allowBreaks: boolean): void {
    this.indicator('"', true, false, false)
    let spaces = false
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i]
      if (!isPrintable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put('\\' + escapeFor(c))
        spaces = false
      } else if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== cps.length - 1) {
          this.writeIndent()
          if (isSpace(cps[i + 1] ?? 0)) this.put('\\')
        } else this.put(' ')
        spaces = true
      } else {
        this.put(String.fromCodePoint(c))
        spaces = false
      }
    }
    this.indicator('"', false, false, false)
    this.whitespace = this.indention = false
  }

  literal(cps: number[]): void {
    this.indicator('|', true, false, false)
    // block scalar hints: an indentation indicator when the text starts with a space or a break,
    // and the chomping indicator from its ending
    if (isSpace(cps[0]) || isBreak(cps[0])) this.indicator(String(BEST_INDENT), false, false, false)
    const n = cps.length
    let chomp = ''
    if (n === 0 || !isBreak(cps[n - 1])) chomp = '-'
    else if (n === 1 || isBreak(cps[n - 2])) chomp = '+'
    if (chomp) this.indicator(chomp, false, false, false)
    this.putBreak()
    this.indention = this.whitespace = true
    let breaks = true
    for (const c of cps) {
      if (isBreak(c)) {
        if (c === 0x0a) this.putBreak()
        else {
          this.out += String.fromCodePoint(c)
          this.column = 0
        }
        this.indention = breaks = true
      } else {
        if (breaks) this.writeIndent()
        this.put(String.fromCodePoint(c))
        this.indention = breaks = false
      }
    }
  }
}

function escapeFor(c: number): string {
  const named: Record<number, string> = {
    0x00: '0',
    0x07: 'a',
    0x08: 'b',
    0x09: 't',
    0x0a: 'n',
    0x0b: 'v',
    0x0c: 'f',
    0x0d: 'r',
    0x1b: 'e',
    0x22: '"',
    0x5c: '\\',
    0x85: 'N',
    0xa0: '_',
    0x2028: 'L',
    0x2029: 'P',
  }
  if (named[c] !== undefined) return named[c]
  const hex = c.toString(16).toUpperCase()
  if (c <= 0xff) return 'x' + hex.padStart(2, '0')
  if (c <= 0xffff) return 'u' + hex.padStart(4, '0')
  return 'U' + hex.padStart(8, '0')
}

/**
 * A block mapping as yaml.v2's Marshal writes it (keys in the order given, `undefined` values left
 * out by the caller), ending with a newline.
 */
export function marshalMapping(entries: Array<[string, YamlValue]>): string {
  const e = new Emitter()
  for (const [key, value] of entries) {
    e.indent = 0
    e.writeIndent()
    e.string(key, true)
    e.indicator(':', false, false, false)
    if (typeof value === 'number') e.scalar([...String(value)].map((ch) => ch.codePointAt(0)!), 'plain', true)
    else if (typeof value === 'string') e.string(value)
    else {
      e.indicator('[', true, true, false)
      e.indent = BEST_INDENT
      e.flowLevel++
      value.flow.forEach((item, i) => {
        if (i > 0) e.indicator(',', false, false, false)
        if (e.column > BEST_WIDTH) e.writeIndent()
        e.string(item)
      })
      e.flowLevel--
      e.indent = 0
      e.indicator(']', false, false, false)
    }
  }
  e.writeIndent()
  return e.out
}
