import {BaseCommand} from '../base-command.js'
import {outputFlags} from '../output/export.js'
import {runServices} from '../org/services.js'

export default class Services extends BaseCommand<typeof Services> {
  static summary = 'List services'
  static description = 'A table on a terminal; JSON (mkr\'s shape: name, memo, roles) when piped or with --json; --jq filters that JSON.'
  static examples = ['<%= config.bin %> services', "<%= config.bin %> services --jq '.[].name'"]
  static flags = {...outputFlags}

  async run(): Promise<void> {
    await runServices(this.flags, this.io, this.client)
  }
}
