// `mkr plugin install` in-process against a fake GitHub + plugin registry on 127.0.0.1 (the base URLs
// come from MKR_PLUGIN_* variables), with archives built in the test, hostile ones included.
import assert from 'node:assert/strict'
import {createServer, type IncomingMessage, type Server} from 'node:http'
import {existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {CliError, UsageError} from '../../src/errors.js'
import {testIO} from '../../src/output/iostreams.js'
import {runPluginInstall, type PluginInstallDeps} from '../../src/plugin/install.js'
import {parseTarget} from '../../src/plugin/target.js'
import {failure} from '../helpers/failure.js'
import {script, tar, tgz, zip} from './archives.js'
import nock from 'nock'

const PLATFORM = {os: 'linux', arch: 'amd64'}

interface Fake {
  server: Server
  base: string
  /** release tag the releases/latest redirect names, per owner/repo (absent: 404) */
  latest: Map<string, string>
  /** tag the API names, per owner/repo */
  apiLatest: Map<string, string>
  /** files served under /<o>/<r>/releases/download/<tag>/<file> */
  assets: Map<string, Buffer | (() => Buffer)>
  registry: Map<string, string>
  requests: Array<{method: string; url: string; headers: IncomingMessage['headers']}>
}

async function startFake(): Promise<Fake> {
  const fake: Fake = {server: undefined as unknown as Server, base: '', latest: new Map(), apiLatest: new Map(), assets: new Map(), registry: new Map(), requests: []}
  fake.server = createServer((req, res) => {
    fake.requests.push({method: req.method!, url: req.url!, headers: req.headers})
    const url = new URL(req.url!, 'http://x')
    let m
    if ((m = /^\/api\/repos\/([^/]+)\/([^/]+)\/releases\/latest$/.exec(url.pathname))) {
      const tag = fake.apiLatest.get(`${m[1]}/${m[2]}`)
      res.writeHead(tag ? 200 : 404, {'content-type': 'application/json'})
      return res.end(JSON.stringify(tag ? {tag_name: tag} : {message: 'Not Found'}))
    }
    if ((m = /^\/registry\/plugins\/(.+)\.json$/.exec(url.pathname))) {
      const src = fake.registry.get(decodeURIComponent(m[1]))
      res.writeHead(src ? 200 : 404)
      return res.end(src ? JSON.stringify({source: src, description: 'test'}) : '404: Not Found')
    }
    if ((m = /^\/([^/]+)\/([^/]+)\/releases\/latest$/.exec(url.pathname))) {
      const tag = fake.latest.get(`${m[1]}/${m[2]}`)
      if (!tag) return res.writeHead(404).end()
      return res.writeHead(302, {location: `${fake.base}/${m[1]}/${m[2]}/releases/tag/${encodeURIComponent(tag)}`}).end()
    }
    if ((m = /^\/([^/]+)\/([^/]+)\/releases\/download\/([^/]+)\/([^/]+)$/.exec(url.pathname))) {
      // like github.com: a redirect to the asset store
      return res.writeHead(302, {location: `/assets/${m[1]}/${m[2]}/${m[3]}/${m[4]}`}).end()
    }
    if ((m = /^\/assets\/(.+)$/.exec(url.pathname))) {
      const a = fake.assets.get(decodeURIComponent(m[1]))
      if (!a) return res.writeHead(404).end()
      const body = typeof a === 'function' ? a() : a
      return res.writeHead(200, {'content-type': 'application/octet-stream'}).end(body)
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r))
  fake.base = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`
  return fake
}

describe('plugin install', () => {
  let fake: Fake
  let tmp: string
  let prefix: string
  let deps: PluginInstallDeps

  // nock (imported by other suites of this process) intercepts node:http; once requests have gone
  // through its interceptor (e.g. the sandbox's webhooks in test/e2e/runbook.test.ts), restore() no
  // longer takes it off, and its mock socket ends a streamed response early ("aborted") where a real
  // socket does not. Downloads here talk to real local servers: this suite restores nock and runs
  // first (`mocha --file test/plugin/install.test.ts` in package.json), before any request.
  let nockWasActive = false
  before(async () => {
    nockWasActive = nock.isActive()
    if (nockWasActive) nock.restore()
    fake = await startFake()
  })
  after(() => {
    fake.server.close()
    if (nockWasActive) nock.activate()
  })
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'mkr-plugin-'))
    prefix = join(tmp, 'plugins')
    fake.latest.clear()
    fake.apiLatest.clear()
    fake.assets.clear()
    fake.registry.clear()
    fake.requests.length = 0
    deps = {
      env: {MKR_PLUGIN_GITHUB_BASE: fake.base, MKR_PLUGIN_GITHUB_API_BASE: `${fake.base}/api`, MKR_PLUGIN_REGISTRY_BASE: `${fake.base}/registry`},
      home: tmp,
      platform: PLATFORM,
    }
  })
  afterEach(() => rmSync(tmp, {recursive: true, force: true}))

  const install = async (target: string, o: {overwrite?: boolean; upgrade?: boolean; quiet?: boolean} = {}, d: Partial<PluginInstallDeps> = {}) => {
    const t = testIO({quiet: o.quiet})
    let error: Error | undefined
    try {
      await runPluginInstall({target, prefix, overwrite: o.overwrite, upgrade: o.upgrade}, t.io, {...deps, ...d})
    } catch (e) {
      error = e as Error
    }
    return {error, out: t.out(), err: t.err()}
  }
  const bin = (name: string) => join(prefix, 'bin', name)
  const binFiles = () => (existsSync(join(prefix, 'bin')) ? readdirSync(join(prefix, 'bin')).sort() : [])
  const releaseTag = (o: string, r: string) => readFileSync(join(prefix, 'meta', o, r, 'release_tag'), 'utf8')
  const asset = (o: string, r: string, tag: string, ext: string, body: Buffer) => fake.assets.set(`${o}/${r}/${tag}/${r}_linux_amd64.${ext}`, body)
  const workIsEmpty = () => assert.deepEqual(readdirSync(join(prefix, 'work')), [])

  describe('targets', () => {
    it('parses owner/repo[@tag], name[@tag] and URLs as mkr (a tag may hold / and @)', () => {
      assert.deepEqual(parseTarget('mackerelio/mackerel-plugin-sample'), {kind: 'github', owner: 'mackerelio', repo: 'mackerel-plugin-sample', tag: undefined})
      assert.deepEqual(parseTarget('o/r@v1.2/x@y'), {kind: 'github', owner: 'o', repo: 'r', tag: 'v1.2/x@y'})
      assert.deepEqual(parseTarget('mackerel-plugin-sample@v0.0.1'), {kind: 'registry', name: 'mackerel-plugin-sample', tag: 'v0.0.1'})
      assert.deepEqual(parseTarget('https://example.com/a.zip'), {kind: 'url', url: 'https://example.com/a.zip'})
      assert.deepEqual(parseTarget('file:///tmp/a.zip'), {kind: 'url', url: 'file:///tmp/a.zip'})
      for (const bad of ['a/b/c', '@v1', 'a/@v1', '', 'a b'])
        assert.throws(() => parseTarget(bad), (e: Error) => e instanceof UsageError && /^Install target is invalid/.test(e.message), bad)
    })
    it('refuses owner or repo names that would leave <prefix>/meta', async () => {
      const r = await install('../x')
      assert.ok(r.error instanceof CliError)
      assert.match(r.error.message, /invalid repository \.\.\/x/)
      assert.equal(fake.requests.length, 0)
    })
  })

  describe('from GitHub', () => {
    it('owner/repo: the latest tag from the releases/latest redirect, the zip asset, the tag recorded', async () => {
      fake.latest.set('mackerelio/mackerel-plugin-sample', 'v0.0.4')
      asset('mackerelio', 'mackerel-plugin-sample', 'v0.0.4', 'zip', zip([
        {name: 'mackerel-plugin-sample_linux_amd64/', type: 'dir'},
        {name: 'mackerel-plugin-sample_linux_amd64/mackerel-plugin-sample', data: script('sample')},
        {name: 'mackerel-plugin-sample_linux_amd64/README.md', data: '# readme', mode: 0o644},
      ]))
      const r = await install('mackerelio/mackerel-plugin-sample')
      assert.equal(r.error, undefined, r.err)
      assert.deepEqual(binFiles(), ['mackerel-plugin-sample'])
      assert.equal(readFileSync(bin('mackerel-plugin-sample'), 'utf8'), script('sample'))
      assert.equal(statSync(bin('mackerel-plugin-sample')).mode & 0o777, 0o755)
      assert.equal(releaseTag('mackerelio', 'mackerel-plugin-sample'), 'v0.0.4')
      assert.equal(r.out, '')
      assert.equal(
        r.err,
        `Downloading ${fake.base}/mackerelio/mackerel-plugin-sample/releases/download/v0.0.4/mackerel-plugin-sample_linux_amd64.zip\n` +
          `Installing ${bin('mackerel-plugin-sample')}\n` +
          'Successfully installed mackerelio/mackerel-plugin-sample\n',
      )
      workIsEmpty()
      const head = fake.requests.find((q) => q.method === 'HEAD')!
      assert.match(head.headers['user-agent']!, /^mkr-plugin-installer\//)
    })

    it('-q hides the progress lines', async () => {
      asset('o', 'check-x', 'v1', 'zip', zip([{name: 'check-x', data: script('x')}]))
      const r = await install('o/check-x@v1', {quiet: true})
      assert.equal(r.error, undefined)
      assert.equal(r.err, '')
      assert.deepEqual(binFiles(), ['check-x'])
    })

    it('falls back to the GitHub API (with GITHUB_TOKEN) when the redirect does not name a tag', async () => {
      fake.apiLatest.set('o/r', 'v2.0.0')
      asset('o', 'r', 'v2.0.0', 'zip', zip([{name: 'check-r', data: script('r')}]))
      const r = await install('o/r', {}, {env: {...deps.env, GITHUB_TOKEN: 'ghp_secret'}})
      assert.equal(r.error, undefined, r.err)
      const api = fake.requests.find((q) => q.url.startsWith('/api/'))!
      assert.equal(api.headers.authorization, 'Bearer ghp_secret')
      assert.ok(fake.requests.filter((q) => !q.url.startsWith('/api/')).every((q) => q.headers.authorization === undefined), 'the token goes to the API only')
      assert.ok(!r.err.includes('ghp_secret'))
      assert.equal(releaseTag('o', 'r'), 'v2.0.0')
    })

    it('reads the token from ~/.gitconfig when GITHUB_TOKEN is not set', async () => {
      writeFileSync(join(tmp, '.gitconfig'), '[user]\n\tname = x\n[github]\n\ttoken = gho_fromfile\n')
      fake.apiLatest.set('o/r', 'v1')
      asset('o', 'r', 'v1', 'zip', zip([{name: 'check-r', data: script('r')}]))
      const r = await install('o/r')
      assert.equal(r.error, undefined, r.err)
      assert.equal(fake.requests.find((q) => q.url.startsWith('/api/'))!.headers.authorization, 'Bearer gho_fromfile')
    })

    it('a release without this platform\'s zip: the tar.gz is tried', async () => {
      asset('o', 'r', 'v1', 'tar.gz', tgz([{name: 'r_linux_amd64/mackerel-plugin-r', data: script('r')}]))
      const r = await install('o/r@v1')
      assert.equal(r.error, undefined, r.err)
      assert.deepEqual(binFiles(), ['mackerel-plugin-r'])
      assert.match(r.err, /Downloading .*_linux_amd64\.zip\nDownloading .*_linux_amd64\.tar\.gz\n/)
    })

    it('neither asset: the 404 with mkr\'s words and a hint, nothing installed', async () => {
      const r = await install('o/r@v9')
      assert.ok(r.error instanceof CliError)
      assert.match(r.error.message, /^http response not OK\. code: 404, url: .*r_linux_amd64\.tar\.gz$/)
      assert.match(r.error.hint!, /no archive for this platform/)
      assert.deepEqual(binFiles(), [])
      workIsEmpty()
    })

    it('a registry name: its source repository, then as owner/repo', async () => {
      fake.registry.set('mackerel-plugin-sample', 'mackerelio/mackerel-plugin-sample')
      asset('mackerelio', 'mackerel-plugin-sample', 'v0.0.1', 'zip', zip([{name: 'mackerel-plugin-sample', data: script('s')}]))
      const r = await install('mackerel-plugin-sample@v0.0.1')
      assert.equal(r.error, undefined, r.err)
      assert.equal(releaseTag('mackerelio', 'mackerel-plugin-sample'), 'v0.0.1')
    })

    it('an unknown registry name, a registry source that is not owner/repo, or one that escapes', async () => {
      let r = await install('nope')
      assert.match(r.error!.message, /no plugin named nope in the plugin registry/)
      fake.registry.set('bad', 'just-one-part')
      r = await install('bad')
      assert.match(r.error!.message, /^source definition is invalid/)
      fake.registry.set('evil', '../..')
      r = await install('evil')
      assert.match(r.error!.message, /invalid repository/)
      assert.ok(!existsSync(join(prefix, 'meta', '..', '..', 'release_tag')))
    })
  })

  describe('existing plugins, --overwrite, --upgrade', () => {
    beforeEach(() => {
      asset('o', 'r', 'v1', 'zip', zip([{name: 'check-a', data: script('a1')}, {name: 'check-b', data: script('b1')}]))
      asset('o', 'r', 'v2', 'zip', zip([{name: 'check-a', data: script('a2')}, {name: 'check-b', data: script('b2')}]))
    })

    it('an existing plugin is kept (and the others installed), and the tag is not recorded', async () => {
      mkdirSync(join(prefix, 'bin'), {recursive: true})
      writeFileSync(bin('check-a'), 'old')
      const r = await install('o/r@v1')
      assert.equal(r.error, undefined, r.err)
      assert.equal(readFileSync(bin('check-a'), 'utf8'), 'old')
      assert.equal(readFileSync(bin('check-b'), 'utf8'), script('b1'))
      assert.match(r.err, /check-a already exists\. Skip installing for now\n/)
      assert.ok(!existsSync(join(prefix, 'meta', 'o', 'r', 'release_tag')))
    })

    it('--overwrite replaces by rename (a new inode: a running plugin keeps its file), a symlink in bin is replaced, not followed', async () => {
      mkdirSync(join(prefix, 'bin'), {recursive: true})
      writeFileSync(bin('check-a'), 'old')
      const outside = join(tmp, 'outside')
      writeFileSync(outside, 'keep')
      symlinkSync(outside, bin('check-b'))
      const ino = statSync(bin('check-a')).ino
      const r = await install('o/r@v1', {overwrite: true})
      assert.equal(r.error, undefined, r.err)
      assert.equal(readFileSync(bin('check-a'), 'utf8'), script('a1'))
      assert.notEqual(statSync(bin('check-a')).ino, ino)
      assert.ok(lstatSync(bin('check-b')).isFile())
      assert.equal(readFileSync(outside, 'utf8'), 'keep')
      assert.equal(releaseTag('o', 'r'), 'v1')
      assert.deepEqual(binFiles(), ['check-a', 'check-b'], 'no temporary file left')
    })

    it('--upgrade: the same tag is skipped before any download; another tag replaces', async () => {
      assert.equal((await install('o/r@v1')).error, undefined)
      fake.requests.length = 0
      let r = await install('o/r@v1', {upgrade: true})
      assert.equal(r.error, undefined)
      assert.equal(r.err, 'release_tag v1 is already installed. Skip installing for now\n')
      assert.equal(fake.requests.length, 0)
      r = await install('o/r@v2', {upgrade: true})
      assert.equal(r.error, undefined, r.err)
      assert.equal(readFileSync(bin('check-a'), 'utf8'), script('a2'))
      assert.equal(releaseTag('o', 'r'), 'v2')
    })
  })

  describe('URLs', () => {
    it('file:// zip and tar.gz; non-executables, READMEs and archives inside are not installed', async () => {
      const z = join(tmp, 'p.zip')
      writeFileSync(z, zip([
        {name: 'd/check-sample', data: script('c')},
        {name: 'd/mackerel-plugin-non-executable', data: 'x', mode: 0o644},
        {name: 'd/not-mackerel-plugin-sample', data: script('n')},
        {name: 'd/plugins/mackerel-plugin-sample-multi-2', data: script('m2'), method: 0},
        {name: 'd/mackerel-plugin-inner.zip', data: 'zip', mode: 0o755},
      ]))
      let r = await install(`file://${z}`)
      assert.equal(r.error, undefined, r.err)
      assert.deepEqual(binFiles(), ['check-sample', 'mackerel-plugin-sample-multi-2'])
      assert.match(r.err, /mackerel-plugin-non-executable in the archive is not executable: not installed/)
      assert.deepEqual(readdirSync(join(prefix, 'meta')), [], 'no tag for a URL')
      const t = join(tmp, 'p.tar.gz')
      writeFileSync(t, tgz([{name: 'x/' + 'long-directory-name/'.repeat(6) + 'mackerel-plugin-long', data: script('l')}, {name: 'x/check-sample', data: script('c2')}]))
      r = await install(`file://${t}`, {overwrite: true})
      assert.equal(r.error, undefined, r.err)
      assert.deepEqual(binFiles(), ['check-sample', 'mackerel-plugin-long', 'mackerel-plugin-sample-multi-2'])
      assert.equal(readFileSync(bin('check-sample'), 'utf8'), script('c2'))
    })

    it('an uncompressed tar works too', async () => {
      const t = join(tmp, 'p.tar')
      writeFileSync(t, tar([{name: 'check-plain', data: script('p')}]))
      assert.equal((await install(`file://${t}`)).error, undefined)
      assert.deepEqual(binFiles(), ['check-plain'])
    })

    it('http(s) URLs: followed redirects; plain http only to loopback, also after a redirect', async () => {
      fake.assets.set('a/b/c/p.zip', zip([{name: 'check-u', data: script('u')}]))
      let r = await install(`${fake.base}/a/b/releases/download/c/p.zip`)
      assert.equal(r.error, undefined, r.err)
      assert.deepEqual(binFiles(), ['check-u'])
      r = await install('http://example.com/p.zip')
      assert.match(r.error!.message, /^refusing plain http to example\.com/)
      assert.match((r.error as CliError).hint!, /https/)
      // a redirect to a non-loopback http URL
      const redirector = createServer((_q, s) => s.writeHead(302, {location: 'http://example.com/p.zip'}).end())
      await new Promise<void>((res) => redirector.listen(0, '127.0.0.1', res))
      try {
        r = await install(`http://127.0.0.1:${(redirector.address() as AddressInfo).port}/p.zip`)
        assert.match(r.error!.message, /^refusing plain http to example\.com/)
      } finally {
        redirector.close()
      }
    })

    it('a missing file, a directory, something that is not an archive', async () => {
      let r = await install(`file://${tmp}/nope.zip`)
      assert.match(r.error!.message, /cannot read .*nope\.zip: no such file/)
      r = await install(`file://${tmp}`)
      assert.match(r.error!.message, /is not a regular file/)
      writeFileSync(join(tmp, 'x.zip'), '<html>not found</html>')
      r = await install(`file://${tmp}/x.zip`)
      assert.match(r.error!.message, /neither a zip nor a tar\.gz/)
      writeFileSync(join(tmp, 'e.zip'), zip([{name: 'README', data: 'r'}]))
      r = await install(`file://${tmp}/e.zip`)
      assert.match(r.error!.message, /^no plugin in the archive/)
    })
  })

  describe('hostile archives: a clean error, nothing installed, work directory removed', () => {
    const hostile = async (name: string, archive: Buffer, pattern: RegExp, d: Partial<PluginInstallDeps> = {}) => {
      const f = join(tmp, name)
      writeFileSync(f, archive)
      const r = await install(`file://${f}`, {}, d)
      assert.ok(r.error instanceof CliError, `${name}: ${r.error?.stack}`)
      assert.match(r.error.message, pattern, name)
      assert.deepEqual(binFiles(), [], `${name}: nothing installed`)
      workIsEmpty()
      assert.ok(!existsSync(join(tmp, 'evil')), `${name}: nothing written outside`)
    }

    it('zip slip: ../ entries, absolute paths, backslashes and drive letters', async () => {
      const ok = {name: 'check-ok', data: script('ok')}
      await hostile('a.zip', zip([ok, {name: '../evil/check-x', data: script('x')}]), /escapes the archive: \.\.\/evil\/check-x/)
      await hostile('b.zip', zip([ok, {name: 'd/../../evil', data: 'x'}]), /escapes the archive/)
      await hostile('c.zip', zip([ok, {name: '/tmp/evil/check-x', data: 'x'}]), /absolute path/)
      await hostile('d.zip', zip([ok, {name: '..\\evil\\check-x', data: 'x'}]), /escapes the archive/)
      await hostile('e.zip', zip([ok, {name: 'C:/evil/check-x', data: 'x'}]), /absolute path/)
      await hostile('a.tar.gz', tgz([ok, {name: '../evil/check-x', data: script('x')}]), /escapes the archive/)
      await hostile('b.tar.gz', tgz([ok, {name: '/evil/check-x', data: script('x')}]), /absolute path/)
    })

    it('symlinks or hard links pointing out; a plugin-named symlink is never installed', async () => {
      const ok = {name: 'd/check-ok', data: script('ok')}
      await hostile('s.zip', zip([ok, {name: 'd/link', type: 'symlink', link: '../../evil'}]), /link points outside the archive: d\/link -> \.\.\/\.\.\/evil/)
      await hostile('s2.zip', zip([ok, {name: 'd/check-link', type: 'symlink', link: '/etc/passwd'}]), /points outside/)
      await hostile('s.tar.gz', tgz([ok, {name: 'd/link', type: 'symlink', link: '/etc'}]), /points outside/)
      await hostile('h.tar.gz', tgz([ok, {name: 'd/check-hard', type: 'hardlink', link: '../etc/passwd'}]), /points outside/)
      // a symlink that stays inside is accepted, but not installed
      const f = join(tmp, 'in.tar.gz')
      writeFileSync(f, tgz([ok, {name: 'd/check-alias', type: 'symlink', link: 'check-ok'}]))
      const r = await install(`file://${f}`)
      assert.equal(r.error, undefined, r.err)
      assert.deepEqual(binFiles(), ['check-ok'])
      assert.match(r.err, /d\/check-alias in the archive is not a regular file \(symlink\): not installed/)
    })

    it('a zip bomb: an entry inflating past its declared size, or past the extraction limit', async () => {
      const zeros = Buffer.alloc(20 * 1024 * 1024) // deflates to ~20 KB
      await hostile('bomb1.zip', zip([{name: 'check-bomb', data: zeros, declaredSize: 1000}]), /inflates to more than it declares/)
      await hostile('bomb2.zip', zip([{name: 'check-bomb', data: zeros}]), /expands to more than the limit/, {limits: {maxExtractedBytes: 1024 * 1024}})
      // several entries sharing the budget
      await hostile(
        'bomb3.zip',
        zip(Array.from({length: 4}, (_, i) => ({name: `check-b${i}`, data: Buffer.alloc(400 * 1024)}))),
        /more than/,
        {limits: {maxExtractedBytes: 1024 * 1024}},
      )
    })

    it('a gzip bomb in a tar.gz stops at the limit', async () => {
      await hostile('bomb.tar.gz', gzipSync(tar([{name: 'junk', data: Buffer.alloc(8 * 1024 * 1024)}, {name: 'check-x', data: script('x')}])), /expands to more than the limit/, {
        limits: {maxExtractedBytes: 1024 * 1024},
      })
    })

    it('a damaged archive: CRC mismatch, truncation, bad tar checksum, garbage after the gzip magic', async () => {
      await hostile('crc.zip', zip([{name: 'check-x', data: script('x'), crc: 1234}]), /CRC-32/)
      const z = zip([{name: 'check-x', data: script('x')}])
      await hostile('trunc.zip', z.subarray(0, z.length - 30), /not a zip archive|damaged|truncated/)
      const t = tar([{name: 'check-x', data: script('x')}])
      t[10] ^= 0xff
      await hostile('sum.tar.gz', gzipSync(t), /bad header checksum/)
      await hostile('gz.tar.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(50, 7)]), /cannot decompress/)
      const full = tgz([{name: 'check-x', data: Buffer.alloc(100_000, 1)}])
      await hostile('cut.tar.gz', full.subarray(0, full.length / 2), /truncated|cannot decompress/)
    })

    it('unsupported zip features and too many entries', async () => {
      const z = zip([{name: 'check-x', data: script('x')}])
      const cdMethod = z.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10
      z.writeUInt16LE(12, cdMethod) // bzip2
      await hostile('bz.zip', z, /compression method 12/)
      await hostile('many.zip', zip(Array.from({length: 30}, (_, i) => ({name: `f${i}`, data: 'x'}))), /30 entries, more than the limit of 10/, {limits: {maxEntries: 10}})
    })

    it('two plugins of the same name in one archive', async () => {
      await hostile('dup.zip', zip([{name: 'a/check-x', data: script('1')}, {name: 'b/check-x', data: script('2')}]), /two plugins named check-x/)
    })

    it('a download larger than the cap (declared, or streamed without a length)', async () => {
      fake.assets.set('o/r/v1/r_linux_amd64.zip', Buffer.alloc(300_000, 1))
      let r = await install('o/r@v1', {}, {maxDownloadBytes: 100_000})
      assert.match(r.error!.message, /^download too large: .* is over 0\.1 MiB/)
      workIsEmpty()
      const chunked = createServer((_q, s) => {
        s.writeHead(200)
        for (let i = 0; i < 30; i++) s.write(Buffer.alloc(10_000))
        s.end()
      })
      await new Promise<void>((res) => chunked.listen(0, '127.0.0.1', res))
      try {
        r = await install(`http://127.0.0.1:${(chunked.address() as AddressInfo).port}/x.zip`, {}, {maxDownloadBytes: 100_000})
        assert.match(r.error!.message, /^download too large/)
        workIsEmpty()
      } finally {
        chunked.close()
      }
    })
  })
})
