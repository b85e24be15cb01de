// `-f TEMPLATE` on `hosts` and `users`: a subset of Go's text/template, enough to run the templates
// people wrote for the Go mkr (reference/mkr-compat.md §2.3) and print what mkr prints. Loaded only
// when -f is given. The data is a Go value (src/output/gofields.ts) or plain JSON (taken as an `any`).
//
// Supported: text, actions with fields/chains/variables/parentheses/pipelines, `$x :=` and `$x =`,
// if/else if/else, with/else with/else, range (slices, maps in sorted key order, ints) with else,
// break/continue, comments, trim markers, Go literals, and Go's builtins except define/template/block
// (the one template is all mkr takes): and or not len index slice print printf println eq ne lt le
// gt ge html js urlquery call. Errors read as Go's (`template: format:1: ...`), see GoTemplateError.
import {
  BOOL,
  FLOAT64,
  GoValue,
  INT,
  STRING,
  UINT8,
  dynamicValue,
  typeString,
  zeroValue,
  type GoType,
} from './gofields.js'

/** A parse or execution error, one line, worded as Go's text/template words it. */
export class GoTemplateError extends Error {
  constructor(
    message: string,
    /** what the template printed before an execution error: Go has written it out by then */
    readonly output = '',
  ) {
    super(message)
    this.name = 'GoTemplateError'
  }
}

export interface GoTemplateOptions {
  /** the template's name in errors; mkr names it `format` */
  name?: string
}

/** Runs `template` over `data` and returns what it prints. Throws GoTemplateError. */
export function renderGoTemplate(template: string, data: unknown, opts: GoTemplateOptions = {}): string {
  const name = opts.name ?? 'format'
  const root = new Parser(template, name).parse()
  const value = data instanceof GoValue ? data : dynamicValue(data)
  return new Exec(template, name, value).run(root)
}

/** Parses only: the errors mkr reports before running the template (a syntax error, an unknown function). */
export function checkGoTemplate(template: string, opts: GoTemplateOptions = {}): void {
  new Parser(template, opts.name ?? 'format').parse()
}

// ---------------------------------------------------------------------------------------------
// Lexer

type ItemType =
  | 'error'
  | 'eof'
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'field'
  | 'variable'
  | 'identifier'
  | 'bool'
  | 'number'
  | 'charConstant'
  | 'string'
  | 'rawString'
  | 'pipe'
  | 'declare'
  | 'assign'
  | 'leftParen'
  | 'rightParen'
  | 'char'
  // keywords
  | 'dot'
  | 'nil'
  | 'if'
  | 'else'
  | 'end'
  | 'range'
  | 'with'
  | 'define'
  | 'template'
  | 'block'
  | 'break'
  | 'continue'

interface Item {
  typ: ItemType
  val: string
  /** index into the template (UTF-16) */
  pos: number
  line: number
}

const KEYWORDS = new Set<ItemType>(['dot', 'nil', 'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue'])
const KEYWORD_WORDS: Record<string, ItemType> = {
  block: 'block',
  break: 'break',
  continue: 'continue',
  define: 'define',
  else: 'else',
  end: 'end',
  if: 'if',
  range: 'range',
  nil: 'nil',
  template: 'template',
  with: 'with',
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n'
const isAlnum = (c: string | undefined): boolean => c !== undefined && (c === '_' || /^[\p{L}\p{Nd}]$/u.test(c))
const hasLeftTrim = (s: string, i: number): boolean => s[i] === '-' && isSpace(s[i + 1])
const hasRightTrim = (s: string, i: number): boolean => isSpace(s[i]) && s[i + 1] === '-'

function runeAt(s: string, i: number): string | undefined {
  if (i >= s.length) return undefined
  return String.fromCodePoint(s.codePointAt(i)!)
}

function lex(src: string): Item[] {
  const items: Item[] = []
  const newlines: number[] = []
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) newlines.push(i)
  const lineAt = (p: number): number => {
    let lo = 0
    let hi = newlines.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (newlines[mid] < p) lo = mid + 1
      else hi = mid
    }
    return lo + 1
  }
  let pos = 0
  let start = 0
  const emit = (typ: ItemType): void => {
    items.push({typ, val: src.slice(start, pos), pos: start, line: lineAt(start)})
    start = pos
  }
  const fail = (message: string): Item[] => {
    items.push({typ: 'error', val: message, pos: start, line: lineAt(start)})
    return items
  }
  const atRightDelim = (p: number): [boolean, boolean] => {
    if (hasRightTrim(src, p) && src.startsWith('}}', p + 2)) return [true, true]
    return [src.startsWith('}}', p), false]
  }
  const atTerminator = (p: number): boolean => {
    const c = src[p]
    return c === undefined || isSpace(c) || '.,|:)('.includes(c) || src.startsWith('}}', p)
  }
  const leftTrimLength = (p: number): number => {
    let n = 0
    while (isSpace(src[p + n])) n++
    return n
  }
  const accept = (valid: string): boolean => {
    if (pos < src.length && valid.includes(src[pos])) {
      pos++
      return true
    }
    return false
  }
  const acceptRun = (valid: string): void => {
    while (pos < src.length && valid.includes(src[pos])) pos++
  }
  const scanNumber = (): boolean => {
    accept('+-')
    let digits = '0123456789_'
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_'
      else if (accept('oO')) digits = '01234567_'
      else if (accept('bB')) digits = '01_'
    }
    acceptRun(digits)
    if (accept('.')) acceptRun(digits)
    if (digits.length === 11 && accept('eE')) {
      accept('+-')
      acceptRun('0123456789_')
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-')
      acceptRun('0123456789_')
    }
    accept('i')
    if (isAlnum(runeAt(src, pos))) {
      pos += runeAt(src, pos)!.length
      return false
    }
    return true
  }
  /** after `.` or `$` */
  const fieldOrVariable = (typ: 'field' | 'variable'): boolean => {
    if (atTerminator(pos)) {
      emit(typ === 'variable' ? 'variable' : 'dot')
      return true
    }
    let r: string | undefined
    for (;;) {
      r = runeAt(src, pos)
      if (!isAlnum(r)) break
      pos += r!.length
    }
    if (!atTerminator(pos)) return false
    emit(typ)
    return true
  }
  /** after the opening quote: true at the closing one, false at a newline or the end */
  const quoted = (quote: string): boolean => {
    for (;;) {
      const c = src[pos++]
      if (c === '\\') {
        const d = src[pos]
        if (d !== undefined && d !== '\n') {
          pos++
          continue
        }
        return false
      }
      if (c === undefined || c === '\n') return false
      if (c === quote) return true
    }
  }

  for (;;) {
    // text up to the next action
    const x = src.indexOf('{{', pos)
    if (x < 0) {
      pos = src.length
      if (pos > start) emit('text')
      emit('eof')
      return items
    }
    const trim = hasLeftTrim(src, x + 2) ? src.slice(start, x).length - src.slice(start, x).replace(/[ \t\r\n]+$/, '').length : 0
    if (x - trim > start) {
      pos = x - trim
      emit('text')
    }
    start = x
    pos = x + 2
    const after = hasLeftTrim(src, pos) ? 2 : 0
    if (src.startsWith('/*', pos + after)) {
      pos += after
      start = pos
      const end = src.indexOf('*/', pos + 2)
      if (end < 0) return fail('unclosed comment')
      pos = end + 2
      const [delim, trimRight] = atRightDelim(pos)
      if (!delim) return fail('comment ends before closing delimiter')
      pos += (trimRight ? 2 : 0) + 2
      if (trimRight) pos += leftTrimLength(pos)
      start = pos
      continue
    }
    emit('leftDelim')
    pos += after
    start = pos
    let parenDepth = 0
    inside: for (;;) {
      const [delim, trimRight] = atRightDelim(pos)
      if (delim) {
        if (parenDepth !== 0) return fail('unclosed left paren')
        if (trimRight) start = pos += 2
        pos += 2
        emit('rightDelim')
        if (trimRight) start = pos += leftTrimLength(pos)
        break inside
      }
      const r = runeAt(src, pos)
      if (r === undefined) return fail('unclosed action')
      pos += r.length
      if (isSpace(r)) {
        pos--
        let n = 0
        while (isSpace(src[pos])) {
          pos++
          n++
        }
        // a space before `-}}` belongs to the delimiter
        if (hasRightTrim(src, pos - 1) && src.startsWith('}}', pos + 1)) {
          pos--
          if (n === 1) continue
        }
        emit('space')
        continue
      }
      switch (r) {
        case '=':
          emit('assign')
          continue
        case ':':
          if (src[pos] !== '=') return fail('expected :=')
          pos++
          emit('declare')
          continue
        case '|':
          emit('pipe')
          continue
        case '"':
          if (!quoted('"')) return fail('unterminated quoted string')
          emit('string')
          continue
        case '`': {
          const end = src.indexOf('`', pos)
          if (end < 0) return fail('unterminated raw quoted string')
          pos = end + 1
          emit('rawString')
          continue
        }
        case '$':
          if (!fieldOrVariable('variable')) return fail(`bad character ${runeU(runeAt(src, pos))}`)
          continue
        case "'":
          if (!quoted("'")) return fail('unterminated character constant')
          emit('charConstant')
          continue
        case '(':
          emit('leftParen')
          parenDepth++
          continue
        case ')':
          if (--parenDepth < 0) return fail('unexpected right paren')
          emit('rightParen')
          continue
      }
      if (r === '.' && pos < src.length && !(src[pos] >= '0' && src[pos] <= '9')) {
        if (!fieldOrVariable('field')) return fail(`bad character ${runeU(runeAt(src, pos))}`)
        continue
      }
      if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
        pos -= r.length
        if (!scanNumber()) return fail(`bad number syntax: ${goQuote(src.slice(start, pos))}`)
        if (src[pos] === '+' || src[pos] === '-') {
          if (!scanNumber() || src[pos - 1] !== 'i') return fail(`bad number syntax: ${goQuote(src.slice(start, pos))}`)
        }
        emit('number')
        continue
      }
      if (isAlnum(r)) {
        let c: string | undefined
        for (;;) {
          c = runeAt(src, pos)
          if (!isAlnum(c)) break
          pos += c!.length
        }
        if (!atTerminator(pos)) return fail(`bad character ${runeU(c)}`)
        const word = src.slice(start, pos)
        emit(KEYWORD_WORDS[word] ?? (word === 'true' || word === 'false' ? 'bool' : 'identifier'))
        continue
      }
      if (r.codePointAt(0)! < 0x80 && isPrint(r.codePointAt(0)!)) {
        emit('char')
        continue
      }
      return fail(`unrecognized character in action: ${runeU(r)}`)
    }
  }
}

/** Go's %#U: `U+002D '-'` */
function runeU(r: string | undefined): string {
  if (r === undefined) return 'U+FFFFFFFF'
  const cp = r.codePointAt(0)!
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0')
  return isPrint(cp) ? `${hex} '${r}'` : hex
}

function itemString(i: Item): string {
  if (i.typ === 'eof') return 'EOF'
  if (i.typ === 'error') return i.val
  if (KEYWORDS.has(i.typ)) return `<${i.val}>`
  const runes = [...i.val]
  if (runes.length > 10) return goQuote(runes.slice(0, 10).join('')) + '...'
  return goQuote(i.val)
}

// ---------------------------------------------------------------------------------------------
// Parse tree

interface Pos {
  pos: number
}
interface TextNode extends Pos {
  t: 'text'
  text: string
}
interface ActionNode extends Pos {
  t: 'action'
  pipe: PipeNode
}
interface ControlNode extends Pos {
  t: 'if' | 'with' | 'range'
  pipe: PipeNode
  list: ListNode
  elseList?: ListNode
}
interface ListNode extends Pos {
  t: 'list'
  nodes: Node[]
}
interface SimpleNode extends Pos {
  t: 'break' | 'continue' | 'end' | 'else' | 'dot' | 'nil'
}
interface PipeNode extends Pos {
  t: 'pipe'
  isAssign: boolean
  decl: VariableNode[]
  cmds: CommandNode[]
}
interface CommandNode extends Pos {
  t: 'command'
  args: ArgNode[]
}
interface FieldNode extends Pos {
  t: 'field'
  ident: string[]
}
interface VariableNode extends Pos {
  t: 'variable'
  ident: string[]
}
interface ChainNode extends Pos {
  t: 'chain'
  node: ArgNode
  fields: string[]
}
interface IdentifierNode extends Pos {
  t: 'identifier'
  name: string
}
interface BoolNode extends Pos {
  t: 'bool'
  value: boolean
}
interface NumberNode extends Pos {
  t: 'number'
  text: string
  isFloat: boolean
  value: number
  /** beyond int64 */
  overflows: boolean
}
interface StringNode extends Pos {
  t: 'string'
  quoted: string
  text: string
}

type ArgNode = FieldNode | VariableNode | ChainNode | IdentifierNode | BoolNode | NumberNode | StringNode | PipeNode | SimpleNode
type Node = TextNode | ActionNode | ControlNode | ListNode | SimpleNode | PipeNode | CommandNode | ArgNode

/** Go's Node.String(), used in execution errors (`at <.Foo>`) */
function nodeString(n: Node): string {
  switch (n.t) {
    case 'text':
      return n.text
    case 'action':
      return `{{${nodeString(n.pipe)}}}`
    case 'if':
    case 'with':
    case 'range':
      return `{{${n.t} ${nodeString(n.pipe)}}}${nodeString(n.list)}${n.elseList ? `{{else}}${nodeString(n.elseList)}` : ''}{{end}}`
    case 'list':
      return n.nodes.map(nodeString).join('')
    case 'break':
    case 'continue':
      return `{{${n.t}}}`
    case 'end':
      return '{{end}}'
    case 'else':
      return '{{else}}'
    case 'dot':
      return '.'
    case 'nil':
      return 'nil'
    case 'pipe': {
      const decl = n.decl.length ? n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ') : ''
      return decl + n.cmds.map(nodeString).join(' | ')
    }
    case 'command':
      return n.args.map((a) => (a.t === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ')
    case 'field':
      return n.ident.map((f) => '.' + f).join('')
    case 'variable':
      return n.ident.join('.')
    case 'chain':
      return (n.node.t === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)) + n.fields.map((f) => '.' + f).join('')
    case 'identifier':
      return n.name
    case 'bool':
      return String(n.value)
    case 'number':
      return n.text
    case 'string':
      return n.quoted
  }
}

// ---------------------------------------------------------------------------------------------
// Parser (Go's text/template/parse, same grammar and the same error wording)

const OPERAND_START = new Set<ItemType>(['bool', 'charConstant', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen'])

class Parser {
  private items: Item[]
  private i = 0
  private far = 0
  private vars = ['$']
  private rangeDepth = 0
  private actionLine = 0

  constructor(
    src: string,
    private name: string,
  ) {
    this.items = lex(src)
  }

  parse(): ListNode {
    const root: ListNode = {t: 'list', pos: 0, nodes: []}
    while (this.peek().typ !== 'eof') {
      const n = this.textOrAction()
      if (n.t === 'end' || n.t === 'else') this.errorf(`unexpected ${nodeString(n)}`)
      root.nodes.push(n)
    }
    return root
  }

  private next(): Item {
    const item = this.items[Math.min(this.i, this.items.length - 1)]
    this.far = Math.max(this.far, Math.min(this.i, this.items.length - 1))
    this.i++
    return item
  }
  private backup(n = 1): void {
    this.i -= n
  }
  private peek(): Item {
    const item = this.next()
    this.backup()
    return item
  }
  private nextNonSpace(): Item {
    let item: Item
    do item = this.next()
    while (item.typ === 'space')
    return item
  }
  private peekNonSpace(): Item {
    const item = this.nextNonSpace()
    this.backup()
    return item
  }
  private errorf(message: string): never {
    throw new GoTemplateError(`template: ${this.name}:${this.items[this.far].line}: ${message}`)
  }
  private unexpected(item: Item, context: string): never {
    if (item.typ === 'error') {
      let extra = ''
      if (this.actionLine !== 0 && this.actionLine !== item.line) {
        extra = ` in action started at ${this.name}:${this.actionLine}`
        if (item.val.endsWith(' action')) extra = extra.slice(' in action'.length)
      }
      this.errorf(item.val + extra)
    }
    this.errorf(`unexpected ${itemString(item)} in ${context}`)
  }
  private expect(typ: ItemType, context: string): Item {
    const item = this.nextNonSpace()
    if (item.typ !== typ) this.unexpected(item, context)
    return item
  }

  private textOrAction(): Node {
    const item = this.nextNonSpace()
    switch (item.typ) {
      case 'text':
        return {t: 'text', pos: item.pos, text: item.val}
      case 'leftDelim':
        this.actionLine = item.line
        try {
          return this.action()
        } finally {
          this.actionLine = 0
        }
      default:
        this.unexpected(item, 'input')
    }
  }

  private action(): Node {
    const item = this.nextNonSpace()
    switch (item.typ) {
      case 'block':
      case 'define':
      case 'template':
        this.errorf(`{{${item.val}}} is not supported: mkr runs a single template`)
      // falls through (errorf throws)
      case 'break':
      case 'continue': {
        const next = this.nextNonSpace()
        if (next.typ !== 'rightDelim') this.unexpected(next, `{{${item.val}}}`)
        if (this.rangeDepth === 0) this.errorf(`{{${item.val}}} outside {{range}}`)
        return {t: item.typ, pos: item.pos}
      }
      case 'else': {
        const peek = this.peekNonSpace()
        if (peek.typ === 'if' || peek.typ === 'with') return {t: 'else', pos: peek.pos}
        return {t: 'else', pos: this.expect('rightDelim', 'else').pos}
      }
      case 'end':
        return {t: 'end', pos: this.expect('rightDelim', 'end').pos}
      case 'if':
      case 'range':
      case 'with':
        return this.control(item.typ)
    }
    this.backup()
    const pos = this.peek().pos
    return {t: 'action', pos, pipe: this.pipeline('command', 'rightDelim')}
  }

  private control(context: 'if' | 'range' | 'with'): ControlNode {
    const mark = this.vars.length
    try {
      const pipe = this.pipeline(context, 'rightDelim')
      if (context === 'range') this.rangeDepth++
      let [list, next] = this.itemList()
      if (context === 'range') this.rangeDepth--
      let elseList: ListNode | undefined
      if (next.t === 'else') {
        // `{{else if ...}}` / `{{else with ...}}`: a nested if/with that takes the `{{end}}`
        if ((context === 'if' && this.peek().typ === 'if') || (context === 'with' && this.peek().typ === 'with')) {
          this.next()
          elseList = {t: 'list', pos: next.pos, nodes: [this.control(context)]}
        } else {
          ;[elseList, next] = this.itemList()
          if (next.t !== 'end') this.errorf(`expected end; found ${nodeString(next)}`)
        }
      }
      return {t: context, pos: pipe.pos, pipe, list, elseList}
    } finally {
      this.vars.length = mark
    }
  }

  private itemList(): [ListNode, Node] {
    const list: ListNode = {t: 'list', pos: this.peekNonSpace().pos, nodes: []}
    while (this.peekNonSpace().typ !== 'eof') {
      const n = this.textOrAction()
      if (n.t === 'end' || n.t === 'else') return [list, n]
      list.nodes.push(n)
    }
    this.errorf('unexpected EOF')
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const pipe: PipeNode = {t: 'pipe', pos: this.peekNonSpace().pos, isAssign: false, decl: [], cmds: []}
    decls: for (;;) {
      const v = this.peekNonSpace()
      if (v.typ !== 'variable') break
      this.nextNonSpace()
      const afterVariable = this.peek()
      const next = this.peekNonSpace()
      if (next.typ === 'assign' || next.typ === 'declare') {
        pipe.isAssign = next.typ === 'assign'
        this.nextNonSpace()
        pipe.decl.push({t: 'variable', pos: v.pos, ident: [v.val]})
        this.vars.push(v.val)
      } else if (next.typ === 'char' && next.val === ',') {
        this.nextNonSpace()
        pipe.decl.push({t: 'variable', pos: v.pos, ident: [v.val]})
        this.vars.push(v.val)
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().typ
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue decls
          this.errorf('range can only initialize variables')
        }
        this.errorf(`too many declarations in ${context}`)
      } else if (afterVariable.typ === 'space') {
        this.backup(2) // the variable and the space after it
      } else {
        this.backup()
      }
      break
    }
    for (;;) {
      const item = this.nextNonSpace()
      if (item.typ === end) {
        if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`)
        pipe.cmds.slice(1).forEach((c, i) => {
          if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0].t)) this.errorf(`non executable command in pipeline stage ${i + 2}`)
        })
        return pipe
      }
      if (!OPERAND_START.has(item.typ)) this.unexpected(item, context)
      this.backup()
      pipe.cmds.push(this.command())
    }
  }

  private command(): CommandNode {
    const cmd: CommandNode = {t: 'command', pos: this.peekNonSpace().pos, args: []}
    for (;;) {
      this.peekNonSpace()
      const operand = this.operand()
      if (operand) cmd.args.push(operand)
      const item = this.next()
      if (item.typ === 'space') continue
      if (item.typ === 'rightDelim' || item.typ === 'rightParen') this.backup()
      else if (item.typ !== 'pipe') this.unexpected(item, 'operand')
      break
    }
    if (cmd.args.length === 0) this.errorf('empty command')
    return cmd
  }

  private operand(): ArgNode | undefined {
    const node = this.term()
    if (!node || this.peek().typ !== 'field') return node
    const pos = this.peek().pos
    const fields: string[] = []
    while (this.peek().typ === 'field') fields.push(this.next().val.slice(1))
    switch (node.t) {
      case 'field':
        return {t: 'field', pos, ident: [...node.ident, ...fields]}
      case 'variable':
        return {t: 'variable', pos, ident: [...node.ident, ...fields]}
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${goQuote(nodeString(node))}`)
      // falls through (errorf throws)
      default:
        return {t: 'chain', pos, node, fields}
    }
  }

  private term(): ArgNode | undefined {
    const item = this.nextNonSpace()
    switch (item.typ) {
      case 'identifier':
        if (!Object.hasOwn(BUILTINS, item.val)) this.errorf(`function ${goQuote(item.val)} not defined`)
        return {t: 'identifier', pos: item.pos, name: item.val}
      case 'dot':
        return {t: 'dot', pos: item.pos}
      case 'nil':
        return {t: 'nil', pos: item.pos}
      case 'variable':
        if (!this.vars.includes(item.val)) this.errorf(`undefined variable ${goQuote(item.val)}`)
        return {t: 'variable', pos: item.pos, ident: [item.val]}
      case 'field':
        return {t: 'field', pos: item.pos, ident: [item.val.slice(1)]}
      case 'bool':
        return {t: 'bool', pos: item.pos, value: item.val === 'true'}
      case 'charConstant':
      case 'number':
        return this.number(item)
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen')
      case 'string':
      case 'rawString': {
        const text = item.typ === 'rawString' ? item.val.slice(1, -1).replace(/\r/g, '') : unquote(item.val.slice(1, -1), '"')
        if (text === undefined) this.errorf('invalid syntax')
        return {t: 'string', pos: item.pos, quoted: item.val, text}
      }
    }
    this.backup()
    return undefined
  }

  private number(item: Item): NumberNode {
    const text = item.val
    const node = (value: number, isFloat: boolean, overflows = false): NumberNode => ({t: 'number', pos: item.pos, text, value, isFloat, overflows})
    if (item.typ === 'charConstant') {
      const s = unquote(text.slice(1, -1), "'")
      const runes = s === undefined ? [] : [...s]
      if (runes.length !== 1) this.errorf(`malformed character constant: ${text}`)
      return node(runes[0].codePointAt(0)!, false)
    }
    if (text.endsWith('i')) this.errorf(`complex number ${text} is not supported`)
    const int = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(text)
    if (int) {
      let digits = int[2].replace(/_/g, '')
      if (/^0[0-7]/.test(digits)) digits = '0o' + digits.slice(1)
      if (!/_$|__|^[+-]?_/.test(int[2])) {
        const big = BigInt(digits) * (int[1] === '-' ? -1n : 1n)
        const overflows = big > 9223372036854775807n || big < -9223372036854775808n
        return node(Number(big), false, overflows)
      }
    }
    const float = /^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d[\d_]*)?$/.exec(text)
    if (float && !/__|_$/.test(text)) return node(Number(text.replace(/_/g, '')), /[.eE]/.test(text))
    this.errorf(`illegal number syntax: ${goQuote(text)}`)
  }
}

/** Go's strconv.Unquote of a quoted string's body; undefined when it is not valid Go syntax. */
function unquote(body: string, quote: '"' | "'"): string | undefined {
  const bytes: number[] = []
  const pushRune = (cp: number): void => void bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'))
  const simple: Record<string, number> = {a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92}
  for (let i = 0; i < body.length; ) {
    const cp = body.codePointAt(i)!
    const c = String.fromCodePoint(cp)
    i += c.length
    if (c === quote || c === '\n') return undefined
    if (c !== '\\') {
      pushRune(cp)
      continue
    }
    const e = body[i++]
    if (e === undefined) return undefined
    if (e in simple) bytes.push(simple[e])
    else if (e === quote) bytes.push(quote.charCodeAt(0))
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8
      const hex = body.slice(i, i + n)
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return undefined
      i += n
      const v = parseInt(hex, 16)
      if (e === 'x') bytes.push(v)
      else if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined
      else pushRune(v)
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i - 1, i + 2)
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined
      i += 2
      bytes.push(parseInt(oct, 8))
    } else return undefined
  }
  return Buffer.from(bytes).toString('utf8')
}

// ---------------------------------------------------------------------------------------------
// Execution (Go's text/template/exec)

type Val = GoValue | undefined // undefined: Go's invalid reflect.Value (`<no value>`)
const MISSING: unique symbol = Symbol('no final argument')
type Final = Val | typeof MISSING
const BREAK = Symbol('break')
const CONTINUE = Symbol('continue')

/** what a builtin's parameter is declared as in Go: reflect.Value, any, or string */
type Param = 'value' | 'any' | 'string'

interface Builtin {
  params: Param[]
  /** the element type of a final `...` parameter */
  variadic?: Param
  call: (args: Val[], nodes: ArgNode[]) => Val
}

const int = (n: number): GoValue => new GoValue(INT, n)
const bool = (b: boolean): GoValue => new GoValue(BOOL, b)
const str = (s: string): GoValue => new GoValue(STRING, s)

class Exec {
  private out: string[] = []
  private vars: {name: string; value: Val}[]
  private node: Node | undefined

  constructor(
    private src: string,
    private name: string,
    data: Val,
  ) {
    this.vars = [{name: '$', value: data}]
  }

  run(root: ListNode): string {
    this.walk(this.vars[0].value, root)
    return this.out.join('')
  }

  private at(n: Node): void {
    this.node = n
  }

  private errorf(message: string): never {
    const n = this.node!
    const before = this.src.slice(0, n.pos)
    const nl = before.lastIndexOf('\n')
    const column = Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1))
    const line = 1 + (before.match(/\n/g)?.length ?? 0)
    let context = nodeString(n)
    if (Buffer.byteLength(context) > 20) context = [...context].slice(0, 20).join('') + '...'
    throw new GoTemplateError(
      `template: ${this.name}:${line}:${column}: executing ${goQuote(this.name)} at <${context}>: ${message}`,
      this.out.join(''),
    )
  }

  private walk(dot: Val, node: Node): void {
    switch (node.t) {
      case 'action': {
        const value = this.evalPipeline(dot, node.pipe)
        if (node.pipe.decl.length === 0) {
          this.at(node)
          this.out.push(printable(value))
        }
        return
      }
      case 'break':
        throw BREAK
      case 'continue':
        throw CONTINUE
      case 'if':
      case 'with': {
        const mark = this.vars.length
        try {
          const value = this.evalPipeline(dot, node.pipe)
          if (isTrue(indirectInterface(value))) this.walk(node.t === 'with' ? value : dot, node.list)
          else if (node.elseList) this.walk(dot, node.elseList)
        } finally {
          this.vars.length = mark
        }
        return
      }
      case 'list':
        for (const n of node.nodes) this.walk(dot, n)
        return
      case 'range':
        return this.walkRange(dot, node)
      case 'text':
        this.out.push(node.text)
        return
    }
  }

  private walkRange(dot: Val, r: ControlNode): void {
    this.at(r)
    const outer = this.vars.length
    try {
      const [value] = indirect(this.evalPipeline(dot, r.pipe))
      const mark = this.vars.length
      const {decl, isAssign} = r.pipe
      const iteration = (index: Val, elem: Val): void => {
        if (decl.length > 0) {
          if (isAssign) this.setVar(decl[0].ident[0], decl.length > 1 ? index : elem)
          else this.vars[this.vars.length - 1].value = elem
        }
        if (decl.length > 1) {
          if (isAssign) this.setVar(decl[1].ident[0], elem)
          else this.vars[this.vars.length - 2].value = index
        }
        try {
          this.walk(elem, r.list)
        } catch (e) {
          if (e !== CONTINUE) throw e
        } finally {
          this.vars.length = mark
        }
      }
      switch (value?.type.kind) {
        case 'slice': {
          const items = (value.v as GoValue[] | null) ?? []
          if (items.length === 0) break
          items.forEach((e, i) => iteration(int(i), e))
          return
        }
        case 'map': {
          const m = value.v as Map<string, GoValue> | null
          if (!m || m.size === 0) break
          for (const k of [...m.keys()].sort(compareBytes)) iteration(new GoValue(STRING, k), m.get(k))
          return
        }
        case 'int':
        case 'int32':
        case 'int64':
        case 'uint8': {
          if (decl.length > 1) this.errorf(`can't use ${sprint([value])} to iterate over more than one variable`)
          const n = value.v as number
          if (n <= 0) break
          for (let i = 0; i < n; i++) iteration(new GoValue(value.type, i), new GoValue(value.type, i))
          return
        }
        case undefined:
          break // a nil interface: not an error
        default:
          this.errorf(`range can't iterate over ${sprint([value])}`)
      }
      if (r.elseList) this.walk(dot, r.elseList)
    } catch (e) {
      if (e !== BREAK) throw e
    } finally {
      this.vars.length = outer
    }
  }

  private setVar(name: string, value: Val): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value
        return
      }
    }
    this.errorf(`undefined variable: ${name}`)
  }

  private varValue(name: string): Val {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value
    this.errorf(`undefined variable: ${name}`)
  }

  private evalPipeline(dot: Val, pipe: PipeNode): Val {
    this.at(pipe)
    let value: Final = MISSING
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value)
      // an `any` is replaced by what it holds
      if (value?.type.kind === 'interface') value = (value.v as GoValue | null) ?? undefined
    }
    const result = value as Val
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0], result)
      else this.vars.push({name: v.ident[0], value: result})
    }
    return result
  }

  private evalCommand(dot: Val, cmd: CommandNode, final: Final): Val {
    const first = cmd.args[0]
    switch (first.t) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final)
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final)
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final)
      case 'pipe':
        this.notAFunction(cmd.args, final)
        return this.evalPipeline(dot, first)
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final)
    }
    this.at(first)
    this.notAFunction(cmd.args, final)
    switch (first.t) {
      case 'bool':
        return bool(first.value)
      case 'dot':
        return dot
      case 'nil':
        this.errorf('nil is not a command')
      // falls through (errorf throws)
      case 'number':
        return this.idealConstant(first)
      case 'string':
        return str(first.text)
    }
    this.errorf(`can't evaluate command ${goQuote(nodeString(first))}`)
  }

  private notAFunction(args: ArgNode[] | null, final: Final): void {
    if ((args && args.length > 1) || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args![0])}`)
  }

  private idealConstant(n: NumberNode): GoValue {
    this.at(n)
    if (n.isFloat) return new GoValue(FLOAT64, n.value)
    if (n.overflows) this.errorf(`${n.text} overflows int`)
    return int(n.value)
  }

  private evalFieldNode(dot: Val, field: FieldNode, args: ArgNode[] | null, final: Final): Val {
    this.at(field)
    return this.evalFieldChain(dot, dot, field, field.ident, args, final)
  }

  private evalChainNode(dot: Val, chain: ChainNode, args: ArgNode[] | null, final: Final): Val {
    this.at(chain)
    if (chain.node.t === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`)
    const receiver = this.evalArg(dot, 'value', chain.node)
    return this.evalFieldChain(dot, receiver, chain, chain.fields, args, final)
  }

  private evalVariableNode(dot: Val, v: VariableNode, args: ArgNode[] | null, final: Final): Val {
    this.at(v)
    const value = this.varValue(v.ident[0])
    if (v.ident.length === 1) {
      this.notAFunction(args, final)
      return value
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final)
  }

  private evalFieldChain(dot: Val, receiver: Val, node: Node, ident: string[], args: ArgNode[] | null, final: Final): Val {
    for (let i = 0; i < ident.length - 1; i++) receiver = this.evalField(dot, ident[i], node, null, MISSING, receiver)
    return this.evalField(dot, ident[ident.length - 1], node, args, final, receiver)
  }

  private evalField(dot: Val, fieldName: string, node: Node, args: ArgNode[] | null, final: Final, receiver: Val): Val {
    if (receiver === undefined) return undefined
    const typ = typeString(receiver.type)
    const [r, isNil] = indirect(receiver)
    if (r.type.kind === 'interface' && isNil) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`)
    const structType = r.type.kind === 'ptr' ? r.type.elem! : r.type
    const method = structType.methods?.[fieldName]
    if (method) {
      const fn: Builtin = {
        params: [],
        call: () => {
          if (isNil) throw new Error('runtime error: invalid memory address or nil pointer dereference')
          return method.call(r)
        },
      }
      return this.evalCall(dot, fn, false, node, fieldName, args, final)
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING
    switch (r.type.kind) {
      case 'struct': {
        const i = r.type.fields!.findIndex((f) => f.name === fieldName)
        if (i < 0) break
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`)
        return (r.v as GoValue[])[i]
      }
      case 'map':
        if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`)
        return (r.v as Map<string, GoValue> | null)?.get(fieldName)
      case 'ptr':
        if (structType.kind === 'struct' && !structType.fields!.some((f) => f.name === fieldName)) break
        if (isNil) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`)
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`)
  }

  private evalFunction(dot: Val, node: IdentifierNode, cmd: Node, args: ArgNode[] | null, final: Final): Val {
    this.at(node)
    return this.evalCall(dot, BUILTINS[node.name], true, cmd, node.name, args, final)
  }

  private evalCall(dot: Val, fn: Builtin, isBuiltin: boolean, node: Node, name: string, args: ArgNode[] | null, final: Final): Val {
    const rest = args ? args.slice(1) : []
    const numIn = rest.length + (final !== MISSING ? 1 : 0)
    let numFixed = rest.length
    if (fn.variadic) {
      numFixed = fn.params.length
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${rest.length}`)
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`)
    }
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: Val
      for (const a of rest) {
        v = this.evalArg(dot, 'value', a)
        if (isTrue(indirectInterface(v)) === (name === 'or')) return v
      }
      if (final !== MISSING) v = final
      return v
    }
    const argv: Val[] = []
    let i = 0
    for (; i < numFixed && i < rest.length; i++) argv.push(this.evalArg(dot, fn.params[i], rest[i]))
    if (fn.variadic) for (; i < rest.length; i++) argv.push(this.evalArg(dot, fn.variadic, rest[i]))
    if (final !== MISSING) {
      const t = fn.variadic ? (numIn - 1 < numFixed ? fn.params[numIn - 1] : fn.variadic) : fn.params[fn.params.length - 1]
      argv.push(this.validateType(final, t))
    }
    try {
      return fn.call(argv, rest)
    } catch (e) {
      if (e instanceof GoTemplateError) throw e
      this.at(node)
      this.errorf(`error calling ${name}: ${(e as Error).message}`)
    }
  }

  private evalArg(dot: Val, typ: Param, n: ArgNode): Val {
    this.at(n)
    switch (n.t) {
      case 'dot':
        return this.validateType(dot, typ)
      case 'nil':
        if (typ === 'string') this.errorf('cannot assign nil to string')
        return undefined
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ)
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ)
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ)
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ)
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ)
    }
    if (typ === 'string') {
      if (n.t === 'string') return str(n.text)
      this.errorf(`expected string; found ${nodeString(n)}`)
    }
    switch (n.t) {
      case 'bool':
        return bool(n.value)
      case 'number':
        return this.idealConstant(n)
      case 'string':
        return str(n.text)
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`)
  }

  private validateType(value: Val, typ: Param): Val {
    if (typ !== 'string') return value
    if (value === undefined) this.errorf('invalid value; expected string')
    let v = value
    if (v.type.kind === 'interface' && v.v !== null) v = v.v as GoValue
    if (v.type.kind === 'ptr' && v.type.elem!.kind === 'string' && !v.type.elem!.name) {
      if (v.v === null) this.errorf('dereference of nil pointer of type string')
      v = v.v as GoValue
    }
    if (v.type.kind === 'string' && !v.type.name) return v
    this.errorf(`wrong type for value; expected string; got ${typeString(value.type)}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Values: Go's rules for truth, indirection, comparison

function indirect(v: GoValue): [GoValue, boolean]
function indirect(v: Val): [Val, boolean]
function indirect(v: Val): [Val, boolean] {
  while (v && (v.type.kind === 'ptr' || v.type.kind === 'interface')) {
    if (v.v === null) return [v, true]
    v = v.v as GoValue
  }
  return [v, false]
}

function indirectInterface(v: Val): Val {
  if (v?.type.kind !== 'interface') return v
  return (v.v as GoValue | null) ?? undefined
}

function isTrue(v: Val): boolean {
  if (v === undefined) return false
  switch (v.type.kind) {
    case 'string':
      return (v.v as string).length > 0
    case 'slice':
      return ((v.v as GoValue[] | null)?.length ?? 0) > 0
    case 'map':
      return ((v.v as Map<string, GoValue> | null)?.size ?? 0) > 0
    case 'bool':
      return v.v as boolean
    case 'ptr':
    case 'interface':
      return v.v !== null
    case 'struct':
      return true
    default:
      return (v.v as number) !== 0
  }
}

function isNilValue(v: Val): boolean {
  if (v === undefined) return true
  return ['slice', 'map', 'ptr', 'interface'].includes(v.type.kind) && v.v === null
}

type BasicKind = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'invalid'

function basicKind(v: Val): BasicKind {
  switch (v?.type.kind) {
    case 'bool':
      return 'bool'
    case 'int':
    case 'int32':
    case 'int64':
      return 'int'
    case 'uint8':
      return 'uint'
    case 'float64':
      return 'float'
    case 'string':
      return 'string'
    default:
      return 'invalid'
  }
}

function comparable(t: GoType): boolean {
  switch (t.kind) {
    case 'slice':
    case 'map':
      return false
    case 'struct':
      return t.fields!.every((f) => comparable(f.type))
    default:
      return true
  }
}

function sameValue(a: GoValue, b: GoValue): boolean {
  if (a.type !== b.type && typeString(a.type) !== typeString(b.type)) return false
  switch (a.type.kind) {
    case 'struct':
      return (a.v as GoValue[]).every((f, i) => sameValue(f, (b.v as GoValue[])[i]))
    case 'interface':
      return a.v === b.v || (a.v !== null && b.v !== null && sameValue(a.v as GoValue, b.v as GoValue))
    default:
      return a.v === b.v
  }
}

function eq(args: Val[]): boolean {
  const a = indirectInterface(args[0])
  if (args.length < 2) throw new Error('missing argument for comparison')
  const k1 = basicKind(a)
  for (const raw of args.slice(1)) {
    const b = indirectInterface(raw)
    const k2 = basicKind(b)
    let truth = false
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') truth = (a!.v as number) >= 0 && a!.v === b!.v
      else if (k1 === 'uint' && k2 === 'int') truth = (b!.v as number) >= 0 && a!.v === b!.v
      else if (a !== undefined && b !== undefined) throw new Error('incompatible types for comparison')
    } else if (k1 !== 'invalid') {
      truth = k1 === 'string' ? compareBytes(a!.v as string, b!.v as string) === 0 : a!.v === b!.v
    } else {
      if (a !== undefined && b !== undefined && typeString(a.type) !== typeString(b.type)) {
        throw new Error(`non-comparable types ${sprint([a])}: ${typeString(a.type)}, ${typeString(b.type)}: ${sprint([b])}`)
      }
      if (isNilValue(a) || isNilValue(b)) truth = isNilValue(a) === isNilValue(b)
      else if (!comparable(b!.type)) throw new Error(`non-comparable type ${sprint([b])}: ${typeString(b!.type)}`)
      else truth = sameValue(a!, b!)
    }
    if (truth) return true
  }
  return false
}

function lt(x: Val, y: Val): boolean {
  const a = indirectInterface(x)
  const b = indirectInterface(y)
  const k1 = basicKind(a)
  const k2 = basicKind(b)
  if (k1 === 'invalid' || k2 === 'invalid') throw new Error('invalid type for comparison')
  const av = a!.v as number | string
  const bv = b!.v as number | string
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) return av < bv
    throw new Error('incompatible types for comparison')
  }
  if (k1 === 'bool') throw new Error('invalid type for comparison')
  return k1 === 'string' ? compareBytes(av as string, bv as string) < 0 : av < bv
}

const le = (a: Val, b: Val): boolean => lt(a, b) || eq([a, b])

/** Go compares strings byte by byte (UTF-8), not by UTF-16 code unit */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

function indexArg(index: Val, cap: number): number {
  if (index === undefined) throw new Error('cannot index slice/array with nil')
  if (!['int', 'int32', 'int64', 'uint8'].includes(index.type.kind)) throw new Error(`cannot index slice/array with type ${typeString(index.type)}`)
  const x = index.v as number
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`)
  return x
}

function index(args: Val[]): Val {
  let item = indirectInterface(args[0])
  if (item === undefined) throw new Error('index of untyped nil')
  for (const raw of args.slice(1)) {
    const i = indirectInterface(raw)
    let isNil: boolean
    ;[item, isNil] = indirect(item!)
    if (isNil) throw new Error('index of nil pointer')
    const it: GoValue = item!
    switch (it.type.kind) {
      case 'slice': {
        const items = (it.v as GoValue[] | null) ?? []
        const x = indexArg(i, items.length)
        if (x === items.length) throw new Error('reflect: slice index out of range')
        item = items[x]
        break
      }
      case 'string': {
        const bytes = Buffer.from(it.v as string, 'utf8')
        const x = indexArg(i, bytes.length)
        if (x === bytes.length) throw new Error('reflect: string index out of range')
        item = new GoValue(UINT8, bytes[x])
        break
      }
      case 'map': {
        if (i === undefined) throw new Error('value is nil; should be of type string')
        if (i.type.kind !== 'string' || i.type.name) throw new Error(`value has type ${typeString(i.type)}; should be string`)
        item = (it.v as Map<string, GoValue> | null)?.get(i.v as string) ?? zeroValue(it.type.elem!)
        break
      }
      default:
        throw new Error(`can't index item of type ${typeString(it.type)}`)
    }
  }
  return item
}

function slice(args: Val[]): Val {
  const item = indirectInterface(args[0])
  if (item === undefined) throw new Error('slice of untyped nil')
  const indexes = args.slice(1)
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`)
  let length: number
  if (item.type.kind === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string')
    length = Buffer.byteLength(item.v as string)
  } else if (item.type.kind === 'slice') {
    length = ((item.v as GoValue[] | null) ?? []).length
  } else throw new Error(`can't slice item of type ${typeString(item.type)}`)
  const idx = [0, length, length]
  indexes.forEach((x, i) => (idx[i] = indexArg(x, length)))
  if (idx[0] > idx[1]) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`)
  if (indexes.length === 3 && idx[1] > idx[2]) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`)
  if (item.type.kind === 'string') return new GoValue(item.type, Buffer.from(item.v as string, 'utf8').subarray(idx[0], idx[1]).toString('utf8'))
  return new GoValue(item.type, ((item.v as GoValue[] | null) ?? []).slice(idx[0], idx[1]))
}

function length(args: Val[]): Val {
  if (args[0] === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value')
  const [item, isNil] = indirect(args[0])
  if (isNil) throw new Error('len of nil pointer')
  switch (item.type.kind) {
    case 'slice':
      return int(((item.v as GoValue[] | null) ?? []).length)
    case 'map':
      return int((item.v as Map<string, GoValue> | null)?.size ?? 0)
    case 'string':
      return int(Buffer.byteLength(item.v as string))
  }
  throw new Error(`len of type ${typeString(item.type)}`)
}

/** the text of html/js/urlquery's arguments */
function evalArgs(args: Val[]): string {
  const a = args.map(unwrapAny)
  if (a.length === 1 && a[0]?.type.kind === 'string' && !a[0].type.name) return a[0].v as string
  return sprint(a.map((v) => (v === undefined ? str('<no value>') : v)))
}

const BUILTINS: Record<string, Builtin> = {
  and: {params: ['value'], variadic: 'value', call: () => undefined}, // evaluated lazily in evalCall
  or: {params: ['value'], variadic: 'value', call: () => undefined},
  not: {params: ['value'], call: ([a]) => bool(!isTrue(indirectInterface(a)))},
  len: {params: ['value'], call: length},
  index: {params: ['value'], variadic: 'value', call: index},
  slice: {params: ['value'], variadic: 'value', call: slice},
  print: {params: [], variadic: 'any', call: (a) => str(sprint(a.map(unwrapAny)))},
  println: {params: [], variadic: 'any', call: (a) => str(sprintln(a.map(unwrapAny)))},
  printf: {params: ['string'], variadic: 'any', call: ([f, ...a]) => str(sprintf(f!.v as string, a.map(unwrapAny)))},
  eq: {params: ['value'], variadic: 'value', call: (a) => bool(eq(a))},
  ne: {params: ['value', 'value'], call: (a) => bool(!eq(a))},
  lt: {params: ['value', 'value'], call: ([a, b]) => bool(lt(a, b))},
  le: {params: ['value', 'value'], call: ([a, b]) => bool(le(a, b))},
  gt: {params: ['value', 'value'], call: ([a, b]) => bool(!le(a, b))},
  ge: {params: ['value', 'value'], call: ([a, b]) => bool(!lt(a, b))},
  html: {params: [], variadic: 'any', call: (a) => str(htmlEscape(evalArgs(a)))},
  js: {params: [], variadic: 'any', call: (a) => str(jsEscape(evalArgs(a)))},
  urlquery: {params: [], variadic: 'any', call: (a) => str(queryEscape(evalArgs(a)))},
  call: {
    params: ['value'],
    variadic: 'value',
    call: ([f], nodes) => {
      const fn = indirectInterface(f)
      if (fn === undefined) throw new Error('call of nil')
      throw new Error(`non-function ${nodeString(nodes[0])} of type ${typeString(fn.type)}`)
    },
  },
}

function htmlEscape(s: string): string {
  return s.replace(/[<>&'"\0]/g, (c) => ({'<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD'})[c]!)
}

function jsEscape(s: string): string {
  let out = ''
  for (const c of s) {
    const cp = c.codePointAt(0)!
    switch (c) {
      case '\\':
        out += '\\\\'
        break
      case "'":
        out += "\\'"
        break
      case '"':
        out += '\\"'
        break
      case '<':
        out += '\\u003C'
        break
      case '>':
        out += '\\u003E'
        break
      case '&':
        out += '\\u0026'
        break
      case '=':
        out += '\\u003D'
        break
      default:
        out += cp < 0x20 || !isPrint(cp) ? `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}` : c
    }
  }
  return out
}

function queryEscape(s: string): string {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b)
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c
    else if (c === ' ') out += '+'
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

/** what `{{pipeline}}` prints: a pointer is followed, a missing value is `<no value>` */
function printable(v: Val): string {
  if (v?.type.kind === 'ptr') v = indirect(v)[0]
  if (v === undefined) return '<no value>'
  return sprint([v])
}

function unwrapAny(v: Val): Val {
  return v?.type.kind === 'interface' ? ((v.v as GoValue | null) ?? undefined) : v
}

// ---------------------------------------------------------------------------------------------
// fmt: Go's Sprint, Sprintln, Sprintf over Go values (an argument `undefined` is a nil `any`)

interface Flags {
  plus: boolean
  minus: boolean
  sharp: boolean
  space: boolean
  zero: boolean
  plusV: boolean
  sharpV: boolean
  wid?: number
  prec?: number
}

const noFlags = (): Flags => ({plus: false, minus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false})

const isStringArg = (v: Val): boolean => v?.type.kind === 'string'

function sprint(args: Val[]): string {
  let out = ''
  args.forEach((a, i) => {
    if (i > 0 && !isStringArg(a) && !isStringArg(args[i - 1])) out += ' '
    out += printArg(a, 'v', noFlags())
  })
  return out
}

function sprintln(args: Val[]): string {
  return args.map((a) => printArg(a, 'v', noFlags())).join(' ') + '\n'
}

function sprintf(format: string, args: Val[]): string {
  let out = ''
  let argNum = 0
  const intArg = (): number | undefined => {
    const a = args[argNum]
    if (argNum >= args.length || a === undefined || !['int', 'int32', 'int64', 'uint8'].includes(a.type.kind)) {
      argNum++
      return undefined
    }
    argNum++
    return a.v as number
  }
  let i = 0
  while (i < format.length) {
    const pct = format.indexOf('%', i)
    if (pct < 0) {
      out += format.slice(i)
      break
    }
    out += format.slice(i, pct)
    i = pct + 1
    const f = noFlags()
    flags: for (; i < format.length; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true
          break
        case '0':
          f.zero = !f.minus
          break
        case '+':
          f.plus = true
          break
        case '-':
          f.minus = true
          f.zero = false
          break
        case ' ':
          f.space = true
          break
        default:
          break flags
      }
    }
    if (format[i] === '*') {
      i++
      const w = intArg()
      if (w === undefined) out += '%!(BADWIDTH)'
      else if (w < 0) {
        f.wid = -w
        f.minus = true
        f.zero = false
      } else f.wid = w
    } else {
      const m = /^\d+/.exec(format.slice(i))
      if (m) {
        f.wid = Number(m[0])
        i += m[0].length
      }
    }
    if (format[i] === '.') {
      i++
      if (format[i] === '*') {
        i++
        const p = intArg()
        if (p === undefined) out += '%!(BADPREC)'
        else if (p >= 0) f.prec = p
      } else {
        const m = /^\d*/.exec(format.slice(i))!
        f.prec = m[0] ? Number(m[0]) : 0
        i += m[0].length
      }
    }
    if (i >= format.length) {
      out += '%!(NOVERB)'
      break
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!)
    i += verb.length
    if (verb === '%') {
      out += '%'
      continue
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`
      continue
    }
    if (verb === 'v') {
      f.sharpV = f.sharp
      f.sharp = false
      f.plusV = f.plus
      f.plus = false
    }
    out += printArg(args[argNum++], verb, f)
  }
  if (argNum < args.length) {
    const extra = args.slice(argNum).map((a) => (a === undefined ? '<nil>' : `${typeString(a.type)}=${printArg(a, 'v', noFlags())}`))
    out += `%!(EXTRA ${extra.join(', ')})`
  }
  return out
}

function printArg(v: Val, verb: string, f: Flags): string {
  if (v === undefined) return verb === 'T' || verb === 'v' ? pad('<nil>', f) : badVerb(verb, v, f)
  if (verb === 'T') return pad(typeString(v.type), f)
  return printValue(v, verb, f, 0)
}

function badVerb(verb: string, v: Val, f: Flags): string {
  return `%!${verb}(${v === undefined ? '<nil>' : `${typeString(v.type)}=${printValue(v, 'v', f, 0)}`})`
}

function printValue(v: GoValue, verb: string, f: Flags, depth: number): string {
  const t = v.type
  switch (t.kind) {
    case 'bool':
      return verb === 't' || verb === 'v' ? pad(String(v.v), f) : badVerb(verb, v, f)
    case 'int':
    case 'int32':
    case 'int64':
    case 'uint8':
      return fmtInteger(v, verb, f)
    case 'float64':
      return fmtFloat(v, verb, f)
    case 'string':
      return fmtString(v, verb, f)
    case 'map': {
      const m = v.v as Map<string, GoValue> | null
      const keys = m ? [...m.keys()].sort(compareBytes) : []
      if (f.sharpV) {
        if (!m) return `${typeString(t)}(nil)`
        return `${typeString(t)}{${keys.map((k) => `${goQuote(k)}:${printValue(m.get(k)!, verb, f, depth + 1)}`).join(', ')}}`
      }
      return `map[${keys.map((k) => `${printValue(str(k), verb, f, depth + 1)}:${printValue(m!.get(k)!, verb, f, depth + 1)}`).join(' ')}]`
    }
    case 'struct': {
      const fields = v.v as GoValue[]
      if (f.sharpV) return `${typeString(t)}{${fields.map((x, i) => `${t.fields![i].name}:${printValue(x, verb, f, depth + 1)}`).join(', ')}}`
      return `{${fields.map((x, i) => (f.plusV ? `${t.fields![i].name}:` : '') + printValue(x, verb, f, depth + 1)).join(' ')}}`
    }
    case 'interface': {
      const inner = v.v as GoValue | null
      if (inner) return printValue(inner, verb, f, depth + 1)
      return f.sharpV ? `${typeString(t)}(nil)` : pad('<nil>', f)
    }
    case 'slice': {
      const items = v.v as GoValue[] | null
      if (f.sharpV) return items ? `${typeString(t)}{${items.map((x) => printValue(x, verb, f, depth + 1)).join(', ')}}` : `${typeString(t)}(nil)`
      return `[${(items ?? []).map((x) => printValue(x, verb, f, depth + 1)).join(' ')}]`
    }
    case 'ptr': {
      const target = v.v as GoValue | null
      // Go prints `&{...}` at the top and an address below it; an address means nothing here
      if (target) return '&' + printValue(target, verb, f, depth + 1)
      if (f.sharpV) return `(${typeString(t)})(nil)`
      return verb === 'v' ? pad('<nil>', f) : badVerb(verb, v, f)
    }
  }
}

function runeCount(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

function pad(s: string, f: Flags): string {
  if (f.wid === undefined) return s
  const n = f.wid - runeCount(s)
  if (n <= 0) return s
  if (f.minus) return s + ' '.repeat(n)
  return (f.zero ? '0' : ' ').repeat(n) + s
}

function fmtInteger(v: GoValue, verb: string, f: Flags): string {
  const n = v.v as number
  let base: number
  switch (verb) {
    case 'v':
    case 'd':
      base = 10
      break
    case 'b':
      base = 2
      break
    case 'o':
    case 'O':
      base = 8
      break
    case 'x':
    case 'X':
      base = 16
      break
    case 'c':
      return pad(validRune(n), f)
    case 'q':
      return pad(quoteWith(validRune(n), "'", f.plus), f)
    case 'U': {
      const u = 'U+' + n.toString(16).toUpperCase().padStart(4, '0')
      return pad(f.sharp && isPrint(n) ? `${u} '${validRune(n)}'` : u, f)
    }
    default:
      return badVerb(verb, v, f)
  }
  const negative = n < 0
  let digits = BigInt(Math.abs(n)).toString(base)
  if (verb === 'X') digits = digits.toUpperCase()
  let prec = 0
  if (f.prec !== undefined) {
    prec = f.prec
    if (prec === 0 && n === 0) return f.wid ? ' '.repeat(f.wid) : ''
  } else if (f.zero && !f.minus && f.wid !== undefined) {
    prec = f.wid
    if (negative || f.plus || f.space) prec--
  }
  if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits
  let prefix = ''
  if (f.sharp) {
    if (base === 2) prefix = '0b'
    else if (base === 8 && digits[0] !== '0') prefix = '0'
    else if (base === 16) prefix = verb === 'X' ? '0X' : '0x'
  }
  if (verb === 'O') prefix = '0o'
  const sign = negative ? '-' : f.plus ? '+' : f.space ? ' ' : ''
  return pad(sign + prefix + digits, {...f, zero: false})
}

function validRune(n: number): string {
  return n < 0 || n > 0x10ffff || (n >= 0xd800 && n < 0xe000) ? '\uFFFD' : String.fromCodePoint(n)
}

function fmtFloat(v: GoValue, verb: string, f: Flags): string {
  const x = v.v as number
  let prec: number
  let fmt: string
  switch (verb) {
    case 'v':
      fmt = 'g'
      prec = -1
      break
    case 'g':
    case 'G':
      fmt = verb
      prec = -1
      break
    case 'e':
    case 'E':
    case 'f':
    case 'F':
      fmt = verb
      prec = 6
      break
    default:
      return badVerb(verb, v, f)
  }
  if (f.prec !== undefined) prec = f.prec
  const negative = x < 0 || Object.is(x, -0)
  const sign = negative ? '-' : f.plus ? '+' : f.space ? ' ' : ''
  if (!Number.isFinite(x)) {
    const s = Number.isNaN(x) ? (f.plus ? '+NaN' : f.space ? ' NaN' : 'NaN') : sign || '+'
    return pad(Number.isNaN(x) ? s : (sign === '' ? '+' : sign) + 'Inf', {...f, zero: false})
  }
  const num = formatFloat(Math.abs(x), fmt, prec)
  if (f.zero && !f.minus && f.wid !== undefined && f.wid > sign.length + num.length) {
    return sign + '0'.repeat(f.wid - sign.length - num.length) + num
  }
  return pad(sign + num, f)
}

/** decimal digits (no trailing zeros) and the decimal point's place: x = 0.DIGITS × 10^dp */
function decimal(x: number, significant?: number): {d: string; dp: number} {
  if (x === 0) return {d: '', dp: 0}
  const [m, e] = (significant === undefined ? x.toExponential() : x.toExponential(Math.min(significant - 1, 100))).split('e')
  return {d: m.replace('.', '').replace(/0+$/, ''), dp: Number(e) + 1}
}

function fmtE({d, dp}: {d: string; dp: number}, prec: number, e: string): string {
  let s = d[0] ?? '0'
  if (prec > 0) s += '.' + d.slice(1, prec + 1).padEnd(prec, '0')
  const exp = d.length === 0 ? 0 : dp - 1
  const abs = Math.abs(exp)
  return `${s}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`
}

function fmtF({d, dp}: {d: string; dp: number}, prec: number): string {
  let s = dp > 0 ? d.slice(0, dp).padEnd(dp, '0') : '0'
  if (prec > 0) {
    s += '.'
    for (let i = 1; i <= prec; i++) {
      const j = dp + i - 1
      s += j >= 0 && j < d.length ? d[j] : '0'
    }
  }
  return s
}

/** strconv.FormatFloat for x >= 0; prec -1 is the shortest representation */
function formatFloat(x: number, fmt: string, prec: number): string {
  const upper = fmt === 'E' || fmt === 'G'
  const e = upper ? 'E' : 'e'
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(decimal(x, prec < 0 ? undefined : prec + 1), prec < 0 ? Math.max(decimal(x).d.length - 1, 0) : prec, e)
    case 'f':
    case 'F': {
      if (prec < 0) {
        const digs = decimal(x)
        return fmtF(digs, Math.max(digs.d.length - digs.dp, 0))
      }
      if (x < 1e21) return x.toFixed(Math.min(prec, 100))
      return BigInt(x).toString() + (prec > 0 ? '.' + '0'.repeat(prec) : '')
    }
    default: {
      const shortest = prec < 0
      let p = shortest ? 0 : prec === 0 ? 1 : prec
      const digs = decimal(x, shortest ? undefined : p)
      if (shortest) p = digs.d.length
      let eprec = p
      if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length
      if (shortest) eprec = 6
      const exp = digs.dp - 1
      if (digs.d.length > 0 && (exp < -4 || exp >= eprec)) return fmtE(digs, Math.min(p, digs.d.length) - 1, e)
      if (p > digs.dp) p = digs.d.length
      return fmtF(digs, Math.max(p - digs.dp, 0))
    }
  }
}

function fmtString(v: GoValue, verb: string, f: Flags): string {
  let s = v.v as string
  switch (verb) {
    case 'v':
      if (f.sharpV) return pad(goQuote(s), f)
    // falls through
    case 's':
      if (f.prec !== undefined) s = [...s].slice(0, f.prec).join('')
      return pad(s, f)
    case 'q':
      if (f.prec !== undefined) s = [...s].slice(0, f.prec).join('')
      if (f.sharp && !/[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(s)) return pad('`' + s + '`', f)
      return pad(quoteWith(s, '"', f.plus), f)
    case 'x':
    case 'X': {
      let bytes = Buffer.from(s, 'utf8')
      if (f.prec !== undefined) bytes = bytes.subarray(0, f.prec)
      const parts = [...bytes].map((b) => b.toString(16).padStart(2, '0'))
      const prefix = f.sharp ? '0x' : ''
      let out = f.space ? parts.map((p) => prefix + p).join(' ') : prefix + parts.join('')
      if (verb === 'X') out = out.toUpperCase()
      return pad(out, f)
    }
    default:
      return badVerb(verb, v, f)
  }
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space */
function isPrint(cp: number): boolean {
  if (cp === 0x20) return true
  if (cp < 0x20 || cp === 0x7f) return false
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(cp))
}

/** strconv.Quote (QuoteToASCII when `ascii`) */
function quoteWith(s: string, quote: string, ascii = false): string {
  let out = quote
  for (const c of s) {
    let cp = c.codePointAt(0)!
    if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd // a lone surrogate: not valid UTF-8 in Go
    if (c === quote || c === '\\') {
      out += '\\' + c
      continue
    }
    if (ascii ? cp < 0x80 && isPrint(cp) : isPrint(cp)) {
      out += String.fromCodePoint(cp)
      continue
    }
    const named: Record<number, string> = {7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v'}
    if (named[cp]) out += named[cp]
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0')
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0')
    else out += '\\U' + cp.toString(16).padStart(8, '0')
  }
  return out + quote
}

function goQuote(s: string): string {
  return quoteWith(s, '"')
}
