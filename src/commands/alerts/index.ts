import {alertsFetchFlags} from '../../alerts/cli.js'
import {runAlerts} from '../../alerts/json.js'
import {BaseCommand} from '../../base-command.js'
import {outputFlags} from '../../output/export.js'

export default class Alerts extends BaseCommand<typeof Alerts> {
  static summary = 'List alerts as JSON'
  static description = `Alerts newest first, in mkr's JSON shape (epoch times). Without --limit: every open alert, or the latest 100 with --with-closed.
Pages of 100 are fetched through nextId with a pause between requests (--page-interval).
For one line per alert, see \`mkr alerts list\`.`
  static examples = [
    '<%= config.bin %> alerts',
    '<%= config.bin %> alerts --with-closed --limit 300 | jq -r \'.[] | select(.status == "CRITICAL") | .id\'',
    '<%= config.bin %> alerts --jq \'.[] | select(.status == "CRITICAL") | .id\'',
  ]

  static flags = {...alertsFetchFlags, ...outputFlags}

  async run(): Promise<void> {
    await runAlerts(this.flags, this.io, this.client)
  }
}
