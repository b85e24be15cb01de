// `mkr alerts memo`: an alert's memo (or one named section of it) from --text, --file or the output
// of a command given after `--` (src/alerts/run.ts); the memo is built by src/alerts/memo.ts.
import {ALERT_MEMO_MAX_BYTES, getAlert, updateAlertMemo} from '../api/alerts.js'
import type {ApiClient} from '../api/client.js'
import {checkIds, CliError, UsageError} from '../errors.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {readInput} from '../input.js'
import {parseDurationFlag} from '../timespec.js'
import {buildMemo, SECTION_NAME, utf8Bytes} from './memo.js'
import {runForOutput, StartError} from './run.js'

export interface MemoOptions {
  /** the positional arguments before `--` (one alert id expected) */
  ids: string[]
  /** the command after `--` (undefined: no `--` was given) */
  command?: string[]
  text?: string
  file?: string
  section?: string
  timeout?: string
}

export async function runMemo(opts: MemoOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const usage = 'mkr alerts memo ID (--text TEXT | --file FILE | -- COMMAND [ARGS...])'
  const command = opts.command ?? []
  if (opts.command !== undefined && opts.ids.length < 1)
    throw new UsageError('the alert id goes before `--`', {hint: 'mkr alerts memo ID [--section NAME] -- COMMAND [ARGS...]'})
  if (opts.ids.length === 0) throw new UsageError('give the alert id', {hint: usage})
  if (opts.ids.length > 1)
    throw new UsageError(`one alert id expected, got ${opts.ids.length}: ${opts.ids.join(' ')}`, {hint: 'to run a command, put it after `--`'})
  const [id] = checkIds('alert id', opts.ids)
  const sources = [opts.text !== undefined && '--text', opts.file !== undefined && '--file', command.length > 0 && 'a command after --'].filter(Boolean)
  if (sources.length === 0) throw new UsageError('nothing to put in the memo', {hint: 'give --text TEXT, --file FILE (- = stdin) or -- COMMAND ARGS...'})
  if (sources.length > 1) throw new UsageError(`give only one of --text, --file and a command (got ${sources.join(', ')})`)
  if (opts.command !== undefined && command.length === 0) throw new UsageError('no command after `--`')
  if (opts.section !== undefined && !SECTION_NAME.test(opts.section))
    throw new UsageError(`--section ${JSON.stringify(opts.section)}: use letters, digits, '.', '_' and '-' (up to 64)`)
  const timeout = opts.timeout ?? '30s'
  const timeoutMs = parseDurationFlag('timeout', timeout, {min: 1})

  const api = await client() // fails on a missing API key before the command runs

  let content: string
  let droppedBytes = 0
  if (opts.text !== undefined) content = opts.text
  else if (opts.file !== undefined) content = await readInput(io, 'file', opts.file)
  else {
    let r
    try {
      r = await runForOutput(command, {timeoutMs, maxBytes: ALERT_MEMO_MAX_BYTES})
    } catch (error) {
      if (error instanceof StartError) throw new CliError(`cannot run the command: ${error.message}`, {hint: 'nothing was written to the memo'})
      throw error
    }
    content = r.stdout
    droppedBytes = r.droppedBytes
    let note: string | undefined
    if (r.timedOut) note = `the command timed out after ${timeout}`
    else if (r.signal) note = `the command was killed by ${r.signal}`
    else if (r.code !== 0) note = `the command exited with code ${r.code}`
    if (note) {
      io.warn(`${note}; its output is used anyway`)
      content = content.replace(/[\r\n]*$/, content === '' ? '' : '\n') + `[mkr: ${note}]\n`
    }
  }

  const current = opts.section === undefined ? '' : ((await withProgress(io, `fetching alert ${id}`, () => getAlert(api, id))).memo ?? '')
  const built = buildMemo(current, content, {section: opts.section, maxBytes: ALERT_MEMO_MAX_BYTES, droppedBytes})
  for (const w of built.warnings) io.warn(w)
  await withProgress(io, `updating the memo of alert ${id}`, () => updateAlertMemo(api, id, built.memo))
  if (built.cutBytes > 0)
    io.warn(
      `the memo content was cut: the first ${built.cutBytes} bytes were left out to fit Mackerel's ${ALERT_MEMO_MAX_BYTES}-byte memo limit (the end is kept)`,
    )
  const where = opts.section === undefined ? 'memo' : `section "${opts.section}" (${built.replaced ? 'replaced' : 'added'})`
  io.info(`updated ${where} of alert ${id}: ${utf8Bytes(built.memo)} bytes`)
}
