// mkr-shaped JSON: Go's json.MarshalIndent with 4 spaces and a trailing newline.

/** The JSON text mkr prints for a value (4-space indent, trailing newline). */
export function formatJson(value: unknown, indent = 4): string {
  return JSON.stringify(value, null, indent) + '\n'
}
