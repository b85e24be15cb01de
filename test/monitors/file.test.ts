import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {assertValid, formatMonitorsFile, MonitorsFileError, parseMonitorsText, readMonitorsFile, writeMonitorsFile} from '../../src/monitors/file.js'

function syntaxError(text: string): string {
  try {
    parseMonitorsText(text, 'm.json')
  } catch (error) {
    assert.ok(error instanceof MonitorsFileError, String(error))
    return error.message
  }
  assert.fail('expected an error')
}

describe('monitors file: reading', () => {
  it('accepts a UTF-8 BOM', () => {
    const f = parseMonitorsText('\uFEFF{"monitors": [{"type": "connectivity"}]}', 'm.json')
    assert.deepEqual(f.monitors, [{type: 'connectivity'}])
  })

  it('reports bad JSON with file, line and column', () => {
    const cases: [string, RegExp][] = [
      ['{\n  "monitors": [\n    {"name": "a",}\n  ]\n}', /^m\.json:3:17: invalid JSON: trailing comma before '}'$/],
      ['{\n  "monitors": [\n    {"name": "a" "type": "host"}\n  ]\n}', /^m\.json:3:18: invalid JSON: expected ',' or '}' after the value of "name", found '"'$/],
      ['{"monitors": [\n{"name": "a"}', /^m\.json:2:14: invalid JSON: unexpected end of file: the array opened at line 1 is not closed$/],
      ['{"monitors": [] // none\n}', /^m\.json:1:17: invalid JSON: comments are not allowed in JSON$/],
      ["{'monitors': []}", /^m\.json:1:2: invalid JSON: property names must use double quotes/],
      ['{"monitors": [1, 2,]}', /^m\.json:1:19: invalid JSON: trailing comma before ']'$/],
      ['{"monitors": []} x', /^m\.json:1:18: invalid JSON: unexpected 'x' after the end/],
      ['{"monitors": [{"name": "line\nbreak"}]}', /^m\.json:1:29: invalid JSON: unescaped line break inside a string/],
      ['{"monitors": [{"duration": 05}]}', /^m\.json:1:29: invalid JSON: invalid number/],
      ['{"monitors": [{"isMute": True}]}', /^m\.json:1:26: invalid JSON: unexpected 'T': expected a value$/],
    ]
    for (const [text, re] of cases) assert.match(syntaxError(text), re, JSON.stringify(text))
  })

  it('refuses a key repeated in one object (JSON.parse would silently keep the last one)', () => {
    assert.equal(
      syntaxError('{"monitors": [{\n  "critical": 90,\n  "name": "x",\n  "critical": 95\n}]}'),
      'm.json:4:3: duplicate key "critical" in one object (first at line 2); only one can count',
    )
    // the same key in two objects is fine
    assert.equal(parseMonitorsText('{"monitors": [{"type": "connectivity"}, {"type": "connectivity"}]}', 'm.json').monitors.length, 2)
  })

  it('columns count characters, not UTF-16 units', () => {
    assert.match(syntaxError('{"monitors": [{"name": "🚀", }]}'), /^m\.json:1:27:/) // 28 if the emoji counted twice
  })

  it('refuses files that are not {"monitors": [...]}', () => {
    assert.match(syntaxError(''), /m\.json: the file is empty/)
    assert.match(syntaxError('[]'), /expected an object \{"monitors": \[\.\.\.\]\} at the top level, got an array/)
    assert.match(syntaxError('{"monitor": []}'), /no "monitors" array/)
    assert.match(syntaxError('{"monitors": {}}'), /"monitors" must be an array, got object/)
  })

  it('records the line where each rule starts, for validation messages', () => {
    const f = parseMonitorsText('{\n  "monitors": [\n    {"type": "connectivity"},\n\n    {"type": "host", "name": "x"}\n  ]\n}\n', 'm.json')
    assert.deepEqual(f.lines, [3, 5])
    assert.ok(f.issues.every((i) => i.index === 1 && i.line === 5))
  })

  it('assertValid lists every problem and names file, line, index, name and field', () => {
    const f = parseMonitorsText(
      JSON.stringify({monitors: [{type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', duration: 'five'}, 7, {type: 'bogus', name: 'b'}]}, null, 2),
      'm.json',
    )
    try {
      assertValid(f, {allowUnknownTypes: false})
      assert.fail('expected an error')
    } catch (error) {
      assert.ok(error instanceof MonitorsFileError)
      assert.equal(error.message, 'm.json: 3 problems in 3 monitor rules')
      assert.deepEqual(error.details, [
        'm.json:3: monitors[0] "cpu": duration: must be a whole number from 1 to 10, got a string ("five")',
        'm.json:10: monitors[1]: must be an object, got a number (7)',
        'm.json:11: monitors[2] "b": type: unknown monitor type "bogus" (known: host, connectivity, service, external, expression, anomalyDetection, query)',
      ])
      assert.match(error.hint ?? '', /nothing was sent/)
    }
    // unknown types alone may be allowed (push decides later whether they are written)
    const g = parseMonitorsText('{"monitors": [{"type": "bogus", "name": "b"}]}', 'm.json')
    assert.doesNotThrow(() => assertValid(g, {allowUnknownTypes: true}))
    assert.throws(() => assertValid(g, {allowUnknownTypes: false}), /^MonitorsFileError: m\.json:1: monitors\[0\] "b": type: unknown monitor type "bogus"/)
  })
})

describe('monitors file: writing and reading back', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mkr-monfile-'))))
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it("writes mkr's format: 4-space JSON, trailing newline, fields in the order given, unknown fields kept", async () => {
    const file = join(dir, 'monitors.json')
    const monitors = [{id: '1', name: 'a', type: 'futureType', zeta: {deep: [1, null]}, alpha: true}]
    await writeMonitorsFile(file, monitors)
    const text = readFileSync(file, 'utf8')
    assert.equal(text, formatMonitorsFile(monitors))
    assert.ok(text.startsWith('{\n    "monitors": [\n        {\n            "id": "1",\n'))
    assert.ok(text.endsWith('\n    ]\n}\n'))
    assert.ok(text.indexOf('"zeta"') < text.indexOf('"alpha"'))
    assert.deepEqual((await readMonitorsFile(file)).monitors, monitors)
    assert.deepEqual(readdirSync(dir), ['monitors.json']) // no temporary file left behind
  })

  it('keeps the permissions of the file it replaces and writes through a symlink', async () => {
    const file = join(dir, 'real.json')
    writeFileSync(file, '{}')
    chmodSync(file, 0o600)
    await writeMonitorsFile(file, [])
    assert.equal(statSync(file).mode & 0o777, 0o600)
    symlinkSync(file, join(dir, 'link.json'))
    await writeMonitorsFile(join(dir, 'link.json'), [{type: 'connectivity'}])
    assert.match(readFileSync(file, 'utf8'), /connectivity/)
  })

  it('names the file when it cannot be read or written', async () => {
    await assert.rejects(readMonitorsFile(join(dir, 'nope.json')), /cannot read .*nope\.json: no such file/)
    await assert.rejects(writeMonitorsFile(join(dir, 'no', 'such', 'dir.json'), []), /cannot write .*dir\.json: no such directory/)
  })
})
