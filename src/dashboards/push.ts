// `mkr dashboards push -F FILE`: one dashboard file to Mackerel, as mkr (update when the file has an
// `id`, else create), but safer: the whole file is checked before any request (every problem listed),
// the change is shown first (what differs from Mackerel's copy), `--dry-run` stops there, nothing is
// sent when nothing changed, and every field of the file is sent as it is (mkr's typed structs drop
// fields they do not know).
import {readFile} from 'node:fs/promises'
import type {ApiClient} from '../api/client.js'
import {createDashboard, getDashboard, listDashboards, updateDashboard, type Dashboard} from '../api/dashboards.js'
import {ApiError} from '../api/errors.js'
import {CliError, fsReason, UsageError} from '../errors.js'
import {decodeMonitorsFile} from '../monitors/file.js'
import {parseJsonFile} from '../monitors/json-text.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {escapeControl} from '../output/sanitize.js'
import {validateDashboard} from './validate.js'

export interface PushOptions {
  file?: string
  dryRun?: boolean
}

type Obj = Record<string, unknown>
const NOTHING_SENT = 'nothing was sent to Mackerel; fix the file and run the command again'

/** The file cannot be pushed; `details` lists every problem (printed before the one-line error). */
export class DashboardFileError extends CliError {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message, {hint: NOTHING_SENT})
  }
}

/** Reads and checks a dashboard file (pure but for the read). Throws DashboardFileError / CliError. */
export async function readDashboardFile(file: string): Promise<Obj> {
  let text: string
  try {
    text = decodeMonitorsFile(await readFile(file), file)
  } catch (error) {
    if (error instanceof CliError) throw error
    const e = error as NodeJS.ErrnoException
    throw new CliError(`cannot read ${file}: ${fsReason(e)}`, {
      hint: e.code === 'ENOENT' ? 'write one with `mkr dashboards pull --id ID`, or name another file with -F' : undefined,
    })
  }
  return parseDashboardText(text, file)
}

export function parseDashboardText(text: string, file: string): Obj {
  const doc = parseJsonFile(text, file, {
    expected: 'a dashboard object {"title", "urlPath", "widgets", ...}',
    fail: (m, d) => new DashboardFileError(m, d),
  }).value
  if (Array.isArray(doc)) throw new DashboardFileError(`${file}: expected one dashboard object, got an array (push one file per dashboard)`)
  const issues = validateDashboard(doc)
  if (issues.length === 1) throw new DashboardFileError(`${file}: ${issues[0].path ? issues[0].path + ': ' : ''}${issues[0].message}`)
  if (issues.length > 1)
    throw new DashboardFileError(
      `${file}: ${issues.length} problems`,
      issues.map((i) => `${file}: ${i.path ? i.path + ': ' : ''}${i.message}`),
    )
  return doc as Obj
}

/** What is sent: the file without the fields Mackerel sets itself. */
export function requestBody(doc: Obj): Obj {
  const {id: _id, createdAt: _c, updatedAt: _u, ...body} = doc
  return body
}

/**
 * A value for comparing: keys sorted, and keys with an empty value (null, false, 0, "", [], {}) left
 * out: mkr's files hold null for fields of other widget types, and the API fills defaults
 * (`isStacked: false`, `offset: 0`) a file may leave out.
 */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical)
  if (typeof v === 'object' && v !== null) {
    const out: Obj = {}
    for (const k of Object.keys(v).sort()) {
      const c = canonical((v as Obj)[k])
      if (!isEmpty(c)) out[k] = c
    }
    return out
  }
  return v
}
function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return true
  if (Array.isArray(v)) return v.length === 0
  return typeof v === 'object' && Object.keys(v as Obj).length === 0
}
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))

function widgetLabel(w: unknown, i: number): string {
  const o = (typeof w === 'object' && w !== null ? w : {}) as Obj
  const title = typeof o.title === 'string' && o.title !== '' ? ` ${JSON.stringify(o.title)}` : ''
  return `widgets[${i}] ${typeof o.type === 'string' ? o.type : '?'}${title}`
}

/** The lines saying how `local` differs from `remote` (empty when pushing would change nothing). */
export function dashboardChanges(remote: Obj, local: Obj): string[] {
  const lines: string[] = []
  for (const key of ['title', 'urlPath'] as const)
    if ((remote[key] ?? '') !== (local[key] ?? '')) lines.push(`    ${key}: ${JSON.stringify(remote[key] ?? '')} -> ${JSON.stringify(local[key] ?? '')}`)
  if ((remote.memo ?? '') !== (local.memo ?? '')) lines.push('    memo: changed')
  const rw = Array.isArray(remote.widgets) ? remote.widgets : []
  const lw = Array.isArray(local.widgets) ? local.widgets : []
  for (let i = 0; i < Math.max(rw.length, lw.length); i++) {
    if (i >= rw.length) lines.push(`  + ${widgetLabel(lw[i], i)}`)
    else if (i >= lw.length) lines.push(`  - ${widgetLabel(rw[i], i)}`)
    else if (!same(rw[i], lw[i])) lines.push(`  ~ ${widgetLabel(lw[i], i)}`)
  }
  // fields other than the ones above (ones this CLI does not know)
  const known = new Set(['id', 'createdAt', 'updatedAt', 'title', 'urlPath', 'memo', 'widgets'])
  for (const k of new Set([...Object.keys(remote), ...Object.keys(local)]))
    if (!known.has(k) && k in local && !same(remote[k], local[k])) lines.push(`    ${k}: changed`)
  return lines
}

export async function runDashboardsPush(opts: PushOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  if (!opts.file) throw new UsageError('give the dashboard file with -F', {hint: 'mkr dashboards push -F dashboard-<id>.json (write one with `mkr dashboards pull`)'})
  const file = opts.file
  let doc: Obj
  try {
    doc = await readDashboardFile(file)
  } catch (error) {
    if (error instanceof DashboardFileError) for (const d of error.details) io.err(escapeControl(d) + '\n')
    throw error
  }
  const body = requestBody(doc)
  const title = JSON.stringify(doc.title)
  const api = await client()
  const id = typeof doc.id === 'string' ? doc.id : undefined
  if (id !== undefined) {
    let remote: Dashboard
    try {
      remote = await withProgress(io, 'fetching the dashboard', () => getDashboard(api, id))
    } catch (error) {
      if (error instanceof ApiError && error.status === 404)
        throw new CliError(`${file}: no dashboard ${id} in Mackerel`, {hint: 'remove "id" from the file to create it as a new dashboard; nothing was sent to Mackerel'})
      throw error
    }
    const changes = dashboardChanges(remote, doc)
    if (changes.length === 0) {
      io.info(`No changes: dashboard ${id} ${escapeControl(title)} already matches ${escapeControl(file)}.`)
      return
    }
    io.out(`~ dashboard ${id} ${title}\n${changes.join('\n')}\n`)
    if (opts.dryRun) return io.info('Dry run: nothing was changed.')
    await withProgress(io, 'updating the dashboard', () => updateDashboard(api, id, body))
    io.info(`Updated dashboard ${id} ${escapeControl(title)}.`)
    return
  }
  // a new dashboard: its urlPath must be free (else the API answers 409; say which dashboard has it)
  const existing = await withProgress(io, 'fetching dashboards', () => listDashboards(api))
  const taken = existing.find((d) => d.urlPath === doc.urlPath)
  if (taken)
    throw new CliError(`${file}: urlPath ${JSON.stringify(doc.urlPath)} is already used by dashboard ${taken.id} ${JSON.stringify(taken.title)}`, {
      hint: `to update that dashboard, add "id": "${taken.id}" to the file; to create another one, change its urlPath. Nothing was sent to Mackerel`,
    })
  const widgets = Array.isArray(doc.widgets) ? doc.widgets.length : 0
  io.out(`+ dashboard ${title} (urlPath ${JSON.stringify(doc.urlPath)}, ${widgets} widget${widgets === 1 ? '' : 's'})\n`)
  if (opts.dryRun) return io.info('Dry run: nothing was changed.')
  const created = await withProgress(io, 'creating the dashboard', () => createDashboard(api, body))
  io.info(`Created dashboard ${created.id} ${escapeControl(title)}.`)
}
