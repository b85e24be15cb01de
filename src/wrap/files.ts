// Where wrap keeps its files, and how it writes them (src/files.ts: atomically, private by default).
import {homedir} from 'node:os'
import {isAbsolute, join} from 'node:path'
import {writeFileSafely} from '../files.js'

/** `$XDG_STATE_HOME/mkr`, else `~/.local/state/mkr` (never /tmp). */
export function stateBase(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_STATE_HOME
  if (xdg && isAbsolute(xdg)) return join(xdg, 'mkr')
  return join(env.HOME || homedir(), '.local', 'state', 'mkr')
}

export function defaultSpoolDir(env: NodeJS.ProcessEnv): string {
  return join(stateBase(env), 'wrap-spool')
}

export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  return join(stateBase(env), 'wrap-state')
}

/** One of wrap's own files (spool, state): created with `mode` in a directory made 0700 when missing. */
export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  writeFileSafely(file, data, {mode, mkdir: true})
}
