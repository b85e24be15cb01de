// --data FILE: load a saved store, and save it atomically (write a temp file, then rename).
import {readFileSync, renameSync, writeFileSync} from 'node:fs'
import {Store} from './store.js'

/** The store saved in `file`, or undefined when the file does not exist. Throws on a bad file. */
export function loadStore(file: string, clockMs?: () => number): Store | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`cannot read ${file}: ${(error as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`)
  }
  try {
    return Store.fromJSON(data, clockMs)
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`)
  }
}

export function saveStore(store: Store, file: string): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(store.toJSON()))
  renameSync(tmp, file)
}
