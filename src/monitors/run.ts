// The monitors commands as functions of (API client, options, IO), so they run in tests without a
// process or a terminal. src/commands/monitors/* only parse flags and build the IO.
import type {ApiClient} from '../api/client.js'
import {createMonitor, deleteMonitor, getMonitor, listMonitors, updateMonitor} from '../api/monitors.js'
import {CliError} from '../errors.js'
import type {Palette} from '../output/color.js'
import {formatJson} from '../output/json.js'
import {diffReport, renderDiffReport} from './diff.js'
import {assertValid, MonitorsFileError, readMonitorsFile, writeMonitorsFile, type MonitorsFile} from './file.js'
import {matchMonitors, matchWarnings, type MatchResult} from './match.js'
import {
  actionTitle,
  appliedLine,
  appliedSummary,
  applyPlan,
  buildPlan,
  count,
  deletesEverything,
  failureError,
  failureReport,
  planProblems,
  renderPlan,
} from './plan.js'
import {cut, isMuted, summarize} from './summary.js'
import type {Monitor} from './types.js'
import {formatIssue} from './validate.js'

export interface Io {
  /** stdout */
  out(text: string): void
  /** stderr, never hidden */
  err(text: string): void
  /** an info line on stderr (hidden by --quiet) */
  info(line: string): void
  /** `mkr: warning: ...` on stderr */
  warn(line: string): void
  /** colors for stdout; undefined = plain */
  palette?: Palette
  /** a progress line on a terminal's stderr (undefined: none); called with undefined to clear it */
  progress?: (line: string | undefined) => void
  /** asks yes/no on a terminal; undefined when there is no terminal to ask on */
  confirm?: (message: string) => Promise<boolean>
  /**
   * While `fn` runs, a first Ctrl-C only sets the flag `interrupted()` reads (so a push stops between
   * two writes and reports); a second one ends the process.
   */
  interruptible?: <T>(fn: (interrupted: () => boolean) => Promise<T>) => Promise<T>
}

// ---------------------------------------------------------------------------------------------- list

export async function runGet(client: ApiClient, id: string, io: Io): Promise<void> {
  if (id.trim() === '') throw new CliError('monitor id must not be empty', {exitCode: 2})
  io.out(formatJson(await getMonitor(client, id)))
}

export function listRows(monitors: Monitor[], mark?: (s: string) => string): string[][] {
  return monitors.map((m) => [
    typeof m.id === 'string' ? m.id : '',
    cut(typeof m.name === 'string' ? m.name : '', 40),
    typeof m.type === 'string' ? m.type : '',
    cut(summarize(m), 70),
    isMuted(m) ? (mark ? mark('muted') : 'muted') : '',
  ])
}

export async function runList(client: ApiClient, opts: {table: boolean}, io: Io): Promise<void> {
  const monitors = await listMonitors(client)
  if (!opts.table) return io.out(formatJson(monitors))
  if (monitors.length === 0) return io.info('No monitors.')
  const {renderTable} = await import('../output/table.js')
  io.out(await renderTable(['ID', 'NAME', 'TYPE', 'TARGET / CONDITION', 'MUTED'], listRows(monitors, io.palette?.yellow)))
}

// ---------------------------------------------------------------------------------------------- pull

export async function runPull(client: ApiClient, opts: {file: string; verbose?: boolean}, io: Io): Promise<void> {
  const monitors = await listMonitors(client)
  await writeMonitorsFile(opts.file, monitors)
  if (opts.verbose) io.out(formatJson(monitors))
  io.info(`Monitor rules are saved to '${opts.file}' (${monitors.length} rules).`)
}

// ---------------------------------------------------------------------------------------------- diff

/** Prints every problem of a file error (the error itself is the one-line summary after them). */
function withDetails(io: Io, error: unknown): unknown {
  if (error instanceof MonitorsFileError) for (const d of error.details) io.err(d + '\n')
  return error
}

interface Compared {
  file: MonitorsFile
  remote: Monitor[]
  match: MatchResult
}

/**
 * Reads and validates the whole file (before any request), then fetches the remote rules and pairs
 * them. Rules of unknown types pass (with a warning): they are compared like any other.
 */
async function compare(client: ApiClient, path: string, io: Io, unknownTypeNote: string): Promise<Compared> {
  const file = await readMonitorsFile(path)
  try {
    assertValid(file, {allowUnknownTypes: true})
  } catch (error) {
    throw withDetails(io, error)
  }
  for (const i of file.issues) if (i.unknownType) io.warn(`${formatIssue(file.file, i)}: ${unknownTypeNote}`)
  const remote = await listMonitors(client)
  const match = matchMonitors(remote, file.monitors)
  for (const w of matchWarnings(match, file.file)) io.warn(w)
  return {file, remote, match}
}

/** Prints the diff; returns the exit code (1 with `exitCode` when there are differences). */
export async function runDiff(client: ApiClient, opts: {file: string; reverse?: boolean; exitCode?: boolean}, io: Io): Promise<number> {
  const {match} = await compare(client, opts.file, io, 'compared as it is, but push will not create or update it')
  const report = diffReport(match, {reverse: opts.reverse})
  io.out(renderDiffReport(report, io.palette))
  return opts.exitCode && report.blocks.length > 0 ? 1 : 0
}

// ---------------------------------------------------------------------------------------------- push

export interface PushOptions {
  file: string
  dryRun?: boolean
  /** confirm deletes without asking */
  yes?: boolean
  /** delete remote rules the file does not have (--no-delete sets false) */
  delete?: boolean
  allowDeleteAll?: boolean
  /** name each API write on stderr */
  verbose?: boolean
}

export async function runPush(client: ApiClient, opts: PushOptions, io: Io): Promise<void> {
  const {file, remote, match} = await compare(client, opts.file, io, 'left as it is when unchanged; push refuses to create or update it')
  const plan = buildPlan(match, remote.length, {delete: opts.delete !== false})

  const problems = planProblems(plan, file.file, file.lines)
  if (problems.length === 1) throw new MonitorsFileError(problems[0])
  if (problems.length > 1) throw withDetails(io, new MonitorsFileError(`${file.file}: ${problems.length} rules cannot be pushed`, problems))

  if (plan.kept.length) {
    io.info(`Keeping ${plan.kept.length} rule${plan.kept.length === 1 ? '' : 's'} that ${plan.kept.length === 1 ? 'is' : 'are'} not in ${file.file} (--no-delete).`)
  }
  if (plan.actions.length === 0) {
    io.info(`No changes: Mackerel already matches ${file.file} (${plan.unchanged} rules).`)
    return
  }

  io.out(renderPlan(plan, io.palette))

  const deletes = count(plan, 'delete')
  if (deletesEverything(plan) && !opts.allowDeleteAll) {
    throw new CliError(
      `refusing to delete all ${plan.remoteCount} monitor rules of the organization: ${file.file} matches none of them; nothing was changed`,
      {
        hint:
          'if the file comes from another organization or the API key is the wrong one, fix that; ' +
          'to keep remote rules use --no-delete; if deleting them all is really intended, add --allow-delete-all',
      },
    )
  }
  if (opts.dryRun) {
    const note = deletes && !opts.yes ? ` (the ${deletes} delete${deletes === 1 ? '' : 's'} will need confirmation, or --yes)` : ''
    io.info(`Dry run: nothing was changed${note}.`)
    return
  }
  if (deletes && !opts.yes) {
    const question = `Delete ${deletes} monitor rule${deletes === 1 ? '' : 's'} from Mackerel (and apply the other changes)?`
    if (!io.confirm) {
      throw new CliError(`refusing to delete ${deletes} monitor rule${deletes === 1 ? '' : 's'} without confirmation: nothing was changed`, {
        hint: 'there is no terminal to ask on: pass --yes to confirm the deletes, or --no-delete to keep the rules that are not in the file',
      })
    }
    if (!(await io.confirm(question))) throw new CliError('push canceled: nothing was changed')
  }

  const apply = (interrupted: () => boolean) =>
    applyPlan(
      plan,
      {
        create: (body) => createMonitor(client, body),
        update: (id, body) => updateMonitor(client, id, body),
        delete: (id) => deleteMonitor(client, id),
      },
      (step, total, a) => {
        io.progress?.(`[${step}/${total}] ${actionTitle(a)}…`)
        if (opts.verbose) io.err(`${a.kind === 'create' ? 'POST /api/v0/monitors' : `${a.kind === 'update' ? 'PUT' : 'DELETE'} /api/v0/monitors/${a.id}`}\n`)
      },
      interrupted,
    )
  const result = io.interruptible ? await io.interruptible(apply) : await apply(() => false)
  io.progress?.(undefined)
  if (result.failed || result.interrupted) {
    io.err(failureReport(result))
    throw failureError(result)
  }
  for (const x of result.applied) io.info(appliedLine(x))
  io.info(`Pushed ${file.file}: ${appliedSummary(result)}.`)
}
