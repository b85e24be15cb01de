import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {runDelete} from '../../annotations/delete.js'
import {jsonFlags} from '../../output/export.js'

export default class AnnotationsDelete extends BaseCommand<typeof AnnotationsDelete> {
  static summary = 'Delete a graph annotation'
  static description = 'Prints the deleted annotation as JSON.'
  static examples = ['<%= config.bin %> annotations delete --id 3b2xWzDkP1']

  static flags = {
    id: Flags.string({description: 'annotation id'}),
    ...jsonFlags,
  }

  async run(): Promise<void> {
    await runDelete(this.flags, this.io, this.client)
  }
}
