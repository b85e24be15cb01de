// Minimal filepath.Glob for agent `include` patterns: `*`, `?` and `[...]` within path segments.
import {readdirSync} from 'node:fs'
import {isAbsolute, join, sep} from 'node:path'

const MAGIC = /[*?[]/

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
        re += `[${body.replace(/\\/g, '\\\\')}]`
        i = end
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** Files matching `pattern`, sorted like Go's filepath.Glob (lexical per directory). */
export function glob(pattern: string): string[] {
  const parts = pattern.split(sep)
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
