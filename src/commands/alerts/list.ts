import * as Flags from '@oclif/core/flags'
import {listAlerts} from '../../api/alerts.js'
import {alertsFetchFlags, alertsLimit, pageInterval, progress} from '../../alerts/cli.js'
import {alertLines, HOST_STATUSES} from '../../alerts/list.js'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {palette} from '../../output/color.js'
import {outputMode} from '../../output/tty.js'

const split = (values: readonly string[] | undefined) =>
  (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '')

export default class AlertsList extends BaseCommand<typeof AlertsList> {
  static summary = 'List alerts, one line each'
  static description = `One line per alert, exactly as mkr prints it:
  <id> <opened at, local time> <STATUS> <monitor and value> <host> <status> [<service>:<roles>]
Colors only on a terminal (and never with NO_COLOR). As in mkr, the status is followed by two spaces unless --no-color is given (mkr's --color=false), so scripts that parse mkr's output keep working.`
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
  }

  async run(): Promise<void> {
    const f = this.flags
    const services = split(f.service)
    const hostStatuses = split(f['host-status'])
    for (const s of hostStatuses)
      if (!(HOST_STATUSES as readonly string[]).includes(s))
        throw new UsageError(`--host-status ${JSON.stringify(s)} is not a host status`, {hint: `use ${HOST_STATUSES.join(', ')}`})
    const limit = alertsLimit(f)
    const pageDelayMs = pageInterval(f)

    const client = await this.api()
    const p = progress('alerts', f.quiet)
    const alerts = await listAlerts(client, {withClosed: f['with-closed'], limit, pageDelayMs, onPage: p.update}).finally(p.done)
    const mode = outputMode({color: f.color})
    const lines = await alertLines(client, alerts, {
      services,
      hostStatuses,
      colorize: f.color !== false,
      palette: await palette(mode.color),
    })
    if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n')
  }
}
