// `mkr traces get TRACEID`: one trace's spans as mackerel-client-go's TraceResponse marshals them
// (reference/mkr-compat.md §1.2: Go field order, RFC 3339 times, absent lists and objects as null), or
// on a terminal a tree of the spans with their durations.
import type {ApiClient} from '../api/client.js'
import {getTrace} from '../api/traces.js'
import {checkIds, UsageError} from '../errors.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {renderTable, type Column} from '../output/table.js'

export interface TraceGetOptions extends OutputOptions {
  traceId?: string
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown) => (typeof v === 'string' ? v : '')
const int = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0)

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i

/** A time as Go's time.Time re-marshals it (RFC 3339, trailing zeros of the fraction cut, UTC as Z). */
export function goTime(v: unknown): string {
  if (typeof v !== 'string') return '0001-01-01T00:00:00Z'
  const m = RFC3339.exec(v)
  if (!m) return v
  const frac = (m[2] ?? '').slice(0, 9).replace(/0+$/, '')
  const zone = /^(z|[+-]00:00)$/i.test(m[3]) ? 'Z' : m[3]
  return `${m[1]}${frac ? '.' + frac : ''}${zone}`
}

function attributeValue(v: unknown): Obj | null {
  if (!isObj(v)) return null
  const out: Obj = {valueType: str(v.valueType)}
  if (str(v.stringValue)) out.stringValue = v.stringValue
  if (v.boolValue === true) out.boolValue = true
  if (typeof v.intValue === 'string' ? v.intValue !== '' && v.intValue !== '0' : int(v.intValue) !== 0) out.intValue = typeof v.intValue === 'string' ? v.intValue : int(v.intValue)
  if (typeof v.doubleValue === 'number' && v.doubleValue !== 0) out.doubleValue = v.doubleValue
  if (Array.isArray(v.arrayValue) && v.arrayValue.length > 0) out.arrayValue = v.arrayValue.map(attributeValue)
  if (isObj(v.kvlistValue) && Object.keys(v.kvlistValue).length > 0)
    out.kvlistValue = Object.fromEntries(
      Object.keys(v.kvlistValue)
        .sort()
        .map((k) => [k, attributeValue((v.kvlistValue as Obj)[k])]),
    )
  if (str(v.bytesValue)) out.bytesValue = v.bytesValue
  return out
}

function attributes(v: unknown): Obj[] | null {
  if (!Array.isArray(v)) return null
  return v.map((a) => (isObj(a) ? {key: str(a.key), value: attributeValue(a.value)} : {key: '', value: null}))
}

function list(v: unknown, f: (o: Obj) => Obj): Obj[] | null {
  return Array.isArray(v) ? v.map((x) => f(isObj(x) ? x : {})) : null
}

/** One span as the Go client marshals it. */
export function spanJson(s: Obj): Obj {
  return {
    traceId: str(s.traceId),
    spanId: str(s.spanId),
    traceState: str(s.traceState),
    ...(str(s.parentSpanId) ? {parentSpanId: s.parentSpanId} : {}),
    name: str(s.name),
    kind: str(s.kind),
    startTime: goTime(s.startTime),
    endTime: goTime(s.endTime),
    attributes: attributes(s.attributes),
    droppedAttributesCount: int(s.droppedAttributesCount),
    events: list(s.events, (e) => ({time: goTime(e.time), name: str(e.name), attributes: attributes(e.attributes), droppedAttributesCount: int(e.droppedAttributesCount)})),
    droppedEventsCount: int(s.droppedEventsCount),
    links: list(s.links, (l) => ({
      traceId: str(l.traceId),
      spanId: str(l.spanId),
      traceState: str(l.traceState),
      attributes: attributes(l.attributes),
      droppedAttributesCount: int(l.droppedAttributesCount),
    })),
    droppedLinksCount: int(s.droppedLinksCount),
    status: isObj(s.status) ? {message: str(s.status.message), code: str(s.status.code)} : null,
    resource: isObj(s.resource) ? {attributes: attributes(s.resource.attributes), droppedAttributesCount: int(s.resource.droppedAttributesCount)} : null,
    scope: isObj(s.scope)
      ? {name: str(s.scope.name), version: str(s.scope.version), attributes: attributes(s.scope.attributes), droppedAttributesCount: int(s.scope.droppedAttributesCount)}
      : null,
  }
}

const COLUMNS: Column[] = [{head: 'SPAN', fit: true}, {head: 'SERVICE', fit: true}, {head: 'KIND'}, {head: 'STATUS'}, {head: 'START'}, {head: 'DURATION'}, {head: 'SPAN ID'}]

function serviceName(s: Obj): string {
  const attrs = isObj(s.resource) && Array.isArray(s.resource.attributes) ? s.resource.attributes : []
  for (const a of attrs) if (isObj(a) && a.key === 'service.name' && isObj(a.value)) return str(a.value.stringValue)
  return ''
}

/** Spans as a tree (children under their parent, by start time), with offsets from the trace's start. */
export function traceRows(spans: Obj[]): string[][] {
  const start = (s: Obj) => Date.parse(str(s.startTime))
  const t0 = Math.min(...spans.map(start).filter((t) => !Number.isNaN(t)))
  const ids = new Set(spans.map((s) => str(s.spanId)))
  const children = new Map<string, Obj[]>()
  for (const s of spans) {
    const parent = ids.has(str(s.parentSpanId)) ? str(s.parentSpanId) : ''
    children.set(parent, [...(children.get(parent) ?? []), s])
  }
  const rows: string[][] = []
  const ms = (n: number) => (Number.isNaN(n) ? '' : `${Number.isInteger(n) ? n : n.toFixed(1)}ms`)
  const seen = new Set<Obj>()
  const walk = (parent: string, depth: number) => {
    for (const s of [...(children.get(parent) ?? [])].sort((a, b) => start(a) - start(b))) {
      if (seen.has(s)) continue
      seen.add(s)
      const status = isObj(s.status) ? str(s.status.code) : ''
      rows.push([
        '  '.repeat(Math.min(depth, 20)) + str(s.name),
        serviceName(s),
        str(s.kind),
        status,
        `+${ms(start(s) - t0)}`,
        ms(Date.parse(str(s.endTime)) - start(s)),
        str(s.spanId),
      ])
      if (str(s.spanId)) walk(str(s.spanId), depth + 1)
    }
  }
  walk('', 0)
  return rows
}

export async function runTraceGet(opts: TraceGetOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  if (opts.traceId === undefined) throw new UsageError('give the trace id', {hint: 'mkr traces get TRACEID (32 hexadecimal digits)'})
  const [id] = checkIds('trace id', [opts.traceId])
  if (!/^[0-9a-fA-F]{32}$/.test(id))
    throw new UsageError(`invalid trace id ${JSON.stringify(id)}: expected 32 hexadecimal digits`, {hint: 'copy the trace id from the trace view in Mackerel'})
  const api = await client()
  const trace = await withProgress(io, 'fetching the trace', () => getTrace(api, id))
  const spans = trace.spans
  await exportData({spans: spans.map(spanJson)}, opts, {render: (_p, width) => (spans.length ? renderTable(COLUMNS, traceRows(spans), {width}) : 'no spans\n')}, io)
}
