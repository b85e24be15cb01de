import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {runClose} from '../../alerts/close.js'
import {BaseCommand} from '../../base-command.js'
import {jsonFlags} from '../../output/export.js'

export default class AlertsClose extends BaseCommand<typeof AlertsClose> {
  static summary = 'Close alerts'
  static description = 'Closes each alert in turn and stops at the first failure, saying which were closed, which failed and which were not tried.'
  static examples = ['<%= config.bin %> alerts close 2wpLU5fBXbG 2ust8jNxFH3 --reason "fixed by restart"']
  static usage = 'alerts close ID... [--reason TEXT] [--verbose | --json]'
  static strict = false
  static args = {
    ids: Args.string({description: 'alert ids', ignoreStdin: true}),
  }

  static flags = {
    reason: Flags.string({char: 'r', description: 'why the alerts are closed', default: ''}),
    verbose: Flags.boolean({char: 'v', description: 'print each closed alert as JSON'}),
    ...jsonFlags,
  }

  async run(): Promise<void> {
    await runClose({...this.flags, ids: this.rest}, this.io, this.client)
  }
}
