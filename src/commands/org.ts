import {getOrg} from '../api/org.js'
import {BaseCommand} from '../base-command.js'
import {printJson} from '../output/json.js'

export default class Org extends BaseCommand<typeof Org> {
  static summary = 'Show the organization the API key belongs to'
  static examples = ['<%= config.bin %> org']

  async run(): Promise<void> {
    const org = await getOrg(await this.api())
    printJson(org.displayName ? {name: org.name, displayName: org.displayName} : {name: org.name})
  }
}
