// Globs for monitor and host names in a runbook: `*` any run of characters (including `/` and
// spaces: names are not paths), `?` one character, `[abc]`/`[a-z]`/`[!a-z]` a class. Whole-name
// match. Matched with the two-pointer wildcard algorithm (at most name × glob steps), not a RegExp:
// a pattern like `*a*a*a*b` must not backtrack exponentially on a long alert-supplied name.
export class GlobError extends Error {}

const MAX_GLOB = 256

type Token = {star: true} | {star?: false; test: (c: string) => boolean}

export function compileGlob(glob: string): (s: string) => boolean {
  if (glob.length > MAX_GLOB) throw new GlobError(`glob longer than ${MAX_GLOB} characters`)
  const tokens: Token[] = []
  const chars = [...glob]
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]
    if (c === '*') {
      if (!tokens.at(-1)?.star) tokens.push({star: true})
    } else if (c === '?') tokens.push({test: () => true})
    else if (c === '[') {
      const end = chars.indexOf(']', i + 2)
      if (end === -1) throw new GlobError(`${JSON.stringify(glob)}: "[" without a closing "]"`)
      let body = chars.slice(i + 1, end)
      let neg = false
      if (body[0] === '!' || body[0] === '^') {
        neg = true
        body = body.slice(1)
      }
      if (body.length === 0) throw new GlobError(`${JSON.stringify(glob)}: empty character class`)
      const ranges: [number, number][] = []
      for (let j = 0; j < body.length; j++) {
        const lo = body[j].codePointAt(0)!
        if (body[j + 1] === '-' && j + 2 < body.length) {
          const hi = body[j + 2].codePointAt(0)!
          if (lo > hi) throw new GlobError(`${JSON.stringify(glob)}: reversed range ${body[j]}-${body[j + 2]}`)
          ranges.push([lo, hi])
          j += 2
        } else ranges.push([lo, lo])
      }
      tokens.push({test: (ch) => ranges.some(([lo, hi]) => ch.codePointAt(0)! >= lo && ch.codePointAt(0)! <= hi) !== neg})
      i = end
    } else tokens.push({test: (ch) => ch === c})
  }
  return (input) => {
    const s = [...input]
    let si = 0
    let ti = 0
    let starTi = -1
    let starSi = 0
    while (si < s.length) {
      const t = tokens[ti]
      if (t && !t.star && t.test(s[si])) {
        si++
        ti++
      } else if (t?.star) {
        starTi = ti++
        starSi = si
      } else if (starTi !== -1) {
        ti = starTi + 1
        si = ++starSi
      } else return false
    }
    while (tokens[ti]?.star) ti++
    return ti === tokens.length
  }
}
