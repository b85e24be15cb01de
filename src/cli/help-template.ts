// ejs as oclif's help uses it (`ejs.render(text, formatter)` on every string it prints), for the help
// bundle (scripts/build.js): ejs compiles each string into a function with `new Function`, ~8 ms for
// one command's help. Our help strings hold no template at all or only `<%= config.bin %>`, which this
// renders itself, exactly as ejs does (HTML-escaped); anything else goes to ejs.
import ejs from 'ejs'

const BIN_TAG = '<%= config.bin %>'
const ESCAPES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;'}

function escapeXML(v: unknown): string {
  return v === undefined || v === null ? '' : String(v).replace(/[&<>'"]/g, (c) => ESCAPES[c])
}

/** `ejs.render(template, data)`. */
export function render(template: string, data: {config?: {bin?: unknown}}): string {
  const parts = template.split(BIN_TAG)
  // ejs also drops a stray `%>` and reads `<%%`, `<%_`, `-%>`, …: leave every other tag to it
  if (parts.some((p) => p.includes('<%') || p.includes('%>')) || (parts.length > 1 && !data?.config)) return ejs.render(template, data)
  return parts.length === 1 ? template : parts.join(escapeXML(data.config!.bin))
}

export default {render}
