// Where wrap keeps its files, and how it writes them (atomically, private by default).
import {closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync} from 'node:fs'
import {homedir} from 'node:os'
import {basename, dirname, isAbsolute, join} from 'node:path'
import {randomBytes} from 'node:crypto'

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

/**
 * Writes a file atomically: a temporary file in the same directory (created with `mode`, synced),
 * then rename() over the target. Creates the directory (0700) when missing.
 */
export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  const dir = dirname(file)
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const fd = openSync(tmp, 'wx', mode)
  try {
    writeSync(fd, data)
    fsyncSync(fd)
  } catch (error) {
    closeSync(fd)
    try {
      unlinkSync(tmp)
    } catch {}
    throw error
  }
  closeSync(fd)
  try {
    renameSync(tmp, file)
  } catch (error) {
    try {
      unlinkSync(tmp)
    } catch {}
    throw error
  }
}
