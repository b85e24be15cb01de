#!/usr/bin/env node
// Compiles src/ to dist/ (what bin/run.js loads). Incremental, so repeated runs are cheap.
import {spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)
const tsc = require.resolve('typescript/bin/tsc')
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {stdio: 'inherit'})
process.exit(r.status ?? 1)
