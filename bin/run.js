#!/usr/bin/env node
// dist/mkr.js bundles @oclif/core with every command (see scripts/build.js). Two start-up fast paths
// skip loading oclif (~70 ms of module evaluation): `mkr wrap`, which cron runs all day (same code as
// the oclif command, src/wrap/cli.ts; help still goes through oclif), also behind global flags
// (`mkr --conf FILE wrap ...`, src/cli/globals.ts), and `--version`.
import {readFileSync} from 'node:fs'
const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`mackerel-cli/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  try {
    let code
    let wrapArgv = argv[0] === 'wrap' ? argv.slice(1) : undefined
    if (argv[0]?.startsWith('-') && argv.includes('wrap')) wrapArgv = (await import('../dist/globals.js')).wrapArgs(argv)
    if (wrapArgv) code = await (await import('../dist/wrap.js')).runWrapCli(wrapArgv)
    if (code === undefined) await (await import('../dist/mkr.js')).main(argv, import.meta.url)
    else process.exitCode = code
  } catch (error) {
    // both entries handle their own errors; this is for a broken install (dist/ missing or stale)
    process.stderr.write(`mkr: unexpected error: ${String(error?.message ?? error).split('\n')[0].replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')}\n`)
    if (process.env.DEBUG && error?.stack) process.stderr.write(`${error.stack}\n`)
    process.exitCode = 1
  }
}
