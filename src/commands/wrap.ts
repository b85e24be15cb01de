// `mkr wrap [FLAGS] -- COMMAND [ARGS...]`. Thin: the flags below are for help and the manifest only;
// wrap parses its own argv (src/wrap/args.ts) because flags must stop at the command, and it extends
// oclif's Command directly (not BaseCommand) so that a run with nothing to report loads neither the
// config parser nor the API client.
import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import {runWrap} from '../wrap/main.js'
import {cjsExports} from '../cli/cjs-module.js'

export default class Wrap extends Command {
  static summary = 'Run a command and report its result to Mackerel as a check monitoring result'
  static description = `Runs COMMAND (no shell), passes its stdin, stdout and stderr through, and exits with its exit code (128+N when it died from signal N; 127 not found, 126 not executable, 125 other start failures). A failure is reported as CRITICAL (WARNING with -w); with -a a success after a failure reports OK. The job always runs, even when the API key, host id or config is missing. Every report is written to a spool before it is sent; one that cannot be delivered within --report-timeout stays there and is sent by the next run (or --flush).

Flags go before the command; put the command after \`--\`. The job runs in its own session and process group: SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and the other signals that would end wrap are forwarded to that group once, and --timeout kills the whole group. The job has no controlling terminal (it can read a terminal on stdin, but cannot open /dev/tty).

The job gets MKR_WRAP_NAME (the check name) and MKR_WRAP_RUN_ID in its environment. State (--auto-close, --fail-after, --on-change), the spool and locks live under $XDG_STATE_HOME/mkr (default ~/.local/state/mkr).`

  static examples = [
    '<%= config.bin %> wrap -n nightly-backup -d -- /usr/local/bin/backup.sh',
    '<%= config.bin %> wrap -a -I 1h --timeout 30m --lock -- ./batch.sh --full',
    '<%= config.bin %> wrap --status-on 1=WARNING --max-duration 10m -- ./report.sh',
    '<%= config.bin %> wrap --if-status CRITICAL -n restart-app -- systemctl restart app',
    '<%= config.bin %> wrap --flush',
  ]

  static strict = false

  static flags = {
    name: Flags.string({char: 'n', description: 'check name [default: mkrwrap-<command>-<hash of the command line>]'}),
    detail: Flags.boolean({char: 'd', description: "include the command's output (head and tail) in the report"}),
    note: Flags.string({char: 'N', description: 'a note line in the report'}),
    host: Flags.string({char: 'H', description: "host id [default: the agent's id file]"}),
    warning: Flags.boolean({char: 'w', description: 'report failures as WARNING instead of CRITICAL'}),
    'auto-close': Flags.boolean({char: 'a', description: 'report OK on success when the previous report was a failure or is unknown'}),
    'notification-interval': Flags.string({char: 'I', description: 're-notification interval, e.g. 20m or 1h (minimum 10m)'}),
    timeout: Flags.string({description: "after this long, send SIGTERM to the job's process group (then SIGKILL, see --kill-after)"}),
    'kill-after': Flags.string({description: 'SIGKILL this long after the timeout SIGTERM', default: '10s'}),
    lock: Flags.string({description: 'do not start while a previous run of this check is still running (--lock or --lock=PATH)'}),
    'on-locked': Flags.string({description: 'when locked: skip (exit 0), wait, or report a failure (exit 75)', options: ['skip', 'wait', 'report'], default: 'skip'}),
    heartbeat: Flags.string({description: 'after a successful run, post 1 to this service metric (SERVICE:METRIC), for a monitor that alerts when it stops arriving', helpValue: 'SERVICE:METRIC'}),
    'lock-ttl': Flags.string({description: 'a lock held by another host (which cannot be checked) counts as stale after this long (max 8760h)', default: '24h'}),
    jitter: Flags.string({description: 'sleep up to this long before starting (stable per host and name; not counted in the duration)'}),
    'status-on': Flags.string({description: 'map exit codes to a status, e.g. 1=WARNING or 3-9,42=OK (repeatable)', multiple: true}),
    'max-duration': Flags.string({description: 'report WARNING when a successful run takes longer than this'}),
    'fail-after': Flags.string({description: 'report a failure only after N consecutive failures'}),
    'if-status': Flags.string({description: 'run only when MACKEREL_STATUS (agent action hooks) is in this list, e.g. CRITICAL,WARNING'}),
    'on-change': Flags.boolean({description: 'run only when MACKEREL_STATUS differs from MACKEREL_PREVIOUS_STATUS (agent action hooks)'}),
    annotate: Flags.string({description: 'post a graph annotation for the run to SERVICE[:ROLE,...] (repeatable)', multiple: true}),
    'result-json': Flags.string({description: 'write the result (exit code, times, status, delivery) as JSON to this file'}),
    'spool-dir': Flags.string({description: 'where undelivered reports wait [default: $XDG_STATE_HOME/mkr/wrap-spool]'}),
    'state-dir': Flags.string({description: 'where per-check state and locks live [default: $XDG_STATE_HOME/mkr/wrap-state]'}),
    'report-timeout': Flags.string({description: 'total time for delivering the report, retries included', default: '30s'}),
    flush: Flags.boolean({description: 'send the spooled reports and exit (no command)'}),
    // -q first in the group: see BaseCommand.baseFlags
    quiet: Flags.boolean({char: 'q', description: "hide wrap's info messages (errors are always shown)", helpGroup: 'GLOBAL'}),
    conf: Flags.string({description: 'mackerel-agent config to read apikey, apibase and root from', helpValue: 'FILE', helpGroup: 'GLOBAL'}),
    apibase: Flags.string({description: 'Mackerel API base URL (env MACKEREL_APIBASE)', helpValue: 'URL', helpGroup: 'GLOBAL'}),
  }

  static usage = 'wrap [FLAGS] -- COMMAND [ARGS...]'

  async run(): Promise<void> {
    process.exitCode = await runWrap(this.argv, {
      env: process.env,
      stderr: process.stderr,
      signals: process,
      // `-help` (mkr's single-dash form) reaches us; oclif handles --help/-h before the command runs
      help: async () => {
        const {loadHelpClass} = cjsExports(await import('@oclif/core/help'))
        const Help = await loadHelpClass(this.config)
        await new Help(this.config, this.config.pjson.oclif.helpOptions).showHelp(['wrap'])
      },
    })
  }
}
