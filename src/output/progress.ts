// Progress around one piece of slow work: the IO's indicator shows `label` only when the work takes
// longer than PROGRESS_DELAY_MS on a terminal's stderr (src/output/iostreams.ts), and is cleared
// before anything else is printed and when the work ends, however it ends.
import type {IOStreams} from './iostreams.js'

export async function withProgress<T>(io: IOStreams, label: string, work: () => Promise<T>): Promise<T> {
  io.progress.start(label)
  try {
    return await work()
  } finally {
    io.progress.stop()
  }
}
