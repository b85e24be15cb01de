// Text as ASCII, every other character as a \uXXXX escape (astral ones as their surrogate pair): the
// same meaning in JavaScript strings, regular expressions, comments and JSON. One character outside
// ASCII makes Node read a whole file into a two-byte string, and V8 or JSON.parse scan it as one
// (mkr.cjs: 7.6 ms to decode instead of ~2, measured).
export function escapeNonAscii(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** The minified, ASCII copy of oclif.manifest.json that the dispatcher reads (src/cli/manifest.ts). */
export function dispatchManifest(manifestText) {
  return escapeNonAscii(JSON.stringify(JSON.parse(manifestText)))
}
