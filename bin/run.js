#!/usr/bin/env node
// The dispatcher (dist/cli.cjs, src/cli/start.ts) answers --version and usage errors itself and runs
// everything else from the CLI bundles with a V8 code cache. This file and the dispatcher are CommonJS
// (bin/package.json): an ES module entry makes Node start its ESM loader first, ~6 ms on every run.
'use strict'
// the dispatcher and the commands handle their own errors; this is for a broken install (dist/ missing or stale)
function broken(error) {
  process.stderr.write(`mkr: unexpected error: ${String(error?.message ?? error).split('\n')[0].replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')}\n`)
  if (process.env.DEBUG && error?.stack) process.stderr.write(`${error.stack}\n`)
  process.exitCode = 1
}
try {
  require('../dist/cli.cjs').start(process.argv.slice(2), require('node:url').pathToFileURL(__filename).href).catch(broken)
} catch (error) {
  broken(error)
}
