// `mkr monitors push` as data: which writes the file asks for (create, then update, then delete),
// what forbids them, how they read, and applying them one by one until the first failure.
import {ApiError, InvalidResponseError, NetworkError} from '../api/errors.js'
import {CliError, signalExitCode} from '../errors.js'
import type {Palette} from '../output/color.js'
import {modifiedBlock, monitorBlock, renderLines} from './diff.js'
import {alignPair, mergeRemote, withoutId, type MatchResult} from './match.js'
import {describeMonitor, isKnownType, KNOWN_TYPES, type Monitor} from './types.js'
import {formatIssue, type Issue} from './validate.js'

export type Action =
  | {kind: 'create'; local: Monitor; index: number; body: Monitor}
  | {kind: 'update'; id: string; remote: Monitor; local: Monitor; index: number; body: Monitor}
  | {kind: 'delete'; id: string; remote: Monitor}

export interface Plan {
  /** creates, then updates, then deletes */
  actions: Action[]
  /** remote-only monitors left alone (--no-delete) */
  kept: Monitor[]
  unchanged: number
  remoteCount: number
}

export interface PlanOptions {
  /** delete remote monitors the file does not have (default true; --no-delete) */
  delete: boolean
}

/**
 * A create sends the rule without its id. An update sends the rule with, for every top-level key the
 * file leaves out, the value Mackerel holds (a PUT replaces the monitor; the file does not manage what
 * it leaves out, so leaving a key out keeps it).
 */
export function buildPlan(m: MatchResult, remoteCount: number, opts: PlanOptions): Plan {
  const actions: Action[] = [
    ...m.onlyLocal.map((l): Action => ({kind: 'create', local: l.monitor, index: l.index, body: {...withoutId(l.monitor)}})),
    ...m.modified.map(
      (p): Action => ({
        kind: 'update',
        id: p.remote.id as string,
        remote: p.remote,
        local: p.local,
        index: p.index,
        body: {...withoutId(mergeRemote(p.remote, p.local))},
      }),
    ),
  ]
  if (opts.delete) for (const r of m.onlyRemote) actions.push({kind: 'delete', id: r.id as string, remote: r})
  return {actions, kept: opts.delete ? [] : m.onlyRemote, unchanged: m.unchanged.length, remoteCount}
}

export function count(plan: Plan, kind: Action['kind']): number {
  return plan.actions.filter((a) => a.kind === kind).length
}

/**
 * Writes the API would refuse or this CLI cannot vouch for, found before anything is sent:
 * a type change (the API answers 400) and a rule of an unknown type that would be written.
 * Unknown types that stay untouched (identical on both sides) are fine: they pass through.
 */
export function planProblems(plan: Plan, file: string, lines: (number | undefined)[] = []): string[] {
  return planIssues(plan, lines).map((i) => formatIssue(file, i))
}

/** planProblems() as issues (to be listed with the file's other problems). */
export function planIssues(plan: Plan, lines: (number | undefined)[] = []): Issue[] {
  const out: Issue[] = []
  for (const a of plan.actions) {
    if (a.kind === 'delete') continue
    const at = {index: a.index, line: lines[a.index], name: typeof a.local.name === 'string' && a.local.name ? a.local.name : undefined}
    if (!isKnownType(a.local.type)) {
      out.push({
        ...at,
        field: 'type',
        message: `unknown monitor type ${JSON.stringify(a.local.type)} (known: ${KNOWN_TYPES.join(', ')}); this CLI cannot check it, so it will not ${a.kind} it`,
      })
    } else if (a.kind === 'update' && a.remote.type !== a.local.type) {
      out.push({
        ...at,
        field: 'type',
        message:
          `cannot change the type of ${describeMonitor(a.remote)} from ${JSON.stringify(a.remote.type)} to ${JSON.stringify(a.local.type)} ` +
          '(the API refuses it); give the new rule another name and no id, and remove the old one',
      })
    }
  }
  return out
}

/** Deleting every monitor of the organization is almost always a wrong file or a wrong API key. */
export function deletesEverything(plan: Plan): boolean {
  return plan.remoteCount > 0 && count(plan, 'delete') === plan.remoteCount
}

/**
 * Deleting more than half of the organization's monitors is as suspicious: a file from another
 * organization that still shares a name or an id with this one, or a very old file.
 */
export function deletesMostRules(plan: Plan): boolean {
  return count(plan, 'delete') * 2 > plan.remoteCount
}

export function summaryLine(plan: Plan): string {
  const parts = [`${count(plan, 'create')} to create`, `${count(plan, 'update')} to update`, `${count(plan, 'delete')} to delete`]
  let s = `Plan: ${parts.join(', ')}, ${plan.unchanged} unchanged`
  if (plan.kept.length) s += `, ${plan.kept.length} kept (--no-delete)`
  return s + '.'
}

export function actionTitle(a: Action): string {
  switch (a.kind) {
    case 'create':
      return `create ${describeMonitor(withoutId(a.local))}`
    case 'update':
      return `update ${describeMonitor(a.remote)}`
    case 'delete':
      return `delete ${describeMonitor(a.remote)}`
  }
}

/** The plan as push prints it on stdout: the summary, then each write with its JSON or diff. */
export function renderPlan(plan: Plan, p?: Palette): string {
  let out = summaryLine(plan) + '\n'
  for (const a of plan.actions) {
    const where = a.kind === 'delete' ? '' : ` (monitors[${a.index}])`
    const title = a.kind === 'create' ? 'Create a new rule' : a.kind === 'update' ? 'Update a rule' : 'Delete a rule'
    const what = a.kind === 'create' ? describeMonitor(withoutId(a.local)) : describeMonitor(a.remote)
    out += `\n${p ? p.bold(title) : title}: ${what}${where}\n`
    if (a.kind === 'create') out += renderLines(monitorBlock(a.body, '+'), p)
    else if (a.kind === 'update') out += renderLines(modifiedBlock(...alignPair(a.remote, a.body)), p)
    else out += renderLines(monitorBlock(a.remote, '-'), p)
  }
  return out
}

export interface WriteOps {
  create(body: Monitor): Promise<Monitor>
  update(id: string, body: Monitor): Promise<unknown>
  delete(id: string): Promise<unknown>
}

export interface Applied {
  action: Action
  /** the id of a created monitor, when the API told it */
  newId?: string
}

export interface ApplyResult {
  applied: Applied[]
  /** the write that failed, if any */
  failed?: {action: Action; error: Error; outcome: 'not applied' | 'unknown'}
  /** writes never attempted because an earlier one failed or the run was interrupted */
  skipped: Action[]
  /** stopped between two writes on request (Ctrl-C, SIGTERM, SIGHUP) */
  interrupted?: true
  /** the signal that asked for the stop, when it is known */
  signal?: NodeJS.Signals
}

/** Whether a failed write may still have taken effect. */
export function failureOutcome(error: unknown): 'not applied' | 'unknown' {
  // 500, 502 and 504 may come after the backend did the work (a crash after the write, a gateway
  // giving up waiting); any other error status means the API refused the request
  if (error instanceof ApiError) return [500, 502, 504].includes(error.status) ? 'unknown' : 'not applied'
  if (error instanceof NetworkError && error.neverSent) return 'not applied'
  if (error instanceof InvalidResponseError) return 'unknown' // a 2xx with an unreadable body
  if (error instanceof NetworkError) return 'unknown' // sent, but no (complete) answer
  return 'unknown'
}

/** Runs the writes in order and stops at the first failure. Never throws for API errors. */
export async function applyPlan(
  plan: Plan,
  ops: WriteOps,
  onStep?: (step: number, total: number, a: Action) => void,
  /** asked before each write: true stops there (the write in flight always completes) */
  stop?: () => boolean,
): Promise<ApplyResult> {
  const result: ApplyResult = {applied: [], skipped: []}
  const total = plan.actions.length
  for (let i = 0; i < total; i++) {
    const a = plan.actions[i]
    if (stop?.()) {
      result.interrupted = true
      result.skipped = plan.actions.slice(i)
      break
    }
    onStep?.(i + 1, total, a)
    try {
      if (a.kind === 'create') {
        const created = await ops.create(a.body)
        result.applied.push({action: a, newId: typeof created?.id === 'string' ? created.id : undefined})
      } else if (a.kind === 'update') {
        await ops.update(a.id, a.body)
        result.applied.push({action: a})
      } else {
        await ops.delete(a.id)
        result.applied.push({action: a})
      }
    } catch (error) {
      result.failed = {action: a, error: error as Error, outcome: failureOutcome(error)}
      result.skipped = plan.actions.slice(i + 1)
      break
    }
  }
  return result
}

export function appliedLine(x: Applied): string {
  const a = x.action
  if (a.kind === 'create') {
    const what = describeMonitor({...withoutId(a.local), ...(x.newId ? {id: x.newId} : {})})
    return `created ${what}`
  }
  return `${a.kind === 'update' ? 'updated' : 'deleted'} ${describeMonitor(a.remote)}`
}

export function appliedSummary(r: ApplyResult): string {
  const n = (k: Action['kind']) => r.applied.filter((x) => x.action.kind === k).length
  return `${n('create')} created, ${n('update')} updated, ${n('delete')} deleted`
}

function totalOf(r: ApplyResult): number {
  return r.applied.length + (r.failed ? 1 : 0) + r.skipped.length
}

/** What happened, for stderr, after a failure or an interruption: applied, failed, not applied. */
export function failureReport(r: ApplyResult): string {
  if (!r.failed && !r.interrupted) return ''
  const why = r.failed ? 'the failure' : 'the interruption'
  let out = `Applied ${r.applied.length} of ${totalOf(r)} changes before ${why}${r.applied.length ? ':' : '.'}\n`
  for (const x of r.applied) out += `  ${appliedLine(x)}\n`
  const f = r.failed
  if (f)
    out +=
      f.outcome === 'unknown'
        ? `Outcome unknown (the request was sent and the answer does not tell whether it took effect):\n  ${actionTitle(f.action)}\n`
        : `Failed (not applied):\n  ${actionTitle(f.action)}\n`
  if (r.skipped.length) {
    out += `Not applied (${r.skipped.length}):\n`
    for (const a of r.skipped) out += `  ${actionTitle(a)}\n`
  }
  return out
}

/** The error push exits with after a failed write (or 128 + the signal's number after an interruption; 130 when unknown). */
export function failureError(r: ApplyResult): CliError {
  const total = totalOf(r)
  const f = r.failed
  if (!f) {
    const by = r.signal && r.signal !== 'SIGINT' ? ` by ${r.signal}` : ''
    return new CliError(`push interrupted${by} after ${r.applied.length} of ${total} changes`, {
      exitCode: signalExitCode(r.signal ?? 'SIGINT'),
      hint: 'the changes listed as applied are live; run `mkr monitors push` again to send the rest',
    })
  }
  return new CliError(`push stopped after ${r.applied.length} of ${total} changes: ${actionTitle(f.action)} failed: ${f.error.message}`, {
    hint:
      (f.outcome === 'unknown' ? 'check with `mkr monitors diff` whether it took effect; ' : '') +
      'the changes listed as applied are live; fix the cause and run `mkr monitors push` again (it sends only what still differs)',
  })
}
