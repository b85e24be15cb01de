// Alert memo building for `mkr alerts memo`: whole-memo replacement, or one delimited section
//   <!-- mkr:NAME -->
//   …content…
//   <!-- /mkr:NAME -->
// replaced in place so that whatever people wrote around it survives, and a byte limit (the API
// rejects memos over 80 KB with 413) enforced by keeping the tail of the new content.
import {CliError, UsageError} from '../errors.js'

export const SECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/

export function sectionMarkers(name: string): {start: string; end: string} {
  return {start: `<!-- mkr:${name} -->`, end: `<!-- /mkr:${name} -->`}
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

/**
 * The last `maxBytes` bytes of `text`, starting on a character boundary, and on a line boundary when
 * one is near (within 256 bytes). `cut` is how many bytes were dropped from the front.
 */
export function keepTail(text: string, maxBytes: number): {text: string; cut: number} {
  const buf = Buffer.from(text, 'utf8')
  if (buf.length <= maxBytes) return {text, cut: 0}
  let start = buf.length - Math.max(0, maxBytes)
  while (start < buf.length && (buf[start] & 0xc0) === 0x80) start++ // UTF-8 continuation byte
  const nl = buf.indexOf(0x0a, start)
  if (nl !== -1 && nl - start < 256 && nl + 1 <= buf.length) start = nl + 1
  return {text: buf.subarray(start).toString('utf8'), cut: start}
}

/** Text that tells a reader of the memo that its beginning was cut. */
export function cutNotice(cutBytes: number): string {
  return `[mkr: the first ${cutBytes} bytes of this output were cut to fit the memo limit]\n`
}

/**
 * Makes `content` unable to close or open a section: an HTML comment that looks like one of our
 * markers gets `<!--` turned into `<!- -`.
 */
export function neutralizeMarkers(content: string): string {
  return content.replace(/<!--(?=\s*\/?mkr:)/g, '<!- -')
}

export interface BuiltMemo {
  memo: string
  /** bytes dropped from the front of the content to respect the limit (0 when it fit) */
  cutBytes: number
  /** the section already existed and was replaced in place */
  replaced: boolean
  /** things the user should hear about on stderr */
  warnings: string[]
}

/**
 * Fits `content` in `budget` bytes, keeping its tail and saying so inside the text. `dropped` bytes
 * were already cut before `content` (the command runner keeps only a tail).
 */
function fit(content: string, budget: number, dropped = 0): {text: string; cut: number} {
  if (dropped === 0 && utf8Bytes(content) <= budget) return {text: content, cut: 0}
  // Reserve room for the notice with the largest number it could carry.
  const reserve = utf8Bytes(cutNotice(utf8Bytes(content) + dropped))
  if (budget < reserve + 64) return {text: '', cut: utf8Bytes(content) + dropped} // no room worth the notice
  const tail = keepTail(content, budget - reserve)
  return {text: cutNotice(tail.cut + dropped) + tail.text, cut: tail.cut + dropped}
}

/**
 * The memo to send.
 * - without `section`: `content` replaces the whole memo;
 * - with `section`: only that section of `current` is replaced (appended after a blank line when it is
 *   not there yet); everything else in `current` is kept byte for byte.
 * `droppedBytes`: bytes already cut from the front of `content` (reported in the notice).
 * Throws when the rest of the memo alone leaves no room for the section.
 */
export function buildMemo(
  current: string,
  content: string,
  opts: {section?: string; maxBytes: number; droppedBytes?: number},
): BuiltMemo {
  const warnings: string[] = []
  if (opts.section === undefined) {
    const {text, cut} = fit(content, opts.maxBytes, opts.droppedBytes)
    return {memo: text, cutBytes: cut, replaced: false, warnings}
  }

  const name = opts.section
  if (!SECTION_NAME.test(name)) throw new UsageError(`invalid section name ${JSON.stringify(name)}`)
  const {start, end} = sectionMarkers(name)
  const startRe = new RegExp(`<!--\\s*mkr:${escapeRe(name)}\\s*-->`)
  const endRe = new RegExp(`<!--\\s*/mkr:${escapeRe(name)}\\s*-->`)

  let before: string
  let after: string
  let replaced = false
  let rest = current
  const s = startRe.exec(rest)
  if (s) {
    const tail = rest.slice(s.index + s[0].length)
    const e = endRe.exec(tail)
    if (e) {
      before = rest.slice(0, s.index)
      after = tail.slice(e.index + e[0].length)
      replaced = true
    } else {
      // Someone removed the end marker: drop the orphaned start marker and append a fresh section
      // rather than guess where the old section ended (and risk eating people's text).
      warnings.push(`the memo had \`${start}\` without \`${end}\`; removed it and appended a new section`)
      rest = rest.slice(0, s.index) + tail.replace(/^[ \t]*\r?\n/, '')
    }
  }
  if (!replaced) {
    const kept = rest.replace(/\s+$/, '')
    before = kept === '' ? '' : kept + '\n\n'
    after = ''
  }

  const body = neutralizeMarkers(content).replace(/[\r\n]+$/, '')
  const frame = (inner: string) => (inner === '' ? `${start}\n${end}` : `${start}\n${inner}\n${end}`)
  const fixed = utf8Bytes(before!) + utf8Bytes(after!) + utf8Bytes(frame('x')) - 1
  const budget = opts.maxBytes - fixed
  if (budget < 0)
    throw new CliError(
      `the memo outside section "${name}" already uses ${utf8Bytes(before!) + utf8Bytes(after!)} bytes; the limit is ${opts.maxBytes}`,
      {hint: 'shorten the rest of the memo, or replace the whole memo (without --section)'},
    )
  const {text, cut} = fit(body, budget, opts.droppedBytes)
  return {memo: before! + frame(text.replace(/[\r\n]+$/, '')) + after!, cutBytes: cut, replaced, warnings}
}
