// The check report message, mkr-compatible:
//   <status line>[\nNote: <note>][\n<info>]\n% <argv joined by spaces>[\n<output>]
// limited to 1024 Unicode code points. mkr cuts the whole message to its first 509 and last 510 code
// points around "\n...\n"; we cut only the output when we can, on line boundaries where possible,
// with a marker saying how much was cut, and fall back to mkr's cut when the header alone is too long.
import type {Captured} from './capture.js'

export const MESSAGE_LIMIT = 1024

export interface MessageInput {
  statusLine: string
  note?: string
  /** extra line (host name, duration) */
  info?: string
  command: readonly string[]
  /** the captured output (`--detail`) */
  output?: Captured
}

const cps = (s: string) => Array.from(s)

/** mkr's truncate(): first floor(rest/2) and last rest-floor(rest/2) code points around `sep`. */
export function truncateMiddle(src: string, limit: number, sep: string): string {
  const rs = cps(src)
  if (rs.length <= limit) return src
  const sp = cps(sep)
  const rest = limit - sp.length
  if (rest <= 0) return sp.slice(0, limit).join('')
  const head = Math.floor(rest / 2)
  const tail = rest - head
  return [...rs.slice(0, head), ...sp, ...rs.slice(rs.length - tail)].join('')
}

/** UTF-8 bytes -> string, dropping a character cut at the end (`atEnd`) or at the start. */
function decodeCut(buf: Buffer, cut: 'end' | 'start' | 'none'): string {
  let b = buf
  if (cut === 'end') {
    // back off over a trailing incomplete sequence
    let i = b.length - 1
    let back = 0
    while (i >= 0 && back < 4 && (b[i] & 0xc0) === 0x80) (i--, back++)
    if (i >= 0) {
      const lead = b[i]
      const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
      if (need > back + 1) b = b.subarray(0, i)
    }
  } else if (cut === 'start') {
    let i = 0
    while (i < b.length && i < 4 && (b[i] & 0xc0) === 0x80) i++
    b = b.subarray(i)
  }
  return b.toString('utf8')
}

function header(m: MessageInput): string {
  let s = m.statusLine
  if (m.note) s += `\nNote: ${m.note}`
  if (m.info) s += `\n${m.info}`
  return s + `\n% ${m.command.join(' ')}`
}

const sepFor = (bytes: number) => `\n... ${bytes} bytes cut ...\n`

export function buildMessage(m: MessageInput, limit = MESSAGE_LIMIT): string {
  const head = header(m)
  if (!m.output) return truncateMiddle(head, limit, '\n...\n')
  const out = m.output
  const contiguous = out.omittedBytes === 0
  const whole = contiguous ? decodeCut(Buffer.concat([out.head, out.tail]), 'none') : undefined
  const full = whole === undefined ? undefined : `${head}\n${whole}`
  if (full !== undefined && cps(full).length <= limit) return full

  const headCps = cps(head).length + 1 // + the newline before the output
  const rest = limit - headCps - cps(sepFor(out.totalBytes)).length
  if (rest < 64) return truncateMiddle(full ?? `${head}\n${decodeCut(out.head, 'end')}\n...\n${decodeCut(out.tail, 'start')}`, limit, '\n...\n')

  const first = cps(whole ?? decodeCut(out.head, 'end'))
  const last = whole === undefined ? cps(decodeCut(out.tail, 'start')) : first
  const headBudget = Math.floor(rest / 2)
  const tailBudget = rest - headBudget
  let a = first.slice(0, headBudget).join('')
  let z = last.slice(Math.max(0, last.length - tailBudget)).join('')
  // line boundaries: end the head before a newline, start the tail after one, unless that loses
  // more than half of the part (then cut mid-line)
  const nlA = a.lastIndexOf('\n')
  if (nlA >= a.length / 2) a = a.slice(0, nlA)
  const nlZ = z.indexOf('\n')
  if (nlZ >= 0 && nlZ < z.length / 2) z = z.slice(nlZ + 1)
  const cut = Math.max(0, out.totalBytes - Buffer.byteLength(a) - Buffer.byteLength(z))
  return `${head}\n${a}${sepFor(cut)}${z}`
}
