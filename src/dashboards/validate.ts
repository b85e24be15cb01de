// Checks a dashboard file before anything is sent (reference/mackerel-api.md §7.1): every rule the API
// documents for dashboards and widgets, all problems at once, each naming its place
// (`widgets[2].layout.width`). Fields a widget type does not use may be null (mkr's files have
// `"metric": null`, `"range": null`, ...); fields this CLI does not know pass through untouched.

export interface DashboardIssue {
  /** `title`, `widgets[2].layout.width` */
  path: string
  message: string
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const given = (v: unknown) => v !== undefined && v !== null
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`)

export const WIDGET_TYPES = ['graph', 'value', 'markdown', 'alertStatus'] as const
export const GRID_WIDTH = 24
/** min width, min height, max width, max height (§7.1) */
const SIZES: Record<string, [number, number, number, number]> = {
  graph: [6, 6, 24, 32],
  value: [4, 4, 24, 32],
  markdown: [4, 2, 24, 80],
  alertStatus: [4, 3, 24, 32],
}
const LABEL_MAX = 32
const ROLE_FULLNAME = /^[A-Za-z0-9][A-Za-z0-9_-]*:[A-Za-z0-9][A-Za-z0-9_-]*$/

interface Layout {
  x: number
  y: number
  width: number
  height: number
}

export function validateDashboard(doc: unknown): DashboardIssue[] {
  const issues: DashboardIssue[] = []
  const add = (path: string, message: string): void => {
    issues.push({path, message})
  }
  if (!isObj(doc)) {
    add('', `expected a dashboard object {"title", "urlPath", "memo", "widgets"}, got ${kind(doc)}`)
    return issues
  }
  const reqString = (o: Obj, key: string, at: string, opts: {max?: number; pattern?: RegExp; patternText?: string} = {}): string | undefined => {
    const v = o[key]
    if (typeof v !== 'string' || v === '') {
      add(at, v === undefined ? 'is missing' : v === '' ? 'must not be empty' : `must be a string, not ${kind(v)}`)
      return undefined
    }
    if (opts.max !== undefined && [...v].length > opts.max) add(at, `must be at most ${opts.max} characters`)
    if (opts.pattern && !opts.pattern.test(v)) add(at, `must be ${opts.patternText}`)
    return v
  }
  const optString = (o: Obj, key: string, at: string, max?: number) => {
    const v = o[key]
    if (!given(v)) return
    if (typeof v !== 'string') add(at, `must be a string, not ${kind(v)}`)
    else if (max !== undefined && [...v].length > max) add(at, `must be at most ${max} characters`)
  }
  const num = (o: Obj, key: string, at: string, opts: {integer?: boolean; min?: number; max?: number; required?: boolean} = {}): number | undefined => {
    const v = o[key]
    if (!given(v)) {
      if (opts.required) add(at, 'is missing')
      return undefined
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      add(at, `must be a number, not ${kind(v)}`)
      return undefined
    }
    if (opts.integer && !Number.isInteger(v)) add(at, 'must be a whole number')
    else if (opts.min !== undefined && v < opts.min) add(at, opts.max !== undefined ? `must be ${opts.min}..${opts.max}` : `must be at least ${opts.min}`)
    else if (opts.max !== undefined && v > opts.max) add(at, `must be ${opts.min ?? 0}..${opts.max}`)
    else return v
    return undefined
  }

  if (given(doc.id) && (typeof doc.id !== 'string' || doc.id === '')) add('id', `must be a dashboard id string, not ${doc.id === '' ? 'an empty string' : kind(doc.id)}`)
  reqString(doc, 'title', 'title', {max: 250})
  reqString(doc, 'urlPath', 'urlPath', {pattern: /^[A-Za-z0-9_][-A-Za-z0-9_]*(\/[A-Za-z0-9_][-A-Za-z0-9_]*)*$/, patternText: 'letters, digits, - and _ in /-separated parts (e.g. "team/web")'})
  optString(doc, 'memo', 'memo')
  const widgets = doc.widgets
  if (!Array.isArray(widgets)) {
    add('widgets', widgets === undefined ? 'is missing (use [] for an empty dashboard)' : `must be an array, not ${kind(widgets)}`)
    return issues
  }

  const layouts: (Layout | undefined)[] = []
  widgets.forEach((w, i) => {
    const at = `widgets[${i}]`
    layouts.push(undefined)
    if (!isObj(w)) return add(at, `must be an object, not ${kind(w)}`)
    const type = w.type
    if (typeof type !== 'string' || !(WIDGET_TYPES as readonly string[]).includes(type)) {
      add(`${at}.type`, type === undefined ? `is missing (one of ${WIDGET_TYPES.join(', ')})` : `must be one of ${WIDGET_TYPES.join(', ')}, not ${JSON.stringify(type)}`)
      return
    }
    optString(w, 'title', `${at}.title`, 250)
    if (!isObj(w.layout)) add(`${at}.layout`, w.layout === undefined ? 'is missing ({x, y, width, height})' : `must be an object {x, y, width, height}, not ${kind(w.layout)}`)
    else {
      const lo = w.layout
      const x = num(lo, 'x', `${at}.layout.x`, {integer: true, min: 0, required: true})
      const y = num(lo, 'y', `${at}.layout.y`, {integer: true, min: 0, required: true})
      const width = num(lo, 'width', `${at}.layout.width`, {integer: true, min: 1, required: true})
      const height = num(lo, 'height', `${at}.layout.height`, {integer: true, min: 1, required: true})
      if (x !== undefined && y !== undefined && width !== undefined && height !== undefined) {
        const [minW, minH, maxW, maxH] = SIZES[type]
        if (width < minW || width > maxW || height < minH || height > maxH)
          add(`${at}.layout`, `a ${type} widget must be ${minW}x${minH} to ${maxW}x${maxH} (width x height), not ${width}x${height}`)
        else if (x + width > GRID_WIDTH) add(`${at}.layout`, `x + width must be at most ${GRID_WIDTH} (the grid is ${GRID_WIDTH} columns wide), not ${x + width}`)
        else layouts[i] = {x, y, width, height}
      }
    }
    switch (type) {
      case 'graph': {
        source(w.graph, `${at}.graph`, true)
        if (given(w.range)) range(w.range, `${at}.range`)
        if (given(w.valueRange)) {
          if (!isObj(w.valueRange)) add(`${at}.valueRange`, `must be an object {min, max}, not ${kind(w.valueRange)}`)
          else {
            const min = num(w.valueRange, 'min', `${at}.valueRange.min`)
            const max = num(w.valueRange, 'max', `${at}.valueRange.max`)
            if (min !== undefined && max !== undefined && min > max) add(`${at}.valueRange`, 'min must not be above max')
          }
        }
        if (given(w.referenceLines)) {
          if (!Array.isArray(w.referenceLines)) add(`${at}.referenceLines`, `must be an array, not ${kind(w.referenceLines)}`)
          else {
            if (w.referenceLines.length > 1) add(`${at}.referenceLines`, `may have at most 1 element, not ${w.referenceLines.length}`)
            w.referenceLines.forEach((l, j) => {
              const lat = `${at}.referenceLines[${j}]`
              if (!isObj(l)) return add(lat, `must be an object {label, value}, not ${kind(l)}`)
              reqString(l, 'label', `${lat}.label`, {max: LABEL_MAX})
              num(l, 'value', `${lat}.value`, {min: 0, required: true})
            })
          }
        }
        if (given(w.legendList)) {
          if (!Array.isArray(w.legendList) || w.legendList.some((s) => typeof s !== 'string')) add(`${at}.legendList`, 'must be an array of strings')
          else if (w.legendList.length > 0 && isObj(w.graph) && w.graph.type !== 'host' && w.graph.type !== 'service')
            add(`${at}.legendList`, 'is only for host and service graphs')
        }
        break
      }
      case 'value': {
        source(w.metric, `${at}.metric`, false)
        num(w, 'fractionSize', `${at}.fractionSize`, {integer: true, min: 0, max: 16})
        optString(w, 'suffix', `${at}.suffix`)
        if (given(w.formatRules)) {
          if (!Array.isArray(w.formatRules)) add(`${at}.formatRules`, `must be an array, not ${kind(w.formatRules)}`)
          else {
            if (w.formatRules.length > 1) add(`${at}.formatRules`, `may have at most 1 element, not ${w.formatRules.length}`)
            w.formatRules.forEach((r, j) => {
              const rat = `${at}.formatRules[${j}]`
              if (!isObj(r)) return add(rat, `must be an object {name, threshold, operator}, not ${kind(r)}`)
              optString(r, 'name', `${rat}.name`, LABEL_MAX)
              num(r, 'threshold', `${rat}.threshold`, {required: true})
              if (r.operator !== '>' && r.operator !== '<') add(`${rat}.operator`, `must be ">" or "<", not ${r.operator === undefined ? 'missing' : JSON.stringify(r.operator)}`)
            })
          }
        }
        break
      }
      case 'markdown':
        optString(w, 'markdown', `${at}.markdown`)
        break
      case 'alertStatus':
        roleFullname(w.roleFullname, `${at}.roleFullname`)
        break
    }
  })
  // widgets may not overlap on the grid
  for (let i = 0; i < layouts.length; i++)
    for (let j = 0; j < i; j++) {
      const a = layouts[i]
      const b = layouts[j]
      if (a && b && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
        add(`widgets[${i}].layout`, `overlaps widgets[${j}] (x ${b.x}, y ${b.y}, ${b.width}x${b.height})`)
    }
  return issues

  function roleFullname(v: unknown, at: string): void {
    if (typeof v !== 'string') add(at, v === undefined || v === null ? 'is missing ("service:role")' : `must be a string "service:role", not ${kind(v)}`)
    else if (!ROLE_FULLNAME.test(v)) add(at, `must be "service:role", not ${JSON.stringify(v)}`)
  }

  function source(v: unknown, at: string, graph: boolean): void {
    const types = graph ? ['host', 'role', 'service', 'expression', 'query'] : ['host', 'service', 'expression', 'query']
    if (!isObj(v)) return add(at, v === undefined || v === null ? `is missing (an object with type ${types.join(', ')})` : `must be an object, not ${kind(v)}`)
    const t = v.type
    if (t === 'unknown') return add(`${at}.type`, 'is "unknown": Mackerel returned this widget in a form its API cannot take back; set its data or remove the widget')
    if (typeof t !== 'string' || !types.includes(t)) return add(`${at}.type`, `must be one of ${types.join(', ')}, not ${t === undefined ? 'missing' : JSON.stringify(t)}`)
    switch (t) {
      case 'host':
        reqString(v, 'hostId', `${at}.hostId`)
        reqString(v, 'name', `${at}.name`)
        break
      case 'role':
        roleFullname(v.roleFullname, `${at}.roleFullname`)
        reqString(v, 'name', `${at}.name`)
        if (given(v.isStacked) && typeof v.isStacked !== 'boolean') add(`${at}.isStacked`, `must be true or false, not ${kind(v.isStacked)}`)
        break
      case 'service':
        reqString(v, 'serviceName', `${at}.serviceName`)
        reqString(v, 'name', `${at}.name`)
        break
      case 'expression':
        reqString(v, 'expression', `${at}.expression`)
        break
      case 'query':
        reqString(v, 'query', `${at}.query`)
        optString(v, 'legend', `${at}.legend`)
        break
    }
  }

  function range(v: unknown, at: string): void {
    if (!isObj(v)) return add(at, `must be an object, not ${kind(v)}`)
    if (v.type === 'relative') {
      num(v, 'period', `${at}.period`, {integer: true, min: 1, required: true})
      num(v, 'offset', `${at}.offset`, {integer: true})
    } else if (v.type === 'absolute') {
      const start = num(v, 'start', `${at}.start`, {integer: true, min: 0, required: true})
      const end = num(v, 'end', `${at}.end`, {integer: true, min: 0, required: true})
      if (start !== undefined && end !== undefined && start > end) add(at, 'start must not be after end')
    } else add(`${at}.type`, `must be "relative" or "absolute", not ${v.type === undefined ? 'missing' : JSON.stringify(v.type)}`)
  }
}
