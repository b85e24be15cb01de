#!/usr/bin/env node
// dist/mkr.js bundles @oclif/core with every command (see scripts/build.js).
import {main} from '../dist/mkr.js'

await main(process.argv.slice(2), import.meta.url)
