import * as Args from '@oclif/core/args'
import {BaseCommand} from '../../base-command.js'
import {outputFlags} from '../../output/export.js'
import {runTraceGet} from '../../org/traces.js'

export default class TracesGet extends BaseCommand<typeof TracesGet> {
  static summary = 'Show a trace and its spans'
  static description = "A tree of the spans on a terminal; JSON (mkr's shape: {spans: [...]}, RFC 3339 times) when piped or with --json; --jq filters that JSON."
  static examples = ['<%= config.bin %> traces get 0123456789abcdef0123456789abcdef', "<%= config.bin %> traces get 0123456789abcdef0123456789abcdef --jq '.spans[].name'"]
  static args = {traceId: Args.string({description: 'the trace id (32 hexadecimal digits)', ignoreStdin: true})}
  static flags = {...outputFlags}

  async run(): Promise<void> {
    await runTraceGet({...this.flags, traceId: this.args.traceId}, this.io, this.client)
  }
}
