import * as Args from '@oclif/core/args'
import {BaseCommand} from '../../base-command.js'
import {runGet} from '../../monitors/run.js'
import {outputFlags} from '../../output/export.js'

export default class MonitorsGet extends BaseCommand<typeof MonitorsGet> {
  static summary = 'Show one monitor rule as JSON'
  static examples = ['<%= config.bin %> monitors get 2cSZzK3XfmG', '<%= config.bin %> monitors get 2cSZzK3XfmG --jq .name']
  static args = {
    id: Args.string({description: 'monitor id (see `mkr monitors`)', required: true}),
  }

  static flags = {...outputFlags}

  async run(): Promise<void> {
    await runGet({...this.flags, id: this.args.id}, this.io, this.client)
  }
}
