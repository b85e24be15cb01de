// The V8 code cache (src/cli/code-cache.ts) is an optimisation: a cache directory that cannot be used
// must never stop or hang a command.
import assert from 'node:assert/strict'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cleanEnv, runMkr} from './harness.js'

describe('e2e: code cache directory', function () {
  this.timeout(30_000)

  for (const [what, dir] of [
    ['a path under /proc (where a recursive mkdir never returns)', '/proc/nope'],
    ['a file, not a directory', 'FILE'],
  ] as const) {
    it(`XDG_CACHE_HOME is ${what}: the command still runs`, async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'mkr-cache-'))
      try {
        const cache = dir === 'FILE' ? join(tmp, 'file') : dir
        if (dir === 'FILE') writeFileSync(cache, 'x')
        const r = await runMkr(['org', '--help'], {env: cleanEnv({XDG_CACHE_HOME: cache}), timeoutMs: 20_000})
        assert.equal(r.signal, null, 'killed by the test timeout: the command hung')
        assert.equal(r.code, 0, r.stderr)
        assert.match(r.stdout, /USAGE/)
      } finally {
        rmSync(tmp, {recursive: true, force: true})
      }
    })
  }

  it('a usable directory gets a cache file, private to the user', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mkr-cache-'))
    try {
      const r = await runMkr(['org', '--help'], {env: cleanEnv({XDG_CACHE_HOME: tmp})})
      assert.equal(r.code, 0, r.stderr)
      const files = readdirSync(join(tmp, 'mkr'))
      assert.ok(files.some((f) => f.endsWith('.v8cache')), files.join(','))
    } finally {
      rmSync(tmp, {recursive: true, force: true})
    }
  })
})

describe('e2e: the bundles', () => {
  // one character outside ASCII makes Node decode a bundle into a two-byte string and V8 scan it as
  // one (mkr.cjs: 7.6 ms instead of ~2 to read, measured): scripts/build.js escapes what esbuild leaves
  it('every file in dist/ is ASCII', () => {
    const dist = join(import.meta.dirname, '..', '..', 'dist')
    // what the latest build wrote (chunks of earlier builds stay for an hour: scripts/build.js)
    const built = statSync(join(dist, 'cli.cjs')).mtimeMs - 120_000
    const names = readdirSync(dist).filter((n) => n.endsWith('.cjs') && statSync(join(dist, n)).mtimeMs >= built)
    assert.ok(names.length > 50 && names.includes('mkr.cjs') && names.includes('cmd-org.cjs') && names.includes('undici.cjs'), names.join(','))
    for (const name of names) {
      const text = readFileSync(join(dist, name), 'latin1')
      const at = text.search(/[^\x00-\x7f]/)
      assert.equal(at, -1, `${name}: a byte outside ASCII at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}`)
      // its own CommonJS wrapper (the loader compiles the text before the marker, a slice, no copy)
      if (name !== 'cli.cjs')
        assert.match(text, /^\/\/mkr:[0-9a-f]{32}\n\(function \(exports, require, module, __filename, __dirname\) \{[^]*\n\}\)\/\*mkr:body-end\*\/\.call\(this, exports, require, module, __filename, __dirname\);\n$/, name)
    }
  })
})

describe('e2e: code caches in use are kept', function () {
  this.timeout(60_000)

  it('a cache read is marked as used; caches unused for a day go when another cache is written', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mkr-cache-'))
    try {
      const env = cleanEnv({XDG_CACHE_HOME: tmp})
      const dir = join(tmp, 'mkr')
      assert.equal((await runMkr(['completion', 'bash'], {env})).code, 0)
      const used = readdirSync(dir).filter((f) => f.endsWith('.v8cache'))
      assert.ok(used.some((f) => f.startsWith('cmd-completion-')), used.join(','))
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000)
      for (const f of used) utimesSync(join(dir, f), twoDaysAgo, twoDaysAgo)
      const stale = `mkr-${'0'.repeat(32)}-${process.version}-${process.arch}.v8cache`
      writeFileSync(join(dir, stale), 'x')
      utimesSync(join(dir, stale), twoDaysAgo, twoDaysAgo)
      // read from their caches: marked as used
      assert.equal((await runMkr(['completion', 'bash'], {env})).code, 0)
      // help's bundle has no cache yet: writing it clears out what was not used for a day
      assert.equal((await runMkr(['--help'], {env})).code, 0)
      const after = readdirSync(dir)
      assert.ok(after.some((f) => f.startsWith('help-')), after.join(','))
      assert.ok(!after.includes(stale), 'the unused cache is still there')
      for (const f of used) assert.ok(after.includes(f), `${f} (in use) was removed`)
    } finally {
      rmSync(tmp, {recursive: true, force: true})
    }
  })
})
