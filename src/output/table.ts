// Tables for a terminal, like gh's table printer: borderless columns aligned with two spaces between
// them, a header line, and every row on one line. When the rows are wider than the terminal, the
// widest free-text column (a name, a title, roles) is cut with `…` until they fit; no column has a
// fixed width. Tables are only drawn on a terminal (piped output is JSON), so there is no
// tab-separated form.
//
// Cells hold server text (host names, titles, roles): every control character in them is shown
// escaped (`\x1b`, `\n`), so a name cannot retitle the terminal, move the cursor or forge a line.
// The only sequences kept are the plain SGR colors our palette paints with (src/output/color.ts:
// foreground colors, their reset, bold); they can recolor text but do nothing else.
import {escapeControl} from './sanitize.js'

/** chalk level 1: bold on/off (1, 22), foreground 30-37, 90-97 and its reset (39). */
const PALETTE_SGR = /(\u001b\[(?:1|22|3[0-7]|39|9[0-7])m)/
const ANY_SGR = /\u001b\[[0-9;]*m/g

/** A cell made safe for a terminal: control characters escaped, palette colors kept. */
export function safeCell(cell: string | number): string {
  const s = String(cell)
  if (!s.includes('\u001b')) return escapeControl(s)
  return s
    .split(PALETTE_SGR)
    .map((part, i) => (i % 2 === 1 ? part : escapeControl(part)))
    .join('')
}

const WIDE =
  /[\u1100-\u115f\u231a\u231b\u2329\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{1f000}-\u{1faff}\u{20000}-\u{3fffd}]/u
const ZERO = /[\p{M}\u200b-\u200f\ufe00-\ufe0f]/u

/** Columns a character takes on a terminal: 2 for East Asian wide and emoji, 0 for combining marks. */
function charWidth(c: string): number {
  if (ZERO.test(c)) return 0
  return WIDE.test(c) ? 2 : 1
}

/** Columns `text` takes on a terminal (colors take none). */
export function displayWidth(text: string): number {
  let w = 0
  for (const c of text.replace(ANY_SGR, '')) w += charWidth(c)
  return w
}

/** `text` in at most `width` columns: cut with `…` (colors dropped then) when it is wider. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  if (width <= 0) return ''
  let out = ''
  let w = 0
  for (const c of text.replace(ANY_SGR, '')) {
    const cw = charWidth(c)
    if (w + cw > width - 1) break
    out += c
    w += cw
  }
  return out + '…'
}

export interface Column {
  head: string
  /**
   * Free text (names, titles, roles, conditions) that may be cut with `…` to fit the terminal; ids,
   * statuses and times are never cut while a free-text column can give room.
   */
  fit?: boolean
}

export interface TableOptions {
  /** the terminal's width in columns (io.width); no limit when not given */
  width?: number
}

const GAP = 2
/** A free-text column is not cut below this many columns (or its natural width) while others can give. */
const FIT_FLOOR = 8

/**
 * A borderless table: the header, then one line per row, columns aligned, fitted to `width` (the
 * widest free-text column is cut first, then the widest of any; a row never wraps).
 */
export function renderTable(head: (string | Column)[], rows: (string | number)[][], opts: TableOptions = {}): string {
  const cols: Column[] = head.map((h) => (typeof h === 'string' ? {head: h} : h))
  const lines = [cols.map((c) => safeCell(c.head)), ...rows.map((r) => cols.map((_, i) => safeCell(r[i] ?? '')))]
  const natural = cols.map((_, i) => Math.max(...lines.map((l) => displayWidth(l[i]))))
  const widths = [...natural]
  const limit = opts.width ?? Number.POSITIVE_INFINITY
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1)
  // cut the widest candidate down to the next widest (or by what is too much), one step at a time
  const shrink = (candidates: number[], floor: (i: number) => number): void => {
    while (total() > limit) {
      let w = -1
      for (const i of candidates) if (widths[i] > floor(i) && (w === -1 || widths[i] > widths[w])) w = i
      if (w === -1) return
      const second = Math.max(-1, ...candidates.filter((i) => i !== w).map((i) => widths[i]))
      let target = Math.max(floor(w), widths[w] - (total() - limit), second)
      if (target >= widths[w]) target = widths[w] - 1
      widths[w] = target
    }
  }
  const all = cols.map((_, i) => i)
  shrink(
    all.filter((i) => cols[i].fit),
    (i) => Math.min(natural[i], FIT_FLOOR),
  )
  shrink(all, (i) => Math.min(natural[i], 1))
  return (
    lines
      .map((cells) =>
        cells
          .map((cell, i) => {
            const text = truncate(cell, widths[i])
            return i === cells.length - 1 ? text : text + ' '.repeat(widths[i] - displayWidth(text) + GAP)
          })
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  )
}
