// Minimal filepath.Glob for agent `include` patterns: `*`, `?` and `[...]` within path segments.
import {readdirSync} from 'node:fs'
import {isAbsolute, join, sep} from 'node:path'

const MAGIC = /[*?[]/

/** A malformed pattern (Go's filepath.ErrBadPattern): a reversed range like `[z-a]`, an empty class. */
export class GlobPatternError extends Error {}

function segmentRegExp(seg: string): RegExp {
  let re = ''
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]
    if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1)
      if (end < 0) re += '\\['
      else {
        let body = seg.slice(i + 1, end)
        if (body.startsWith('^') || body.startsWith('!')) body = '^' + body.slice(1)
        checkClass(seg.slice(i, end + 1), body.replace(/^\^/, ''))
        re += `[${body.replace(/\\/g, '\\\\')}]`
        i = end
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  try {
    return new RegExp(`^${re}$`)
  } catch (error) {
    throw new GlobPatternError(`bad pattern ${seg}: ${(error as Error).message}`)
  }
}

/** Throws GlobPatternError for a character class a RegExp would reject or that can match nothing. */
function checkClass(whole: string, body: string): void {
  if (body === '') throw new GlobPatternError(`empty character class ${whole}`)
  const chars = Array.from(body)
  for (let j = 0; j + 2 < chars.length; j++) {
    if (chars[j + 1] !== '-') continue
    const lo = chars[j].codePointAt(0)!
    const hi = chars[j + 2].codePointAt(0)!
    if (lo > hi) throw new GlobPatternError(`bad character range ${chars[j]}-${chars[j + 2]} in ${whole} (the range is reversed)`)
    j += 2
  }
}

/** Files matching `pattern`, sorted like Go's filepath.Glob (lexical per directory). */
export function glob(pattern: string): string[] {
  const parts = pattern.split(sep)
  // a malformed pattern is an error even when no directory exists to match it against (as in Go)
  for (const seg of parts) if (MAGIC.test(seg)) segmentRegExp(seg)
  let bases = [isAbsolute(pattern) ? sep : '.']
  const start = isAbsolute(pattern) ? 1 : 0
  for (let i = start; i < parts.length; i++) {
    const seg = parts[i]
    if (seg === '') continue
    const next: string[] = []
    for (const base of bases) {
      if (!MAGIC.test(seg)) {
        next.push(join(base, seg))
        continue
      }
      let names: string[]
      try {
        names = readdirSync(base).sort()
      } catch {
        continue
      }
      const re = segmentRegExp(seg)
      for (const n of names) if (re.test(n) && !(n.startsWith('.') && !seg.startsWith('.'))) next.push(join(base, n))
    }
    bases = next
  }
  return bases
}
