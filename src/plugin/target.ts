// What `mkr plugin install TARGET` names (reference/mkr-compat.md §5.8): `owner/repo[@tag]`, a
// plugin-registry name `name[@tag]`, or the URL of an archive. And where those live: GitHub, the
// registry, or a mirror named by environment variables (for mirrors, GitHub Enterprise and tests).
import {UsageError} from '../errors.js'
import {escapeControl} from '../output/sanitize.js'

export type InstallTarget =
  | {kind: 'github'; owner: string; repo: string; tag?: string}
  | {kind: 'registry'; name: string; tag?: string}
  | {kind: 'url'; url: string}

// mkr's grammar: (?:<owner>/<repo>|<name>)(?:@<tag>)?, the tag may hold `/` and `@`
const TARGET = /^(?:([^@/]+)\/([^@/]+)|([^@/]+))(?:@(.+))?$/
const URL_TARGET = /^(?:https?|file):\/\//

export function parseTarget(target: string): InstallTarget {
  if (URL_TARGET.test(target)) return {kind: 'url', url: target}
  const m = TARGET.exec(target)
  if (!m || /[\s\u0000-\u001f]/.test(target))
    throw new UsageError(`Install target is invalid: ${escapeControl(target)}`, {
      hint: 'give owner/repo[@tag], a plugin-registry name[@tag], or an https:// or file:// URL of a .zip or .tar.gz',
    })
  const [, owner, repo, name, tag] = m
  if (name !== undefined) return {kind: 'registry', name, tag}
  return {kind: 'github', owner, repo, tag}
}

export interface Endpoints {
  /** github.com: releases/latest redirects and release downloads */
  github: string
  /** the GitHub REST API */
  githubApi: string
  /** the plugin registry: `<base>/plugins/<name>.json` */
  registry: string
}

const trimSlash = (s: string) => s.replace(/\/+$/, '')

/** Where GitHub and the registry are: the defaults, or MKR_PLUGIN_GITHUB_BASE, MKR_PLUGIN_GITHUB_API_BASE, MKR_PLUGIN_REGISTRY_BASE. */
export function endpoints(env: NodeJS.ProcessEnv = process.env): Endpoints {
  return {
    github: trimSlash(env.MKR_PLUGIN_GITHUB_BASE || 'https://github.com'),
    githubApi: trimSlash(env.MKR_PLUGIN_GITHUB_API_BASE || 'https://api.github.com'),
    registry: trimSlash(env.MKR_PLUGIN_REGISTRY_BASE || 'https://raw.githubusercontent.com/mackerelio/plugin-registry/master'),
  }
}

/** Go's GOOS/GOARCH for this machine: release assets are named `<repo>_<GOOS>_<GOARCH>.zip`. */
export function goPlatform(platform: string = process.platform, arch: string = process.arch): {os: string; arch: string} {
  const os = platform === 'win32' ? 'windows' : platform === 'sunos' ? 'solaris' : platform
  const archs: Record<string, string> = {x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle'}
  return {os, arch: archs[arch] ?? arch}
}

/** Go's url.PathEscape: everything but unreserved characters and a few sub-delims is %-escaped (`/` too). */
export function pathEscape(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b)
      return /[A-Za-z0-9\-._~!$&'()*+,;=:@]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0')
    })
    .join('')
}
