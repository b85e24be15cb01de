// `-f TEMPLATE` (reference/mkr-compat.md §2.3): a table of templates over mkr's raw structs, with the
// exact text Go's text/template prints, and the errors worded as Go words them.
import assert from 'node:assert/strict'
import {goHosts, goUsers} from '../../src/output/gofields.js'
import {checkGoTemplate, GoTemplateError, renderGoTemplate} from '../../src/output/gotemplate.js'

// raw API objects (camelCase JSON), as GET /api/v0/hosts returns them
const RAW_HOSTS = [
  {
    id: '2eQGDXqtoXs',
    name: 'web01',
    displayName: 'Web 1',
    status: 'working',
    memo: '',
    roles: {ops: ['bastion'], demo: ['web', 'app']},
    isRetired: false,
    createdAt: 1714532400,
    meta: {'agent-version': '0.78.0', kernel: {release: '6.1'}, cloud: {provider: 'ec2', metadata: {'instance-type': 't3.micro', vcpu: 2}}},
    interfaces: [
      {name: 'eth0', ipAddress: '10.0.0.1', ipv4Addresses: ['10.0.0.1', '10.0.0.9'], macAddress: '0a:00:00:00:00:01'},
      {name: 'lo', ipAddress: '127.0.0.1'},
    ],
    unknownField: 'not reachable',
  },
  {id: '2eQGEaLxibb', name: 'batch01', status: 'standby', roles: {}, isRetired: false, createdAt: 1714532500},
]
const HOSTS = goHosts(RAW_HOSTS)
const USERS = goUsers([
  {id: 'u1', screenName: 'alice', email: 'alice@example.com', authority: 'owner', isInRegistrationProcess: false, isMFAEnabled: true, authenticationMethods: ['password', 'github'], joinedAt: 1600000000},
  {id: 'u2', screenName: 'bob', email: 'bob@example.com', authority: 'viewer', joinedAt: 1700000000},
])
const PLAIN = {s: 'str', n: 3, f: 1.5, t: true, empty: '', zero: 0, list: ['a', 'b'], none: [], m: {b: 2, a: 1, c: {d: 'x'}}, nul: null}

function render(template: string, data: unknown = HOSTS): string {
  return renderGoTemplate(template, data)
}

function failure(template: string, data: unknown = HOSTS): GoTemplateError {
  try {
    render(template, data)
  } catch (e) {
    assert.ok(e instanceof GoTemplateError, `not a GoTemplateError: ${String(e)}`)
    assert.ok(!e.message.includes('\n'), 'one line')
    return e
  }
  assert.fail(`no error for ${template}`)
}

describe('-f: Go text/template subset', () => {
  describe("mkr's README example", () => {
    it('prints the first interface address and the name of each host', () => {
      const readme = '{{range .}}{{if (len .Interfaces)}}{{(index .Interfaces 0).IPAddress}}{{end}}{{"\\t"}}{{.Name}}{{"\\n"}}{{end}}'
      assert.equal(render(readme), '10.0.0.1\tweb01\n\tbatch01\n')
    })
  })

  const table: [string, string, unknown, string][] = [
    // text, fields, Go field names and zero values
    ['text only', 'hello', HOSTS, 'hello'],
    ['no trailing newline added', '{{len .}}', HOSTS, '2'],
    ['fields of a host', '{{range .}}{{.ID}} {{.Name}} {{.Status}} {{.IsRetired}} {{.CreatedAt}};{{end}}', HOSTS, '2eQGDXqtoXs web01 working false 1714532400;2eQGEaLxibb batch01 standby false 1714532500;'],
    ['missing string is ""', '{{range .}}[{{.DisplayName}}]{{end}}', HOSTS, '[Web 1][]'],
    ['missing slice has len 0', '{{range .}}{{len .Interfaces}}{{end}}', HOSTS, '20'],
    ['nested fields', '{{range .}}{{.Meta.AgentVersion}}|{{.Meta.Kernel.release}}|{{end}}', HOSTS, '0.78.0|6.1||<no value>|'],
    ['interface fields', '{{range (index . 0).Interfaces}}{{.Name}}={{.IPAddress}} {{.IPv4Addresses}} {{.MacAddress}};{{end}}', HOSTS, 'eth0=10.0.0.1 [10.0.0.1 10.0.0.9] 0a:00:00:00:00:01;lo=127.0.0.1 [] ;'],
    ['a pointer field', '{{range .}}{{.Meta.Cloud}};{{end}}', HOSTS, '{ec2 map[instance-type:t3.micro vcpu:2]};<nil>;'],
    ['an any field', '{{(index . 0).Meta.Cloud.MetaData.vcpu}}', HOSTS, '2'],
    ['user fields', '{{range .}}{{.ScreenName}} {{.Email}} {{.Authority}} {{.IsMFAEnabled}} {{.AuthenticationMethods}} {{.JoinedAt}}\n{{end}}', USERS, 'alice alice@example.com owner true [password github] 1600000000\nbob bob@example.com viewer false [] 1700000000\n'],
    // methods of *mackerel.Host
    ['GetRoleFullnames', '{{range .}}{{.GetRoleFullnames}};{{end}}', HOSTS, '[demo:web demo:app ops:bastion];[];'],
    ['IPAddresses', '{{range .}}{{.IPAddresses}};{{end}}', HOSTS, 'map[eth0:10.0.0.1 lo:127.0.0.1];map[];'],
    ['a method in a chain', '{{(index . 0).IPAddresses.lo}}', HOSTS, '127.0.0.1'],
    // Go's printing of values
    ['a map prints sorted', '{{range .}}{{.Roles}};{{end}}', HOSTS, 'map[demo:[web app] ops:[bastion]];map[];'],
    ['a struct prints its fields', '{{index (index . 0).Interfaces 1}}', HOSTS, '{lo 127.0.0.1 [] [] }'],
    ['a missing map key is <no value>', '{{.m.zz}}|{{.m.zz.yy}}|{{print .m.zz}}', PLAIN, '<no value>|<no value>|<nil>'],
    ['a JSON null is <no value>', '{{.nul}}', PLAIN, '<no value>'],
    ['floats as %v', '{{.f}} {{1e6}} {{123456.0}} {{1e21}} {{0.0001}} {{0.00001}} {{2.0}}', PLAIN, '1.5 1e+06 123456 1e+21 0.0001 1e-05 2'],
    ['plain JSON data', '{{.s}} {{.n}} {{.list}} {{.m}}', PLAIN, 'str 3 [a b] map[a:1 b:2 c:map[d:x]]'],
    ['{{.}}', '{{range .list}}<{{.}}>{{end}}', PLAIN, '<a><b>'],
    // literals
    ['string escapes', '{{"a\\tb\\n\\x41\\u00e9\\101\\\\\\""}}', null, 'a\tb\nAé A\\"'.replace(' ', '')],
    ['raw strings', '{{`a\\n{{b}}`}}', null, 'a\\n{{b}}'],
    ['numbers', "{{1}} {{-5}} {{+7}} {{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}} {{.5}} {{1e3}} {{'a'}} {{'\\n'}}", null, '1 -5 7 31 15 15 5 1000 0.5 1000 97 10'],
    ['bools and nil', '{{true}} {{false}} {{print nil}} {{eq nil nil}}', null, 'true false <nil> true'],
    // pipelines, parentheses, variables
    ['a pipeline passes the last argument', '{{.s | printf "%s!"}} {{"x" | printf "%s-%s" "y"}}', PLAIN, 'str! y-x'],
    ['a long pipeline', '{{.list | len | printf "%03d" | print}}', PLAIN, '002'],
    ['parenthesised calls', '{{printf "%d" (len (index . 0).Interfaces)}}', HOSTS, '2'],
    ['variables', '{{$x := .s}}{{$x}} {{$.n}} {{$y := .m}}{{$y.c.d}}', PLAIN, 'str 3 x'],
    ['assignment reaches the outer variable', '{{$x := 1}}{{if true}}{{$x = 2}}{{$z := 3}}{{end}}{{$x}}', null, '2'],
    ['$ inside range', '{{range .list}}{{.}}{{len $.none}}{{end}}', PLAIN, 'a0b0'],
    // range
    ['range over a slice with index and element', '{{range $i, $e := .list}}{{$i}}={{$e}} {{end}}', PLAIN, '0=a 1=b '],
    ['range with one variable is the element', '{{range $e := .list}}{{$e}}{{end}}', PLAIN, 'ab'],
    ['range over a map in sorted key order', '{{range $k, $v := .m}}{{$k}}:{{$v}} {{end}}', PLAIN, 'a:1 b:2 c:map[d:x] '],
    ['range over the roles map', '{{range $svc, $roles := (index . 0).Roles}}{{$svc}}={{range $roles}}{{.}},{{end}} {{end}}', HOSTS, 'demo=web,app, ops=bastion, '],
    ['range else on an empty slice', '{{range .none}}x{{else}}empty{{end}}', PLAIN, 'empty'],
    ['range else on a missing value', '{{range .zz}}x{{else}}empty{{end}}', PLAIN, 'empty'],
    ['range else on a nil map', '{{range (index . 1).Roles}}x{{else}}no roles{{end}}', HOSTS, 'no roles'],
    ['range over an int', '{{range 3}}{{.}}{{end}}', null, '012'],
    ['break and continue', '{{range $i, $e := .list}}{{if eq $i 0}}{{continue}}{{end}}{{$e}}{{break}}{{end}}', {list: ['a', 'b', 'c']}, 'b'],
    // if / with
    ['if else if else', '{{range .}}{{if eq .Status "working"}}W{{else if eq .Status "standby"}}S{{else}}?{{end}}{{end}}', HOSTS, 'WS'],
    ['truthiness', '{{if .empty}}1{{end}}{{if .zero}}2{{end}}{{if .none}}3{{end}}{{if .zz}}4{{end}}{{if .nul}}5{{end}}{{if .s}}a{{end}}{{if .n}}b{{end}}{{if .list}}c{{end}}{{if .m}}d{{end}}{{if .t}}e{{end}}', PLAIN, 'abcde'],
    ['a struct is true, a nil pointer false', '{{range .}}{{if .Meta}}m{{end}}{{if .Meta.Cloud}}c{{end}};{{end}}', HOSTS, 'mc;m;'],
    ['with sets dot', '{{with .m.c}}{{.d}}{{end}}', PLAIN, 'x'],
    ['with else', '{{with .empty}}x{{else}}none{{end}}', PLAIN, 'none'],
    ['else with', '{{with .zz}}a{{else with .m}}{{.a}}{{else}}c{{end}}', PLAIN, '1'],
    ['if with a declaration', '{{if $l := len .list}}{{$l}}{{end}}', PLAIN, '2'],
    // trim markers and comments
    ['trim markers', 'a  \n {{- .s -}} \n  b', PLAIN, 'astrb'],
    ['a minus without a space is a number', '{{-3}}', null, '-3'],
    ['comments', 'a{{/* note */}}b {{- /* trimmed */ -}} c', null, 'abc'],
    // functions
    ['len', '{{len .s}} {{len .list}} {{len .m}} {{len "é"}}', PLAIN, '3 2 3 2'],
    ['index', '{{index .list 1}} {{index .m "a"}} {{index .m "c" "d"}} {{index .s 0}}', PLAIN, 'b 1 x 115'],
    ['index of a missing map key is the zero value', '{{index (index . 0).Roles "nope"}}', HOSTS, '[]'],
    ['slice', '{{slice .list 1}} {{slice .s 1 2}}', PLAIN, '[b] t'],
    ['print and println', '{{print 1 2 "a" "b" 3}}|{{println "x" 1}}', null, '1 2ab3|x 1\n'],
    ['printf verbs', '{{printf "%s|%d|%v|%q|%f|%t|%x|%X" "s" 42 .list "q\\n" 3.14159 true 255 "hi"}}', PLAIN, 's|42|[a b]|"q\\n"|3.141590|true|ff|6869'],
    ['printf widths and flags', '{{printf "[%5s][%-5s][%05d][%-4d][%.2f][%8.3f][%+d][%x][%#x][%.1s]" "ab" "ab" 42 7 3.14159 2.5 3 -255 255 "xyz"}}', null, '[   ab][ab   ][00042][7   ][3.14][   2.500][+3][-ff][0xff][x]'],
    ['printf %v of structs and maps', '{{printf "%v %+v" (index (index . 0).Interfaces 1) (index (index . 0).Interfaces 1)}}', HOSTS, '{lo 127.0.0.1 [] [] } {Name:lo IPAddress:127.0.0.1 IPv4Addresses:[] IPv6Addresses:[] MacAddress:}'],
    ['printf %e %g %c %T', '{{printf "%e %.3g %g %c %T %T" 1234.5678 1.0 100000000.0 65 1 .s}}', PLAIN, '1.234568e+03 1 1e+08 A int string'],
    ['printf %% and a missing verb', '{{printf "100%% %d%"  5}}', null, '100% 5%!(NOVERB)'],
    ['printf * width', '{{printf "[%*d][%-*d]" 4 7 3 8}}', null, '[   7][8  ]'],
    ['printf %#v', '{{printf "%#v %#v" .list .s}}', PLAIN, '[]interface {}{"a", "b"} "str"'],
    ['printf mistakes print like Go', '{{printf "%d %s|%d" "x"}} {{printf "a" 1 "b"}}', null, '%!d(string=x) %!s(MISSING)|%!d(MISSING) a%!(EXTRA int=1, string=b)'],
    ['printf %s of an int32 field', '{{printf "%s" (index . 0).CreatedAt}}', HOSTS, '%!s(int32=1714532400)'],
    ['comparisons', '{{eq 1 1}} {{eq "a" "b" "a"}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}}', null, 'true true true true true true false'],
    ['eq with a missing value', '{{eq .zz nil}} {{eq .zz "x"}} {{eq .none nil}}', PLAIN, 'true false false'],
    ['and, or, not', '{{and 1 0 2}} {{and 1 2}} {{or 0 "" "z"}} {{or 0 ""}} {{not 0}} {{not .s}}', PLAIN, '0 2 z  true false'],
    ['and short-circuits', '{{and .zz (index .zz 1)}}', PLAIN, '<no value>'],
    ['html, js, urlquery', '{{html "<a href=\'x\'>&"}} {{js "it\'s <b>"}} {{urlquery "a b&c/é"}}', null, '&lt;a href=&#39;x&#39;&gt;&amp; it\\\'s \\u003Cb\\u003E a+b%26c%2F%C3%A9'],
  ]
  for (const [name, template, data, expected] of table) {
    it(name, () => assert.equal(render(template, data), expected))
  }

  it('unknown JSON fields are not reachable, as in Go', () => {
    assert.match(failure('{{range .}}{{.unknownField}}{{end}}').message, /can't evaluate field unknownField in type \*mackerel.Host$/)
  })

  const errors: [string, string, unknown, string][] = [
    // parse errors: `template: NAME:LINE: ...`
    ['unknown function', '{{foo .}}', HOSTS, 'template: format:1: function "foo" not defined'],
    ['join is not a Go builtin', '{{join .list ","}}', PLAIN, 'template: format:1: function "join" not defined'],
    ['unclosed action', '{{.Name', HOSTS, 'template: format:1: unclosed action'],
    ['unclosed action on a later line', 'a\n{{.Name\n', HOSTS, 'template: format:3: unclosed action started at format:2'],
    ['unexpected EOF', '{{range .}}{{.Name}}', HOSTS, 'template: format:1: unexpected EOF'],
    ['unexpected end', '{{end}}', HOSTS, 'template: format:1: unexpected {{end}}'],
    ['unexpected else', 'a{{else}}', HOSTS, 'template: format:1: unexpected {{else}}'],
    ['two elses', '{{if .}}a{{else}}b{{else}}c{{end}}', HOSTS, 'template: format:1: expected end; found {{else}}'],
    ['unterminated string', '{{"abc}}', HOSTS, 'template: format:1: unterminated quoted string'],
    ['unterminated raw string', '{{`abc}}', HOSTS, 'template: format:1: unterminated raw quoted string'],
    ['bad escape', '{{"\\q"}}', HOSTS, 'template: format:1: invalid syntax'],
    ['unclosed comment', '{{/* x }}', HOSTS, 'template: format:1: unclosed comment'],
    ['comment before the delimiter', '{{/* x */ .}}', HOSTS, 'template: format:1: comment ends before closing delimiter'],
    ['unclosed paren', '{{(len .}}', HOSTS, 'template: format:1: unclosed left paren'],
    ['unexpected paren', '{{len .)}}', HOSTS, 'template: format:1: unexpected right paren'],
    ['missing value', '{{if}}x{{end}}', HOSTS, 'template: format:1: missing value for if'],
    ['empty action', '{{}}', HOSTS, 'template: format:1: missing value for command'],
    ['arguments after end', '{{if .}}{{end x}}', HOSTS, 'template: format:1: unexpected "x" in end'],
    ['else if inside range', '{{range .}}{{else if .}}{{end}}', HOSTS, 'template: format:1: unexpected <if> in input'],
    ['a comment inside an action', '{{ /* x */ }}', HOSTS, 'template: format:1: unexpected "/" in command'],
    ['a term followed by a field', '{{"x".Name}}', HOSTS, 'template: format:1: unexpected . after term "\\"x\\""'],
    ['bad number', '{{3x}}', HOSTS, 'template: format:1: bad number syntax: "3x"'],
    ['unexpected = ', '{{.Name = 1}}', HOSTS, 'template: format:1: unexpected "=" in operand'],
    ['undefined variable', '{{$x}}', HOSTS, 'template: format:1: undefined variable "$x"'],
    ['variable out of scope', '{{if true}}{{$y := 1}}{{end}}{{$y}}', HOSTS, 'template: format:1: undefined variable "$y"'],
    ['bad character', '{{.Name#}}', HOSTS, "template: format:1: bad character U+0023 '#'"],
    ['unexpected operand', '{{.Name "x"}}{{"a""b"}}', HOSTS, 'template: format:1: unexpected "\\"b\\"" in operand'],
    ['non executable pipeline stage', '{{.Name | "x"}}', HOSTS, 'template: format:1: non executable command in pipeline stage 2'],
    ['break outside range', '{{break}}', HOSTS, 'template: format:1: {{break}} outside {{range}}'],
    ['define is not supported', '{{define "x"}}{{end}}', HOSTS, 'template: format:1: {{define}} is not supported: mkr runs a single template'],
    // execution errors: `template: NAME:LINE:COL: executing "NAME" at <NODE>: ...`
    ['no such field', '{{range .}}{{.Foo}}{{end}}', HOSTS, 'template: format:1:13: executing "format" at <.Foo>: can\'t evaluate field Foo in type *mackerel.Host'],
    ['RoleFullnames is not a field of the raw struct', '{{range .}}{{.RoleFullnames}}{{end}}', HOSTS, 'template: format:1:13: executing "format" at <.RoleFullnames>: can\'t evaluate field RoleFullnames in type *mackerel.Host'],
    ['a field of a string', '{{range .}}{{.Name.First}}{{end}}', HOSTS, 'template: format:1:18: executing "format" at <.Name.First>: can\'t evaluate field First in type string'],
    // Go reports the node it evaluated last: here the `1` inside the parentheses
    ['a field of a nil pointer', '{{(index . 1).Meta.Cloud.Provider}}', HOSTS, 'template: format:1:11: executing "format" at <1>: nil pointer evaluating *mackerel.Cloud.Provider'],
    ['the position on a later line', '{{range .}}\n  {{.Foo}}{{end}}', HOSTS, 'template: format:2:4: executing "format" at <.Foo>: can\'t evaluate field Foo in type *mackerel.Host'],
    ['index out of range', '{{index . 5}}', HOSTS, 'template: format:1:2: executing "format" at <index . 5>: error calling index: index out of range: 5'],
    ['len of an int', '{{len 3}}', HOSTS, 'template: format:1:2: executing "format" at <len 3>: error calling len: len of type int'],
    ['the column counts bytes, as Go does', 'é\n·é{{len 3}}', HOSTS, 'template: format:2:6: executing "format" at <len 3>: error calling len: len of type int'],
    ['a long node is cut to 20 characters', '{{index .list 1 2 3 4 5 6 7}}', PLAIN, 'template: format:1:2: executing "format" at <index .list 1 2 3 4 ...>: error calling index: index out of range: 2'],
    ['wrong number of args', '{{len 1 2}}', HOSTS, 'template: format:1:2: executing "format" at <len>: wrong number of args for len: want 1 got 2'],
    ['incompatible comparison', '{{eq 1 "1"}}', HOSTS, 'template: format:1:2: executing "format" at <eq 1 "1">: error calling eq: incompatible types for comparison'],
    ['printf without a string', '{{printf 1}}', HOSTS, 'template: format:1:9: executing "format" at <1>: expected string; found 1'],
    ['range over a string', '{{range .s}}{{end}}', PLAIN, 'template: format:1:8: executing "format" at <.s>: range can\'t iterate over str'],
    ['argument to a non-function', '{{.s 1}}', PLAIN, 'template: format:1:2: executing "format" at <.s>: s is not a method but has arguments'],
    ['nil is not a command', '{{nil}}', PLAIN, 'template: format:1:2: executing "format" at <nil>: nil is not a command'],
    ['a time.Time method', '{{range .}}{{.DateFromCreatedAt}}{{end}}', HOSTS, 'template: format:1:13: executing "format" at <.DateFromCreatedAt>: error calling DateFromCreatedAt: time.Time values are not supported; use .CreatedAt (epoch seconds)'],
  ]
  for (const [name, template, data, message] of errors) {
    it(`error: ${name}`, () => assert.equal(failure(template, data).message, message))
  }

  it('an execution error keeps what was printed before it, as Go has written it out', () => {
    const e = failure('{{range .}}{{.Name}}\n{{.Nope}}{{end}}')
    assert.equal(e.output, 'web01\n')
  })

  it('checkGoTemplate reports parse errors only', () => {
    assert.throws(() => checkGoTemplate('{{foo}}'), {name: 'GoTemplateError', message: 'template: format:1: function "foo" not defined'})
    assert.doesNotThrow(() => checkGoTemplate('{{.NoSuchField}}'))
  })
})
