// Did-you-mean for mistyped commands and flags. The distance counts an insertion, a deletion, a
// substitution or a swap of two neighbours as one edit (optimal string alignment), so `stauts` is one
// edit from `status` and `hots` one from `hosts`.
import type {Manifest} from './manifest.js'

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  return d[a.length][b.length]
}

/**
 * The candidate closest to `typed`, or undefined when none is close: at most 1 edit for words of up
 * to 4 letters, 2 for longer ones; else a candidate that `typed` (3+ letters) is the start of. Ties
 * go to the first candidate in order.
 */
export function closest(typed: string, candidates: Iterable<string>): string | undefined {
  const limit = typed.length <= 4 ? 1 : 2
  let best: string | undefined
  let bestDistance = Infinity
  let prefixed: string | undefined
  for (const c of candidates) {
    if (c === typed) continue
    const dist = editDistance(typed.toLowerCase(), c.toLowerCase())
    if (dist <= limit && dist < bestDistance) {
      best = c
      bestDistance = dist
    }
    if (typed.length >= 3 && c.startsWith(typed) && prefixed === undefined) prefixed = c
  }
  return best ?? prefixed
}

/** The long names a command's flags answer to (aliases and `no-` forms included), hidden ones left out. */
export function flagNames(commandId: string, manifest: Manifest): string[] {
  const names: string[] = []
  for (const [name, f] of Object.entries(manifest.commands[commandId]?.flags ?? {})) {
    if (f.hidden) continue
    names.push(name, ...(f.aliases ?? []).filter((a) => a.length > 1))
    if (f.allowNo) names.push(`no-${name}`)
  }
  return names
}

/**
 * The flag of `commandId` closest to `badFlag` (as typed: `--stauts`, `-stauts`, `--stauts=x`), as
 * `--status`; undefined when none is close (or for a one-letter flag: too many are one edit away).
 */
export function suggestFlag(commandId: string, badFlag: string, manifest: Manifest): string | undefined {
  const typed = badFlag.replace(/^--?/, '').split('=', 1)[0]
  if (typed.length < 2) return undefined
  const match = closest(typed, flagNames(commandId, manifest))
  return match === undefined ? undefined : `--${match}`
}
