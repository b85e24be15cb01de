// The one exporter of every command that prints data (DESIGN.md "Output"): commands hand it their
// data, mkr's JSON shape, and optionally a view for a terminal; it decides what is printed, on the
// process's IO (src/output/iostreams.ts):
//   --jq PROGRAM                   -> the program's results, mkr's --jq rules (src/output/jq.ts)
//   a terminal, a view, no --json  -> the view (a table)
//   otherwise                      -> mkr's JSON (4-space indent, trailing newline, `[]` when empty)
// Commands spread `outputFlags` (or `jsonFlags` when they have no --jq in mkr) into their flags.
import * as Flags from '@oclif/core/flags'
import {CliError} from '../errors.js'
import type {Palette} from './color.js'
import {systemIO, type IOStreams} from './iostreams.js'
import {formatJson} from './json.js'

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
  /** --color / --no-color (only used when no IO is given: the IO has decided color already) */
  color?: boolean
  /** --quiet (only used when no IO is given) */
  quiet?: boolean
  /** overrides whether stdout counts as a terminal (default: the IO's stdoutTTY) */
  tty?: boolean
}

export interface View {
  /** the data as a table (or another readable text) for a terminal `width` columns wide, painted with `p` */
  render: (p: Palette, width: number) => Promise<string> | string
  /** an info line on stderr instead of a table without rows (`no hosts`) */
  empty?: string
}

/** Where the exporter prints: the process's IO (or a test IO). */
export type Sink = IOStreams

export type OutputKind = 'jq' | 'table' | 'json'

/** --jq wins, whatever stdout is; then a table on a terminal unless --json; JSON otherwise. */
export function outputKind(opts: OutputOptions, hasView: boolean, io?: {stdoutTTY: boolean}): OutputKind {
  if (opts.jq !== undefined) return 'jq'
  const tty = opts.tty ?? io?.stdoutTTY ?? false
  return hasView && tty && !opts.json ? 'table' : 'json'
}

export async function exportData(data: unknown, opts: OutputOptions, view?: View, io: IOStreams = systemIO(opts)): Promise<void> {
  switch (outputKind(opts, view !== undefined, io)) {
    case 'jq': {
      const {filterJson} = await import('./jq.js')
      const error = await filterJson(opts.jq!, data, {out: io.out, err: io.err, tty: opts.tty ?? io.stdoutTTY})
      if (error !== undefined) throw new CliError(`--jq: ${error}`) // exit 1, one line
      return
    }
    case 'table': {
      if (view!.empty !== undefined && Array.isArray(data) && data.length === 0) return io.info(view!.empty)
      return io.out(await view!.render(await io.palette(), io.width))
    }
    case 'json':
      return io.out(formatJson(data))
  }
}

/** The process's IO, for callers that have none at hand (prefer the command's `this.io`). */
export function processSink(opts: {quiet?: boolean; color?: boolean} = {}): Sink {
  return systemIO(opts)
}
