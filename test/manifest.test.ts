import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

const root = join(import.meta.dirname, '..')

function commandIds(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...commandIds(p))
    else if (e.name.endsWith('.ts'))
      out.push(relative(join(root, 'src/commands'), p).replace(/\.ts$/, '').replace(/\/index$/, '').replaceAll('/', ':'))
  }
  return out
}

describe('oclif.manifest.json', () => {
  it('lists exactly the commands in src/commands', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'))
    assert.deepEqual(Object.keys(manifest.commands).sort(), commandIds(join(root, 'src/commands')).sort())
  })

  it('matches what the compiled commands declare (run `npm run manifest` when this fails)', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts/manifest.js'), '--check'], {encoding: 'utf8'})
    assert.equal(r.stderr, '')
    assert.equal(r.status, 0)
  })

  it('the copy the dispatcher reads (dist/manifest.json) is the same JSON, minified and ASCII', () => {
    const committed = readFileSync(join(root, 'oclif.manifest.json'), 'utf8')
    const copy = readFileSync(join(root, 'dist', 'manifest.json'), 'latin1')
    assert.deepEqual(JSON.parse(copy), JSON.parse(committed))
    assert.equal(copy.search(/[^\x00-\x7f]/), -1)
    assert.ok(copy.length < committed.length * 0.8, `${copy.length} bytes`)
  })
})
