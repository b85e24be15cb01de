import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {BaseCommand, checkIds} from '../../base-command.js'
import {requireApiKey} from '../../config/index.js'
import {loadRunbook} from '../../runbook/config.js'
import {runRunbook} from '../../runbook/run.js'
import {withRunbookProcess} from '../../runbook/cli.js'
import {UsageError} from '../../errors.js'

export default class RunbookRun extends BaseCommand<typeof RunbookRun> {
  static summary = 'Handle open alerts by the rules of a runbook file: memo context, owner, announced remedies'
  static description = `Not in mkr. For every open alert a rule matches (and not handled yet at its current status), writes the memo section runbook:<rule> (owner, doc, the output of each collect command), then runs each remedy: announced in the memo before it starts, reported after, at most max_per_hour times in any rolling hour.
Commands run without a shell, with the alert's context in MKR_* environment variables (and MACKEREL_APIKEY/MACKEREL_APIBASE, so that mkr works inside them); nothing from an alert is put into a command line.
--once: one pass, for cron. Without it: a pass every \`interval\` until SIGTERM/SIGINT, which finish the step in progress. State under $XDG_STATE_HOME/mkr/runbook.
Exit 0 when every matching alert was handled, 1 when a step or a request failed.`
  static examples = [
    '<%= config.bin %> runbook run runbook.toml --once --no-remedy   # the careful first weeks: context only',
    '<%= config.bin %> runbook run runbook.toml --once --dry-run',
    '<%= config.bin %> runbook run runbook.toml --alert 2wpLU5fBXbG  # try the rules on a real alert',
    '<%= config.bin %> runbook run runbook.toml                      # every interval until stopped',
  ]
  static args = {file: Args.string({description: 'the runbook file (TOML)', required: true})}
  static flags = {
    // a flag with a short form first: oclif misaligns a FLAGS list that starts without one
    'dry-run': Flags.boolean({char: 'd', description: 'print what would run and what the memo would say; run nothing, write nothing'}),
    once: Flags.boolean({description: 'one pass over the open alerts, then exit (for cron)'}),
    alert: Flags.string({description: 'handle this alert now, even if it was handled before', helpValue: 'ID'}),
    'no-remedy': Flags.boolean({description: 'collect context only, run no remedy'}),
    'state-dir': Flags.string({description: 'where handled alerts and remedy runs are recorded [default: $XDG_STATE_HOME/mkr/runbook]', helpValue: 'DIR'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    if (f.alert !== undefined) checkIds('alert id', [f.alert])
    if (f.alert !== undefined && f.once) throw new UsageError('--alert handles one alert: --once is implied', {hint: 'drop --once'})
    const runbook = loadRunbook(this.args.file) // a broken file runs nothing
    const client = await this.api()
    const s = this.settings()
    const code = await withRunbookProcess(
      {io: this.io, client, api: {apiBase: s.apiBase, apiKey: requireApiKey(s)}, stateDir: f['state-dir'], inProgress: 'the step in progress'},
      (deps) => runRunbook(runbook, deps, {once: f.once, alertId: f.alert, dryRun: f['dry-run'], noRemedy: f['no-remedy']}),
    )
    if (code !== 0) this.exit(code)
  }
}
