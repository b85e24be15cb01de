import {BaseCommand} from '../../base-command.js'
import {runCreate} from '../../annotations/create.js'
import {annotationFlags, TIME_HELP} from '../../annotations/input.js'
import {jsonFlags} from '../../output/export.js'

export default class AnnotationsCreate extends BaseCommand<typeof AnnotationsCreate> {
  static summary = 'Create a graph annotation'
  static description = `Times take ${TIME_HELP}.
In a mackerel-agent check \`action\` hook, the check's message (MACKEREL_CHECK_MESSAGE) becomes the description when neither --description nor --description-file is given (cut to 1024 characters).
Prints the created annotation as JSON.`
  static examples = [
    '<%= config.bin %> annotations create -s web --title "deploy v1.2" --from -10m --to now',
    '<%= config.bin %> annotations create -s web -r app,db --title "maintenance" --from "2024-05-01 02:00" --to "2024-05-01 04:00"',
    'git log -1 | <%= config.bin %> annotations create -s web --title deploy --description-file - --from 1714500000 --to 1714500600',
  ]

  static flags = {...annotationFlags, ...jsonFlags}

  async run(): Promise<void> {
    await runCreate(this.flags, this.io, this.client)
  }
}
