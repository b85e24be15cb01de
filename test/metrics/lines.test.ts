// readLines: lines of a stream in constant memory, whatever the chunking.
import assert from 'node:assert/strict'
import {readLines} from '../../src/metrics/lines.js'

async function lines(chunks: (string | Buffer)[], max?: number) {
  const out: (string | null)[] = []
  for await (const l of readLines((async function* () { yield* chunks })(), max)) out.push(l)
  return out
}

describe('metrics: readLines', () => {
  it('splits on LF and CRLF, keeps a last line without newline, keeps empty lines', async () => {
    assert.deepEqual(await lines(['a 1 2\r\nb 3', ' 4\n\nc 5 6']), ['a 1 2', 'b 3 4', '', 'c 5 6'])
    assert.deepEqual(await lines(['x\n']), ['x'])
    assert.deepEqual(await lines([]), [])
  })

  it('joins a UTF-8 character split across chunks', async () => {
    const bytes = Buffer.from('é 1 2\n')
    assert.deepEqual(await lines([bytes.subarray(0, 1), bytes.subarray(1)]), ['é 1 2'])
  })

  it('a line longer than the limit is yielded as null and not kept, the next line is intact', async () => {
    assert.deepEqual(await lines(['short\n', 'x'.repeat(6), 'x'.repeat(6), 'tail\nok 1 2\n'], 10), ['short', null, 'ok 1 2'])
    assert.deepEqual(await lines(['y'.repeat(11)], 10), [null])
  })
})
