import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {annotationFlags} from '../../annotations/input.js'
import {runUpdate} from '../../annotations/update.js'
import {jsonFlags} from '../../output/export.js'

export default class AnnotationsUpdate extends BaseCommand<typeof AnnotationsUpdate> {
  static summary = 'Update a graph annotation'
  static description = `The API replaces the whole annotation, so what is not given is kept from the current annotation (looked up in the --service's list): --title, the description and the roles. --description '' clears the description; --role '' makes the annotation service-wide. --service, --from and --to are required, as in mkr.
Prints the updated annotation as JSON.`
  static examples = [
    '<%= config.bin %> annotations update --id 3b2xWzDkP1a -s web --title "deploy v1.2 (rolled back)" --from 1714500000 --to now',
    "<%= config.bin %> annotations update --id 3b2xWzDkP1a -s web --from -1h --to now --role ''",
  ]

  static flags = {
    ...annotationFlags,
    id: Flags.string({description: 'annotation id'}),
    ...jsonFlags,
  }

  async run(): Promise<void> {
    await runUpdate(this.flags, this.io, this.client)
  }
}
