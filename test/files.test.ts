// writeFileSafely: the one way we write a file a user names (and our own state files).
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {writeFileSafely} from '../src/files.js'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mkr-files-'))))
afterEach(() => {
  chmodSync(dir, 0o700)
  rmSync(dir, {recursive: true, force: true})
})

describe('writeFileSafely', () => {
  it('creates a new file with the mode given; replaces an existing one keeping its mode', () => {
    const f = join(dir, 'a.json')
    writeFileSafely(f, 'one', {mode: 0o640})
    assert.equal(readFileSync(f, 'utf8'), 'one')
    assert.equal(statSync(f).mode & 0o777, 0o640)
    chmodSync(f, 0o604)
    writeFileSafely(f, 'two', {mode: 0o600})
    assert.equal(readFileSync(f, 'utf8'), 'two')
    assert.equal(statSync(f).mode & 0o777, 0o604)
    assert.deepEqual(readdirSync(dir), ['a.json'], 'no temporary file left')
  })

  it('a symlink stays a symlink; its target is replaced (also a dangling link: the target is created)', () => {
    const target = join(dir, 'target.json')
    const link = join(dir, 'link.json')
    symlinkSync('target.json', link)
    writeFileSafely(link, 'via link')
    assert.ok(lstatSync(link).isSymbolicLink())
    assert.equal(readFileSync(target, 'utf8'), 'via link')
    writeFileSafely(link, 'again')
    assert.ok(lstatSync(link).isSymbolicLink())
    assert.equal(readFileSync(target, 'utf8'), 'again')
  })

  it('a character device is written through, never replaced (/dev/null stays a device; /dev/full reports ENOSPC)', () => {
    writeFileSafely('/dev/null', 'x')
    assert.ok(statSync('/dev/null').isCharacterDevice())
    assert.throws(() => writeFileSafely('/dev/full', 'x'), {code: 'ENOSPC'})
    assert.ok(statSync('/dev/full').isCharacterDevice())
  })

  it('a FIFO with a reader gets the data and stays a FIFO; without a reader it is an error, not a hang', async () => {
    const fifo = join(dir, 'pipe')
    spawnSync('mkfifo', [fifo])
    assert.throws(() => writeFileSafely(fifo, 'x'), {code: 'ENXIO', message: 'a named pipe that nobody reads'})
    const reader = spawn('cat', [fifo])
    let got = ''
    reader.stdout.setEncoding('utf8').on('data', (d) => (got += d))
    const closed = new Promise((r) => reader.on('close', r))
    // wait until cat has opened the FIFO for reading
    for (let i = 0; i < 500; i++) {
      try {
        writeFileSafely(fifo, '{"ok":true}\n')
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error
        await new Promise((r) => setTimeout(r, 10))
      }
    }
    await closed
    assert.equal(got, '{"ok":true}\n')
    assert.ok(lstatSync(fifo).isFIFO())
  })

  it('a directory is refused', () => {
    mkdirSync(join(dir, 'd'))
    assert.throws(() => writeFileSafely(join(dir, 'd'), 'x'), {code: 'EISDIR'})
  })

  it('a failed write leaves neither half a file nor a temporary file', () => {
    if (process.getuid?.() === 0) return // root writes into read-only directories
    const f = join(dir, 'keep.json')
    writeFileSync(f, 'original')
    chmodSync(dir, 0o500)
    assert.throws(() => writeFileSafely(f, 'new'), {code: 'EACCES'})
    chmodSync(dir, 0o700)
    assert.equal(readFileSync(f, 'utf8'), 'original')
    assert.deepEqual(readdirSync(dir), ['keep.json'])
  })

  it('mkdir: missing parent directories are created 0700', () => {
    const f = join(dir, 'x', 'y', 'z.json')
    writeFileSafely(f, 'deep', {mkdir: true})
    assert.equal(readFileSync(f, 'utf8'), 'deep')
    assert.equal(statSync(join(dir, 'x')).mode & 0o777, 0o700)
  })
})
