// Progress around one piece of slow work: the IO's indicator shows `label` only when the work takes
// longer than PROGRESS_DELAY_MS on a terminal's stderr (src/output/iostreams.ts), and is cleared
// before anything else is printed and when the work ends, however it ends.
import type {WaitInfo} from '../api/client.js'
import type {IOStreams} from './iostreams.js'
import {escapeControl} from './sanitize.js'

export async function withProgress<T>(io: IOStreams, label: string, work: () => Promise<T>): Promise<T> {
  io.progress.start(label)
  try {
    return await work()
  } finally {
    io.progress.stop()
  }
}

/**
 * What an API request on a terminal is waiting for (the client's onWait, src/api/client.ts): shown
 * by the IO's indicator after a second without an answer or at the first retry, cleared when the
 * request ends.
 */
export function showWaiting(io: IOStreams): (w: WaitInfo | undefined) => void {
  return (w) => {
    if (!w) return io.progress.stop()
    // what matters first (a narrow terminal cuts the end): what is waited for, then why
    const what = `${w.method} ${escapeControl(w.path)}`
    io.progress.start(
      w.reason
        ? `retrying ${what}, attempt ${w.attempt}: ${escapeControl(w.reason)} (${escapeControl(w.host)})`
        : `waiting for ${escapeControl(w.host)} to answer ${what}…`,
    )
  }
}
