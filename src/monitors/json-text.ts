// Strict JSON with positions, for monitors files people edit by hand.
// JSON.parse stays the parser; this scanner only runs beside it to say *where* things are:
// the line/column of a syntax error (Node 20's messages carry at most an offset, sometimes none),
// and the line where each element of the top-level `monitors` array starts (for validation errors).

export interface JsonLocation {
  offset: number
  /** 1-based */
  line: number
  /** 1-based, in characters (code points) */
  column: number
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly location: JsonLocation,
    /** valid JSON, but a key repeated in one object (JSON.parse would silently keep the last) */
    readonly duplicateKey = false,
    /** the other repeated keys of the file, after this one (duplicateKey only) */
    readonly more: JsonSyntaxError[] = [],
  ) {
    super(message)
  }
}

/** Offset -> line/column (1-based; columns count code points, so non-ASCII text lines up). */
export function locate(text: string, offset: number): JsonLocation {
  let line = 1
  let lineStart = 0
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  const column = [...text.slice(lineStart, end)].length + 1
  return {offset, line, column}
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d])

function describeChar(ch: string | undefined): string {
  if (ch === undefined) return 'end of file'
  const cp = ch.codePointAt(0)!
  if (cp < 0x20 || cp === 0x7f) return `control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
  return `'${ch}'`
}

class Scanner {
  pos = 0
  /** offsets where elements of the top-level "monitors" array start */
  readonly elementOffsets: number[] = []

  constructor(private readonly s: string) {}

  fail(message: string, at = this.pos): never {
    throw new JsonSyntaxError(message, locate(this.s, at))
  }

  ws(): void {
    while (this.pos < this.s.length && WS.has(this.s.charCodeAt(this.pos))) this.pos++
    if (this.s[this.pos] === '/' && (this.s[this.pos + 1] === '/' || this.s[this.pos + 1] === '*'))
      this.fail('comments are not allowed in JSON')
  }

  document(): void {
    this.ws()
    this.value(0, false)
    this.ws()
    if (this.pos < this.s.length) this.fail(`unexpected ${describeChar(this.s[this.pos])} after the end of the JSON value`)
  }

  value(depth: number, inMonitors: boolean): void {
    const ch = this.s[this.pos]
    if (ch === undefined) this.fail('unexpected end of file: a value is missing')
    if (ch === '{') return this.object(depth)
    if (ch === '[') return this.array(depth, inMonitors)
    if (ch === '"') return this.string()
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number()
    for (const word of ['true', 'false', 'null']) {
      if (this.s.startsWith(word, this.pos)) {
        this.pos += word.length
        return
      }
    }
    if (ch === "'") this.fail("strings must use double quotes, not '")
    if (ch === ']' || ch === '}') this.fail(`unexpected '${ch}': a value is missing`)
    this.fail(`unexpected ${describeChar(ch)}: expected a value`)
  }

  object(depth: number): void {
    const open = this.pos
    this.pos++ // {
    this.ws()
    if (this.s[this.pos] === '}') {
      this.pos++
      return
    }
    const seen = new Map<string, number>()
    for (;;) {
      const ch = this.s[this.pos]
      if (ch === undefined) this.fail(`unexpected end of file: the object opened at line ${locate(this.s, open).line} is not closed`)
      if (ch !== '"') {
        if (ch === '}') this.fail("trailing comma before '}'", this.lastComma ?? this.pos)
        if (ch === "'") this.fail("property names must use double quotes, not '")
        this.fail(`unexpected ${describeChar(ch)}: expected a property name in double quotes`)
      }
      const keyStart = this.pos
      this.string()
      const key = JSON.parse(this.s.slice(keyStart, this.pos)) as string
      const first = seen.get(key)
      if (first !== undefined) {
        // not a syntax error: note it and read on, so every repeated key is reported at once
        this.duplicates.push(
          new JsonSyntaxError(
            `duplicate key "${key}" in one object (first at line ${locate(this.s, first).line}); only one can count`,
            locate(this.s, keyStart),
            true,
          ),
        )
      } else seen.set(key, keyStart)
      this.ws()
      if (this.s[this.pos] !== ':') this.fail(`expected ':' after the property name "${key}"`)
      this.pos++
      this.ws()
      this.value(depth + 1, depth === 0 && key === 'monitors')
      this.ws()
      const next = this.s[this.pos]
      if (next === ',') {
        this.lastComma = this.pos
        this.pos++
        this.ws()
        continue
      }
      if (next === '}') {
        this.pos++
        return
      }
      if (next === undefined) this.fail(`unexpected end of file: the object opened at line ${locate(this.s, open).line} is not closed`)
      this.fail(`expected ',' or '}' after the value of "${key}", found ${describeChar(next)}`)
    }
  }

  private lastComma?: number
  /** keys repeated in one object, in file order */
  readonly duplicates: JsonSyntaxError[] = []

  array(depth: number, inMonitors: boolean): void {
    const open = this.pos
    this.pos++ // [
    this.ws()
    if (this.s[this.pos] === ']') {
      this.pos++
      return
    }
    for (;;) {
      if (this.s[this.pos] === ']') this.fail("trailing comma before ']'", this.lastComma ?? this.pos)
      if (this.s[this.pos] === undefined) this.fail(`unexpected end of file: the array opened at line ${locate(this.s, open).line} is not closed`)
      if (inMonitors) this.elementOffsets.push(this.pos)
      this.value(depth + 1, false)
      this.ws()
      const next = this.s[this.pos]
      if (next === ',') {
        this.lastComma = this.pos
        this.pos++
        this.ws()
        continue
      }
      if (next === ']') {
        this.pos++
        return
      }
      if (next === undefined) this.fail(`unexpected end of file: the array opened at line ${locate(this.s, open).line} is not closed`)
      this.fail(`expected ',' or ']' after an array element, found ${describeChar(next)}`)
    }
  }

  string(): void {
    const open = this.pos
    this.pos++ // "
    for (;;) {
      const c = this.s.charCodeAt(this.pos)
      if (Number.isNaN(c)) this.fail(`unexpected end of file: the string starting at line ${locate(this.s, open).line} is not closed`)
      if (c === 0x22) {
        this.pos++
        return
      }
      if (c < 0x20) {
        if (c === 0x0a) this.fail('unescaped line break inside a string (write \\n)')
        this.fail(`unescaped ${describeChar(this.s[this.pos])} inside a string`)
      }
      if (c === 0x5c) {
        const e = this.s[this.pos + 1]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.pos + 2, this.pos + 6))) this.fail('invalid \\u escape: expected 4 hex digits')
          this.pos += 6
          continue
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail(`invalid escape '\\${e ?? ''}' inside a string`)
        this.pos += 2
        continue
      }
      this.pos++
    }
  }

  number(): void {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.pos, this.pos + 400))
    if (!m) this.fail('invalid number')
    const after = this.s[this.pos + m[0].length]
    if (after !== undefined && /[0-9.eExX+\-a-zA-Z]/.test(after)) this.fail(`invalid number (unexpected ${describeChar(after)})`, this.pos + m[0].length)
    this.pos += m[0].length
  }
}

export interface ParsedJson {
  value: unknown
  /** start offsets of the elements of a top-level `monitors` array (empty if there is none) */
  elementOffsets: number[]
}

/**
 * Parses strict JSON. A leading UTF-8 BOM must already be stripped.
 * Throws JsonSyntaxError with a line and column on bad input.
 */
export function parseJsonText(text: string): ParsedJson {
  let value: unknown
  let parseError: Error | undefined
  try {
    value = JSON.parse(text)
  } catch (error) {
    parseError = error as Error
  }
  const scanner = new Scanner(text)
  try {
    scanner.document()
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw error
    // RangeError on absurd nesting: fall through to JSON.parse's verdict
  }
  if (parseError) {
    // the scanner accepted what JSON.parse refused: report JSON.parse's words, positioned if it gave one
    const at = /position (\d+)/.exec(parseError.message)
    throw new JsonSyntaxError(parseError.message, locate(text, at ? Number(at[1]) : text.length))
  }
  const [dup, ...more] = scanner.duplicates
  if (dup) throw new JsonSyntaxError(dup.message, dup.location, true, more)
  return {value, elementOffsets: scanner.elementOffsets}
}

/**
 * A JSON file's text (a UTF-8 BOM dropped) parsed; an empty file, a syntax error or duplicate keys
 * become `fail(message, details)` with every problem as `FILE:LINE:COLUMN: ...`.
 */
export function parseJsonFile(
  text: string,
  file: string,
  opts: {expected: string; fail: (message: string, details?: string[]) => Error},
): ParsedJson {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.trim() === '') throw opts.fail(`${file}: the file is empty; expected ${opts.expected}`)
  try {
    return parseJsonText(text)
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    const at = (e: JsonSyntaxError) => `${file}:${e.location.line}:${e.location.column}: ${e.duplicateKey ? '' : 'invalid JSON: '}${e.message}`
    if (error.more.length === 0) throw opts.fail(at(error))
    const all = [error, ...error.more]
    throw opts.fail(`${file}: ${all.length} duplicate keys`, all.map(at))
  }
}
