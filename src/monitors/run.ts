// The monitors commands as functions of (options, IO, API client), so they run in tests without a
// process or a terminal. src/commands/monitors/* only parse flags and call them.
import type {ApiClient} from '../api/client.js'
import {createMonitor, deleteMonitor, getMonitor, listMonitors, updateMonitor} from '../api/monitors.js'
import {CliError, ExitCode} from '../errors.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {Interruptible} from '../output/interrupt.js'
import type {IOStreams} from '../output/iostreams.js'
import {formatJson} from '../output/json.js'
import {withProgress} from '../output/progress.js'
import {renderTable, type Column} from '../output/table.js'
import {diffReport, renderDiffReport} from './diff.js'
import {MonitorsFileError, problemsError, readMonitorsFile, writeMonitorsFile, type MonitorsFile} from './file.js'
import {isZeroValue, jsonEqual, matchMonitors, matchWarnings, mergeRemote, type MatchResult} from './match.js'
import {
  actionTitle,
  appliedLine,
  appliedSummary,
  applyPlan,
  buildPlan,
  count,
  deletesEverything,
  deletesMostRules,
  failureError,
  failureReport,
  planIssues,
  renderPlan,
} from './plan.js'
import {isMuted, summarize} from './summary.js'
import type {Monitor} from './types.js'
import {formatIssue, validateMonitor, type Issue} from './validate.js'

type Client = () => Promise<ApiClient>

/** The colors for diffs and plans: undefined (plain) unless stdout takes color. */
const colors = async (io: IOStreams) => (io.colorOut ? io.palette() : undefined)

// ---------------------------------------------------------------------------------------------- list

export async function runGet(opts: OutputOptions & {id: string}, io: IOStreams, client: Client): Promise<void> {
  if (opts.id.trim() === '') throw new CliError('monitor id must not be empty', {exitCode: ExitCode.usage})
  const api = await client()
  await exportData(await withProgress(io, `fetching monitor ${opts.id}`, () => getMonitor(api, opts.id)), opts, undefined, io)
}

export const LIST_COLUMNS: Column[] = [{head: 'ID'}, {head: 'NAME', fit: true}, {head: 'TYPE'}, {head: 'TARGET / CONDITION', fit: true}, {head: 'MUTED'}]

export function listRows(monitors: Monitor[], mark?: (s: string) => string): string[][] {
  return monitors.map((m) => [
    typeof m.id === 'string' ? m.id : '',
    typeof m.name === 'string' ? m.name : '',
    typeof m.type === 'string' ? m.type : '',
    summarize(m),
    isMuted(m) ? (mark ? mark('muted') : 'muted') : '',
  ])
}

export async function runList(opts: OutputOptions, io: IOStreams, client: Client): Promise<void> {
  const api = await client()
  const monitors = await withProgress(io, 'fetching monitors', () => listMonitors(api))
  const render = (p: {yellow: (s: string) => string}, width: number) => renderTable(LIST_COLUMNS, listRows(monitors, p.yellow), {width})
  await exportData(monitors, opts, {render, empty: 'No monitors.'}, io)
}

// ---------------------------------------------------------------------------------------------- pull

export async function runPull(opts: {file: string; verbose?: boolean}, io: IOStreams, client: Client): Promise<void> {
  const api = await client()
  const monitors = await withProgress(io, 'fetching monitors', () => listMonitors(api))
  await writeMonitorsFile(opts.file, monitors)
  if (opts.verbose) io.out(formatJson(monitors))
  io.info(`Monitor rules are saved to '${opts.file}' (${monitors.length} rules).`)
}

// ---------------------------------------------------------------------------------------------- diff

/** Prints every problem of a file error (the error itself is the one-line summary after them). */
function withDetails(io: IOStreams, error: unknown): unknown {
  if (error instanceof MonitorsFileError) for (const d of error.details) io.err(d + '\n')
  return error
}

interface Compared {
  file: MonitorsFile
  remote: Monitor[]
  /** indexes are positions in the file's `monitors` array */
  match: MatchResult
  /** problems with the rules as push would send them (unknown types included, flagged) */
  issues: Issue[]
  /** problems with values equal to what Mackerel holds: never an error */
  excused: Issue[]
}

/** The match with every index turned from a position among the file's objects into its position in the file. */
function atFilePositions(m: MatchResult, indexes: number[]): MatchResult {
  const at = <T extends {index: number}>(x: T): T => ({...x, index: indexes[x.index] ?? x.index})
  return {...m, modified: m.modified.map(at), unchanged: m.unchanged.map(at), onlyLocal: m.onlyLocal.map(at), foreignIds: m.foreignIds.map(at)}
}

/** `headers[1].name` -> `headers` */
function topField(field: string | undefined): string | undefined {
  return field === undefined ? undefined : field.split(/[.[]/)[0]
}

/**
 * The file's problems that matter, once the rules are paired with Mackerel's: a rule paired with a
 * remote monitor is checked as push would send it (keys the file leaves out keep Mackerel's value),
 * and a problem with a value equal to what Mackerel holds is excused (the API gave it; a file just
 * pulled always passes). Rules without a remote counterpart are checked as written.
 */
export function issuesAgainstRemote(file: MonitorsFile, match: MatchResult): {issues: Issue[]; excused: Issue[]} {
  const paired = new Map<number, {remote: Monitor; local: Monitor}>()
  for (const p of [...match.modified, ...match.unchanged]) paired.set(p.index, p)
  const issues: Issue[] = []
  const excused: Issue[] = []
  for (const i of file.issues) if (i.crossRule || i.index === undefined || !paired.has(i.index)) issues.push(i)
  for (const [index, {remote, local}] of paired) {
    const merged = mergeRemote(remote, local)
    for (const i of validateMonitor(merged, index, file.lines[index])) {
      const f = topField(i.field)
      if (!i.unknownType && f !== undefined && Object.hasOwn(remote, f) && jsonEqual(merged[f], remote[f])) excused.push(i)
      else issues.push(i)
    }
  }
  // file order (a stable sort keeps each rule's own order)
  issues.sort((a, b) => (a.index ?? -1) - (b.index ?? -1))
  return {issues, excused}
}

/**
 * Reads the file (refusing only what cannot be read as a monitors file at all), fetches the remote
 * rules and pairs them, then judges the rules' problems against what Mackerel holds.
 */
async function compare(client: Client, path: string, io: IOStreams): Promise<Compared> {
  const file = await readMonitorsFile(path)
  const api = await client()
  const remote = await withProgress(io, 'fetching monitors', () => listMonitors(api))
  const match = atFilePositions(matchMonitors(remote, file.monitors), file.indexes)
  return {file, remote, match, ...issuesAgainstRemote(file, match)}
}

/**
 * Prints the diff; returns the exit code (1 with `exitCode` when there are differences). Problems in
 * the file never stop a diff (it only reads): they are warnings on stderr.
 */
export async function runDiff(opts: {file: string; reverse?: boolean; exitCode?: boolean}, io: IOStreams, client: Client): Promise<number> {
  const {file, match, issues} = await compare(client, opts.file, io)
  for (const i of issues) {
    io.warn(formatIssue(file.file, i) + (i.unknownType ? ': compared as it is, but push will not create or update it' : ''))
  }
  const errors = issues.filter((i) => !i.unknownType).length
  if (errors) io.warn(`${file.file}: ${errors} problem${errors === 1 ? '' : 's'} above: push refuses the file until ${errors === 1 ? 'it is' : 'they are'} fixed; the diff follows anyway`)
  for (const w of matchWarnings(match, file.file)) io.warn(w)
  const report = diffReport(match, {reverse: opts.reverse})
  io.out(renderDiffReport(report, await colors(io)))
  return opts.exitCode && report.blocks.length > 0 ? ExitCode.failure : ExitCode.ok
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

/**
 * Validates, plans, confirms deletes (io.confirm, only on a terminal; --yes otherwise) and applies.
 * `interruptible` lets a first Ctrl-C/SIGTERM/SIGHUP stop between two writes with a report
 * (src/output/interrupt.ts); without it the writes run to the end.
 */
export async function runPush(opts: PushOptions, io: IOStreams, client: Client, interruptible?: Interruptible): Promise<void> {
  const {file, remote, match, issues, excused} = await compare(client, opts.file, io)
  const plan = buildPlan(match, remote.length, {delete: opts.delete !== false})

  // every problem at once: the rules' own (unknown types aside, which only matter when written) and the plan's
  const problems = [...issues.filter((i) => !i.unknownType), ...planIssues(plan, file.lines)].sort((a, b) => (a.index ?? -1) - (b.index ?? -1))
  const error = problemsError(file.file, problems)
  if (error) throw withDetails(io, error)
  for (const i of issues) if (i.unknownType) io.warn(`${formatIssue(file.file, i)}: left as it is (unchanged)`)
  for (const w of matchWarnings(match, file.file)) io.warn(w)

  // A zero value the API returned and the file kept (`"notificationInterval": 0`) is sent back as
  // absence, which means the same to the API, rather than as a value the API documents as refused.
  for (const a of plan.actions) {
    if (a.kind !== 'update') continue
    for (const i of excused) {
      const f = topField(i.field)
      if (i.index === a.index && f !== undefined && f === i.field && isZeroValue(a.body[f])) delete a.body[f]
    }
  }

  if (plan.kept.length) {
    io.info(`Keeping ${plan.kept.length} rule${plan.kept.length === 1 ? '' : 's'} that ${plan.kept.length === 1 ? 'is' : 'are'} not in ${file.file} (--no-delete).`)
  }
  if (plan.actions.length === 0) {
    io.info(`No changes: Mackerel already matches ${file.file} (${plan.unchanged} rules).`)
    return
  }

  io.out(renderPlan(plan, await colors(io)))

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
  if (deletesMostRules(plan) && !opts.allowDeleteAll) {
    throw new CliError(
      `refusing to delete ${deletes} of the organization's ${plan.remoteCount} monitor rules (more than half): ` +
        `${file.file} matches only ${plan.remoteCount - deletes} of them; nothing was changed`,
      {
        hint:
          'a file from another organization (see the warnings above), an old file or the wrong API key looks like this: check with `mkr monitors diff`; ' +
          'to keep the rules that are not in the file use --no-delete; if deleting them is really intended, add --allow-delete-all',
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

  const api = await client()
  const apply = (interrupted: () => boolean) =>
    applyPlan(
      plan,
      {
        create: (body) => createMonitor(api, body),
        update: (id, body) => updateMonitor(api, id, body),
        delete: (id) => deleteMonitor(api, id),
      },
      (step, total, a) => {
        io.progress.start(`[${step}/${total}] ${actionTitle(a)}…`)
        if (opts.verbose) io.err(`${a.kind === 'create' ? 'POST /api/v0/monitors' : `${a.kind === 'update' ? 'PUT' : 'DELETE'} /api/v0/monitors/${a.id}`}\n`)
      },
      interrupted,
    )
  const result = await (async () => {
    try {
      return interruptible
        ? await interruptible(async (interrupted, signal) => {
            const r = await apply(interrupted)
            const by = signal()
            if (r.interrupted && by) r.signal = by
            return r
          })
        : await apply(() => false)
    } finally {
      io.progress.stop()
    }
  })()
  if (result.failed || result.interrupted) {
    io.err(failureReport(result))
    throw failureError(result)
  }
  for (const x of result.applied) io.info(appliedLine(x))
  io.info(`Pushed ${file.file}: ${appliedSummary(result)}.`)
}
