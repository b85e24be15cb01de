#!/usr/bin/env node
// The dispatcher (dist/cli.js, src/cli/start.ts) answers --version and usage errors itself and runs
// everything else from the CLI bundles with a V8 code cache.
try {
  await (await import('../dist/cli.js')).start(process.argv.slice(2), import.meta.url)
} catch (error) {
  // the dispatcher and the commands handle their own errors; this is for a broken install (dist/ missing or stale)
  process.stderr.write(`mkr: unexpected error: ${String(error?.message ?? error).split('\n')[0].replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')}\n`)
  if (process.env.DEBUG && error?.stack) process.stderr.write(`${error.stack}\n`)
  process.exitCode = 1
}
