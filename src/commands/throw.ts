import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../base-command.js'
import {runThrow} from '../metrics/throw.js'

export default class Throw extends BaseCommand<typeof Throw> {
  static summary = 'Post metric values read from stdin (`name value epoch` lines)'
  static description =
    'Host metrics (--host) get the `custom.` prefix when they lack it; service metrics (--service) are posted as named. ' +
    'Lines are sent in batches while stdin is read (any input size, constant memory); 5xx, 429 and network errors are retried, other 4xx never. ' +
    'Lines that are not three fields are skipped and counted, bad names and values are reported with their line number, ' +
    'values older than 24 hours get a warning (Mackerel drops them). A failure part-way says which lines were delivered.'
  static examples = [
    'echo "custom.backup.duration 42 $(date +%s)" | <%= config.bin %> throw --host 2eQGDXqtoXs',
    'printf "orders.count 12 %s\\n" "$(date +%s)" | <%= config.bin %> throw --service demo',
    '<%= config.bin %> throw -s demo --retry 3 < metrics.txt',
  ]

  static flags = {
    host: Flags.string({char: 'H', description: 'post host metrics of this host id (wins over --service, as in mkr)', helpValue: 'HOSTID'}),
    service: Flags.string({char: 's', description: 'post service metrics of this service', helpValue: 'SERVICE'}),
    retry: Flags.integer({char: 'r', description: 'attempts beyond the first for each batch (at least 5 are always made, within a time budget)', min: 0, default: 0, helpValue: 'N'}),
  }

  async run(): Promise<void> {
    await runThrow(this.flags, this.io, this.client)
  }
}
