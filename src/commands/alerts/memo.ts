import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {runMemo} from '../../alerts/set-memo.js'
import {BaseCommand} from '../../base-command.js'

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
    // Everything after `--` is the command; oclif drops the `--` itself, so find it in the raw argv.
    const dd = this.argv.indexOf('--')
    const command = dd === -1 ? undefined : this.argv.slice(dd + 1)
    const ids = this.rest.slice(0, Math.max(0, this.rest.length - (command?.length ?? 0)))
    await runMemo({...this.flags, ids, command}, this.io, this.client)
  }
}
