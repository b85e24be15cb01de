// Mackerel-like opaque ids: 11 characters of base62 (e.g. "2vJ965ygiXf").
import {randomBytes} from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
export const ID_LENGTH = 11

let pool = Buffer.alloc(0)
let offset = 0

function nextByte(): number {
  for (;;) {
    if (offset >= pool.length) {
      pool = randomBytes(4096)
      offset = 0
    }
    const b = pool[offset++]
    if (b < 248) return b % 62 // 248 = 4 * 62: no modulo bias
  }
}

export function newId(): string {
  let s = ''
  for (let i = 0; i < ID_LENGTH; i++) s += ALPHABET[nextByte()]
  return s
}

/** A fresh id not in `taken`. */
export function uniqueId(taken: {has(id: string): boolean}): string {
  for (;;) {
    const id = newId()
    if (!taken.has(id)) return id
  }
}
