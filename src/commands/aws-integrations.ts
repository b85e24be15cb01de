import {BaseCommand} from '../base-command.js'
import {outputFlags} from '../output/export.js'
import {runAwsIntegrations} from '../org/aws-integrations.js'

export default class AwsIntegrations extends BaseCommand<typeof AwsIntegrations> {
  static summary = 'List AWS integration settings'
  static description = "A table on a terminal; JSON (mkr's shape) when piped or with --json; --jq filters that JSON."
  static examples = ['<%= config.bin %> aws-integrations', "<%= config.bin %> aws-integrations --jq '.[] | .name + \" \" + .region'"]
  static flags = {...outputFlags}

  async run(): Promise<void> {
    await runAwsIntegrations(this.flags, this.io, this.client)
  }
}
