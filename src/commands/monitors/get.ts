import * as Args from '@oclif/core/args'
import {BaseCommand} from '../../base-command.js'
import {runGet} from '../../monitors/run.js'
import {terminalIo} from '../../monitors/terminal.js'

export default class MonitorsGet extends BaseCommand<typeof MonitorsGet> {
  static summary = 'Show one monitor rule as JSON'
  static examples = ['<%= config.bin %> monitors get 2cSZzK3XfmG']
  static args = {
    id: Args.string({description: 'monitor id (see `mkr monitors`)', required: true}),
  }

  async run(): Promise<void> {
    await runGet(await this.api(), this.args.id, await terminalIo({quiet: this.flags.quiet, color: false}))
  }
}
