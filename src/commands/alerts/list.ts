import * as Flags from '@oclif/core/flags'
import {alertsFetchFlags} from '../../alerts/cli.js'
import {HOST_STATUSES, runAlertsList} from '../../alerts/list.js'
import {BaseCommand} from '../../base-command.js'
import {jsonFlags} from '../../output/export.js'

export default class AlertsList extends BaseCommand<typeof AlertsList> {
  static summary = 'List alerts, one line each'
  static description = `One line per alert, exactly as mkr prints it:
  <id> <opened at, local time> <STATUS> <monitor and value> <host> <status> [<service>:<roles>]
Colors only on a terminal (and never with NO_COLOR). As in mkr, the status is followed by two spaces unless --no-color is given (mkr's --color=false), so scripts that parse mkr's output keep working. --json prints the alerts as \`mkr alerts\` does instead.`
  static examples = [
    '<%= config.bin %> alerts list',
    '<%= config.bin %> alerts list -s web -S working,standby',
    '<%= config.bin %> alerts list --with-closed --limit 20 --no-color',
  ]

  static flags = {
    service: Flags.string({
      char: 's',
      description: 'only alerts of this service (host in it, or its service/external monitor); repeatable, comma-separated',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'host-status': Flags.string({
      char: 'S',
      description: `only alerts whose host has this status: ${HOST_STATUSES.join(', ')}; repeatable, comma-separated`,
      multiple: true,
      multipleNonGreedy: true,
    }),
    color: Flags.boolean({
      char: 'c',
      allowNo: true,
      description: 'color on a terminal (default); --no-color: no color and one space after the status, like mkr --color=false',
    }),
    ...alertsFetchFlags,
    ...jsonFlags,
  }

  async run(): Promise<void> {
    await runAlertsList(this.flags, this.io, this.client)
  }
}
