// Runs a command in-process, as the process would but without one: the command class parses the argv
// (flags, aliases, delimiters, usage errors), prints on a test IO (TTY on/off, fixed width) and calls
// the API through the client given (the in-process sandbox, or nock). The result has the shape of a
// spawned run (exit code, stdout, stderr), so tests read like the end-to-end ones they replaced.
import {Config} from '@oclif/core/config'
import {join} from 'node:path'
import {ApiClient, type ClientOptions} from '../../src/api/client.js'
import type {BaseCommand} from '../../src/base-command.js'
import Completion from '../../src/commands/completion.js'
import HelpCommand from '../../src/commands/help.js'
import AlertsClose from '../../src/commands/alerts/close.js'
import Alerts from '../../src/commands/alerts/index.js'
import AlertsList from '../../src/commands/alerts/list.js'
import AlertsLogs from '../../src/commands/alerts/logs.js'
import AlertsMemo from '../../src/commands/alerts/memo.js'
import AnnotationsCreate from '../../src/commands/annotations/create.js'
import AnnotationsDelete from '../../src/commands/annotations/delete.js'
import AnnotationsList from '../../src/commands/annotations/list.js'
import AnnotationsUpdate from '../../src/commands/annotations/update.js'
import AwsIntegrations from '../../src/commands/aws-integrations.js'
import Channels from '../../src/commands/channels/index.js'
import ChannelsPull from '../../src/commands/channels/pull.js'
import DashboardsGenerate from '../../src/commands/dashboards/generate.js'
import Dashboards from '../../src/commands/dashboards/index.js'
import DashboardsPull from '../../src/commands/dashboards/pull.js'
import DashboardsPush from '../../src/commands/dashboards/push.js'
import Hosts from '../../src/commands/hosts.js'
import MetricNames from '../../src/commands/metric-names.js'
import MonitorsDiff from '../../src/commands/monitors/diff.js'
import MonitorsGet from '../../src/commands/monitors/get.js'
import Monitors from '../../src/commands/monitors/index.js'
import MonitorsPull from '../../src/commands/monitors/pull.js'
import MonitorsPush from '../../src/commands/monitors/push.js'
import Org from '../../src/commands/org.js'
import Services from '../../src/commands/services.js'
import Status from '../../src/commands/status.js'
import Throw from '../../src/commands/throw.js'
import TracesGet from '../../src/commands/traces/get.js'
import Update from '../../src/commands/update.js'
import Users from '../../src/commands/users.js'
import {testIO} from '../../src/output/iostreams.js'

export const ROOT = join(import.meta.dirname, '..', '..')

let config: Promise<Config> | undefined

export interface InProcessResult {
  code: number
  stdout: string
  stderr: string
}

export type IOOptions = Parameters<typeof testIO>[0]

type CommandClass = (new (argv: string[], config: Config) => BaseCommand<any>) & {id?: string}

/** A client of `sb` that retries without waiting (the retry policy itself is tested in test/api). */
export function clientOf(sb: {url: string; apiKey: string}, opts: Partial<ClientOptions> = {}): () => Promise<ApiClient> {
  const client = new ApiClient({apiBase: sb.url, apiKey: sb.apiKey, budgetMs: 5000, sleep: async () => {}, random: () => 0, ...opts})
  return async () => client
}

export async function runCommand(
  Command: CommandClass,
  argv: string[],
  opts: {client?: () => Promise<ApiClient>; io?: IOOptions; id?: string} = {},
): Promise<InProcessResult> {
  config ??= Config.load(ROOT)
  let t: ReturnType<typeof testIO> | undefined
  const makeIO = (f: {quiet?: boolean; color?: boolean}) => {
    t = testIO({...opts.io, quiet: f.quiet || opts.io?.quiet, color: f.color ?? opts.io?.color})
    return t.io
  }
  const cmd = new Command(argv, await config).inProcess(makeIO, opts.client)
  if (opts.id) cmd.id = opts.id
  let code = 0
  try {
    await (cmd as unknown as {_run(): Promise<unknown>})._run()
  } catch (error) {
    const e = error as {oclif?: {exit?: number}; code?: string}
    if (e?.code !== 'EEXIT' || e.oclif?.exit === undefined) throw error
    code = e.oclif.exit
  }
  return {code, stdout: t?.out() ?? '', stderr: t?.err() ?? ''}
}

// Imported statically: mocha loads test files through tsx's require hook, and a dynamic import() would
// load a second copy of every module (two CliError classes, so `instanceof` would fail).
const COMMANDS: Record<string, CommandClass> = {
  hosts: Hosts,
  status: Status,
  org: Org,
  update: Update,
  'metric-names': MetricNames,
  throw: Throw,
  completion: Completion,
  help: HelpCommand,
  alerts: Alerts,
  'alerts:list': AlertsList,
  'alerts:close': AlertsClose,
  'alerts:logs': AlertsLogs,
  'alerts:memo': AlertsMemo,
  'annotations:create': AnnotationsCreate,
  'annotations:list': AnnotationsList,
  'annotations:update': AnnotationsUpdate,
  'annotations:delete': AnnotationsDelete,
  monitors: Monitors,
  'monitors:get': MonitorsGet,
  'monitors:pull': MonitorsPull,
  'monitors:diff': MonitorsDiff,
  'monitors:push': MonitorsPush,
  services: Services,
  users: Users,
  channels: Channels,
  'channels:pull': ChannelsPull,
  dashboards: Dashboards,
  'dashboards:pull': DashboardsPull,
  'dashboards:push': DashboardsPush,
  'dashboards:generate': DashboardsGenerate,
  'aws-integrations': AwsIntegrations,
  'traces:get': TracesGet,
}

/** The command class and id an argv names (`alerts list --limit 2` -> alerts:list), and the rest of the argv. */
function resolve(argv: string[]): {Command: CommandClass; id: string; rest: string[]} {
  for (const n of [2, 1]) {
    const id = argv.slice(0, n).join(':')
    if (argv.length >= n && COMMANDS[id]) return {Command: COMMANDS[id], id, rest: argv.slice(n)}
  }
  throw new Error(`no command for ${argv.join(' ')}`)
}

/**
 * `mkr ARGV...` in-process: the command named by the first words of `argv`, on a test IO, against
 * `client` (e.g. `mkr(['hosts', '--json'], {client: clientOf(sb)})`).
 */
export async function mkr(argv: string[], opts: {client?: () => Promise<ApiClient>; io?: IOOptions} = {}): Promise<InProcessResult> {
  const {Command, id, rest} = resolve(argv)
  return runCommand(Command, rest, {...opts, id})
}

/**
 * Runs `fn` with process.env changed as given (undefined removes a variable), then restores it: for
 * what a command reads from its environment itself (the agent hook's MACKEREL_CHECK_MESSAGE, the
 * API key and base when no client is given).
 */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v))
      if (x === undefined) delete process.env[k]
      else process.env[k] = x
  }
  set(vars)
  try {
    return await fn()
  } finally {
    set(old)
  }
}

/**
 * Mocha hooks: the enclosing describe block runs without the Mackerel settings of the environment the
 * tests were started in (MACKEREL_*, MKR_*, DEBUG), as test/e2e's cleanEnv does for a child process.
 */
export function useCleanEnv(): void {
  let saved: Record<string, string> = {}
  before(() => {
    saved = {}
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && (k.startsWith('MACKEREL_') || k.startsWith('MKR_') || k === 'DEBUG')) {
        saved[k] = v
        delete process.env[k]
      }
  })
  after(() => Object.assign(process.env, saved))
}
