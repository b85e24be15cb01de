import {BaseCommand} from '../../base-command.js'
import {processStop, runChecksRun} from '../../checks/run.js'

export default class ChecksRun extends BaseCommand<typeof ChecksRun> {
  static summary = 'Run the check plugins of the agent config once, as TAP'
  static description =
    'Runs every [plugin.checks.NAME] of the mackerel-agent config (--conf) as the agent would (a string command through sh -c, ' +
    'an array exec\'d directly, env, user via sudo -Eu, timeout_seconds (default 30 s) then SIGTERM and, 10 s later, SIGKILL), ' +
    'at most 2×CPUs at a time, and prints TAP version 13 as each check finishes. Exit 1 when any check is not OK. ' +
    'Nothing is sent to Mackerel and no action is run.'
  static examples = [
    '<%= config.bin %> checks run',
    '<%= config.bin %> checks run --conf /etc/mackerel-agent/conf.d/checks.conf',
  ]

  async run(): Promise<void> {
    await runChecksRun({conf: this.flags.conf}, this.io, {onStop: processStop})
  }
}
