import * as Flags from '@oclif/core/flags'
import {annotationJson, deleteAnnotation} from '../../api/annotations.js'
import {BaseCommand, checkIds} from '../../base-command.js'
import {printJson} from '../../output/json.js'
import {missing} from '../../annotations/input.js'

export default class AnnotationsDelete extends BaseCommand<typeof AnnotationsDelete> {
  static summary = 'Delete a graph annotation'
  static description = 'Prints the deleted annotation as JSON.'
  static examples = ['<%= config.bin %> annotations delete --id 3b2xWzDkP1']

  static flags = {
    id: Flags.string({description: 'annotation id'}),
  }

  async run(): Promise<void> {
    if (this.flags.id === undefined) throw missing('id', 'delete a graph annotation', 'ID')
    const [id] = checkIds('annotation id', [this.flags.id])
    const deleted = await deleteAnnotation(await this.api(), id)
    printJson(annotationJson(deleted))
  }
}
