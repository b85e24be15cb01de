// wrap's own log lines on stderr: `mkr wrap: ...`. Info lines are hidden by -q; errors never are.
export interface WrapLog {
  info(message: string): void
  error(message: string): void
}

export function makeLog(stderr: NodeJS.WritableStream, quiet: boolean): WrapLog {
  return {
    info: (m) => {
      if (!quiet) stderr.write(`mkr wrap: ${m}\n`)
    },
    error: (m) => void stderr.write(`mkr wrap: ${m}\n`),
  }
}
