#!/usr/bin/env node
// Builds dist/mkr.js (and dist/wrap.js, see below): one esbuild bundle of @oclif/core and every
// command, found in src/commands and exported as COMMANDS (oclif's "explicit" command discovery).
// Loading one pre-linked file instead of ~200 modules is what keeps start-up near `node -e 0`;
// modules imported lazily (undici, chalk, cli-table3, prompts, the API client) become chunks loaded
// only when used. Source files import oclif by subpath (@oclif/core/command, /flags, /args, /run):
// its index also evaluates help, ux and more at start (~30 ms). Type checking is tsc's job
// (`npm run typecheck`), not this script's.
import {build} from 'esbuild'
import {mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const commandsDir = join(root, 'src', 'commands')

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
const entry = [
  "export {main} from './src/main.ts'",
  ...files.map((f, i) => `import C${i} from './${relative(root, f)}'`),
  `export const COMMANDS = {${files.map((f, i) => `${JSON.stringify(commandId(f))}: C${i}`).join(', ')}}`,
].join('\n')

let result
try {
  result = await build({
    write: false,
    // dist/wrap.js: `mkr wrap` without oclif (bin/run.js takes this path; it is cron's hot path);
    // dist/globals.js: finds wrap behind global flags (`mkr --conf F wrap ...`) for that path
    entryPoints: {mkr: 'mkr-entry', wrap: join(root, 'src/wrap/cli.ts'), globals: join(root, 'src/cli/globals.ts')},
    plugins: [
      {
        name: 'entry',
        setup(b) {
          b.onResolve({filter: /^mkr-entry$/}, () => ({path: join(root, 'mkr-entry.ts'), namespace: 'entry'}))
          b.onLoad({filter: /.*/, namespace: 'entry'}, () => ({contents: entry, loader: 'ts', resolveDir: root}))
        },
      },
    ],
    // oclif only reaches for these in development setups; never bundle a compiler.
    // jq-web (--jq only, imported lazily) reads its jq.wasm from its own directory: load it from node_modules.
    external: ['typescript', 'ts-node', 'tsx', 'esbuild', 'jq-web'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: true,
    minify: true,
    keepNames: true,
    outdir: join(root, 'dist'),
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    // CommonJS dependencies (oclif) call require(); give the ESM bundle one
    banner: {js: "import {createRequire as __mkrRequire} from 'node:module';const require=__mkrRequire(import.meta.url);"},
    logLevel: 'warning',
  })
} catch {
  process.exit(1)
}

// Each file is replaced atomically, chunks before the entry that imports them, so a CLI started
// while a build runs (tests in another terminal) never reads a half-written or missing file.
const isEntry = (f) => dirname(f.path) === join(root, 'dist')
const outputs = [...result.outputFiles].sort((a, b) => Number(isEntry(a)) - Number(isEntry(b)))
for (const f of outputs) {
  mkdirSync(dirname(f.path), {recursive: true})
  const tmp = `${f.path}.${process.pid}.tmp`
  writeFileSync(tmp, f.contents)
  renameSync(tmp, f.path)
}
// Chunk names carry a content hash: drop old ones after an hour (a running process may still load one).
const chunks = join(root, 'dist', 'chunks')
const fresh = new Set(outputs.map((f) => f.path))
for (const name of readdirSync(chunks)) {
  const p = join(chunks, name)
  if (!fresh.has(p) && Date.now() - statSync(p).mtimeMs > 3600_000) unlinkSync(p)
}
