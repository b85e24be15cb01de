// Tables for a terminal (cli-table3, imported lazily: ~14 ms we only pay when a table is drawn).
// Cells hold server text (host names, titles, roles): every control character in them is shown
// escaped (`\x1b`, `\n`), so a name cannot retitle the terminal, move the cursor or forge a line.
// The only sequences kept are the plain SGR colors our palette paints with (src/output/color.ts:
// foreground colors, their reset, bold); they can recolor text but do nothing else.
import {escapeControl} from './sanitize.js'

/** chalk level 1: bold on/off (1, 22), foreground 30-37, 90-97 and its reset (39). */
const PALETTE_SGR = /(\u001b\[(?:1|22|3[0-7]|39|9[0-7])m)/

/** A cell made safe for a terminal: control characters escaped, palette colors kept. */
export function safeCell(cell: string | number): string {
  const s = String(cell)
  if (!s.includes('\u001b')) return escapeControl(s)
  return s
    .split(PALETTE_SGR)
    .map((part, i) => (i % 2 === 1 ? part : escapeControl(part)))
    .join('')
}

export async function renderTable(head: string[], rows: (string | number)[][]): Promise<string> {
  const {default: Table} = await import('cli-table3')
  const t = new Table({head: head.map(safeCell), style: {head: [], border: []}, wordWrap: false})
  for (const r of rows) t.push(r.map(safeCell))
  return t.toString() + '\n'
}
