// Text given to a command as a file path or `-` (standard input), e.g. --description-file, --file:
// `-` is read from the IO's stdin (so tests give it as a string); an unreadable file names the flag.
import {readFileSync} from 'node:fs'
import {CliError, fsReason} from './errors.js'
import type {IOStreams} from './output/iostreams.js'

/** The text of `path` (`-` = stdin), without a UTF-8 BOM. */
export async function readInput(io: IOStreams, flag: string, path: string): Promise<string> {
  let text: string
  if (path === '-') {
    const chunks: Buffer[] = []
    for await (const c of io.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer))
    text = Buffer.concat(chunks).toString('utf8')
  } else {
    try {
      text = readFileSync(path, 'utf8') // a named pipe is fine here: `--file <(journalctl ...)`
    } catch (error) {
      throw new CliError(`cannot read --${flag} ${path}: ${fsReason(error)}`)
    }
  }
  return text.replace(/^\uFEFF/, '')
}
