// Lines of a stream, one at a time, in constant memory: the stream is pulled one chunk at a time (the
// consumer's awaits pause the reading, so a slow upload never lets the input pile up), and a line
// longer than `maxLineBytes` is not kept: it is yielded as `null` (too long), and the rest of it skipped.
import {StringDecoder} from 'node:string_decoder'

export const MAX_LINE_CHARS = 64 * 1024

export async function* readLines(input: AsyncIterable<Buffer | string>, maxLineChars = MAX_LINE_CHARS): AsyncGenerator<string | null> {
  const decoder = new StringDecoder('utf8')
  let carry = ''
  let overlong = false
  const take = function* (text: string): Generator<string | null> {
    let start = 0
    for (;;) {
      const nl = text.indexOf('\n', start)
      if (nl === -1) break
      const piece = text.slice(start, nl)
      start = nl + 1
      if (overlong) {
        overlong = false
        carry = ''
        yield null
        continue
      }
      const line = carry + piece
      carry = ''
      yield line.endsWith('\r') ? line.slice(0, -1) : line
    }
    if (overlong) return
    carry += text.slice(start)
    if (carry.length > maxLineChars) {
      overlong = true
      carry = ''
    }
  }
  for await (const chunk of input) yield* take(typeof chunk === 'string' ? chunk : decoder.write(chunk))
  yield* take(decoder.end())
  if (overlong) yield null
  else if (carry !== '') yield carry.endsWith('\r') ? carry.slice(0, -1) : carry
}
