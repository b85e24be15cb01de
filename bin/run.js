#!/usr/bin/env node
// dist/mkr.js bundles @oclif/core with every command (see scripts/build.js).
import {execute} from '../dist/mkr.js'

await execute({dir: import.meta.url})
