// MD5 (RFC 1321) of a string's UTF-8 bytes, as hex. Only for mkr's default check name
// (`mkrwrap-<base>-<first 6 hex digits of md5(command line)>`, names.ts), which every wrap run needs:
// loading node:crypto for it cost `mkr wrap -- true` ~5 ms of its ~40 ms above `node -e 0`
// (measured). Not for anything that needs a secure hash. test/wrap/names.test.ts compares it with
// node:crypto on random inputs.

const S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21]
/** K[i] = floor(abs(sin(i + 1)) * 2^32) */
const K = Array.from({length: 64}, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0)

export function md5Hex(text: string): string {
  const data = Buffer.from(text, 'utf8')
  // padding: 0x80, zeros to 56 mod 64, then the length in bits as 64-bit little-endian
  const len = (((data.length + 8) >> 6) + 1) << 6
  const buf = Buffer.alloc(len)
  data.copy(buf)
  buf[data.length] = 0x80
  const bits = data.length * 8
  buf.writeUInt32LE(bits >>> 0, len - 8)
  buf.writeUInt32LE(Math.floor(bits / 2 ** 32) >>> 0, len - 4)

  let a0 = 0x67452301
  let b0 = 0xefcdab89
  let c0 = 0x98badcfe
  let d0 = 0x10325476
  const m = new Array<number>(16)
  for (let off = 0; off < len; off += 64) {
    for (let j = 0; j < 16; j++) m[j] = buf.readUInt32LE(off + j * 4)
    let a = a0
    let b = b0
    let c = c0
    let d = d0
    for (let i = 0; i < 64; i++) {
      let f: number
      let g: number
      if (i < 16) {
        f = (b & c) | (~b & d)
        g = i
      } else if (i < 32) {
        f = (d & b) | (~d & c)
        g = (5 * i + 1) % 16
      } else if (i < 48) {
        f = b ^ c ^ d
        g = (3 * i + 5) % 16
      } else {
        f = c ^ (b | ~d)
        g = (7 * i) % 16
      }
      const sum = (a + f + K[i] + m[g]) >>> 0
      a = d
      d = c
      c = b
      b = (b + ((sum << S[i]) | (sum >>> (32 - S[i])))) >>> 0
    }
    a0 = (a0 + a) >>> 0
    b0 = (b0 + b) >>> 0
    c0 = (c0 + c) >>> 0
    d0 = (d0 + d) >>> 0
  }
  const out = Buffer.alloc(16)
  out.writeUInt32LE(a0, 0)
  out.writeUInt32LE(b0, 4)
  out.writeUInt32LE(c0, 8)
  out.writeUInt32LE(d0, 12)
  return out.toString('hex')
}
