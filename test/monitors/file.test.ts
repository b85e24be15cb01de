import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CliError} from '../../src/errors.js'
import {
  assertValid,
  formatMonitorsFile,
  invalidUtf8Offset,
  MonitorsFileError,
  parseMonitorsText,
  readMonitorsFile,
  writeMonitorsFile,
} from '../../src/monitors/file.js'

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

  it('every key repeated in one object is listed at once', () => {
    try {
      parseMonitorsText('{"monitors": [\n{"name": "a", "name": "b"},\n{"type": "host", "memo": "", "type": "host"}\n]}', 'm.json')
      assert.fail('expected an error')
    } catch (error) {
      assert.ok(error instanceof MonitorsFileError, String(error))
      assert.equal(error.message, 'm.json: 2 duplicate keys')
      assert.deepEqual(error.details, [
        'm.json:2:15: duplicate key "name" in one object (first at line 2); only one can count',
        'm.json:3:30: duplicate key "type" in one object (first at line 3); only one can count',
      ])
    }
  })

  it('a number too large for a double (1e999) is out of range, not "a number (Infinity)"', () => {
    const f = parseMonitorsText('{"monitors": [\n  {"type": "host", "name": "cpu", "metric": "cpu%", "operator": ">", "duration": 1, "warning": 1e999}\n]}', 'm.json')
    assert.throws(
      () => assertValid(f, {allowUnknownTypes: false}),
      (e: Error) =>
        e.message === 'm.json:2: monitors[0] "cpu": warning: number out of range: not a finite number (a JSON number must be smaller than about 1.8e308)',
    )
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

  it('refuses bytes that are not UTF-8 (a Latin-1 file), naming the file, line, column and offset', async () => {
    const file = join(dir, 'latin1.json')
    // "café" in Latin-1: line 3 starts at offset 42; 0xE9 is its 16th byte (offset 57)
    const text = Buffer.concat([Buffer.from('{"monitors": [\n  {"type": "connectivity",\n   "memo": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n]}\n')])
    writeFileSync(file, text)
    const e = await readMonitorsFile(file).then(
      () => assert.fail('expected an error'),
      (error: unknown) => error as CliError,
    )
    assert.ok(e instanceof CliError)
    assert.equal(e.message, `${file}:3:16: not UTF-8: byte 0xE9 at offset 57 is not valid UTF-8`)
    assert.match(e.hint ?? '', /save the file as UTF-8/)
    // valid UTF-8 (with a BOM and non-ASCII text) still reads
    writeFileSync(file, '\uFEFF{"monitors": [{"type": "connectivity", "memo": "café 🚀"}]}')
    assert.deepEqual((await readMonitorsFile(file)).monitors, [{type: 'connectivity', memo: 'café 🚀'}])
  })

  it('invalidUtf8Offset: truncated, overlong, surrogate and out-of-range sequences', () => {
    const cases: [number[], number][] = [
      [[0x61, 0xc3, 0xa9, 0x62], -1], // é
      [[0xf0, 0x9f, 0x9a, 0x80], -1], // 🚀
      [[0x61, 0xe9, 0x62], 1], // Latin-1 é
      [[0x61, 0x62, 0xe2, 0x82], 2], // truncated
      [[0xc0, 0xaf], 0], // overlong '/'
      [[0xe0, 0x80, 0xaf], 0], // overlong
      [[0xed, 0xa0, 0x80], 0], // a UTF-16 surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
      [[0x61, 0x80], 1], // a lone continuation byte
    ]
    for (const [bytes, at] of cases) assert.equal(invalidUtf8Offset(Buffer.from(bytes)), at, JSON.stringify(bytes))
  })

  it('a FIFO with a reader gets the content and stays a FIFO', async () => {
    const fifo = join(dir, 'pipe')
    execFileSync('mkfifo', [fifo])
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      await writeMonitorsFile(fifo, [{type: 'connectivity'}])
      const buf = Buffer.alloc(4096)
      const n = readSync(reader, buf)
      assert.equal(buf.subarray(0, n).toString(), '{\n    "monitors": [\n        {\n            "type": "connectivity"\n        }\n    ]\n}\n')
    } finally {
      closeSync(reader)
    }
    assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO was replaced')
    assert.deepEqual(readdirSync(dir), ['pipe'])
    // nobody reading: an error, not a hang
    await assert.rejects(writeMonitorsFile(fifo, []), (e: Error) => e.message === `cannot write ${fifo}: a named pipe that nobody reads`)
  })

  it('a symlink stays a link; the file it points to is replaced atomically', async () => {
    mkdirSync(join(dir, 'real'))
    const target = join(dir, 'real', 'monitors.json')
    writeFileSync(target, 'old')
    chmodSync(target, 0o640)
    const before = statSync(target).ino
    symlinkSync(join('real', 'monitors.json'), join(dir, 'link.json'))
    await writeMonitorsFile(join(dir, 'link.json'), [{type: 'connectivity'}])
    assert.ok(lstatSync(join(dir, 'link.json')).isSymbolicLink())
    assert.equal(readlinkSync(join(dir, 'link.json')), join('real', 'monitors.json'))
    assert.equal(readFileSync(target, 'utf8'), formatMonitorsFile([{type: 'connectivity'}]))
    assert.notEqual(statSync(target).ino, before, 'written in place, not replaced by a complete new file')
    assert.equal(statSync(target).mode & 0o777, 0o640)
    assert.deepEqual(readdirSync(join(dir, 'real')), ['monitors.json']) // no temporary file left beside the target
  })

  it('a directory is an error and stays as it was', async () => {
    const d = join(dir, 'monitors.json')
    mkdirSync(d)
    writeFileSync(join(d, 'keep'), 'x')
    await assert.rejects(writeMonitorsFile(d, []), (e: Error) => e.message === `cannot write ${d}: is a directory`)
    assert.deepEqual(readdirSync(d), ['keep'])
    assert.deepEqual(readdirSync(dir), ['monitors.json'])
  })

  it('/dev/full: "no space left on device", and the device stays a device (run unprivileged)', () => {
    const before = statSync('/dev/full')
    // as root, a regression would replace /dev/full itself: the write runs as nobody then
    const asRoot = process.getuid?.() === 0
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "import {writeMonitorsFile} from './src/monitors/file.js'; await writeMonitorsFile('/dev/full', []).then(() => console.log('written'), (e) => console.log(e.message))",
      ],
      {cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8', ...(asRoot ? {uid: 65534, gid: 65534} : {}), env: {...process.env, HOME: tmpdir()}},
    )
    assert.equal(r.stdout, 'cannot write /dev/full: no space left on device\n', r.stderr)
    const after = statSync('/dev/full')
    assert.ok(after.isCharacterDevice())
    assert.equal(after.ino, before.ino)
    assert.equal(after.rdev, before.rdev)
  })

  it('names the file when it cannot be read or written', async () => {
    await assert.rejects(readMonitorsFile(join(dir, 'nope.json')), /cannot read .*nope\.json: no such file/)
    await assert.rejects(writeMonitorsFile(join(dir, 'no', 'such', 'dir.json'), []), /cannot write .*dir\.json: no such directory/)
  })
})
