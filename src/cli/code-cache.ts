// Loads a CommonJS bundle of dist/ with a V8 code cache. Most of a command's start-up is V8 compiling
// the bundle (oclif and the command), not running it (measured: loading oclif's Command 51 -> 31 ms
// with a cache); Node 20 has no compile cache for modules (module.enableCompileCache is Node 22), so
// the bundle runs as a vm.Script, whose cache we keep ourselves:
// - one file per bundle, Node version and architecture, under the user's cache dir
//   ($XDG_CACHE_HOME/mkr, else ~/.cache/mkr), made on first use, never shipped (V8 refuses a cache
//   from another V8 or with other flags, and says so: then it is made again);
// - the bundle's first line names its content hash (scripts/build.js), and so does the cache file:
//   V8 only checks a cache against the source's length, so a rebuilt bundle must never meet the
//   cache of the previous one;
// - written to a temporary file and renamed (concurrent cron jobs), only into a directory of ours,
//   and read only from a file we own; any failure only means running without a cache;
// - made when the process exits (or just before a V8 flag changes, src/cli/cache-events.ts), not right
//   after the bundle's top level ran: V8 compiles functions lazily, and a cache made after the command
//   holds every function it ran (the help formatter, undici, the command), not only the module bodies
//   (measured: `mkr org` -5 ms, `mkr hosts --help` -2 ms);
// - MKR_NO_CODE_CACHE=1 turns it off.
import {closeSync, fstatSync, futimesSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'
import {Script} from 'node:vm'
import {BEFORE_V8_FLAGS} from './cache-events.js'
import {ensureDir} from '../files.js'

/** The directory for code caches, or undefined when there is none to use. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MKR_NO_CODE_CACHE === '1') return undefined
  const base = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : env.HOME ? join(env.HOME, '.cache') : safeHome()
  return base ? join(base, 'mkr') : undefined
}

function safeHome(): string | undefined {
  try {
    const h = homedir()
    return h ? join(h, '.cache') : undefined
  } catch {
    return undefined
  }
}

/** `//mkr:<hash>` on the bundle's first line, or undefined (a bundle without one is never cached). */
export function bundleHash(source: string): string | undefined {
  return /^\/\/mkr:([0-9a-f]{16,64})\n/.exec(source)?.[1]
}

/** The cache file name for a bundle: its name, hash, Node version and architecture. */
export function cacheName(bundle: string, hash: string): string {
  return `${bundle.replace(/\.cjs$/, '')}-${hash}-${process.version}-${process.arch}.v8cache`
}

const ownUid = typeof process.getuid === 'function' ? process.getuid() : undefined

/** The file's bytes when it is a regular file of ours, else undefined. */
const USED_MARK_MS = 12 * 3600_000

function readOwn(file: string): Buffer | undefined {
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    const st = fstatSync(fd)
    if (!st.isFile() || (ownUid !== undefined && st.uid !== ownUid) || st.size === 0) return undefined
    // in use: writeCache removes caches unused for a day, so one in use is marked at most twice a day
    if (st.mtimeMs < Date.now() - USED_MARK_MS)
      try {
        futimesSync(fd, new Date(), new Date())
      } catch {}
    const buf = Buffer.allocUnsafe(st.size)
    let n = 0
    while (n < st.size) {
      const r = readSync(fd, buf, n, st.size - n, n)
      if (r === 0) return undefined
      n += r
    }
    return buf
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function writeCache(dir: string, name: string, data: Buffer): void {
  try {
    ensureDir(dir) // bounded: Node's recursive mkdir never returns on a path like /proc/nope/mkr
    const st = statSync(dir)
    if (!st.isDirectory() || (ownUid !== undefined && st.uid !== ownUid)) return
    const tmp = join(dir, `.${name}.${process.pid}.tmp`)
    writeFileSync(tmp, data, {mode: 0o600})
    renameSync(tmp, join(dir, name))
    // caches of other builds (an upgrade, a rebuild) unused for a day are dead weight; another
    // install used alongside this one keeps its own
    const old = Date.now() - 86_400_000
    for (const f of readdirSync(dir))
      if (f.endsWith('.v8cache') && f !== name && statSync(join(dir, f)).mtimeMs < old) unlinkSync(join(dir, f))
  } catch {}
}

/** Caches still to write (bundles loaded without a valid one), by bundle file. */
const owed = new Map<string, () => void>()

/** Writes the caches still owed; called at exit and before a V8 flag changes. */
export function writeOwedCaches(): void {
  for (const write of owed.values()) write()
  owed.clear()
}

function owe(file: string, write: () => void): void {
  if (owed.size === 0) {
    process.once('exit', writeOwedCaches)
    process.once(BEFORE_V8_FLAGS, writeOwedCaches)
  }
  owed.set(file, write)
}

/** Where a bundle's wrapper function ends (scripts/build.js). */
const BODY_END = '/*mkr:body-end*/'

/** The bundles run in this process, by file. */
const loaded = new Map<string, {exports: unknown}>()

/**
 * `require` for the bundle `file`: another bundle next to it (`./chunk-….cjs`, `./cmd-….cjs`,
 * `./undici.cjs`: scripts/build.js) runs through loadBundle, from its own code cache; anything else
 * (Node's modules, jq-web) as Node's require would.
 */
function bundleRequire(file: string, env: NodeJS.ProcessEnv): NodeJS.Require {
  const nodeRequire = createRequire(file)
  const dir = dirname(file)
  const req = (id: string): unknown => (/^\.\/[\w.-]+\.cjs$/.test(id) ? loadBundle(join(dir, id.slice(2)), env) : nodeRequire(id))
  return Object.assign(req, {resolve: nodeRequire.resolve, cache: nodeRequire.cache, extensions: nodeRequire.extensions, main: nodeRequire.main})
}

/**
 * Runs the CommonJS bundle `file` (as `require` would, in this context) and returns its exports,
 * compiling it from the code cache when there is a valid one and writing one when not.
 */
export function loadBundle<T>(file: string, env: NodeJS.ProcessEnv = process.env): T {
  // once per process, as require() does; a file requiring one that is still running (a cycle between
  // chunks) gets its exports as they are so far, as with require()
  const known = loaded.get(file)
  if (known) return known.exports as T
  const source = readFileSync(file, 'utf8')
  const hash = bundleHash(source)
  const dir = hash ? cacheDir(env) : undefined
  const name = hash && cacheName(file.slice(dirname(file).length + 1), hash)
  const cachedData = dir && name ? readOwn(join(dir, name)) : undefined
  // the bundle has no import() (scripts/build.js turns it into require), so it needs no module loader.
  // It is its own wrapper, called at its end for Node's require: the text before that call is the
  // function (a slice, not a copy of the source as Module.wrap would make)
  const end = source.lastIndexOf(BODY_END)
  if (end < 0) throw new Error(`${file}: not a bundle of this build (no ${BODY_END}); reinstall`)
  const script = new Script(source.slice(0, end), {filename: file, cachedData})
  const mod = {exports: {} as T, filename: file, id: file, loaded: false}
  loaded.set(file, mod)
  const fn = script.runInThisContext() as (exports: T, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void
  fn.call(mod.exports, mod.exports, bundleRequire(file, env), mod, file, dirname(file))
  mod.loaded = true
  if (dir && name && (cachedData === undefined || script.cachedDataRejected)) owe(file, () => writeCache(dir, name, script.createCachedData()))
  return mod.exports
}
