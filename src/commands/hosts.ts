import * as Flags from '@oclif/core/flags'
import {HOST_STATUSES, listHosts} from '../api/hosts.js'
import {BaseCommand} from '../base-command.js'
import {UsageError} from '../errors.js'
import {HOST_TABLE_HEAD, hostTableRows, reduceHost} from '../hosts/format.js'
import type {Palette} from '../output/color.js'
import {exportData, outputFlags} from '../output/export.js'
import {renderTable} from '../output/table.js'

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
    ...outputFlags,
  }

  async run(): Promise<void> {
    const f = this.flags
    if (f.role?.length && !f.service)
      throw new UsageError('--role needs --service', {hint: 'e.g. mkr hosts --service demo --role web'})
    const hosts = await listHosts(await this.api(), {name: f.name, service: f.service, role: f.role, status: f.status})
    // -v: the raw objects, as JSON even on a terminal
    if (f.verbose) return exportData(hosts, f)
    const table = {render: (p: Palette) => renderTable(HOST_TABLE_HEAD, hostTableRows(hosts, p)), empty: 'no hosts'}
    await exportData(hosts.map((h) => reduceHost(h)), f, table)
  }
}
