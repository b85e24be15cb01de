import assert from 'node:assert/strict'
import {diffReport, modifiedBlock, monitorBlock, renderDiffReport, renderLines} from '../../src/monitors/diff.js'
import {matchMonitors} from '../../src/monitors/match.js'
import type {Monitor} from '../../src/monitors/types.js'
import type {Palette} from '../../src/output/color.js'

const text = (from: Monitor, to: Monitor) => renderLines(modifiedBlock(from, to)).trimEnd()

describe('monitors diff blocks (mkr monitors/command_test.go cases)', () => {
  const ext: Monitor = {id: '12345', name: 'foo', type: 'external', url: 'http://example.com', service: 'bar', headers: []}

  it('a removed field, an empty array as two lines, the id ignored', () => {
    assert.equal(
      text({...ext, responseTimeCritical: 1000}, ext),
      [
        ' {',
        '   "headers": [',
        '   ],',
        '   "name": "foo",',
        '-  "responseTimeCritical": 1000,',
        '   "service": "bar",',
        '   "type": "external",',
        '   "url": "http://example.com"',
        ' },',
      ].join('\n'),
    )
  })

  const c: Monitor = {id: '12345', name: 'foo', type: 'connectivity'}
  const withScopes = (...scopes: string[]): Monitor => ({...c, scopes})

  it('an added key comes last and the line before it gets no comma', () => {
    assert.equal(
      text(c, withScopes('sss: notebook')),
      [' {', '   "name": "foo",', '   "type": "connectivity"', '+  "scopes": [', '+    "sss: notebook"', '+  ]', ' },'].join('\n'),
    )
  })

  it('a deleted key keeps its place and its comma', () => {
    assert.equal(
      text(withScopes('sss: notebook'), c),
      [' {', '   "name": "foo",', '-  "scopes": [', '-    "sss: notebook"', '-  ],', '   "type": "connectivity"', ' },'].join('\n'),
    )
  })

  it('an element appended to an array', () => {
    assert.equal(
      text(withScopes('sss: notebook'), withScopes('sss: notebook', 'ttt: notebook')),
      [
        ' {',
        '   "name": "foo",',
        '   "scopes": [',
        '     "sss: notebook"',
        '+    "ttt: notebook"',
        '   ],',
        '   "type": "connectivity"',
        ' },',
      ].join('\n'),
    )
  })

  it('an element replaced in an array', () => {
    assert.equal(
      text(withScopes('sss: notebook'), withScopes('ttt: notebook')),
      [
        ' {',
        '   "name": "foo",',
        '   "scopes": [',
        '-    "sss: notebook"',
        '+    "ttt: notebook"',
        '   ],',
        '   "type": "connectivity"',
        ' },',
      ].join('\n'),
    )
  })

  it('shows inserted, removed and appended elements (gojsondiff dropped some)', () => {
    const out = text(withScopes('a', 'b', 'c'), withScopes('x', 'a', 'c', 'd'))
    assert.deepEqual(
      out.split('\n').filter((l) => /^[-+]/.test(l)),
      ['+    "x",', '-    "b",', '+    "d"'],
    )
    assert.match(out, /^ {5}"a",$/m)
    assert.match(out, /^ {5}"c"$/m)
  })

  it('nested objects in arrays show only the changed field', () => {
    const out = text({...ext, headers: [{name: 'A', value: '1'}]}, {...ext, headers: [{name: 'A', value: '2'}]})
    assert.match(out, /^ {7}"name": "A",\n- {6}"value": "1"\n\+ {6}"value": "2"$/m)
  })

  it('a changed value prints the old one then the new one with the same comma', () => {
    const out = text({...c, memo: 'a'}, {...c, memo: 'b'})
    assert.match(out, /^- {2}"memo": "a",\n\+ {2}"memo": "b",$/m)
  })

  it('strings are JSON-escaped so a newline cannot break the marker column', () => {
    const e: Monitor = {id: '1', name: 'e', type: 'expression', expression: 'a'}
    const out = text(e, {...e, expression: 'max(\n  b\n)'})
    assert.ok(out.includes('+  "expression": "max(\\n  b\\n)",'))
    for (const line of out.split('\n')) assert.match(line, /^[ +-]/)
  })

  it('a zero value on one side and no field on the other is no difference (Go omitempty)', () => {
    const out = text({...c, isMute: false, scopes: [], memo: 'x'}, {...c, memo: 'y'})
    assert.ok(!out.includes('isMute'))
    assert.ok(!out.includes('scopes'))
    // a zero value on both sides is shown as context
    assert.match(text({...c, isMute: false, memo: 'x'}, {...c, isMute: false, memo: 'y'}), /^ {3}"isMute": false,$/m)
  })

  it('a whole monitor: 2-space JSON, every line marked, closed by `},`', () => {
    assert.equal(
      renderLines(monitorBlock(c, '+')),
      ['+{', '+  "id": "12345",', '+  "name": "foo",', '+  "type": "connectivity"', '+},', ''].join('\n'),
    )
  })
})

describe('monitors diff report', () => {
  const remote: Monitor[] = [
    {id: 'r1', name: 'same', type: 'connectivity'},
    {id: 'r2', name: 'changed', type: 'connectivity', memo: 'old'},
    {id: 'r3', name: 'gone', type: 'connectivity'},
  ]
  const local: Monitor[] = [
    {id: 'r1', name: 'same', type: 'connectivity'},
    {name: 'changed', type: 'connectivity', memo: 'new'},
    {name: 'new', type: 'connectivity'},
  ]

  it('Summary line, blank line, modified blocks, then `-` remote-only, then `+` local-only', () => {
    const out = renderDiffReport(diffReport(matchMonitors(remote, local)))
    const lines = out.split('\n')
    assert.equal(lines[0], 'Summary: 1 modify, 1 append, 1 remove')
    assert.equal(lines[1], '')
    const firstMod = lines.indexOf('-  "memo": "old",')
    const removed = lines.indexOf('-  "id": "r3",')
    const appended = lines.indexOf('+  "name": "new",')
    assert.ok(firstMod > 1 && firstMod < removed && removed < appended, out)
    assert.ok(out.endsWith('+},\n'))
  })

  it('--reverse swaps the sides and which count is append and which remove', () => {
    const r = diffReport(matchMonitors(remote, [...local, {name: 'new2', type: 'connectivity'}]), {reverse: true})
    assert.deepEqual([r.modify, r.append, r.remove], [1, 1, 2])
    const out = renderDiffReport(r)
    assert.ok(out.includes('-  "memo": "new",\n+  "memo": "old",'))
    assert.ok(out.includes('+  "id": "r3",'))
    assert.ok(out.includes('-  "name": "new",'))
  })

  it('no differences: just the summary and a blank line', () => {
    assert.equal(renderDiffReport(diffReport(matchMonitors(remote, remote))), 'Summary: 0 modify, 0 append, 0 remove\n\n')
  })

  it('colors `-` lines red and `+` lines green when given a palette', () => {
    const p = {red: (s: string) => `<r>${s}</r>`, green: (s: string) => `<g>${s}</g>`} as unknown as Palette
    const out = renderDiffReport(diffReport(matchMonitors(remote, local)), p)
    assert.ok(out.includes('<r>-  "memo": "old",</r>'))
    assert.ok(out.includes('<g>+  "name": "new",</g>'))
    assert.ok(out.includes('\n   "name": "changed",\n'))
  })
})
