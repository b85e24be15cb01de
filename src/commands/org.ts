import {BaseCommand} from '../base-command.js'
import {outputFlags} from '../output/export.js'
import {runOrg} from '../org/show.js'

export default class Org extends BaseCommand<typeof Org> {
  static summary = 'Show the organization the API key belongs to'
  static examples = ['<%= config.bin %> org', '<%= config.bin %> org --jq .name']
  static flags = {...outputFlags}

  async run(): Promise<void> {
    await runOrg(this.flags, this.io, this.client)
  }
}
