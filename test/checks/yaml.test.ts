// The YAML under each TAP line must be the text Go's yaml.v2 (v2.4.0) writes, as mkr prints it. The
// expected strings follow libyaml's emitter rules (style choice, escapes, folding at 80 columns);
// the writers were also cross-checked against PyYAML's emitter (the same algorithm) on random input.
import assert from 'node:assert/strict'
import {goTrimSpace, tapEntry} from '../../src/checks/tap.js'
import {marshalMapping} from '../../src/checks/yaml.js'
import type {CheckDef} from '../../src/checks/config.js'

const value = (v: string) => marshalMapping([['stdout', v]])

describe('checks yaml (yaml.v2 compatible)', () => {
  it("mkr's own test case", () => {
    const def: CheckDef = {name: 'hoge', command: ['perl', '-E', "say 'Hello'"], env: [], timeoutMs: 30000, file: 'x'}
    assert.equal(tapEntry(1, def, {stdout: 'Hello\n', stderr: '', exitCode: 0}), "ok 1 - hoge\n  ---\n  command: [perl, -E, say 'Hello']\n  status: OK\n  stdout: Hello\n  ...\n")
  })

  const table: Array<[string, string]> = [
    ['Hello', 'stdout: Hello\n'],
    // words and numbers yaml.v2 would read as something else are double-quoted
    ['true', 'stdout: "true"\n'],
    ['no', 'stdout: "no"\n'],
    ['ON', 'stdout: "ON"\n'],
    ['~', 'stdout: "~"\n'],
    ['12', 'stdout: "12"\n'],
    ['-1.5e3', 'stdout: "-1.5e3"\n'],
    ['0x1F', 'stdout: "0x1F"\n'],
    ['08', 'stdout: "08"\n'],
    ['.5', 'stdout: ".5"\n'],
    ['12:30', 'stdout: "12:30"\n'],
    ['2024-01-02', 'stdout: "2024-01-02"\n'],
    ['1 OK', 'stdout: 1 OK\n'],
    ['OK', 'stdout: OK\n'],
    // indicators make plain impossible: single quotes
    ['warn: disk 91%', "stdout: 'warn: disk 91%'\n"],
    ['# comment', "stdout: '# comment'\n"],
    ["it's - fine", "stdout: it's - fine\n"],
    ["'quoted'", "stdout: '''quoted'''\n"],
    ['- item', "stdout: '- item'\n"],
    ['a #b', "stdout: 'a #b'\n"],
    ['a#b', 'stdout: a#b\n'],
    ['[x]', "stdout: '[x]'\n"],
    ['x [y]', 'stdout: x [y]\n'],
    // special characters: double quotes with escapes
    ['tab\there', 'stdout: "tab\\there"\n'],
    ['\x1b[31mred', 'stdout: "\\e[31mred"\n'],
    ['nul\x00', 'stdout: "nul\\0"\n'],
    ['caf\u00e9 \u65e5\u672c', 'stdout: caf\u00e9 \u65e5\u672c\n'],
    ['smile \u{1f600}', 'stdout: "smile \\U0001F600"\n'],
    ['nbsp\u00a0x', 'stdout: nbsp\u00a0x\n'],
    // multi-line: literal block, chomped
    ['line1\nline2', 'stdout: |-\n  line1\n  line2\n'],
    ['a\n\nb', 'stdout: |-\n  a\n\n  b\n'],
    ['a\n  indented', 'stdout: |-\n  a\n    indented\n'],
    // a space before a break, or a tab, rules the block out: double quotes
    ['a \nb', 'stdout: "a \\nb"\n'],
    ['a\n\tb', 'stdout: "a\\n\\tb"\n'],
  ]
  for (const [input, want] of table) it(`${JSON.stringify(input)}`, () => assert.equal(value(input), want))

  it('folds long plain text at a space past column 80, continuation indented', () => {
    const words = Array.from({length: 20}, (_, i) => `word${i}`).join(' ')
    const got = value(words)
    const lines = got.split('\n')
    assert.ok(lines[0].length > 80 && lines[0].length < 90, got)
    assert.ok(lines[1].startsWith('  word'), got)
    assert.equal(lines.slice(0, -1).join(' ').replace(/ +/g, ' '), `stdout: ${words}`)
  })

  it('folds long double-quoted text keeping its meaning (a break is a space)', () => {
    const s = 'x\t' + 'abc '.repeat(30) + 'end'
    const got = value(s)
    assert.match(got, /^stdout: "x\\tabc abc/)
    assert.ok(got.split('\n')[1].startsWith('  abc'), got)
  })

  it('flow sequences: quoting per item, empty items, and wrapping', () => {
    assert.equal(marshalMapping([['command', {flow: ['a', '', 'b c', 'x: y', 'multi\nline']}]]), `command: [a, "", b c, 'x: y', "multi\\nline"]\n`)
    const long = marshalMapping([['command', {flow: ['/usr/local/bin/check-http', '-u', 'https://example.com/a/very/long/path/for/the/check', '--timeout', '10']}]])
    // `:` is a flow indicator (single quotes inside [...]); '10' would read as a number
    assert.equal(long, 'command: [/usr/local/bin/check-http, -u, \'https://example.com/a/very/long/path/for/the/check\',\n  --timeout, "10"]\n')
  })

  it('integers, and Go\'s TrimSpace (not JavaScript\'s trim)', () => {
    assert.equal(marshalMapping([['exitCode', -1]]), 'exitCode: -1\n')
    assert.equal(goTrimSpace('\u0085 x \t\n'), 'x')
    assert.equal(goTrimSpace('\ufeffx'), '\ufeffx')
  })
})
