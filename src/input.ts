// Text given to a command as a file path or `-` (standard input), e.g. --description-file, --file.
import {readFileSync} from 'node:fs'
import {CliError, fsReason} from './errors.js'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** The text of `path` (`-` = stdin), without a UTF-8 BOM; an unreadable file names the flag. */
export async function readTextInput(flag: string, path: string): Promise<string> {
  let text: string
  if (path === '-') text = await readStdin()
  else {
    try {
      text = readFileSync(path, 'utf8')
    } catch (error) {
      throw new CliError(`cannot read --${flag} ${path}: ${fsReason(error)}`)
    }
  }
  return text.replace(/^\uFEFF/, '')
}
