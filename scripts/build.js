#!/usr/bin/env node
// Builds dist/ (esbuild; type checking is tsc's job, `npm run typecheck`):
// - dist/cli.cjs: the dispatcher bin/run.js requires (src/cli/start.ts): the manifest, --version, usage
//   errors and the code-cache loader. Small, so a usage error costs little more than `node -e 0`.
//   CommonJS, like bin/run.js (bin/package.json): an ES module entry makes Node start its ESM loader,
//   ~6 ms on every run (measured: an empty .mjs vs an empty .cjs).
// - dist/mkr.cjs: src/main.ts and COMMANDS, the registry of every command found in src/commands
//   (oclif's "explicit" command discovery; scripts/manifest.js reads it), whose entries require
//   dist/cmd-<id>.cjs, each command's own entry, which requires the dist/chunk-<hash>.cjs it shares
//   with others (splitMkr below). CommonJS because each runs as a vm.Script with a V8 code cache
//   (src/cli/code-cache.ts): Node 20 caches no module compilation, and compiling oclif is most of a
//   command's start-up. What commands import lazily (undici, chalk, the sandbox, jq) is in chunks of
//   its own, read only when used.
// - dist/wrap.cjs: `mkr wrap` without oclif (src/cli/wrap-entry.ts).
// - dist/help.cjs: help without oclif's Config (src/cli/help.ts): oclif's Help class and formatter, with
//   what it reaches for only outside this use left out (helpLight below).
// - dist/prompts.cjs: @inquirer/prompts, required only when a command asks a question on a TTY.
// - dist/undici.cjs: undici's Agent, loaded (with its code cache) by the first request (undiciApart).
// Each .cjs bundle starts with `//mkr:<content hash>`, which names its code cache.
// Source files import oclif by subpath (@oclif/core/command, /flags, /args, /run): its index also
// evaluates help, ux and more. jq-web (--jq only) reads its jq.wasm from its own directory: it is
// the one package loaded from node_modules at run time.
//
// `node scripts/build.js [--outdir DIR]` (default dist/; MKR_BUILD_OUTDIR too): build elsewhere to try
// a change while others run dist/.
import {build, transform} from 'esbuild'
import {dispatchManifest, escapeNonAscii} from './ascii.js'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const commandsDir = join(root, 'src', 'commands')
const outFlag = process.argv.indexOf('--outdir')
const outdir = resolve(outFlag > 0 ? process.argv[outFlag + 1] : (process.env.MKR_BUILD_OUTDIR ?? join(root, 'dist')))
const {version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

function list(dir) {
  const out = []
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...list(p))
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p)
  }
  return out.sort()
}

/** src/commands/monitors/pull.ts -> monitors:pull; monitors/index.ts -> monitors */
export const commandId = (file) =>
  relative(commandsDir, file).replace(/\.ts$/, '').replace(/(^|\/)index$/, '').replaceAll('/', ':')

const files = list(commandsDir)
/** The file name (in dist/) of a command's entry: monitors:pull -> cmd-monitors-pull.cjs */
const commandFile = (id) => `cmd-${id.replaceAll(':', '-')}.cjs`

// dist/mkr.cjs is split (splitMkr below): this entry (src/main.ts and the registry), one entry per
// command (cmd-<id>.cjs) and the chunks they share (chunk-<hash>.cjs). COMMANDS' entries are getters
// that require the command's entry, so a run of `mkr org` reads, compiles and evaluates org's code and
// what it shares, not every command's (measured, issue 9: the code cache of the one bundle took ~20 ms
// to load whatever the command; V8's cache grows with all the code in the file, run or not).
const mainEntry = [
  "export {main} from './src/main.ts'",
  'export const COMMANDS = {}',
  ...files.map(
    (f) => `Object.defineProperty(COMMANDS, ${JSON.stringify(commandId(f))}, {enumerable: true, get: () => require(${JSON.stringify('./' + commandFile(commandId(f)))}).default})`,
  ),
].join('\n')

/** @inquirer/prompts, from the bundles, is this separate file (prompts only run on a TTY). */
const promptsApart = {
  name: 'prompts-apart',
  setup(b) {
    b.onResolve({filter: /^@inquirer\/prompts$/}, (args) => (args.kind === 'entry-point' ? undefined : {path: './prompts.cjs', external: true}))
  },
}

/**
 * jq-web stays in node_modules (it reads its jq.wasm from there) and exports a promise: behind a
 * one-line module of ours, so that `await import('jq-web')` gets a namespace, not a thenable.
 */
const jqApart = {
  name: 'jq-apart',
  setup(b) {
    b.onResolve({filter: /^jq-web$/}, (args) => (args.namespace === 'jq-apart' ? {path: 'jq-web', external: true} : {path: 'jq-web', namespace: 'jq-apart'}))
    b.onLoad({filter: /.*/, namespace: 'jq-apart'}, () => ({contents: "import engine from 'jq-web'\nexport default engine", resolveDir: root}))
  },
}

/**
 * For dist/help.cjs, what oclif's help modules import beyond the formatter: ejs becomes
 * src/cli/help-template.ts (no `new Function` per string); the custom help class loader
 * (module-loader, ts-path) is never called; of ux, help prints with ux.stdout/stderr only; of errors,
 * it throws `Command … not found`, which src/cli/help.ts turns into a run of oclif's full path (that
 * prints the real error). test/cli/help.test.ts checks the bundle's help against oclif's.
 */
const oclifLib = join(root, 'node_modules/@oclif/core/lib')
const helpLight = {
  name: 'help-light',
  setup(b) {
    const fromHelp = (args) => args.importer.startsWith(join(oclifLib, 'help') + '/')
    b.onResolve({filter: /^ejs$/}, (args) => (args.importer.startsWith(oclifLib) ? {path: join(root, 'src/cli/help-template.ts')} : undefined))
    b.onResolve({filter: /^\.\.\/(module-loader|config\/ts-path|ux|errors\/error)$/}, (args) =>
      fromHelp(args) ? {path: args.path, namespace: 'help-light'} : undefined,
    )
    const stubs = {
      '../module-loader': 'export {}',
      '../config/ts-path': 'export {}',
      '../ux': `import {stdout, stderr} from ${JSON.stringify(join(oclifLib, 'ux/write.js'))}\nexport const ux = {stdout, stderr}`,
      '../errors/error': 'export function error(message) { throw Object.assign(new Error(message), {oclif: {exit: 2}}) }',
    }
    b.onLoad({filter: /.*/, namespace: 'help-light'}, (args) => ({contents: stubs[args.path], resolveDir: root, loader: 'js'}))
  },
}

/**
 * undici (its Agent, all the CLI uses: src/api/client.ts, src/api/proxy.ts) is dist/undici.cjs, loaded
 * (with its own code cache, by the bundles' require: src/cli/code-cache.ts) when the first request is
 * made: 280 KB that `mkr wrap`, sending nothing, read and compiled on every run (-4 ms, measured), and
 * so did every command that sends nothing.
 */
const undiciApart = {
  name: 'undici-apart',
  setup(b) {
    b.onResolve({filter: /^undici\/lib\/dispatcher\/agent\.js$/}, (args) => (args.kind === 'entry-point' ? undefined : {path: './undici.cjs', external: true}))
  },
}

/**
 * undici's HTTP/2 client, evaluated lazily: undici's client.js requires it at the top (and with it
 * node:http2, ~4 ms of every API command, measured), but only calls it for a connection that
 * negotiated h2, which ours never offer (allowH2 is off by default). The real module stays in the
 * bundle behind this one-line wrapper, so behaviour is unchanged if it ever is called.
 */
const lazyH2 = {
  name: 'lazy-h2',
  setup(b) {
    b.onResolve({filter: /^\.\/client-h2\.js$/}, (args) =>
      args.namespace === 'lazy-h2' || !args.importer.endsWith(join('undici', 'lib', 'dispatcher', 'client.js'))
        ? undefined
        : {path: join(dirname(args.importer), 'client-h2.js'), namespace: 'lazy-h2'},
    )
    b.onLoad({filter: /.*/, namespace: 'lazy-h2'}, (args) => ({
      contents: `module.exports = function connectH2(...a) { return require(${JSON.stringify(args.path)})(...a) }`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }))
  },
}

/**
 * oclif's Plugin.load sorts the commands with localeCompare on every run, and the first localeCompare
 * of a process starts ICU's collator (~9 ms; `mkr org` -6 ms without it, measured). src/cli/collate.ts gives the
 * same order without ICU where that is known (lower-case ids in C/English locales) and asks ICU
 * otherwise. A changed oclif that no longer has this line fails the build, not a user's command.
 */
const OCLIF_SORT = '.sort((a, b) => a.id.localeCompare(b.id));'
const oclifSort = {
  name: 'oclif-sort',
  setup(b) {
    b.onLoad({filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/}, (args) => {
      const source = readFileSync(args.path, 'utf8')
      if (!source.includes(OCLIF_SORT)) return {errors: [{text: `oclif-sort: ${args.path} no longer has \`${OCLIF_SORT}\`; update scripts/build.js`}]}
      const collate = JSON.stringify(join(root, 'src/cli/collate.ts'))
      return {contents: source.replace(OCLIF_SORT, `.sort((a, b) => require(${collate}).compareIds(a.id, b.id));`), loader: 'js'}
    })
  },
}

/**
 * Imports oclif makes at the top of a module a command loads, for code that a command run never
 * reaches; each becomes an object whose getters require the real module on first use, so what it
 * imports is evaluated only then (measured: ~10 ms of `mkr org` for Config alone):
 * - command.js -> ./config: for the static Command.run, which this CLI never calls (src/main.ts
 *   builds the command with the light Config, src/cli/light-config.ts);
 * - errors/handle.js -> ../help/index (help, its formatter, ejs, ts-path and fs/promises): to show
 *   help after a parse error, which BaseCommand.catch prints itself; flags.js -> ./help: for the
 *   help flag's own parse, which the dispatcher answers before a command runs;
 * - parser/parse.js -> node:readline: to read a flag's value from stdin, which no flag here does.
 * A changed oclif that no longer has one of these imports fails the build, not a user's command.
 */
const LAZY = [
  {importer: 'command.js', path: './config', names: ['Config']},
  {importer: 'errors/handle.js', path: '../help/index', names: ['Help']},
  {importer: 'flags.js', path: './help', names: ['loadHelpClass']},
  {importer: 'parser/parse.js', path: 'node:readline', names: ['createInterface']},
]
const lazySeen = new Set()
const lazyOclif = {
  name: 'lazy-oclif',
  setup(b) {
    b.onResolve({filter: /.*/}, (args) => {
      if (args.namespace === 'lazy-oclif') return undefined
      const lazy = LAZY.find((l) => l.path === args.path && args.importer === join(oclifLib, l.importer))
      if (!lazy) return undefined
      lazySeen.add(lazy)
      return {path: `${args.importer}#${lazy.path}`, namespace: 'lazy-oclif', pluginData: {lazy, resolveDir: args.resolveDir}}
    })
    b.onLoad({filter: /.*/, namespace: 'lazy-oclif'}, ({pluginData: {lazy, resolveDir}}) => ({
      contents: `module.exports = {${lazy.names.map((n) => `get ${n}() { return require(${JSON.stringify(lazy.path)}).${n} }`).join(', ')}}`,
      resolveDir,
      loader: 'js',
    }))
  },
}

const common = {
  write: false,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: process.env.MKR_BUILD_MINIFY !== '0', // 0: readable output for profiling
  keepNames: true,
  logLevel: 'warning',
  // oclif only reaches for these in development setups; never bundle a compiler.
  external: ['typescript', 'ts-node', 'tsx', 'esbuild'],
}

const cjs = (name, options) =>
  build({
    ...common,
    format: 'cjs',
    // import() of what stays outside (prompts.cjs, jq-web) as require(): a vm.Script has no module loader
    supported: {'dynamic-import': false},
    outfile: join(outdir, `${name}.cjs`),
    define: {MKR_VERSION: JSON.stringify(version), 'import.meta.url': '__mkrModuleUrl'},
    banner: {js: "var __mkrModuleUrl=require('node:url').pathToFileURL(__filename).href;"},
    ...options,
    plugins: options.plugins ?? [promptsApart, jqApart, undiciApart, lazyOclif, oclifSort],
  })

/**
 * dist/mkr.cjs, the commands' entries and their shared chunks: esbuild splits an ES module build, then
 * each file becomes CommonJS (a vm.Script has no module loader), its imports of other files require()
 * calls that src/cli/code-cache.ts answers with the file run from its own code cache.
 */
async function splitMkr() {
  const entry = {
    name: 'mkr-entry',
    setup(b) {
      b.onResolve({filter: /^mkr-entry$/}, () => ({path: 'mkr-entry', namespace: 'mkr-entry'}))
      b.onLoad({filter: /.*/, namespace: 'mkr-entry'}, () => ({contents: mainEntry, loader: 'ts', resolveDir: root}))
      // the registry's require()s of the commands' entries stay as they are
      b.onResolve({filter: /^\.\/cmd-[a-z0-9-]+\.cjs$/}, (args) => ({path: args.path, external: true}))
    },
  }
  const esm = await build({
    ...common,
    format: 'esm',
    splitting: true,
    outdir,
    entryPoints: {mkr: 'mkr-entry', ...Object.fromEntries(files.map((f) => [commandFile(commandId(f)).replace(/\.cjs$/, ''), f]))},
    chunkNames: 'chunk-[hash]',
    outExtension: {'.js': '.cjs'},
    define: {MKR_VERSION: JSON.stringify(version), 'import.meta.url': '__mkrModuleUrl'},
    banner: {js: "var __mkrModuleUrl=require('node:url').pathToFileURL(__filename).href;"},
    plugins: [entry, promptsApart, jqApart, undiciApart, lazyOclif, oclifSort],
  })
  const outputFiles = await Promise.all(
    esm.outputFiles.map(async (f) => {
      const {code} = await transform(f.text, {
        format: 'cjs',
        loader: 'js',
        platform: 'node',
        target: 'node20',
        supported: {'dynamic-import': false},
        minify: common.minify,
        keepNames: true,
        logLevel: 'warning',
      })
      return {path: f.path, contents: Buffer.from(code)}
    }),
  )
  return {outputFiles}
}

let results
try {
  results = await Promise.all([
    splitMkr(),
    // without keepNames (esbuild's __name calls for every function and class): 60 KB less young
    // garbage, which with the unwrapped source keeps `mkr wrap -- true` free of any GC (measured: one
    // 3-4 ms scavenge before, run as a V8 task just as the job exited). Nothing in wrap reads a
    // function's or class's name; only a DEBUG stack shows the minified names.
    cjs('wrap', {entryPoints: [join(root, 'src/cli/wrap-entry.ts')], keepNames: false}),
    cjs('help', {entryPoints: [join(root, 'src/cli/help.ts')], plugins: [helpLight]}),
    cjs('undici', {stdin: {contents: "module.exports = require('undici/lib/dispatcher/agent.js')", resolveDir: root, sourcefile: 'undici-entry.js'}, plugins: [lazyH2]}),
    cjs('prompts', {stdin: {contents: "module.exports = require('@inquirer/prompts')", resolveDir: root, sourcefile: 'prompts-entry.js'}, plugins: []}),
    build({...common, format: 'cjs', entryPoints: [join(root, 'src/cli/start.ts')], outfile: join(outdir, 'cli.cjs')}),
  ])
} catch {
  process.exit(1)
}
for (const l of LAZY.filter((l) => !lazySeen.has(l))) {
  console.error(`lazy-oclif: ${l.importer} no longer imports ${l.path}; update scripts/build.js`)
  process.exitCode = 1
}
if (process.exitCode) process.exit()

/** The bundle as ASCII (scripts/ascii.js): esbuild leaves a few characters in regular expression literals and comments (µ, U+009B, a licence's ä). */
function asciiOnly(bytes) {
  const text = Buffer.from(bytes).toString('utf8')
  const escaped = escapeNonAscii(text)
  return escaped === text ? bytes : Buffer.from(escaped, 'ascii')
}

/**
 * A bundle is its own CommonJS wrapper, called at the end for Node's require (tests, the manifest
 * script), and without that call for src/cli/code-cache.ts, which compiles the text up to the marker
 * (a slice of the file's string: no copy). Module.wrap() would copy the whole source to add the same
 * wrapper: 100 KB more young garbage in `mkr wrap -- true`, one more GC (measured).
 */
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) {'
const WRAP_TAIL = '})/*mkr:body-end*/.call(this, exports, require, module, __filename, __dirname);'

// Each file is replaced atomically, the bundles before dist/cli.cjs (which loads them), so a CLI started
// while a build runs (tests in another terminal) never reads a half-written or missing file.
mkdirSync(outdir, {recursive: true})
const outputs = results.flatMap((r) => r.outputFiles)
// chunks before the commands' entries, those before the bundles that require them, cli.cjs last
const order = (f) => {
  const name = f.path.slice(outdir.length + 1)
  return name.startsWith('chunk-') ? 0 : name.startsWith('cmd-') ? 1 : name === 'cli.cjs' ? 3 : 2
}
for (const f of outputs.sort((a, b) => order(a) - order(b))) {
  let contents = asciiOnly(f.contents)
  if (f.path.endsWith('.cjs') && !f.path.endsWith('cli.cjs')) {
    const hash = createHash('sha256').update(contents).digest('hex').slice(0, 32)
    contents = Buffer.concat([Buffer.from(`//mkr:${hash}\n${WRAP_HEAD}`), contents, Buffer.from(`\n${WRAP_TAIL}\n`)])
  }
  const tmp = `${f.path}.${process.pid}.tmp`
  writeFileSync(tmp, contents)
  renameSync(tmp, f.path)
}

// The manifest the dispatcher reads (src/cli/manifest.ts): oclif.manifest.json without its indentation
const manifestFile = join(root, 'oclif.manifest.json')
if (existsSync(manifestFile)) {
  const tmp = join(outdir, `manifest.json.${process.pid}.tmp`)
  writeFileSync(tmp, dispatchManifest(readFileSync(manifestFile, 'utf8')))
  renameSync(tmp, join(outdir, 'manifest.json'))
}

// chunks and commands' entries of earlier builds: dropped after an hour (a process started before this
// build may still load them)
const written = new Set(outputs.map((f) => f.path))
const hourAgo = Date.now() - 3600_000
for (const name of readdirSync(outdir)) {
  const p = join(outdir, name)
  if (/^(chunk|cmd)-.*\.cjs$/.test(name) && !written.has(p) && statSync(p).mtimeMs < hourAgo) unlinkSync(p)
}

// The ESM layout before the code cache (mkr.js, wrap.js, globals.js, chunks/) and the ESM dispatcher
// (cli.js): drop them after an hour (a process started before the switch may still load from them).
for (const name of ['mkr.js', 'wrap.js', 'globals.js', 'cli.js']) {
  const p = join(outdir, name)
  if (existsSync(p) && statSync(p).mtimeMs < hourAgo) unlinkSync(p)
}
const chunks = join(outdir, 'chunks')
if (existsSync(chunks)) {
  for (const name of readdirSync(chunks)) {
    const p = join(chunks, name)
    if (statSync(p).mtimeMs < hourAgo) unlinkSync(p)
  }
  if (readdirSync(chunks).length === 0) rmSync(chunks, {recursive: true})
}
