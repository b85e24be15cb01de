import assert from 'node:assert/strict'

/** Awaits `p` (or calls `p()` and awaits it) and returns the error it throws; fails when it resolves. */
export async function failure(p: Promise<unknown> | (() => Promise<unknown>)): Promise<Error> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (error) {
    return error as Error
  }
  assert.fail('expected an error')
}
