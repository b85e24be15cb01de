// Text given to a command as a file path or `-`: `-` is read from the IO's stdin (so tests give it as
// a string), a path through src/input.ts (which names the flag when the file cannot be read).
import {readTextInput} from '../input.js'
import type {IOStreams} from './iostreams.js'

export async function readInput(io: IOStreams, flag: string, path: string): Promise<string> {
  if (path !== '-') return readTextInput(flag, path)
  const chunks: Buffer[] = []
  for await (const c of io.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer))
  return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '')
}
