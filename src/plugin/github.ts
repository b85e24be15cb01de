// From an install target to a release: the plugin registry's `{"source": "owner/repo"}`, the latest
// release's tag (the `releases/latest` redirect of github.com, else the REST API), and the download
// URLs of the release asset (reference/mkr-compat.md §5.8).
import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {CliError} from '../errors.js'
import {escapeControl} from '../output/sanitize.js'
import {okOnly, request} from './http.js'
import {pathEscape, type Endpoints} from './target.js'

// GitHub's own rule for owner and repository names; it also keeps `..` out of <prefix>/meta/<owner>/<repo>
const NAME = /^[A-Za-z0-9_.-]+$/

export function checkRepoName(owner: string, repo: string, from: string): void {
  for (const part of [owner, repo])
    if (!NAME.test(part) || part === '.' || part === '..')
      throw new CliError(`invalid repository ${escapeControl(`${owner}/${repo}`)} (${from})`, {
        hint: 'owner and repository names hold only letters, digits, `-`, `_` and `.`',
      })
}

/** The repository a plugin-registry name stands for. */
export async function registrySource(name: string, ep: Endpoints): Promise<{owner: string; repo: string}> {
  const url = `${ep.registry}/plugins/${pathEscape(name)}.json`
  const r = await request(url, {maxBytes: 64 * 1024})
  if (r.status === 404)
    throw new CliError(`no plugin named ${escapeControl(name)} in the plugin registry`, {
      hint: 'see https://github.com/mackerelio/plugin-registry for the names, or give owner/repo',
    })
  okOnly(r)
  let def: unknown
  try {
    def = JSON.parse(r.body.toString('utf8'))
  } catch {
    throw new CliError(`the plugin registry's entry for ${escapeControl(name)} is not JSON (${escapeControl(url)})`)
  }
  const source = (def as {source?: unknown})?.source
  const parts = typeof source === 'string' ? source.split('/') : []
  if (parts.length !== 2) throw new CliError(`source definition is invalid: the plugin registry's entry for ${escapeControl(name)} has no "source": "owner/repo"`)
  checkRepoName(parts[0], parts[1], `the registry's source for ${name}`)
  return {owner: parts[0], repo: parts[1]}
}

/** GITHUB_TOKEN, else `token` in the [github] section of ~/.gitconfig (as mkr). Sent only to the API. */
export function githubToken(env: NodeJS.ProcessEnv, home: string = homedir()): string | undefined {
  if (env.GITHUB_TOKEN) return env.GITHUB_TOKEN
  let text: string
  try {
    text = readFileSync(join(home, '.gitconfig'), 'utf8')
  } catch {
    return undefined
  }
  let section = ''
  for (const line of text.split(/\r?\n/)) {
    const s = /^\s*\[\s*([^\]\s"]+)\s*(?:"[^"]*")?\s*\]/.exec(line)
    if (s) {
      section = s[1].toLowerCase()
      continue
    }
    const kv = /^\s*token\s*=\s*"?([^"#;\s]+)"?/i.exec(line)
    if (section === 'github' && kv) return kv[1]
  }
  return undefined
}

const segs = (u: URL) => u.pathname.split('/').filter(Boolean)

/** The tag `releases/latest` redirects to, following repository transfers (at most 5 hops). */
async function latestFromRedirect(owner: string, repo: string, ep: Endpoints): Promise<string> {
  const base = new URL(ep.github)
  let url = `${ep.github}/${pathEscape(owner)}/${pathEscape(repo)}/releases/latest`
  for (let i = 0; i < 5; i++) {
    const r = await request(url, {method: 'HEAD', timeoutMs: 15_000})
    const location = r.headers.location
    if (typeof location !== 'string') throw new Error(`no redirect to the latest release (status ${r.status})`)
    const u = new URL(location, url)
    const s = segs(u)
    const basePath = segs(base).length
    const rel = s.slice(basePath)
    if (u.protocol === base.protocol && u.host === base.host && rel.length === 4 && rel[2] === 'releases' && rel[3] === 'latest') {
      url = u.toString() // the repository was transferred: ask its new home
      continue
    }
    if (rel.length === 5 && rel[2] === 'releases' && rel[3] === 'tag') return decodeURIComponent(rel[4])
    throw new Error(`unexpected redirect to ${escapeControl(u.toString())}`)
  }
  throw new Error('too many redirects')
}

/** The latest release's tag through the REST API (rate-limited without a token). */
async function latestFromApi(owner: string, repo: string, ep: Endpoints, token: string | undefined): Promise<string> {
  const headers: Record<string, string> = {accept: 'application/vnd.github+json'}
  if (token) headers.authorization = `Bearer ${token}`
  const r = await request(`${ep.githubApi}/repos/${pathEscape(owner)}/${pathEscape(repo)}/releases/latest`, {headers, maxBytes: 4 * 1024 * 1024})
  if (r.status === 404) throw new CliError(`${owner}/${repo} has no release on GitHub (or does not exist)`)
  if (r.status === 403 || r.status === 429)
    throw new CliError(`the GitHub API refused to name the latest release of ${owner}/${repo} (status ${r.status}: rate limit?)`, {
      hint: 'set GITHUB_TOKEN, or give the tag: mkr plugin install OWNER/REPO@TAG',
    })
  okOnly(r)
  let tag: unknown
  try {
    tag = (JSON.parse(r.body.toString('utf8')) as {tag_name?: unknown}).tag_name
  } catch {}
  if (typeof tag !== 'string' || tag === '') throw new CliError(`the GitHub API answered without a tag for the latest release of ${owner}/${repo}`)
  return tag
}

/** The latest release's tag: the redirect first (no rate limit), the API when that fails. */
export async function latestTag(owner: string, repo: string, ep: Endpoints, env: NodeJS.ProcessEnv, home?: string): Promise<string> {
  try {
    return await latestFromRedirect(owner, repo, ep)
  } catch {
    return latestFromApi(owner, repo, ep, githubToken(env, home))
  }
}

/** Where a release's asset for this platform is: the zip first (mkr's name), then a tar.gz. */
export function assetUrls(owner: string, repo: string, tag: string, platform: {os: string; arch: string}, ep: Endpoints): string[] {
  const dir = `${ep.github}/${pathEscape(owner)}/${pathEscape(repo)}/releases/download/${pathEscape(tag)}`
  const stem = `${pathEscape(repo)}_${platform.os}_${platform.arch}`
  return [`${dir}/${stem}.zip`, `${dir}/${stem}.tar.gz`]
}
