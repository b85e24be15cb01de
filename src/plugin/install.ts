// `mkr plugin install TARGET`: resolve the target to an archive (GitHub release, plugin registry,
// or a URL), download it into <prefix>/work with a size cap, extract the executables named check-*
// or mackerel-plugin-* (nothing else is written, nothing from the archive is ever run), then put each
// into <prefix>/bin atomically (a temporary file renamed over the old one, so a running plugin is
// replaced safely) and record the release tag in <prefix>/meta/<owner>/<repo>/release_tag.
// The archive is untrusted: readers check every entry (zip.ts, tar.ts, entry.ts) before anything is
// installed, and a failure leaves <prefix>/bin as it was.
import {randomBytes} from 'node:crypto'
import {chmodSync, copyFileSync, createWriteStream, lstatSync, mkdtempSync, openSync, readSync, closeSync, renameSync, rmSync, statSync, unlinkSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CliError, fsReason} from '../errors.js'
import {ensureDir, writeFileSafely} from '../files.js'
import type {IOStreams} from '../output/iostreams.js'
import {escapeControl} from '../output/sanitize.js'
import {ArchiveError, DEFAULT_LIMITS, checkEntryName, looksLikePlugin, type ArchiveEntry, type Limits} from './entry.js'
import {assetUrls, checkRepoName, latestTag, registrySource} from './github.js'
import {HttpStatusError, checkRemoteUrl, request} from './http.js'
import {walkTar} from './tar.js'
import {endpoints, goPlatform, parseTarget} from './target.js'
import {ZipReader, readLinkTargets} from './zip.js'

export const MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000

export function defaultPrefix(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? join(dirname(process.execPath), 'plugins') : '/opt/mackerel-agent/plugins'
}

export interface PluginInstallOptions {
  target: string
  prefix?: string
  overwrite?: boolean
  upgrade?: boolean
}

export interface PluginInstallDeps {
  env?: NodeJS.ProcessEnv
  /** the home directory holding .gitconfig (GitHub token) */
  home?: string
  limits?: Partial<Limits>
  maxDownloadBytes?: number
  platform?: {os: string; arch: string}
}

interface Extracted {
  base: string
  entry: string
  mode: number
  path: string
}

export async function runPluginInstall(opts: PluginInstallOptions, io: IOStreams, deps: PluginInstallDeps = {}): Promise<void> {
  const env = deps.env ?? process.env
  const target = parseTarget(opts.target)
  const ep = endpoints(env)
  const platform = deps.platform ?? goPlatform()
  const limits: Limits = {...DEFAULT_LIMITS, ...deps.limits}
  const prefix = opts.prefix ?? defaultPrefix()
  if (prefix === '') throw new CliError('--prefix is empty', {hint: `give a directory, e.g. --prefix ${defaultPrefix()}`})

  // where from: a repository and tag, or a URL
  let repo: {owner: string; repo: string} | undefined
  let tag: string | undefined
  if (target.kind === 'github') {
    checkRepoName(target.owner, target.repo, 'install target')
    repo = {owner: target.owner, repo: target.repo}
  } else if (target.kind === 'registry') repo = await registrySource(target.name, ep)
  if (target.kind === 'url') {
    if (!target.url.startsWith('file:')) checkRemoteUrl(target.url, 'install target')
    if (opts.upgrade) io.warn('--upgrade needs owner/repo or a plugin-registry name (no release tag is recorded for a URL): installing as without it')
  } else tag = target.tag ?? (await latestTag(repo!.owner, repo!.repo, ep, env, deps.home))

  const dirs = setupDirs(prefix)
  const metaDir = repo ? join(dirs.meta, repo.owner, repo.repo) : undefined
  let overwrite = Boolean(opts.overwrite)
  if (opts.upgrade && metaDir && tag !== undefined) {
    const installed = readTag(metaDir)
    if (installed === tag) {
      io.info(`release_tag ${escapeControl(tag)} is already installed. Skip installing for now`)
      return
    }
    overwrite = true // an upgrade replaces what is there
  }

  const work = mkdtempSync(join(dirs.work, 'mkr-plugin-installer-'))
  try {
    const archive = await fetchArchive(target.kind === 'url' ? [target.url] : assetUrls(repo!.owner, repo!.repo, tag!, platform, ep), work, io, deps.maxDownloadBytes ?? MAX_DOWNLOAD_BYTES)
    const files = await extractPlugins(archive, join(work, 'x'), limits, io)
    let skipped = 0
    for (const f of files) {
      const dest = join(dirs.bin, f.base)
      if (exists(dest) && !overwrite) {
        io.info(`${dest} already exists. Skip installing for now`)
        skipped++
        continue
      }
      io.info(`Installing ${dest}`)
      place(f, dest)
    }
    if (metaDir && tag !== undefined && skipped === 0) {
      ensureDir(metaDir, 0o755)
      writeFileSafely(join(metaDir, 'release_tag'), tag, {mode: 0o644})
    }
    io.info(`Successfully installed ${escapeControl(opts.target)}`)
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}

function setupDirs(prefix: string): {bin: string; work: string; meta: string} {
  const dirs = {bin: join(prefix, 'bin'), work: join(prefix, 'work'), meta: join(prefix, 'meta')}
  for (const d of Object.values(dirs)) {
    try {
      ensureDir(d, 0o755)
    } catch (error) {
      throw new CliError(`cannot create ${d}: ${fsReason(error)}`, {
        hint: (error as NodeJS.ErrnoException).code === 'EACCES' ? 'run it as root (sudo), or choose another --prefix' : undefined,
      })
    }
  }
  return dirs
}

function readTag(metaDir: string): string | undefined {
  try {
    return statSync(join(metaDir, 'release_tag')).isFile() ? readFileText(join(metaDir, 'release_tag')) : undefined
  } catch {
    return undefined
  }
}

function readFileText(path: string): string {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(4096)
    const n = readSync(fd, buf, 0, buf.length, 0)
    return buf.subarray(0, n).toString('utf8')
  } finally {
    closeSync(fd)
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return false
  }
}

/** The archive on disk: a local file:// path as it is, a remote one downloaded into `work`. */
async function fetchArchive(urls: string[], work: string, io: IOStreams, maxBytes: number): Promise<string> {
  const first = urls[0]
  if (first.startsWith('file:')) {
    let path: string
    try {
      path = fileURLToPath(first)
    } catch (error) {
      throw new CliError(`invalid file URL ${escapeControl(first)}: ${(error as Error).message}`, {hint: 'e.g. file:///tmp/mackerel-plugin-sample_linux_amd64.zip'})
    }
    let st
    try {
      st = statSync(path)
    } catch (error) {
      throw new CliError(`cannot read ${path}: ${fsReason(error)}`)
    }
    if (!st.isFile()) throw new CliError(`${path} is not a regular file`)
    if (st.size > maxBytes) throw new CliError(`${path} is larger than the limit of ${maxBytes} bytes`, {hint: 'is this a plugin archive?'})
    return path
  }
  let lastNotFound: HttpStatusError | undefined
  for (const url of urls) {
    io.info(`Downloading ${escapeControl(url)}`)
    const file = join(work, `download-${randomBytes(4).toString('hex')}`)
    const r = await request(url, {toFile: file, maxBytes, timeoutMs: DOWNLOAD_TIMEOUT_MS, redirects: 5})
    if (r.status === 200) return file
    if (r.status === 404 && urls.length > 1) {
      lastNotFound = new HttpStatusError(r.status, url)
      continue
    }
    throw new HttpStatusError(r.status, url)
  }
  throw new CliError(`${lastNotFound!.message}`, {hint: 'the release has no archive for this platform (tried .zip and .tar.gz); check the tag and the release assets'})
}

function sniff(path: string): 'zip' | 'gzip' | 'tar' | undefined {
  const fd = openSync(path, 'r')
  try {
    const b = Buffer.alloc(512)
    const n = readSync(fd, b, 0, 512, 0)
    if (n >= 4 && b.readUInt32LE(0) === 0x04034b50) return 'zip'
    if (n >= 4 && b.readUInt32LE(0) === 0x06054b50) return 'zip' // an empty zip
    if (n >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip'
    if (n >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar') return 'tar'
    return undefined
  } finally {
    closeSync(fd)
  }
}

const isWindows = process.platform === 'win32'

/** Which entries are plugins; says why a plugin-named entry is left out. */
function selects(e: ArchiveEntry, io: IOStreams): boolean {
  const base = checkEntryName(e.name).at(-1) ?? ''
  if (!looksLikePlugin(base) || e.type === 'dir') return false
  if (e.type !== 'file') {
    io.warn(`${escapeControl(e.name)} in the archive is not a regular file (${e.type}): not installed`)
    return false
  }
  if (!isWindows && (e.mode & 0o111) === 0) {
    io.info(`${escapeControl(e.name)} in the archive is not executable: not installed`)
    return false
  }
  return true
}

/** Extracts the plugins of the archive into `dir` (nothing outside it); every entry is checked. */
async function extractPlugins(archive: string, dir: string, limits: Limits, io: IOStreams): Promise<Extracted[]> {
  ensureDir(dir, 0o700)
  const kind = sniff(archive)
  const out: Extracted[] = []
  const byBase = new Map<string, string>()
  const add = (e: ArchiveEntry): Extracted => {
    const base = checkEntryName(e.name).at(-1)!
    const other = byBase.get(base)
    if (other !== undefined) throw new ArchiveError(`the archive holds two plugins named ${escapeControl(base)} (${escapeControl(other)}, ${escapeControl(e.name)})`)
    byBase.set(base, e.name)
    const x: Extracted = {base, entry: e.name, mode: e.mode, path: join(dir, String(out.length))}
    out.push(x)
    return x
  }
  if (kind === 'zip') {
    const zip = await ZipReader.open(archive, limits)
    try {
      await readLinkTargets(zip)
      const chosen = zip.entries.filter((e) => selects(e, io))
      const budget = {left: limits.maxExtractedBytes}
      for (const e of chosen) await writeOut(zip.read(e, budget), add(e).path)
    } finally {
      await zip.close()
    }
  } else if (kind === 'gzip' || kind === 'tar') {
    await walkTar(archive, kind === 'gzip', limits, async (e, content) => {
      if (selects(e, io)) await writeOut(content(), add(e).path)
    })
  } else
    throw new ArchiveError('the download is neither a zip nor a tar.gz archive', 'check the URL: mkr plugin install takes .zip and .tar.gz release archives')
  if (out.length === 0)
    throw new CliError('no plugin in the archive: no executable file named check-* or mackerel-plugin-*', {
      hint: 'check the target: a plugin release holds such executables',
    })
  return out
}

async function writeOut(chunks: AsyncIterable<Buffer>, path: string): Promise<void> {
  const file = createWriteStream(path, {flags: 'wx', mode: 0o600})
  const closed = new Promise<void>((resolve, reject) => {
    file.on('close', resolve)
    file.on('error', reject)
  })
  try {
    for await (const chunk of chunks) if (!file.write(chunk)) await new Promise<void>((r) => file.once('drain', () => r()))
  } finally {
    file.end()
    await closed
  }
}

/**
 * Moves an extracted plugin to `dest`: a temporary file next to it, chmod, then rename over it (a
 * running plugin keeps its old inode: no "text file busy"). A symlink at `dest` is replaced, never
 * followed. setuid/setgid/sticky bits and group/other write permission from the archive are dropped.
 */
function place(f: Extracted, dest: string): void {
  const tmp = join(dirname(dest), `.${f.base}.mkr-${randomBytes(4).toString('hex')}.tmp`)
  try {
    try {
      renameSync(f.path, tmp)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
      copyFileSync(f.path, tmp)
    }
    chmodSync(tmp, (f.mode & 0o755) | 0o700)
    renameSync(tmp, dest)
  } catch (error) {
    try {
      unlinkSync(tmp)
    } catch {}
    throw new CliError(`cannot install ${dest}: ${fsReason(error)}`, {
      hint: (error as NodeJS.ErrnoException).code === 'EACCES' ? 'run it as root (sudo), or choose another --prefix' : undefined,
    })
  }
}
