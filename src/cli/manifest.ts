// The parts of oclif.manifest.json the dispatcher, did-you-mean and completion read: command ids, their
// flags and arguments. Reading this JSON costs well under a millisecond; loading the commands to ask
// them would cost far more (see DESIGN.md, start-up).
import {readFileSync} from 'node:fs'

export interface FlagInfo {
  name: string
  type: 'boolean' | 'option'
  char?: string
  aliases?: string[]
  charAliases?: string[]
  allowNo?: boolean
  options?: readonly string[]
  multiple?: boolean
  hidden?: boolean
  summary?: string
  description?: string
}

export interface ArgInfo {
  name: string
  options?: readonly string[]
  description?: string
}

export interface CommandInfo {
  id: string
  summary?: string
  description?: string
  hidden?: boolean
  strict?: boolean
  flags: Record<string, FlagInfo>
  args?: Record<string, ArgInfo>
}

export interface Manifest {
  commands: Record<string, CommandInfo>
  /** topic descriptions (package.json oclif.topics), for completion */
  topics?: Record<string, string>
}

/** The committed manifest next to bin/ (`entryUrl` is bin/run.js), or undefined when it cannot be read. */
export function readManifest(entryUrl: string | URL): Manifest | undefined {
  // dist/manifest.json: the same JSON without its indentation (scripts/build.js), 96 KB instead of
  // 136 KB to read and parse on every command (~1.5 ms less, measured); the committed file otherwise
  for (const path of ['../dist/manifest.json', '../oclif.manifest.json'])
    try {
      return JSON.parse(readFileSync(new URL(path, entryUrl), 'utf8')) as Manifest
    } catch {}
  return undefined
}

/** A command's short description: its summary, else the first line of its description. */
export function summaryOf(c: {summary?: string; description?: string}): string {
  return (c.summary ?? c.description ?? '').split('\n')[0].trim()
}

/** The words of every command id and topic: `monitors push` -> `monitors`, `monitors:push`. */
export function usableIds(manifest: Manifest): Set<string> {
  const ids = new Set<string>()
  for (const id of Object.keys(manifest.commands)) {
    const parts = id.split(':')
    for (let i = 1; i <= parts.length; i++) ids.add(parts.slice(0, i).join(':'))
  }
  return ids
}

/** The next words after `prefix` (an id or topic, '' for the root), visible commands only, sorted. */
export function childrenOf(prefix: string, manifest: Manifest): string[] {
  const out = new Set<string>()
  const depth = prefix === '' ? 0 : prefix.split(':').length
  for (const [id, c] of Object.entries(manifest.commands)) {
    if (c.hidden) continue
    const parts = id.split(':')
    if (parts.length > depth && (depth === 0 || parts.slice(0, depth).join(':') === prefix)) out.add(parts[depth])
  }
  return [...out].sort()
}
