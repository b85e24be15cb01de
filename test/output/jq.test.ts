// --jq through the real engine (jq-web, in-process): a table of programs over mkr-shaped data with
// the exact text mkr's rules print (reference/mkr-compat.md §2.4), numbers exact.
import assert from 'node:assert/strict'
import {filterJson} from '../../src/output/jq.js'
import {compactJson, formatJqValue, plainNumber} from '../../src/output/jq-format.js'

// mkr's reduced host shape, keys in mkr's (not sorted) order
const HOSTS = [
  {id: '2eQGDXqtoXs', name: 'web01', displayName: 'Web <1> & co', status: 'working', roleFullnames: ['demo:web'], isRetired: false, createdAt: '2024-05-01T12:00:00+09:00', ipAddresses: {lo: '127.0.0.1', eth0: '10.0.0.1'}},
  {id: '2eQGEaLxibb', name: 'db01', status: 'standby', roleFullnames: ['demo:db'], isRetired: false, createdAt: '2024-05-02T12:00:00+09:00', ipAddresses: {eth0: '10.0.0.2'}},
  {id: '2eQGFccccc1', name: 'web02', status: 'working', isRetired: false, createdAt: '2024-05-03T12:00:00+09:00'},
]
// raw hosts (-v) plus numbers that mkr would round
const RAW = [
  {id: 'a', name: 'web01', roles: {ops: ['bastion'], demo: ['web', 'app']}, value: 0.1, load: 0.025},
  {id: 'b', name: 'db01', roles: {demo: ['db']}, value: 0.2, load: 1e-7},
  {id: 'c', name: 'x', roles: {}, value: 1e21, load: 3},
]

async function jq(program: string, input: unknown, tty = false): Promise<{out: string; err: string; error?: string}> {
  const r = {out: '', err: '', error: undefined as string | undefined}
  r.error = await filterJson(program, input, {out: (t) => void (r.out += t), err: (t) => void (r.err += t), tty})
  return r
}

describe('--jq (jq-web) with mkr output rules', function () {
  this.timeout(20_000) // the first call compiles the WebAssembly module

  const table: [string, unknown, string, string][] = [
    // README examples (mkr's README)
    ['hosts ids', HOSTS, '.[].id', '2eQGDXqtoXs\n2eQGEaLxibb\n2eQGFccccc1\n'],
    ['working names', HOSTS, '.[] | select(.status == "working") | .name', 'web01\nweb02\n'],
    ['roles of raw hosts', RAW, 'map(.roles | keys) | add | unique', '["demo","ops"]\n'],
    // objects and arrays: compact, keys sorted, <>& escaped as Go's json.Marshal does
    ['object', HOSTS, '.[0]', '{"createdAt":"2024-05-01T12:00:00+09:00","displayName":"Web \\u003c1\\u003e \\u0026 co","id":"2eQGDXqtoXs","ipAddresses":{"eth0":"10.0.0.1","lo":"127.0.0.1"},"isRetired":false,"name":"web01","roleFullnames":["demo:web"],"status":"working"}\n'],
    ['built object sorted', null, '{"b": 1, "a": {"d": 1, "c": 2}, "B": 3, "10": 6, "9": 7}', '{"10":6,"9":7,"B":3,"a":{"c":2,"d":1},"b":1}\n'],
    ['UTF-8 byte order of keys', null, '{"😀": 2, "\\ufffd": 1, "é": 0}', '{"é":0,"\ufffd":1,"😀":2}\n'],
    ['object iteration follows sorted keys (gojq)', HOSTS, '.[0].ipAddresses | to_entries | map(.key)', '["eth0","lo"]\n'],
    // scalars: strings raw, null an empty line, booleans, numbers exact
    ['raw strings', HOSTS, '.[0].displayName, "say \\"hi\\"", "two\\nlines"', 'Web <1> & co\nsay "hi"\ntwo\nlines\n'],
    ['null is an empty line', HOSTS, '.[2].ipAddresses, .[2].displayName', '\n\n'],
    ['booleans', HOSTS, '.[0].isRetired, (.[0].isRetired | not)', 'false\ntrue\n'],
    ['mixed results', HOSTS, '.[0].name, 1, null, [1, 2], {"b": 1, "a": 2}', 'web01\n1\n\n[1,2]\n{"a":2,"b":1}\n'],
    ['no result', HOSTS, '.[] | select(.name == "none")', ''],
    ['0.1 + 0.2', RAW, '.[0].value + .[1].value', '0.30000000000000004\n'],
    ['not rounded to 2 decimals', RAW, '.[].load', '0.025\n0.0000001\n3\n'],
    ['1e21 spelled out; in JSON as JSON', RAW, '.[2].value, [.[2].value], 1/3', '1000000000000000000000\n[1e+21]\n0.3333333333333333\n'],
    ['length', HOSTS, 'length, (.[0].roleFullnames | length)', '3\n1\n'],
    ['unicode', null, '"日本語😀" | ., length, explode[-1]', '日本語😀\n4\n128512\n'],
    // the language
    ['map', HOSTS, 'map(.name)', '["web01","db01","web02"]\n'],
    ['sort_by', HOSTS, 'sort_by(.name) | map(.name)', '["db01","web01","web02"]\n'],
    ['group_by', HOSTS, 'group_by(.status) | map({status: .[0].status, n: length})', '[{"n":1,"status":"standby"},{"n":2,"status":"working"}]\n'],
    ['string interpolation', HOSTS, '.[] | "\\(.name)\\t\\(.status)"', 'web01\tworking\ndb01\tstandby\nweb02\tworking\n'],
    ['@csv', null, '["a,b", "c\\"d", 1, null, true] | @csv', '"a,b","c""d",1,,true\n'],
    ['@tsv', HOSTS, '.[0] | [.name, "a\\tb", 1] | @tsv', 'web01\ta\\tb\t1\n'],
    ['keys', HOSTS, '.[1] | keys', '["createdAt","id","ipAddresses","isRetired","name","roleFullnames","status"]\n'],
    ['alternative //', HOSTS, '.[] | .displayName // .name', 'Web <1> & co\ndb01\nweb02\n'],
    ['comparisons', RAW, 'map(select(.value >= 0.2 and .name != "x") | .id)', '["b"]\n'],
    ['optional and empty', HOSTS, '.[] | .ipAddresses.eth0 // empty', '10.0.0.1\n10.0.0.2\n'],
    ['reduce, variables', HOSTS, 'reduce .[] as $h ({}; .[$h.status] += [$h.name])', '{"standby":["db01"],"working":["web01","web02"]}\n'],
    ['try/catch, regex', HOSTS, '[.[] | select(.name | test("^web")) | .id], (try error("x") catch .)', '["2eQGDXqtoXs","2eQGFccccc1"]\nx\n'],
    ['a program that starts with -', null, '-1', '-1\n'],
  ]
  for (const [name, input, program, expected] of table)
    it(`${name}: ${program}`, async () => {
      const r = await jq(program, input)
      assert.equal(r.error, undefined)
      assert.equal(r.out, expected)
    })

  it('debug output goes to stderr', async () => {
    const r = await jq('.[0].id | debug | length', HOSTS)
    assert.equal(r.out, '11\n')
    assert.equal(r.err, '["DEBUG:","2eQGDXqtoXs"]\n')
  })

  it('on a terminal, control characters in raw strings are shown escaped', async () => {
    assert.equal((await jq('"\\u001b]0;owned\\u0007", "a\\tb"', null, true)).out, '\\x1b]0;owned\\x07\na\tb\n')
    assert.equal((await jq('"\\u001b[31m"', null, false)).out, '\u001b[31m\n')
  })

  describe('errors: what failed (the exporter makes it `mkr: --jq: <why>`, exit 1)', () => {
    const errors: [string, string, string][] = [
      ['.[', '', 'syntax error, unexpected end of file (line 1)'],
      ['nosuchfn', '', 'nosuchfn/0 is not defined (line 1)'],
      ['.[] | .name + 1', '', 'string ("web01") and number (1) cannot be added'],
      // results before a runtime error are printed, as mkr does
      ['.[] | .name, error("boom")', 'web01\n', 'boom'],
      ['error({"a": 1})', '', '{"a":1} (not a string)'],
      ['error("two\nlines")', '', 'two\nlines'], // one line on stderr: BaseCommand escapes the newline
    ]
    for (const [program, out, message] of errors)
      it(program, async () => {
        const r = await jq(program, HOSTS)
        assert.equal(r.out, out)
        assert.equal(r.error, message)
      })
  })
})

describe('--jq value formatting (pure)', () => {
  const numbers: [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [42, '42'],
    [-1.5, '-1.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e21, '1000000000000000000000'],
    [1.5e22, '15000000000000000000000'],
    [123456789012345680000, '123456789012345680000'],
    [-2.5e-8, '-0.000000025'],
    [1e-7, '0.0000001'],
    [Infinity, '17976931348623157' + '0'.repeat(292)], // jq's infinite: the largest double, 309 digits,
  ]
  for (const [n, s] of numbers) it(`${n} -> ${s.length > 30 ? s.slice(0, 20) + '…' : s}`, () => assert.equal(plainNumber(n), s))

  it('scalars and containers', () => {
    assert.equal(formatJqValue(null), '')
    assert.equal(formatJqValue('a\u2028b'), 'a\u2028b')
    assert.equal(formatJqValue(['a\u2028b', '<&>']), '["a\\u2028b","\\u003c\\u0026\\u003e"]')
    assert.equal(compactJson({b: [1e-7, {y: 1, x: undefined}], a: null}), '{"a":null,"b":[1e-7,{"y":1}]}')
    assert.equal(compactJson({'<': '>'}, {html: false}), '{"<":">"}')
  })
})
