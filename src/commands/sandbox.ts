import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../base-command.js'
import {CliError, UsageError} from '../errors.js'
import {FAULT_SYNTAX, parseFaultFlag, type FaultSpec} from '../sandbox/faults.js'

const READ_ONLY_KEY = 'sandbox-readonly'

export default class Sandbox extends BaseCommand<typeof Sandbox> {
  // --conf and --apibase mean nothing to a server: only the output flags are global here, so oclif
  // rejects the others as unknown flags. (The cast keeps the static side assignable to BaseCommand's;
  // this command never reads flags.conf / flags.apibase, nor calls settings() or api().)
  static baseFlags = {
    quiet: BaseCommand.baseFlags.quiet,
    color: BaseCommand.baseFlags.color,
  } as unknown as typeof BaseCommand.baseFlags

  static summary = 'Run a local Mackerel-compatible API server (no Mackerel account needed)'
  static description = `Serves the Mackerel API subset mkr uses (hosts, services, check reports, monitors, alerts, graph annotations) on 127.0.0.1 from an in-memory store seeded with demo data, and prints the variables that point mkr at it:

  export MACKEREL_APIBASE=http://127.0.0.1:PORT
  export MACKEREL_APIKEY=sandbox

Run those in another shell (or redirect them to a file and source it), then use mkr as usual. With --detach the server keeps running in the background and the output (plus MKR_SANDBOX_PID) can be eval'ed directly: eval "$(mkr sandbox --detach)"; ...; kill $MKR_SANDBOX_PID. The key "${READ_ONLY_KEY}" is read-only (writes get 403). Stops cleanly on Ctrl-C or SIGTERM.

Faults (--fault, repeatable) make matching requests fail, for trying retries and timeouts:
  [METHOD ]PATH=ACTION
PATH is an exact path, a prefix ending in '*', or '*' for every API route. ACTION is a status code (503), drop (close the connection without an answer) or delay:MS; add xN to apply it N times only (503x3, dropx2, delay:2000x1).
Monitors evaluate posted metrics into alerts (host metric, service metric and connectivity monitors; check monitors from check reports), right after each metric post and once a sandbox minute; alerts reach webhook channels. --speed N runs the sandbox clock N times faster, so "5 minutes above the threshold" or "no data for 10 minutes" takes 5 or 10 seconds at --speed 60.

With --data the state is saved atomically at most every 200 ms after a change, and on Ctrl-C / SIGTERM (so every answered write is kept; a kill -9 can lose the last 200 ms).

Tests can also inspect and steer a running sandbox under /_sandbox/: GET reports, GET requests, GET state, POST/DELETE faults, GET webhooks, POST evaluate (evaluate every monitor now), GET clock.`

  static examples = [
    '<%= config.bin %> sandbox',
    '<%= config.bin %> sandbox --port 8080 --data ./sandbox.json',
    'eval "$(<%= config.bin %> sandbox --detach)"; <%= config.bin %> hosts; kill $MKR_SANDBOX_PID',
    `<%= config.bin %> sandbox --fault 'POST /api/v0/monitoring/checks/report=503x2' --fault '/api/v0/alerts*=delay:2000'`,
    '<%= config.bin %> sandbox --no-seed --hosts 10000',
    '<%= config.bin %> sandbox --speed 60',
  ]

  static flags = {
    port: Flags.integer({char: 'p', description: 'port to listen on (0 = any free port)', default: 0, min: 0, max: 65535}),
    data: Flags.string({description: 'JSON file to load the state from (if it exists) and save it to after changes (at most every 200 ms, and on stop)'}),
    hosts: Flags.integer({description: 'extra generated hosts (host-00001, ...)', default: 0, min: 0, max: 1_000_000}),
    'api-key': Flags.string({description: 'API key to accept', default: 'sandbox'}),
    seed: Flags.boolean({description: 'start with demo services, hosts, monitors and alerts', default: true, allowNo: true}),
    fault: Flags.string({description: `inject a fault: ${FAULT_SYNTAX}`, multiple: true}),
    speed: Flags.integer({description: 'run the sandbox clock N times faster (metric windows, connectivity, retention)', default: 1, min: 1, max: 86_400}),
    detach: Flags.boolean({char: 'd', description: 'run in the background; also print MKR_SANDBOX_PID (stop it with kill)'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    const apiKey = f['api-key']
    if (!/^[\x21-\x7e]+$/.test(apiKey)) throw new UsageError('--api-key must be non-empty printable ASCII without spaces')
    if (apiKey === READ_ONLY_KEY) throw new UsageError(`--api-key cannot be "${READ_ONLY_KEY}" (that is the read-only key)`)
    const faults: FaultSpec[] = (f.fault ?? []).map((spec) => {
      try {
        return parseFaultFlag(spec)
      } catch (error) {
        throw new UsageError((error as Error).message)
      }
    })

    if (f.detach) return this.detach()
    const child = process.env[CHILD_ENV] === '1'
    if (child) {
      // the parent closes our pipes once it has the exports: later writes must not crash the server
      // (listeners on the process's own streams, which the IO object writes to)
      process.stdout.on('error', () => {})
      process.stderr.on('error', () => {})
    }

    const {startSandbox} = await import('../sandbox/server.js')
    let sb: Awaited<ReturnType<typeof startSandbox>>
    try {
      sb = await startSandbox({
        port: f.port,
        apiKey,
        readOnlyApiKey: READ_ONLY_KEY,
        dataFile: f.data,
        seed: f.seed,
        seedHosts: f.hosts,
        faults,
        speed: f.speed,
        log: (line) => this.io.err(`${line}\n`),
      })
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      if (e.code === 'EADDRINUSE')
        throw new CliError(`sandbox: cannot listen on 127.0.0.1:${f.port}: address already in use`, {hint: 'choose another --port, or --port 0 for any free port'})
      if (e.code === 'EACCES') throw new CliError(`sandbox: cannot listen on 127.0.0.1:${f.port}: permission denied`)
      throw new CliError(`sandbox: ${e.message}`)
    }

    this.io.out(`export MACKEREL_APIBASE=${sb.url}\nexport MACKEREL_APIKEY=${shellQuote(sb.apiKey)}\n`)
    if (child) this.io.err('ready\n')
    const hosts = sb.store.listHosts({statuses: ['working', 'standby', 'maintenance', 'poweroff']}).length
    this.info(
      `mkr sandbox: Mackerel API on ${sb.url} with ${hosts} hosts (key ${sb.apiKey}, read-only key ${READ_ONLY_KEY}; ` +
        `${f.data ? `saved to ${f.data}` : 'in memory'}${f.speed > 1 ? `; clock ${f.speed}× faster` : ''}${faults.length ? `; ${faults.length} fault(s)` : ''}). Stop with Ctrl-C.`,
    )

    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        resolve()
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    })
    await sb.close()
    if (!child) this.info('mkr sandbox: stopped')
  }

  /** Starts this command again in the background, relays its exports, and returns once it serves. */
  private async detach(): Promise<void> {
    const {spawn} = await import('node:child_process')
    const args = this.argv.filter((a) => a !== '--detach' && a !== '-d')
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], 'sandbox', ...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, [CHILD_ENV]: '1'},
    })
    let out = ''
    let err = ''
    const exports = await new Promise<string>((resolve, reject) => {
      const check = () => {
        if (/MACKEREL_APIKEY=.*\n/.test(out) && err.includes('ready\n')) resolve(out)
      }
      child.stdout!.on('data', (c) => ((out += c), check()))
      child.stderr!.on('data', (c) => ((err += c), check()))
      child.on('error', reject)
      child.on('exit', (code) => {
        // the child already printed `mkr: ...` to its stderr
        this.io.err(err)
        reject(Object.assign(new Error('sandbox exited'), {code: 'EEXIT', oclif: {exit: code ?? 1}}))
      })
    }).catch((error) => {
      if (error.code === 'EEXIT') this.exit(error.oclif.exit)
      throw new CliError(`sandbox: cannot start in the background: ${(error as Error).message}`)
    })
    child.removeAllListeners('exit')
    child.stdout!.destroy()
    child.stderr!.destroy()
    child.unref()
    this.io.out(`${exports}export MKR_SANDBOX_PID=${child.pid}\n`)
    this.info(`mkr sandbox: serving in the background as pid ${child.pid}; stop it with: kill ${child.pid}`)
  }
}

/** Set in the background child started by --detach. */
const CHILD_ENV = 'MKR_SANDBOX_DETACHED'

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_.:/@%+=,-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`
}
