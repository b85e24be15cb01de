// The loader of the bundles (src/cli/code-cache.ts), in-process on bundles written here: each runs once
// per process, a sibling `./x.cjs` it requires goes through the same loader, and a file that is not a
// bundle of this build is refused with a line that says what to do.
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadBundle} from '../../src/cli/code-cache.js'

const HEAD = '(function (exports, require, module, __filename, __dirname) {'
const TAIL = '})/*mkr:body-end*/.call(this, exports, require, module, __filename, __dirname);\n'

describe('cli/code-cache: loadBundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mkr-bundles-'))
  const env = {MKR_NO_CODE_CACHE: '1'}
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('runs a bundle once per process; its require of a sibling bundle goes through the same loader', () => {
    const g = globalThis as {mkrTestRuns?: number}
    g.mkrTestRuns = 0
    writeFileSync(join(dir, 'chunk-a.cjs'), `//mkr:${'a'.repeat(32)}\n${HEAD}globalThis.mkrTestRuns++; exports.value = 42\n${TAIL}`)
    writeFileSync(join(dir, 'entry.cjs'), `//mkr:${'b'.repeat(32)}\n${HEAD}exports.a = require('./chunk-a.cjs'); exports.path = require('node:path').sep\n${TAIL}`)
    const entry = loadBundle<{a: {value: number}; path: string}>(join(dir, 'entry.cjs'), env)
    assert.equal(entry.a.value, 42)
    assert.equal(entry.path, '/')
    assert.equal(loadBundle<{value: number}>(join(dir, 'chunk-a.cjs'), env), entry.a, 'the same exports object')
    assert.equal(g.mkrTestRuns, 1)
    delete g.mkrTestRuns
  })

  it('a file without the wrapper of this build (another version, a damaged install) is refused', () => {
    writeFileSync(join(dir, 'old.cjs'), `//mkr:${'c'.repeat(32)}\nexports.x = 1\n`)
    assert.throws(() => loadBundle(join(dir, 'old.cjs'), env), /old\.cjs: not a bundle of this build .*reinstall/)
  })
})
