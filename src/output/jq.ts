// `--jq PROGRAM`: jq itself (jq 1.7, compiled to WebAssembly by the jq-web package), so the language
// is jq's own, not a look-alike. Loaded only when --jq is given: compiling the module costs ~100 ms,
// which no other command pays (src/output/export.ts imports this file lazily; scripts/build.js keeps
// jq-web out of the bundle, since it reads its jq.wasm from its own directory).
//
// Results are printed by mkr's rules (src/output/jq-format.ts). The input goes in with its object
// keys sorted, so iterating an object (`.[]`, `to_entries`, `keys_unsorted`) follows gojq's order,
// as with mkr.
import {compactJson, formatJqValue} from './jq-format.js'
import {escapeControlKeepLines} from './sanitize.js'

export interface JqResult {
  /** every value the program emitted, in order (up to the error, if any) */
  values: unknown[]
  /** what jq wrote to stderr besides its error (`debug`, `stderr`) */
  stderr: string
  /** why the program failed (a compile or runtime error), one line */
  error?: string
}

interface JqFailure extends Error {
  exitCode?: number
  stderr?: string
}

/** Runs `program` over `input` (a JSON value). Never throws for the program's own errors: see `error`. */
export async function runJq(program: string, input: unknown): Promise<JqResult> {
  const {default: engine} = await import('jq-web')
  const jq = await engine
  const json = compactJson(input, {html: false})
  const first = call(jq, json, program)
  if (!first.failure) return {values: parseLines(first.stdout), stderr: first.stderr}
  const code = first.failure.exitCode
  if (code !== 5) return {values: [], stderr: '', error: compileError(first.failure)}
  // A runtime error: jq-web drops what the program printed before it, so run it again inside
  // try/catch to get those results (mkr prints them, then the error) and the error's own value.
  const again = call(jq, json, `try (( ${program}\n) | [0, .]) catch [1, .]`)
  const values: unknown[] = []
  let error: string | undefined
  for (const line of again.failure ? [] : parseLines(again.stdout)) {
    const [tag, value] = line as [number, unknown]
    if (tag === 0) values.push(value)
    else error = typeof value === 'string' ? value : `${compactJson(value)} (not a string)`
  }
  // halt_error is not an error `try` can catch: jq printed its message instead
  error ??= runtimeError(first.failure)
  return {values, stderr: again.stderr, error}
}

/**
 * Runs the program and writes each result on its own line. Returns why the program failed (after
 * writing the results before the failure), undefined when it did not: the caller, loaded at start-up,
 * turns that into the error, so the error class is the one the command's handler knows.
 */
export async function filterJson(
  program: string,
  input: unknown,
  sink: {out: (text: string) => void; err: (text: string) => void; tty?: boolean},
): Promise<string | undefined> {
  const r = await runJq(program, input)
  if (r.stderr) sink.err(r.stderr.endsWith('\n') ? r.stderr : r.stderr + '\n')
  if (r.values.length) {
    let text = r.values.map((v) => formatJqValue(v) + '\n').join('')
    // raw strings are the server's text: on a terminal, show control characters instead of obeying them
    if (sink.tty) text = escapeControlKeepLines(text)
    sink.out(text)
  }
  return r.error
}

function call(jq: {raw: (json: string, filter: string, flags?: string[]) => string | undefined}, json: string, program: string) {
  // jq-web reports stderr of a successful run through console.warn; take it instead
  let stderr = ''
  const warn = console.warn
  console.warn = (...args: unknown[]) => void (stderr += String(args.at(-1) ?? ''))
  try {
    // `--`: a program that starts with `-` is still a program
    return {stdout: jq.raw(json, program, ['-c', '--']) ?? '', stderr, failure: undefined}
  } catch (error) {
    const e = error as JqFailure
    return {stdout: '', stderr: '', failure: e}
  } finally {
    console.warn = warn
  }
}

function parseLines(stdout: string): unknown[] {
  return stdout === '' ? [] : stdout.split('\n').map((l) => JSON.parse(l) as unknown)
}

/** `jq: error: syntax error, unexpected INVALID_CHARACTER (Unix shell quoting issues?) at <top-level>, line 1:` -> `syntax error, unexpected INVALID_CHARACTER (line 1)` */
function compileError(e: JqFailure): string {
  const lines = (e.stderr ?? '').split('\n')
  const errors = lines
    .filter((l) => l.startsWith('jq: error: '))
    .map((l) =>
      l
        .slice('jq: error: '.length)
        .replace(' (Unix shell quoting issues?)', '')
        .replace(/ at <top-level>, line (\d+):$/, ' (line $1)'),
    )
  if (errors.length) return errors.join('; ')
  return lines.find((l) => l.trim() !== '') ?? firstLine(e.message)
}

/** `jq: error (at inputString:0): boom` -> `boom`; halt_error's message as it is. */
function runtimeError(e: JqFailure): string {
  const text = (e.stderr ?? '').trim()
  const m = /^jq: error \(at [^)]*\)( \(not a string\))?: (.*)$/m.exec(text)
  if (m) return m[1] ? `${m[2]} (not a string)` : m[2]
  return text === '' ? 'halted with an error' : firstLine(text)
}

const firstLine = (s: string) => s.split('\n')[0]
