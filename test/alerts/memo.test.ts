import assert from 'node:assert/strict'
import {buildMemo, cutNotice, keepTail, neutralizeMarkers, utf8Bytes} from '../../src/alerts/memo.js'
import {CliError, UsageError} from '../../src/errors.js'

const MAX = 80_000
const S = (name: string, body: string) => `<!-- mkr:${name} -->\n${body}\n<!-- /mkr:${name} -->`

describe('buildMemo sections', () => {
  const cases: [string, string, string, string | undefined, string, boolean][] = [
    // name, current memo, content, section, expected memo, replaced
    ['no section: the content is the memo', 'old text', 'new text\n', undefined, 'new text\n', false],
    ['first section in an empty memo', '', 'disk 97%\n', 'diag', S('diag', 'disk 97%'), false],
    ['appended after what people wrote, after a blank line', 'Looking into it. -- alice\n', 'disk 97%', 'diag', `Looking into it. -- alice\n\n${S('diag', 'disk 97%')}`, false],
    ['replaced in place, text before and after kept byte for byte', `A  \r\n${S('diag', 'old')}\nB\n\n`, 'new', 'diag', `A  \r\n${S('diag', 'new')}\nB\n\n`, true],
    ['another section is left alone', `${S('other', 'keep me')}\n\n${S('diag', 'old')}`, 'new', 'diag', `${S('other', 'keep me')}\n\n${S('diag', 'new')}`, true],
    ['loosely written markers are found', 'x\n<!--mkr:diag-->\nold\n<!--   /mkr:diag   -->\ny', 'new', 'diag', `x\n${S('diag', 'new')}\ny`, true],
    ['a section of a similar name is not mistaken for it', `${S('diag2', 'keep')}`, 'new', 'diag', `${S('diag2', 'keep')}\n\n${S('diag', 'new')}`, false],
    ['multi-line content, trailing newlines dropped', '', 'a\nb\n\n\n', 'diag', S('diag', 'a\nb'), false],
    ['empty content leaves an empty section', `x\n${S('diag', 'old')}`, '', 'diag', 'x\n<!-- mkr:diag -->\n<!-- /mkr:diag -->', true],
  ]
  for (const [name, current, content, section, want, replaced] of cases)
    it(name, () => {
      const r = buildMemo(current, content, {section, maxBytes: MAX})
      assert.equal(r.memo, want)
      assert.equal(r.replaced, replaced)
      assert.equal(r.cutBytes, 0)
      assert.deepEqual(r.warnings, [])
    })

  it('two updates in a row change only the section, keeping text added by people in between', () => {
    const first = buildMemo('Investigating (bob)', 'run 1', {section: 'diag', maxBytes: MAX}).memo
    const edited = first + '\n\nRestarted app at 10:05 (bob)'
    const second = buildMemo(edited, 'run 2\nmore', {section: 'diag', maxBytes: MAX}).memo
    assert.equal(second, `Investigating (bob)\n\n${S('diag', 'run 2\nmore')}\n\nRestarted app at 10:05 (bob)`)
  })

  it('content that contains our markers cannot end the section early', () => {
    const evil = `line\n<!-- /mkr:diag -->\nafter\n<!-- mkr:other -->`
    const first = buildMemo('', evil, {section: 'diag', maxBytes: MAX}).memo
    const second = buildMemo(first + '\nhuman', 'clean', {section: 'diag', maxBytes: MAX}).memo
    assert.equal(second, `${S('diag', 'clean')}\nhuman`)
    assert.equal(neutralizeMarkers('<!-- /mkr:x --> <!--mkr:y--> <!-- other -->'), '<!- - /mkr:x --> <!- -mkr:y--> <!-- other -->')
  })

  it('an orphaned start marker is removed (with a warning) and a fresh section appended', () => {
    const r = buildMemo('keep\n<!-- mkr:diag -->\nstale output\nhuman text', 'new', {section: 'diag', maxBytes: MAX})
    assert.equal(r.memo, `keep\nstale output\nhuman text\n\n${S('diag', 'new')}`)
    assert.equal(r.warnings.length, 1)
    assert.match(r.warnings[0], /without `<!-- \/mkr:diag -->`/)
  })

  it('rejects a section name that could break the markers', () => {
    for (const bad of ['', 'a b', 'x-->', '-x', 'a'.repeat(65)])
      assert.throws(() => buildMemo('', 'c', {section: bad, maxBytes: MAX}), UsageError, bad)
  })
})

describe('buildMemo size limit', () => {
  const lines = (n: number) => Array.from({length: n}, (_, i) => `line ${String(i).padStart(6, '0')} ${'x'.repeat(40)}`).join('\n') + '\n'

  it('whole memo: keeps the tail, starts on a line, says how much was cut, fits the limit', () => {
    const content = lines(5000) // ~255 KB
    const r = buildMemo('', content, {maxBytes: MAX})
    assert.ok(utf8Bytes(r.memo) <= MAX, String(utf8Bytes(r.memo)))
    assert.ok(utf8Bytes(r.memo) > MAX - 300)
    assert.ok(r.memo.endsWith(`line 004999 ${'x'.repeat(40)}\n`))
    assert.ok(r.memo.startsWith(cutNotice(r.cutBytes)))
    assert.match(r.memo.split('\n')[1], /^line \d{6} x{40}$/) // the kept part starts on a whole line
    assert.equal(r.cutBytes + utf8Bytes(r.memo) - utf8Bytes(cutNotice(r.cutBytes)), utf8Bytes(content))
  })

  it('section: the rest of the memo is kept whole and the section gets what is left', () => {
    const human = 'h'.repeat(30_000)
    const r = buildMemo(`${human}\n\n${S('diag', 'old')}\ntail`, lines(2000), {section: 'diag', maxBytes: MAX})
    assert.ok(utf8Bytes(r.memo) <= MAX)
    assert.ok(r.memo.startsWith(`${human}\n\n<!-- mkr:diag -->\n[mkr: the first `))
    assert.ok(r.memo.endsWith(`line 001999 ${'x'.repeat(40)}\n<!-- /mkr:diag -->\ntail`))
    assert.ok(r.cutBytes > 0)
  })

  it('never splits a multi-byte character', () => {
    const r = buildMemo('', 'あ'.repeat(40_000), {maxBytes: MAX}) // 120,000 bytes, no newlines
    assert.ok(!r.memo.includes('\uFFFD'))
    assert.ok(utf8Bytes(r.memo) <= MAX)
    assert.match(r.memo, /^\[mkr: the first \d+ bytes of this output were cut to fit the memo limit\]\nあ+$/)
  })

  it('bytes already dropped by the runner are counted in the notice even when the rest fits', () => {
    const r = buildMemo('', 'tail\n', {maxBytes: MAX, droppedBytes: 1000})
    assert.equal(r.memo, cutNotice(1000) + 'tail\n')
    assert.equal(r.cutBytes, 1000)
  })

  it('fails when the rest of the memo leaves no room', () => {
    assert.throws(
      () => buildMemo('h'.repeat(MAX), 'x', {section: 'diag', maxBytes: MAX}),
      (e: Error) => e instanceof CliError && /already uses 80002 bytes; the limit is 80000/.test(e.message),
    )
  })
})

describe('keepTail', () => {
  it('returns short text unchanged', () => assert.deepEqual(keepTail('abc', 3), {text: 'abc', cut: 0}))
  it('cuts to a character boundary, then to a nearby line start', () => {
    assert.deepEqual(keepTail('ab\ncd', 4), {text: 'cd', cut: 3})
    assert.deepEqual(keepTail('éé', 3), {text: 'é', cut: 2}) // 4 bytes -> the last whole character
  })
})
