// Per host and check name state (auto-close, --fail-after, --on-change), one small JSON file each in
// the state directory, written atomically. The last reported status is updated only once a report
// was delivered or spooled, so a lost report never makes wrap believe Mackerel knows a status.
import {readRegularFile} from '../files.js'
import {join} from 'node:path'
import type {CheckStatus} from '../api/checks.js'
import {writeFileAtomic} from './files.js'
import {fileKey} from './names.js'

export interface WrapState {
  version: 1
  hostId: string
  name: string
  /** the status Mackerel was last told (delivered or spooled); undefined = unknown */
  reported?: CheckStatus
  /** epoch ms of that report */
  reportedAt?: number
  /** consecutive failed runs (reported or not) */
  failures: number
  lastExitCode?: number
  /** epoch ms */
  lastRunAt?: number
  /** MACKEREL_STATUS of the last --on-change run */
  agentStatus?: string
}

export function stateFile(dir: string, hostId: string, name: string): string {
  return join(dir, `${fileKey(hostId, name)}.json`)
}

export function emptyState(hostId: string, name: string): WrapState {
  return {version: 1, hostId, name, failures: 0}
}

/** Loads the state; a missing file is a fresh state, an unreadable one is reported in `error`. */
export function loadState(dir: string, hostId: string, name: string): {state: WrapState; error?: string} {
  const file = stateFile(dir, hostId, name)
  let text: string
  try {
    // a FIFO or device named like a state file must not block the job's report
    text = readRegularFile(file, {maxBytes: 64 * 1024})
  } catch (error) {
    const e = error as NodeJS.ErrnoException & {reason?: string}
    if (e.code === 'ENOENT') return {state: emptyState(hostId, name)}
    return {state: emptyState(hostId, name), error: `cannot read ${file}: ${e.reason ?? e.message}`}
  }
  try {
    const v = JSON.parse(text) as WrapState
    if (v?.version !== 1 || typeof v.failures !== 'number') throw new Error('unexpected content')
    return {state: {...v, hostId, name}}
  } catch (error) {
    return {state: emptyState(hostId, name), error: `ignoring ${file}: ${(error as Error).message}`}
  }
}

export function saveState(dir: string, state: WrapState): void {
  writeFileAtomic(stateFile(dir, state.hostId, state.name), JSON.stringify(state) + '\n', 0o600)
}
