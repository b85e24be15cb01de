// wrap's own log lines on stderr: `mkr wrap: ...`. Info lines are hidden by -q; errors never are.
// Every line has the API key masked (once it is known) and control characters from outside escaped,
// except the newlines that separate the lines of a lost report's message.
import {escapeControlKeepLines} from '../output/sanitize.js'
import {maskSecret} from '../secret.js'

export interface WrapLog {
  info(message: string): void
  error(message: string): void
  /** the API key, masked in every line from now on */
  secret?: string
}

export function makeLog(stderr: NodeJS.WritableStream, quiet: boolean): WrapLog {
  const log: WrapLog = {
    info: (m) => {
      if (!quiet) stderr.write(`mkr wrap: ${escapeControlKeepLines(maskSecret(m, log.secret))}\n`)
    },
    error: (m) => void stderr.write(`mkr wrap: ${escapeControlKeepLines(maskSecret(m, log.secret))}\n`),
  }
  return log
}
