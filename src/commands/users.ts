import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../base-command.js'
import {outputFlags} from '../output/export.js'
import {runUsers} from '../org/users.js'

export default class Users extends BaseCommand<typeof Users> {
  static summary = 'List the users of the organization'
  static description =
    "A table on a terminal; JSON (mkr's shape, joinedAt as local ISO-8601) when piped or with --json; --jq filters that JSON. -v prints the users as mkr's client holds them (epoch joinedAt, false and empty fields left out)."
  static examples = [
    '<%= config.bin %> users',
    "<%= config.bin %> users --jq '.[] | select(.isMFAEnabled | not) | .email'",
    '<%= config.bin %> users -f \'{{range .}}{{.ScreenName}}{{"\\t"}}{{.Authority}}{{"\\n"}}{{end}}\'',
  ]

  static flags = {
    verbose: Flags.boolean({char: 'v', description: "the users as mkr's client holds them (epoch joinedAt)"}),
    format: Flags.string({
      char: 'f',
      description: 'print with a Go text/template over the raw users, as mkr (Go field names: .ID, .ScreenName, .Email, .Authority, .IsMFAEnabled, .JoinedAt, ...)',
      helpValue: 'TEMPLATE',
    }),
    ...outputFlags,
  }

  async run(): Promise<void> {
    await runUsers(this.flags, this.io, this.client)
  }
}
