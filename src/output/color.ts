// ANSI colors, only when allowed (the IO decides: colorEnabled in src/output/iostreams.ts). chalk is imported lazily (~17 ms).
import type {ChalkInstance} from 'chalk'

export type Paint = (text: string) => string
export interface Palette {
  red: Paint
  green: Paint
  yellow: Paint
  blue: Paint
  gray: Paint
  bold: Paint
}

const plain: Paint = (s) => s

export async function palette(enabled: boolean): Promise<Palette> {
  if (!enabled) return {red: plain, green: plain, yellow: plain, blue: plain, gray: plain, bold: plain}
  const {Chalk} = await import('chalk')
  const c: ChalkInstance = new Chalk({level: 1})
  return {red: c.red, green: c.green, yellow: c.yellow, blue: c.blue, gray: c.gray, bold: c.bold}
}

/**
 * Color for a check/alert status (CRITICAL red, WARNING yellow, OK green, anything else plain), applied
 * to `text` (default: the status itself; mkr's alerts list paints the status plus a trailing space).
 */
export function paintStatus(p: Palette, status: string, text = status): string {
  switch (status) {
    case 'CRITICAL':
      return p.red(text)
    case 'WARNING':
      return p.yellow(text)
    case 'OK':
      return p.green(text)
    default:
      return text
  }
}

/** Color for a host status, as mkr's alerts list paints it. */
export function paintHostStatus(p: Palette, status: string): string {
  switch (status) {
    case 'working':
      return p.blue(status)
    case 'standby':
      return p.green(status)
    case 'maintenance':
      return p.yellow(status)
    default:
      return status
  }
}
