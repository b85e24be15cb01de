import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {ALERT_MEMO_MAX_BYTES, getAlert, updateAlertMemo} from '../../api/alerts.js'
import {buildMemo, SECTION_NAME, utf8Bytes} from '../../alerts/memo.js'
import {runForOutput, StartError} from '../../alerts/run.js'
import {BaseCommand, checkIds} from '../../base-command.js'
import {CliError, UsageError} from '../../errors.js'
import {readTextInput} from '../../input.js'
import {parseDurationFlag} from '../../timespec.js'

export default class AlertsMemo extends BaseCommand<typeof AlertsMemo> {
  static summary = "Set an alert's memo from text, a file or a command's output"
  static description = `Not in mkr. The memo comes from exactly one of --text, --file (\`-\` = stdin) or the standard output of a command given after \`--\` (run directly, without a shell, stopped after --timeout; if it fails or times out, what it printed is still used, with a note).
With --section NAME only the part between <!-- mkr:NAME --> and <!-- /mkr:NAME --> is replaced (added at the end the first time); the rest of the memo, such as what people wrote, is kept.
Mackerel keeps memos up to 80 KB: longer content keeps its end, and a warning says how much was cut.`
  static examples = [
    '<%= config.bin %> alerts memo 2wpLU5fBXbG --text "looking into it (alice)"',
    '<%= config.bin %> alerts memo 2wpLU5fBXbG --section diag --timeout 20s -- /usr/local/bin/collect-diag --short',
    'journalctl -u app -n 50 | <%= config.bin %> alerts memo 2wpLU5fBXbG --section journal --file -',
  ]

  static usage = 'alerts memo ID (--text TEXT | --file FILE | -- COMMAND [ARGS...]) [--section NAME] [--timeout DURATION]'
  static strict = false
  static args = {
    id: Args.string({description: 'alert id', ignoreStdin: true}),
  }

  static flags = {
    text: Flags.string({char: 't', description: 'the memo text'}),
    file: Flags.string({char: 'f', description: 'read the memo from this file (`-` = stdin)', helpValue: 'FILE'}),
    section: Flags.string({description: 'replace only this named section of the memo', helpValue: 'NAME'}),
    timeout: Flags.string({description: 'stop the command after this long', default: '30s', helpValue: 'DURATION'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    if (this.args.id === undefined)
      throw new UsageError('give the alert id', {hint: 'mkr alerts memo ID (--text TEXT | --file FILE | -- COMMAND [ARGS...])'})
    const [id] = checkIds('alert id', [this.args.id])
    // Everything after `--` is the command; oclif drops the `--` itself, so find it in the raw argv.
    const dd = this.argv.indexOf('--')
    const command = dd === -1 ? [] : this.argv.slice(dd + 1)
    const positionals = this.rest.length - command.length
    if (dd !== -1 && positionals < 1)
      throw new UsageError('the alert id goes before `--`', {hint: 'mkr alerts memo ID [--section NAME] -- COMMAND [ARGS...]'})
    if (positionals > 1)
      throw new UsageError(`one alert id expected, got ${positionals}: ${this.rest.slice(0, positionals).join(' ')}`, {
        hint: 'to run a command, put it after `--`',
      })
    const sources = [f.text !== undefined && '--text', f.file !== undefined && '--file', command.length > 0 && 'a command after --'].filter(
      Boolean,
    )
    if (sources.length === 0)
      throw new UsageError('nothing to put in the memo', {hint: 'give --text TEXT, --file FILE (- = stdin) or -- COMMAND ARGS...'})
    if (sources.length > 1) throw new UsageError(`give only one of --text, --file and a command (got ${sources.join(', ')})`)
    if (dd !== -1 && command.length === 0) throw new UsageError('no command after `--`')
    if (f.section !== undefined && !SECTION_NAME.test(f.section))
      throw new UsageError(`--section ${JSON.stringify(f.section)}: use letters, digits, '.', '_' and '-' (up to 64)`)
    const timeoutMs = parseDurationFlag('timeout', f.timeout, {min: 1})

    const client = await this.api() // fails on a missing API key before the command runs

    let content: string
    let droppedBytes = 0
    if (f.text !== undefined) content = f.text
    else if (f.file !== undefined) content = await readTextInput('file', f.file)
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
      if (r.timedOut) note = `the command timed out after ${f.timeout}`
      else if (r.signal) note = `the command was killed by ${r.signal}`
      else if (r.code !== 0) note = `the command exited with code ${r.code}`
      if (note) {
        this.warnLine(`${note}; its output is used anyway`)
        content = content.replace(/[\r\n]*$/, content === '' ? '' : '\n') + `[mkr: ${note}]\n`
      }
    }

    const current = f.section === undefined ? '' : ((await getAlert(client, id)).memo ?? '')
    const built = buildMemo(current, content, {section: f.section, maxBytes: ALERT_MEMO_MAX_BYTES, droppedBytes})
    for (const w of built.warnings) this.warnLine(w)
    await updateAlertMemo(client, id, built.memo)
    if (built.cutBytes > 0)
      this.warnLine(
        `the memo content was cut: the first ${built.cutBytes} bytes were left out to fit Mackerel's ${ALERT_MEMO_MAX_BYTES}-byte memo limit (the end is kept)`,
      )
    const where = f.section === undefined ? 'memo' : `section "${f.section}" (${built.replaced ? 'replaced' : 'added'})`
    this.info(`updated ${where} of alert ${id}: ${utf8Bytes(built.memo)} bytes`)
  }
}
