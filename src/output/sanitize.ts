// Strings that come from outside (server messages, host names, alert fields, a job's output) may hold
// terminal control sequences: an ESC can retitle the terminal or recolor it, a CR or LF can forge a
// line ("mkr: all good"). Before such a string reaches a terminal or a one-line log, its control
// characters are shown escaped (`\x1b`, `\r`, `\n`), never interpreted.

// C0 controls, DEL, C1 controls; plus the bidi overrides that reorder what is shown
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const CONTROL_KEEP_NL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

function escapeOne(c: string): string {
  switch (c) {
    case '\n':
      return '\\n'
    case '\r':
      return '\\r'
    case '\t':
      return '\\t'
    default: {
      const n = c.charCodeAt(0)
      return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`
    }
  }
}

/** One line, safe for a terminal: every control character escaped (newlines too). */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, escapeOne)
}

/** Several lines, safe for a terminal: newlines and tabs kept, every other control character escaped. */
export function escapeControlKeepLines(s: string): string {
  return s.replace(CONTROL_KEEP_NL, escapeOne)
}
