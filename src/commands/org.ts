import {getOrg} from '../api/org.js'
import {BaseCommand} from '../base-command.js'
import {exportData, outputFlags} from '../output/export.js'

export default class Org extends BaseCommand<typeof Org> {
  static summary = 'Show the organization the API key belongs to'
  static examples = ['<%= config.bin %> org', '<%= config.bin %> org --jq .name']
  static flags = {...outputFlags}

  async run(): Promise<void> {
    const org = await getOrg(await this.api())
    await exportData(org.displayName ? {name: org.name, displayName: org.displayName} : {name: org.name}, this.flags)
  }
}
