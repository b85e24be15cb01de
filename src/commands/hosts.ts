import * as Flags from '@oclif/core/flags'
import {HOST_STATUSES} from '../api/hosts.js'
import {BaseCommand} from '../base-command.js'
import {runHosts} from '../hosts/list.js'
import {outputFlags} from '../output/export.js'

export default class Hosts extends BaseCommand<typeof Hosts> {
  static summary = 'List hosts'
  static description =
    'A table on a terminal; JSON (mkr\'s shape) when piped or with --json; --jq filters that JSON. Without --status the API lists working and standby hosts only.'
  static examples = [
    '<%= config.bin %> hosts',
    '<%= config.bin %> hosts --service demo --role web --role db',
    '<%= config.bin %> hosts --status maintenance --status poweroff --json | jq -r \'.[].id\'',
    '<%= config.bin %> hosts -v | jq \'.[0].meta\'',
    '<%= config.bin %> hosts --jq \'.[] | select(.status == "working") | .name\'',
    '<%= config.bin %> hosts -f \'{{range .}}{{if (len .Interfaces)}}{{(index .Interfaces 0).IPAddress}}{{end}}{{"\\t"}}{{.Name}}{{"\\n"}}{{end}}\'',
  ]

  static flags = {
    name: Flags.string({char: 'n', description: 'only hosts with this name'}),
    service: Flags.string({char: 's', description: 'only hosts in this service'}),
    role: Flags.string({char: 'r', description: 'only hosts with this role (needs --service; repeatable, comma-separated)', multiple: true, delimiter: ','}),
    status: Flags.string({
      aliases: ['st'],
      description: 'only hosts with this status (repeatable, comma-separated)',
      multiple: true,
      delimiter: ',',
      options: [...HOST_STATUSES],
    }),
    verbose: Flags.boolean({char: 'v', description: 'raw host objects as the API returns them'}),
    format: Flags.string({
      char: 'f',
      description: "print with a Go text/template over the raw hosts, as mkr (Go field names: .Name, .ID, .Status, .Interfaces, .Roles, ...)",
      helpValue: 'TEMPLATE',
    }),
    ...outputFlags,
  }

  async run(): Promise<void> {
    await runHosts(this.flags, this.io, this.client)
  }
}
