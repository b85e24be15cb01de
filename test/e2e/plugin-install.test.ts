// `mkr plugin install` as a process, against a fake GitHub on 127.0.0.1 (MKR_PLUGIN_GITHUB_BASE):
// exit codes, the progress lines on stderr, a hostile archive refused.
import assert from 'node:assert/strict'
import {createServer, type Server} from 'node:http'
import {existsSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {cleanEnv, runMkr, tempDir} from './harness.js'
import {script, zip} from '../plugin/archives.js'

const os = process.platform === 'win32' ? 'windows' : process.platform
const arch = process.arch === 'x64' ? 'amd64' : process.arch

describe('e2e: plugin install', () => {
  const tmp = tempDir('mkr-e2e-plugin-')
  let server: Server
  let base: string
  before(async () => {
    const archive = zip([{name: `mackerel-plugin-sample_${os}_${arch}/mackerel-plugin-sample`, data: script('sample')}])
    server = createServer((req, res) => {
      if (req.url === '/o/mackerel-plugin-sample/releases/latest') return res.writeHead(302, {location: '/o/mackerel-plugin-sample/releases/tag/v1.2.3'}).end()
      if (req.url === `/o/mackerel-plugin-sample/releases/download/v1.2.3/mackerel-plugin-sample_${os}_${arch}.zip`) return res.writeHead(200).end(archive)
      res.writeHead(404).end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => {
    server.close()
    tmp.remove()
  })

  it('installs the latest release into --prefix and records its tag', async () => {
    const prefix = join(tmp.path, 'p')
    const env = cleanEnv({MKR_PLUGIN_GITHUB_BASE: base, MKR_PLUGIN_GITHUB_API_BASE: `${base}/api`})
    const r = await runMkr(['plugin', 'install', '--prefix', prefix, 'o/mackerel-plugin-sample'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /Downloading .*\/releases\/download\/v1\.2\.3\/mackerel-plugin-sample_.*\.zip\nInstalling .*\/bin\/mackerel-plugin-sample\nSuccessfully installed o\/mackerel-plugin-sample\n$/)
    assert.equal(readFileSync(join(prefix, 'bin', 'mackerel-plugin-sample'), 'utf8'), script('sample'))
    assert.equal(statSync(join(prefix, 'bin', 'mackerel-plugin-sample')).mode & 0o111, 0o111)
    assert.equal(readFileSync(join(prefix, 'meta', 'o', 'mackerel-plugin-sample', 'release_tag'), 'utf8'), 'v1.2.3')
  })

  it('a zip-slip archive: exit 1, one line and a hint, nothing written', async () => {
    const prefix = join(tmp.path, 'q')
    const f = join(tmp.path, 'evil.zip')
    writeFileSync(f, zip([{name: 'check-ok', data: script('ok')}, {name: '../../evil-check', data: script('x')}]))
    const r = await runMkr(['plugin', 'install', '--prefix', prefix, `file://${f}`])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, 'mkr: archive entry escapes the archive: ../../evil-check\nhint: a plugin archive never holds `..` paths: nothing was installed\n')
    assert.deepEqual(readdirSync(join(prefix, 'bin')), [])
    assert.ok(!existsSync(join(tmp.path, 'evil-check')))
  })

  it('an invalid target is a usage error (exit 2)', async () => {
    const r = await runMkr(['plugin', 'install', '--prefix', join(tmp.path, 'r'), 'a/b/c'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mkr: Install target is invalid: a\/b\/c\nhint: /)
  })
})
