// §7.1 dashboards: list (without widgets), get / create / update / delete (bare, with widgets). The
// urlPath is unique (409); widgets are checked by type, on a 24-column grid, within their size bounds
// and without overlapping. Fields a widget type does not use may be null (the Go client sends
// `"graph":null`, `"range":null`, ... for them) and are dropped.
import {badRequest, HttpError, notFound} from '../http.js'
import type {Router} from '../router.js'
import type {Rec, Store} from '../store.js'
import {asObject, listOrEmpty, oneOf, optBoolean, optNumber, optString, parseRoleFullname, reqNumber, reqString, stringList, type Obj} from '../validate.js'

export const URL_PATH_RE = /^([A-Za-z0-9_][-A-Za-z0-9_]*)(\/[A-Za-z0-9_][-A-Za-z0-9_]*)*$/
const GRID_WIDTH = 24
/** min width, min height, max width, max height */
const SIZES: Record<string, [number, number, number, number]> = {
  graph: [6, 6, 24, 32],
  value: [4, 4, 24, 32],
  markdown: [4, 2, 24, 80],
  alertStatus: [4, 3, 24, 32],
}
const WIDGET_TYPES = ['graph', 'value', 'markdown', 'alertStatus'] as const
const TITLE_MAX = 250
const LABEL_MAX = 32

type Layout = {x: number; y: number; width: number; height: number}

function dashboardOr404(store: Store, id: string): Rec {
  const d = store.dashboards.get(id)
  if (!d) throw notFound(`Dashboard not found: ${id}`)
  return d
}

function present(o: Obj, key: string): boolean {
  return o[key] !== undefined && o[key] !== null
}

/** The data of a graph widget (`graph`) or a value widget (`metric`). */
function parseSource(v: unknown, key: string, graph: boolean): Obj {
  const o = asObject(v, key)
  const types = graph ? (['host', 'role', 'service', 'expression', 'query'] as const) : (['host', 'service', 'expression', 'query'] as const)
  const str = (k: string) => reqString(o, k)
  try {
    const type = oneOf(o, 'type', types, true)!
    switch (type) {
      case 'host':
        return {type, hostId: str('hostId'), name: str('name')}
      case 'role': {
        parseRoleFullname(o.roleFullname, 'roleFullname')
        return {type, roleFullname: o.roleFullname, name: str('name'), isStacked: optBoolean(o, 'isStacked') ?? false}
      }
      case 'service':
        return {type, serviceName: str('serviceName'), name: str('name')}
      case 'expression':
        return {type, expression: str('expression')}
      case 'query':
        return {type, query: str('query'), legend: optString(o, 'legend') ?? ''}
    }
  } catch (error) {
    if (error instanceof Error && !error.message.startsWith(key)) error.message = `${key}.${error.message}`
    throw error
  }
}

function parseRange(v: unknown): Obj {
  const o = asObject(v, 'range')
  const type = oneOf(o, 'type', ['relative', 'absolute'], true)!
  if (type === 'relative') return {type, period: reqNumber(o, 'period', {integer: true, min: 1}), offset: optNumber(o, 'offset', {integer: true}) ?? 0}
  const start = reqNumber(o, 'start', {integer: true, min: 0})
  const end = reqNumber(o, 'end', {integer: true, min: 0})
  if (start > end) throw badRequest('range.start must not be after range.end')
  return {type, start, end}
}

function parseWidget(raw: unknown, i: number): Obj & {layout: Layout} {
  const where = `widgets[${i}]`
  try {
    const o = asObject(raw, 'a widget')
    const type = oneOf(o, 'type', WIDGET_TYPES, true)!
    const title = optString(o, 'title', {max: TITLE_MAX}) ?? ''
    const lo = asObject(o.layout, 'layout')
    const layout: Layout = {
      x: reqNumber(lo, 'x', {integer: true, min: 0}),
      y: reqNumber(lo, 'y', {integer: true, min: 0}),
      width: reqNumber(lo, 'width', {integer: true, min: 1}),
      height: reqNumber(lo, 'height', {integer: true, min: 1}),
    }
    const [minW, minH, maxW, maxH] = SIZES[type]
    if (layout.width < minW || layout.width > maxW || layout.height < minH || layout.height > maxH)
      throw badRequest(`layout: a ${type} widget must be ${minW}x${minH} to ${maxW}x${maxH} (width x height)`)
    if (layout.x + layout.width > GRID_WIDTH) throw badRequest(`layout: x + width must be at most ${GRID_WIDTH}`)
    const w: Obj & {layout: Layout} = {type, title, layout}
    switch (type) {
      case 'graph': {
        const graph = parseSource(o.graph, 'graph', true)
        w.graph = graph
        if (present(o, 'range')) w.range = parseRange(o.range)
        if (present(o, 'valueRange')) {
          const vr = asObject(o.valueRange, 'valueRange')
          const min = optNumber(vr, 'min')
          const max = optNumber(vr, 'max')
          if (min !== undefined && max !== undefined && min > max) throw badRequest('valueRange.min must not be above valueRange.max')
          w.valueRange = {...(min !== undefined ? {min} : {}), ...(max !== undefined ? {max} : {})}
        }
        const lines = listOrEmpty(o, 'referenceLines')
        if (lines.length > 1) throw badRequest('referenceLines may have at most 1 element')
        if (present(o, 'referenceLines'))
          w.referenceLines = lines.map((l, j) => {
            const lo2 = asObject(l, `referenceLines[${j}]`)
            return {label: reqString(lo2, 'label', {max: LABEL_MAX}), value: reqNumber(lo2, 'value', {min: 0})}
          })
        const legend = stringList(o, 'legendList')
        if (legend.length > 0) {
          if (graph.type !== 'host' && graph.type !== 'service') throw badRequest('legendList is only for host and service graphs')
          w.legendList = legend
        }
        break
      }
      case 'value': {
        w.metric = parseSource(o.metric, 'metric', false)
        const fractionSize = optNumber(o, 'fractionSize', {integer: true, min: 0, max: 16})
        if (fractionSize !== undefined) w.fractionSize = fractionSize
        const suffix = optString(o, 'suffix')
        if (suffix !== undefined) w.suffix = suffix
        const rules = listOrEmpty(o, 'formatRules')
        if (rules.length > 1) throw badRequest('formatRules may have at most 1 element')
        if (present(o, 'formatRules'))
          w.formatRules = rules.map((r, j) => {
            const ro = asObject(r, `formatRules[${j}]`)
            return {name: optString(ro, 'name', {max: LABEL_MAX}) ?? '', threshold: reqNumber(ro, 'threshold'), operator: oneOf(ro, 'operator', ['>', '<'], true)}
          })
        break
      }
      case 'markdown':
        w.markdown = optString(o, 'markdown') ?? ''
        break
      case 'alertStatus':
        parseRoleFullname(o.roleFullname, 'roleFullname')
        w.roleFullname = o.roleFullname
        break
    }
    return w
  } catch (error) {
    if (error instanceof Error) error.message = `${where}: ${error.message}`
    throw error
  }
}

function overlaps(a: Layout, b: Layout): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

function parseDashboard(store: Store, body: unknown, id?: string): Obj {
  const o = asObject(body)
  const title = reqString(o, 'title', {max: TITLE_MAX})
  const memo = optString(o, 'memo') ?? ''
  const urlPath = reqString(o, 'urlPath', {pattern: URL_PATH_RE})
  const widgets = listOrEmpty(o, 'widgets').map(parseWidget)
  for (let i = 0; i < widgets.length; i++)
    for (let j = 0; j < i; j++)
      if (overlaps(widgets[i].layout, widgets[j].layout)) throw badRequest(`widgets[${i}] overlaps widgets[${j}]`)
  for (const d of store.dashboards.values())
    if (d.urlPath === urlPath && d.id !== id) throw new HttpError(409, `urlPath is already in use: ${urlPath}`)
  return {title, memo, urlPath, widgets}
}

function summaryView(d: Rec): Obj {
  return {id: d.id, title: d.title, urlPath: d.urlPath, createdAt: d.createdAt, updatedAt: d.updatedAt, memo: d.memo}
}

function fullView(store: Store, d: Rec): Obj {
  const widgets = (d.widgets as Obj[]).map((w) => {
    if (w.type !== 'alertStatus') return w
    // a widget of a role deleted since reads back with roleFullname null
    const [svc, role] = String(w.roleFullname).split(':')
    return store.services.get(svc)?.roles.has(role) ? w : {...w, roleFullname: null}
  })
  return {...summaryView(d), widgets}
}

export function registerDashboards(r: Router): void {
  r.get('/api/v0/dashboards', ({store}) => ({dashboards: [...store.dashboards.values()].map(summaryView)}))

  r.get('/api/v0/dashboards/:id', ({store, params}) => fullView(store, dashboardOr404(store, params.id)))

  r.post('/api/v0/dashboards', ({store, body}) => {
    const now = store.now()
    return fullView(store, store.addRecord(store.dashboards, {...parseDashboard(store, body), createdAt: now, updatedAt: now}))
  })

  r.put('/api/v0/dashboards/:id', ({store, params, body}) => {
    const d = dashboardOr404(store, params.id)
    const updated = {id: d.id, createdAt: d.createdAt, ...parseDashboard(store, body, d.id), updatedAt: store.now()} as Rec
    store.dashboards.set(d.id, updated)
    return fullView(store, updated)
  })

  r.delete('/api/v0/dashboards/:id', ({store, params}) => {
    const d = dashboardOr404(store, params.id)
    store.dashboards.delete(d.id)
    return fullView(store, d)
  })
}
