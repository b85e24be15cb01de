// How `--jq` prints each result (reference/mkr-compat.md §2.4, mkr over gojq), with one deliberate
// difference: numbers are printed exactly, where mkr rounds every non-integral number to 2 decimals.
//   string  -> raw text (like `jq -r`)
//   null    -> an empty line
//   boolean -> true / false
//   number  -> the shortest decimal that reads back as the same number, never in exponent form
//              (1e21 -> 1000000000000000000000, 0.1+0.2 -> 0.30000000000000004, 1e-7 -> 0.0000001)
//   object / array -> compact JSON, keys sorted (UTF-8 byte order, as Go sorts map keys), `<`, `>`,
//              `&`, U+2028 and U+2029 escaped (as Go's json.Marshal does); numbers as in JSON

/** One result as mkr prints it, without the newline. */
export function formatJqValue(v: unknown): string {
  if (v === null || v === undefined) return ''
  switch (typeof v) {
    case 'string':
      return v
    case 'boolean':
      return String(v)
    case 'number':
      return plainNumber(v)
    default:
      return compactJson(v)
  }
}

/** `1e+21` -> `1000000000000000000000`, `1.5e-7` -> `0.00000015`: the shortest round-trip digits, spelled out. */
export function plainNumber(n: number): string {
  if (!Number.isFinite(n)) n = n < 0 ? -Number.MAX_VALUE : Number.MAX_VALUE // jq's infinite; NaN never reaches here
  if (Object.is(n, -0)) return '-0'
  const s = String(n)
  const e = s.indexOf('e')
  if (e < 0) return s
  const sign = s.startsWith('-') ? '-' : ''
  const mantissa = s.slice(sign.length, e)
  const exp = Number(s.slice(e + 1))
  const digits = mantissa.replace('.', '')
  const point = (mantissa.includes('.') ? mantissa.indexOf('.') : mantissa.length) + exp
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length)
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g
const htmlEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/** Go's map key order: byte order of the UTF-8 encoding (= code point order, not UTF-16 order). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** Compact JSON with sorted keys; `html` escapes `<>&` and U+2028/2029 as Go's json.Marshal does. */
export function compactJson(v: unknown, opts: {html?: boolean} = {html: true}): string {
  const parts: string[] = []
  const str = (s: string) => (opts.html ? JSON.stringify(s).replace(HTML_UNSAFE, htmlEscape) : JSON.stringify(s))
  const walk = (x: unknown): void => {
    if (x === null || x === undefined) parts.push('null')
    else if (typeof x === 'string') parts.push(str(x))
    else if (typeof x === 'number') parts.push(JSON.stringify(Number.isFinite(x) ? x : x < 0 ? -Number.MAX_VALUE : Number.MAX_VALUE))
    else if (typeof x === 'boolean') parts.push(String(x))
    else if (Array.isArray(x)) {
      parts.push('[')
      x.forEach((e, i) => {
        if (i) parts.push(',')
        walk(e)
      })
      parts.push(']')
    } else {
      const o = x as Record<string, unknown>
      const keys = Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort(compareKeys)
      parts.push('{')
      keys.forEach((k, i) => {
        if (i) parts.push(',')
        parts.push(str(k), ':')
        walk(o[k])
      })
      parts.push('}')
    }
  }
  walk(v)
  return parts.join('')
}
