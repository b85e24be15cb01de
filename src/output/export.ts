// The one exporter of every command that prints data (DESIGN.md "Output"): commands hand it their
// data, mkr's JSON shape, and optionally a view for a terminal; it decides what is printed:
//   --jq PROGRAM                   -> the program's results, mkr's --jq rules (src/output/jq.ts)
//   a terminal, a view, no --json  -> the view (a table)
//   otherwise                      -> mkr's JSON (4-space indent, trailing newline, `[]` when empty)
// Commands spread `outputFlags` (or `jsonFlags` when they have no --jq in mkr) into their flags.
import * as Flags from '@oclif/core/flags'
import {CliError} from '../errors.js'
import {palette, type Palette} from './color.js'
import {formatJson} from './json.js'
import {outputMode} from './tty.js'

export const jsonFlags = {
  json: Flags.boolean({description: 'print JSON even on a terminal (the default when piped)'}),
}

export const outputFlags = {
  ...jsonFlags,
  jq: Flags.string({
    description: 'filter the JSON with a jq program: each result on its own line, strings raw, objects compact with sorted keys',
    helpValue: 'EXPR',
  }),
}

export interface OutputOptions {
  json?: boolean
  jq?: string
  /** --color / --no-color */
  color?: boolean
  /** hides the info line that replaces an empty table */
  quiet?: boolean
  /** whether stdout is a terminal (default: ask process.stdout; tests set it) */
  tty?: boolean
}

export interface View {
  /** the data as a table (or another readable text) for a terminal, painted with `p` */
  render: (p: Palette) => Promise<string> | string
  /** an info line on stderr instead of a table without rows (`no hosts`) */
  empty?: string
}

export interface Sink {
  out(text: string): void
  err(text: string): void
  /** an info line (hidden by --quiet) */
  info(line: string): void
}

export type OutputKind = 'jq' | 'table' | 'json'

/** --jq wins, whatever stdout is; then a table on a terminal unless --json; JSON otherwise. */
export function outputKind(opts: OutputOptions, hasView: boolean): OutputKind {
  if (opts.jq !== undefined) return 'jq'
  return hasView && stdoutTTY(opts) && !opts.json ? 'table' : 'json'
}

export async function exportData(data: unknown, opts: OutputOptions, view?: View, sink: Sink = processSink(opts)): Promise<void> {
  switch (outputKind(opts, view !== undefined)) {
    case 'jq': {
      const {filterJson} = await import('./jq.js')
      const error = await filterJson(opts.jq!, data, {out: sink.out, err: sink.err, tty: stdoutTTY(opts)})
      if (error !== undefined) throw new CliError(`--jq: ${error}`) // exit 1, one line
      return
    }
    case 'table': {
      if (view!.empty !== undefined && Array.isArray(data) && data.length === 0) return sink.info(view!.empty)
      const mode = outputMode({json: false, color: opts.color}, {isTTY: true})
      return sink.out(await view!.render(await palette(mode.color)))
    }
    case 'json':
      return sink.out(formatJson(data))
  }
}

function stdoutTTY(opts: OutputOptions): boolean {
  return opts.tty ?? Boolean(process.stdout.isTTY)
}

export function processSink(opts: {quiet?: boolean} = {}): Sink {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    info: (line) => {
      if (!opts.quiet) process.stderr.write(line + '\n')
    },
  }
}
