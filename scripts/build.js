#!/usr/bin/env node
// Builds dist/ (esbuild; type checking is tsc's job, `npm run typecheck`):
// - dist/cli.js: the dispatcher bin/run.js imports (src/cli/start.ts): the manifest, --version, usage
//   errors and the code-cache loader. Small, so a usage error costs little more than `node -e 0`.
// - dist/mkr.cjs: src/main.ts with @oclif/core and every command, found in src/commands and exported
//   as COMMANDS (oclif's "explicit" command discovery; scripts/manifest.js reads it). CommonJS because
//   it runs as a vm.Script with a V8 code cache (src/cli/code-cache.ts): Node 20 caches no module
//   compilation, and compiling oclif is most of a command's start-up. What commands import lazily
//   (undici, chalk, the sandbox, jq) stays unevaluated until used.
// - dist/wrap.cjs: `mkr wrap` without oclif (src/cli/wrap-entry.ts).
// - dist/prompts.cjs: @inquirer/prompts, required only when a command asks a question on a TTY.
// Each .cjs bundle starts with `//mkr:<content hash>`, which names its code cache.
// Source files import oclif by subpath (@oclif/core/command, /flags, /args, /run): its index also
// evaluates help, ux and more. jq-web (--jq only) reads its jq.wasm from its own directory: it is
// the one package loaded from node_modules at run time.
//
// `node scripts/build.js [--outdir DIR]` (default dist/; MKR_BUILD_OUTDIR too): build elsewhere to try
// a change while others run dist/.
import {build} from 'esbuild'
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
const mainEntry = [
  "export {main} from './src/main.ts'",
  ...files.map((f, i) => `import C${i} from './${relative(root, f)}'`),
  `export const COMMANDS = {${files.map((f, i) => `${JSON.stringify(commandId(f))}: C${i}`).join(', ')}}`,
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
    plugins: [promptsApart, jqApart],
    ...options,
  })

let results
try {
  results = await Promise.all([
    cjs('mkr', {stdin: {contents: mainEntry, loader: 'ts', resolveDir: root, sourcefile: 'mkr-entry.ts'}}),
    cjs('wrap', {entryPoints: [join(root, 'src/cli/wrap-entry.ts')]}),
    cjs('prompts', {stdin: {contents: "module.exports = require('@inquirer/prompts')", resolveDir: root, sourcefile: 'prompts-entry.js'}, plugins: []}),
    build({...common, format: 'esm', entryPoints: [join(root, 'src/cli/start.ts')], outfile: join(outdir, 'cli.js')}),
  ])
} catch {
  process.exit(1)
}

// Each file is replaced atomically, the bundles before dist/cli.js (which loads them), so a CLI started
// while a build runs (tests in another terminal) never reads a half-written or missing file.
mkdirSync(outdir, {recursive: true})
const outputs = results.flatMap((r) => r.outputFiles)
const last = (f) => Number(f.path.endsWith('cli.js'))
for (const f of outputs.sort((a, b) => last(a) - last(b))) {
  let contents = f.contents
  if (f.path.endsWith('.cjs')) {
    const hash = createHash('sha256').update(contents).digest('hex').slice(0, 32)
    contents = Buffer.concat([Buffer.from(`//mkr:${hash}\n`), contents])
  }
  const tmp = `${f.path}.${process.pid}.tmp`
  writeFileSync(tmp, contents)
  renameSync(tmp, f.path)
}

// The ESM layout before the code cache (mkr.js, wrap.js, globals.js, chunks/): drop it after an hour
// (a process started before the switch may still load from it).
const hourAgo = Date.now() - 3600_000
for (const name of ['mkr.js', 'wrap.js', 'globals.js']) {
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
