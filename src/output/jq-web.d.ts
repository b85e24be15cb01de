// jq-web ships no types: the module is a promise of jq compiled to WebAssembly (src/output/jq.ts).
declare module 'jq-web' {
  interface JqWeb {
    /** runs `jq FLAGS... FILTER` over the JSON text; returns stdout, throws with `exitCode` and `stderr` on failure */
    raw(json: string, filter: string, flags?: string[]): string | undefined
  }
  const jq: Promise<JqWeb>
  export default jq
}
