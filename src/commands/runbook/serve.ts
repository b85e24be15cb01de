import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {requireApiKey} from '../../config/index.js'
import {loadRunbook} from '../../runbook/config.js'
import {checkToken, serveRunbook} from '../../runbook/serve.js'
import {withRunbookProcess} from '../../runbook/cli.js'

export default class RunbookServe extends BaseCommand<typeof RunbookServe> {
  static summary = 'Receive Mackerel alert webhooks and handle each alert by the rules of a runbook file'
  static description = `Not in mkr. Add a webhook channel in Mackerel whose URL is http(s)://<this host>:<port>/?token=<token>. Each alert webhook is answered at once; the alert it names is then re-read from the API and handled as \`mkr runbook run\` does (only the id is taken from the body). A wrong or missing token gets 401 and runs nothing; bodies over 256 KiB get 413; the same alert is never handled twice at once.
SIGTERM/SIGINT stop accepting webhooks and let the alerts in progress finish.`
  static examples = [
    'MKR_RUNBOOK_TOKEN=$(openssl rand -hex 16) <%= config.bin %> runbook serve runbook.toml --listen 127.0.0.1:8080',
  ]
  static args = {file: Args.string({description: 'the runbook file (TOML)', required: true})}
  static flags = {
    // a flag with a short form first: oclif misaligns a FLAGS list that starts without one
    'dry-run': Flags.boolean({char: 'd', description: 'print what would run and what the memo would say; run nothing, write nothing'}),
    listen: Flags.string({description: 'address to listen on', default: '127.0.0.1:8080', helpValue: 'HOST:PORT'}),
    token: Flags.string({description: 'the token webhooks must carry as ?token= (at least 16 characters) [env: MKR_RUNBOOK_TOKEN]', helpValue: 'TOKEN'}),
    'no-remedy': Flags.boolean({description: 'collect context only, run no remedy'}),
    'state-dir': Flags.string({description: 'where handled alerts and remedy runs are recorded [default: $XDG_STATE_HOME/mkr/runbook]', helpValue: 'DIR'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    const token = checkToken(f.token ?? process.env.MKR_RUNBOOK_TOKEN)
    const runbook = loadRunbook(this.args.file)
    const client = await this.api()
    const s = this.settings()
    const code = await withRunbookProcess(
      {io: this.io, client, api: {apiBase: s.apiBase, apiKey: requireApiKey(s)}, stateDir: f['state-dir'], inProgress: 'the alerts in progress'},
      (deps) => serveRunbook(runbook, deps, {listen: f.listen, token, dryRun: f['dry-run'], noRemedy: f['no-remedy']}),
    )
    if (code !== 0) this.exit(code)
  }
}
