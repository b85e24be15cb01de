// Expression monitors (reference/mackerel-api.md §3.5): a hand-written parser and evaluator for the
// common subset of Mackerel's graph expressions. The text is stored by the server from any client, so
// it is only ever read by this parser (never eval / Function), and the parser is bounded: at most
// EXPRESSION_MAX_LENGTH characters and EXPRESSION_MAX_DEPTH levels of nesting.
//
// The subset:
//   host(hostId, metricName)           one host metric
//   service(serviceName, metricName)   one service metric
//   role(roleFullname, metricName)     the metric of every monitored host in the role (a list)
//   roleSlots(roleFullname, metricName) the same series as role() here (slots only change graph lines)
//   group(a, b, ...)                   series and lists put together into one list
//   avg(x) max(x) min(x) sum(x)        a list (or one series) folded into one series, minute by minute
//   a + b, a - b, a * b, a / b, -a     with numbers, series (minute by minute, where both have a value),
//                                      and a list with a number; parentheses
// Arguments are quoted strings ("..." or '...'). Metric names with wildcards and any other function are
// outside the subset: such a monitor is not evaluated (evaluate.ts reports it once).
//
// Values are aligned on sandbox minutes: a series has at most one value a minute (the newest point of
// that minute), as Mackerel's graphs do.

/** Longest expression read (characters). */
export const EXPRESSION_MAX_LENGTH = 4096
/** Deepest nesting of calls, parentheses and signs. */
export const EXPRESSION_MAX_DEPTH = 32

export type Aggregation = 'avg' | 'max' | 'min' | 'sum'
type Op = '+' | '-' | '*' | '/'

/** What a node yields: a constant, one series, or a list of series. */
export type Kind = 'number' | 'series' | 'list'

export type ExprNode =
  | {k: 'number'; value: number}
  | {k: 'host'; hostId: string; metric: string}
  | {k: 'service'; service: string; metric: string}
  | {k: 'role'; roleFullname: string; metric: string}
  | {k: 'group'; args: ExprNode[]}
  | {k: 'agg'; fn: Aggregation; arg: ExprNode}
  | {k: 'binary'; op: Op; left: ExprNode; right: ExprNode}
  | {k: 'negate'; arg: ExprNode}

export interface ParsedExpression {
  node: ExprNode
  /** what the data of the expression depends on: for evaluating only after a relevant post */
  hosts: Set<string>
  services: Set<string>
  roles: Set<string>
}

/** Why an expression is not evaluated: a syntax error, or something outside the subset. */
export class ExpressionError extends Error {}

/** Where series come from; times are epoch seconds. */
export interface ExpressionSource {
  /** points of a host metric with from < time <= to, oldest first */
  hostPoints(hostId: string, metric: string, from: number, to: number): {time: number; value: number}[]
  servicePoints(service: string, metric: string, from: number, to: number): {time: number; value: number}[]
  /** the ids of the hosts of a role whose metrics count */
  roleHosts(roleFullname: string): string[]
}

type Token =
  | {t: 'ident'; v: string; at: number}
  | {t: 'string'; v: string; at: number}
  | {t: 'number'; v: number; at: number}
  | {t: 'punct'; v: string; at: number}
  | {t: 'end'; at: number}

const AGGREGATIONS = new Set<string>(['avg', 'max', 'min', 'sum'])
const SOURCES = new Set<string>(['host', 'service', 'role', 'roleSlots'])

function tokenize(text: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++
    } else if (/[A-Za-z_]/.test(c)) {
      const at = i
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++
      out.push({t: 'ident', v: text.slice(at, i), at})
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64))
      if (!m) throw new ExpressionError(`bad number at ${i + 1}`)
      const v = Number(m[0])
      if (!Number.isFinite(v)) throw new ExpressionError(`bad number at ${i + 1}`)
      out.push({t: 'number', v, at: i})
      i += m[0].length
    } else if (c === '"' || c === "'") {
      const at = i
      let v = ''
      i++
      for (;;) {
        if (i >= text.length) throw new ExpressionError(`unterminated string at ${at + 1}`)
        const d = text[i++]
        if (d === c) break
        if (d === '\\' && i < text.length) v += text[i++]
        else v += d
      }
      out.push({t: 'string', v, at})
    } else if ('(),+-*/'.includes(c)) {
      out.push({t: 'punct', v: c, at: i++})
    } else {
      throw new ExpressionError(`unexpected ${JSON.stringify(c)} at ${i + 1}`)
    }
  }
  out.push({t: 'end', at: text.length})
  return out
}

/** Parses and type-checks an expression; throws ExpressionError when it is not in the subset. */
export function parseExpression(text: string): ParsedExpression {
  if (text.length > EXPRESSION_MAX_LENGTH) throw new ExpressionError(`longer than ${EXPRESSION_MAX_LENGTH} characters`)
  const tokens = tokenize(text)
  let pos = 0
  let depth = 0
  const deps = {hosts: new Set<string>(), services: new Set<string>(), roles: new Set<string>()}

  const peek = () => tokens[pos]
  const isPunct = (v: string) => {
    const tk = tokens[pos]
    return tk.t === 'punct' && tk.v === v
  }
  const expect = (v: string) => {
    if (!isPunct(v)) throw new ExpressionError(`expected "${v}" at ${peek().at + 1}`)
    pos++
  }
  const enter = () => {
    if (++depth > EXPRESSION_MAX_DEPTH) throw new ExpressionError(`nested deeper than ${EXPRESSION_MAX_DEPTH}`)
  }

  // every function takes plain arguments: either string literals or expressions
  type Arg = {s: string} | {node: ExprNode; kind: Kind}

  function sum(): {node: ExprNode; kind: Kind} {
    enter()
    let left = product()
    while (isPunct('+') || isPunct('-')) {
      const op = (tokens[pos++] as {v: Op}).v
      left = binary(op, left, product())
    }
    depth--
    return left
  }

  function product(): {node: ExprNode; kind: Kind} {
    let left = unary()
    while (isPunct('*') || isPunct('/')) {
      const op = (tokens[pos++] as {v: Op}).v
      left = binary(op, left, unary())
    }
    return left
  }

  function unary(): {node: ExprNode; kind: Kind} {
    if (isPunct('-') || isPunct('+')) {
      const minus = isPunct('-')
      pos++
      enter()
      const x = unary()
      depth--
      if (!minus) return x
      return x.node.k === 'number' ? {node: {k: 'number', value: -x.node.value}, kind: 'number'} : {node: {k: 'negate', arg: x.node}, kind: x.kind}
    }
    return primary()
  }

  function primary(): {node: ExprNode; kind: Kind} {
    const tk = peek()
    if (tk.t === 'number') {
      pos++
      return {node: {k: 'number', value: tk.v}, kind: 'number'}
    }
    if (isPunct('(')) {
      pos++
      const x = sum()
      expect(')')
      return x
    }
    if (tk.t === 'ident') {
      pos++
      if (!isPunct('(')) throw new ExpressionError(`expected "(" after ${tk.v}`)
      pos++
      enter()
      const args: Arg[] = []
      if (!isPunct(')')) {
        for (;;) {
          const a = peek()
          if (a.t === 'string') {
            pos++
            args.push({s: a.v})
          } else args.push(sum())
          if (isPunct(',')) pos++
          else break
        }
      }
      expect(')')
      depth--
      return call(tk.v, args)
    }
    if (tk.t === 'end') throw new ExpressionError('unexpected end')
    throw new ExpressionError(`unexpected ${tk.t === 'string' ? 'string' : JSON.stringify(String(tk.v))} at ${tk.at + 1}`)
  }

  function call(name: string, args: Arg[]): {node: ExprNode; kind: Kind} {
    if (SOURCES.has(name)) {
      if (args.length !== 2 || !('s' in args[0]) || !('s' in args[1])) throw new ExpressionError(`${name}() takes two strings`)
      const [a, metric] = [args[0].s, args[1].s]
      if (metric === '' || /[*#?]/.test(metric)) throw new ExpressionError(`metric name ${JSON.stringify(metric)}: wildcards are not simulated`)
      if (name === 'host') {
        deps.hosts.add(a)
        return {node: {k: 'host', hostId: a, metric}, kind: 'series'}
      }
      if (name === 'service') {
        deps.services.add(a)
        return {node: {k: 'service', service: a, metric}, kind: 'series'}
      }
      if (!/^[^:]+:[^:]+$/.test(a)) throw new ExpressionError(`${name}(): ${JSON.stringify(a)} is not a role full name (service:role)`)
      deps.roles.add(a)
      return {node: {k: 'role', roleFullname: a, metric}, kind: 'list'}
    }
    if (!AGGREGATIONS.has(name) && name !== 'group') throw new ExpressionError(`function ${name}() is not simulated`)
    const exprs = args.map((x) => {
      if ('s' in x) throw new ExpressionError(`${name}() takes no string arguments`)
      return x
    })
    if (AGGREGATIONS.has(name)) {
      if (exprs.length !== 1 || exprs[0].kind === 'number') throw new ExpressionError(`${name}() takes one series or list`)
      return {node: {k: 'agg', fn: name as Aggregation, arg: exprs[0].node}, kind: 'series'}
    }
    if (exprs.length === 0 || exprs.some((x) => x.kind === 'number')) throw new ExpressionError('group() takes series and lists')
    return {node: {k: 'group', args: exprs.map((x) => x.node)}, kind: 'list'}
  }

  function binary(op: Op, l: {node: ExprNode; kind: Kind}, r: {node: ExprNode; kind: Kind}): {node: ExprNode; kind: Kind} {
    if (l.node.k === 'number' && r.node.k === 'number') {
      const value = arith(op, l.node.value, r.node.value)
      if (!Number.isFinite(value)) throw new ExpressionError(`${l.node.value} ${op} ${r.node.value} is not a number`)
      return {node: {k: 'number', value}, kind: 'number'}
    }
    if (l.kind === 'list' && r.kind === 'list') throw new ExpressionError(`list ${op} list is not simulated`)
    if ((l.kind === 'list' && r.kind === 'series') || (l.kind === 'series' && r.kind === 'list')) throw new ExpressionError(`list ${op} series is not simulated`)
    const kind: Kind = l.kind === 'list' || r.kind === 'list' ? 'list' : 'series'
    return {node: {k: 'binary', op, left: l.node, right: r.node}, kind}
  }

  const top = sum()
  if (peek().t !== 'end') throw new ExpressionError(`unexpected text at ${peek().at + 1}`)
  if (top.kind !== 'series')
    throw new ExpressionError(top.kind === 'number' ? 'a constant, not a series' : 'several series (a monitor needs one: use avg, max, min or sum)')
  return {node: top.node, ...deps}
}

function arith(op: Op, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b
    case '-':
      return a - b
    case '*':
      return a * b
    case '/':
      return a / b
  }
}

/** One series: value by minute (epoch seconds at the start of the minute). */
export type MinuteSeries = Map<number, number>
type Value = number | MinuteSeries | MinuteSeries[]

/** Minute buckets of points: the newest point of each minute. */
function bucket(points: {time: number; value: number}[]): MinuteSeries {
  const out: MinuteSeries = new Map()
  for (const p of points) out.set(p.time - (((p.time % 60) + 60) % 60), p.value)
  return out
}

function mapSeries(s: MinuteSeries, f: (v: number) => number): MinuteSeries {
  const out: MinuteSeries = new Map()
  for (const [t, v] of s) {
    const r = f(v)
    if (Number.isFinite(r)) out.set(t, r)
  }
  return out
}

function aggregate(fn: Aggregation, list: MinuteSeries[]): MinuteSeries {
  const acc = new Map<number, {sum: number; n: number; min: number; max: number}>()
  for (const s of list)
    for (const [t, v] of s) {
      const a = acc.get(t)
      if (!a) acc.set(t, {sum: v, n: 1, min: v, max: v})
      else ((a.sum += v), a.n++, (a.min = Math.min(a.min, v)), (a.max = Math.max(a.max, v)))
    }
  const out: MinuteSeries = new Map()
  for (const [t, a] of acc) out.set(t, fn === 'avg' ? a.sum / a.n : fn === 'sum' ? a.sum : fn === 'min' ? a.min : a.max)
  return out
}

/** The expression's series over (from, to]. */
export function evaluateSeries(expr: ParsedExpression, src: ExpressionSource, from: number, to: number): MinuteSeries {
  const ev = (n: ExprNode): Value => {
    switch (n.k) {
      case 'number':
        return n.value
      case 'host':
        return bucket(src.hostPoints(n.hostId, n.metric, from, to))
      case 'service':
        return bucket(src.servicePoints(n.service, n.metric, from, to))
      case 'role':
        return src.roleHosts(n.roleFullname).map((id) => bucket(src.hostPoints(id, n.metric, from, to)))
      case 'group':
        return n.args.flatMap((a) => {
          const v = ev(a)
          return v instanceof Map ? [v] : (v as MinuteSeries[])
        })
      case 'agg': {
        const v = ev(n.arg)
        return aggregate(n.fn, v instanceof Map ? [v] : (v as MinuteSeries[]))
      }
      case 'negate': {
        const v = ev(n.arg)
        return Array.isArray(v) ? v.map((s) => mapSeries(s, (x) => -x)) : mapSeries(v as MinuteSeries, (x) => -x)
      }
      case 'binary': {
        const l = ev(n.left)
        const r = ev(n.right)
        const withNumber = (s: MinuteSeries, k: number, numberLeft: boolean) =>
          mapSeries(s, (x) => (numberLeft ? arith(n.op, k, x) : arith(n.op, x, k)))
        if (typeof l === 'number') return Array.isArray(r) ? r.map((s) => withNumber(s, l, true)) : withNumber(r as MinuteSeries, l, true)
        if (typeof r === 'number') return Array.isArray(l) ? l.map((s) => withNumber(s, r, false)) : withNumber(l, r, false)
        // series op series (the parser allows no list here)
        const a = l as MinuteSeries
        const b = r as MinuteSeries
        const out: MinuteSeries = new Map()
        for (const [t, x] of a) {
          const y = b.get(t)
          if (y === undefined) continue
          const v = arith(n.op, x, y)
          if (Number.isFinite(v)) out.set(t, v)
        }
        return out
      }
    }
  }
  return ev(expr.node) as MinuteSeries
}

/** The value a monitor judges: the expression at its newest minute within (from, to]; undefined when there is no data. */
export function latestValue(expr: ParsedExpression, src: ExpressionSource, from: number, to: number): number | undefined {
  let best: number | undefined
  let value: number | undefined
  for (const [t, v] of evaluateSeries(expr, src, from, to))
    if (best === undefined || t > best) ((best = t), (value = v))
  return value
}
