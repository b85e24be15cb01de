// src/output/table.ts: server text in table cells cannot drive the terminal.
import assert from 'node:assert/strict'
import {palette} from '../../src/output/color.js'
import {renderTable, safeCell} from '../../src/output/table.js'

describe('renderTable escapes control characters in every cell', () => {
  it('an OSC title sequence in a host name is shown escaped, not sent to the terminal', async () => {
    const out = await renderTable(['NAME', 'ID'], [['web\u001b]0;pwned\u0007', 'h1']])
    assert.equal(out.includes('\u001b'), false)
    assert.equal(out.includes('\u0007'), false)
    assert.match(out, /web\\x1b\]0;pwned\\x07/)
  })

  it('a CR/LF in a cell cannot forge a line', async () => {
    const out = await renderTable(['TITLE'], [['deploy\r\nmkr: all good']])
    assert.equal(out, 'TITLE\ndeploy\\r\\nmkr: all good\n')
  })

  it('header cells are escaped too', async () => {
    const out = await renderTable(['A\u009b2J'], [['x']])
    assert.match(out, /A\\x9b2J/)
  })

  const table: [string, string, string][] = [
    ['plain text', 'web01', 'web01'],
    ['ESC and BEL', 'a\u001b]2;t\u0007b', 'a\\x1b]2;t\\x07b'],
    ['cursor movement', '\u001b[2J\u001b[H', '\\x1b[2J\\x1b[H'],
    ['conceal (not a palette color)', '\u001b[8mhidden\u001b[0m', '\\x1b[8mhidden\\x1b[0m'],
    ['newline, tab, CR', 'a\nb\tc\r', 'a\\nb\\tc\\r'],
    ['C1 and bidi override', '\u0085x\u202ey', '\\x85x\\u202ey'],
    ['a palette color is kept', '\u001b[34mworking\u001b[39m', '\u001b[34mworking\u001b[39m'],
    ['bold is kept', '\u001b[1mbold\u001b[22m', '\u001b[1mbold\u001b[22m'],
    ['a palette color around text with an OSC: color kept, OSC escaped', '\u001b[33mx\u001b]0;t\u0007\u001b[39m', '\u001b[33mx\\x1b]0;t\\x07\u001b[39m'],
  ]
  for (const [name, cell, expected] of table) it(`safeCell: ${name}`, () => assert.equal(safeCell(cell), expected))

  it('numbers are shown as text', () => assert.equal(safeCell(42), '42'))

  it('colors from the palette still reach the terminal', async () => {
    const p = await palette(true)
    const out = await renderTable(['STATUS'], [[p.blue('working')]])
    assert.ok(out.includes('\u001b[34mworking\u001b[39m'))
  })
})
