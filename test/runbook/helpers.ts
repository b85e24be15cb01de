// Shared by the runbook tests: the dependencies of an in-process run against a sandbox, and the
// file the test remedies append to (one line per run).
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {ApiClient} from '../../src/api/client.js'
import type {RunbookDeps} from '../../src/runbook/handle.js'
import {RunbookState} from '../../src/runbook/state.js'
import type {Sandbox} from '../../src/sandbox/server.js'
import type {IOStreams} from '../../src/output/iostreams.js'

export function sandboxDeps(sb: Sandbox, dir: string, io: IOStreams): RunbookDeps {
  return {
    client: new ApiClient({apiBase: sb.url, apiKey: 'sandbox', sleep: async () => {}, random: () => 0}),
    io,
    state: new RunbookState(join(dir, 'state')),
    api: {apiBase: sb.url, apiKey: 'sandbox'},
    env: {PATH: process.env.PATH, MARK: join(dir, 'mark')},
  }
}

/** How many times a remedy appended to $MARK. */
export function marks(dir: string): number {
  const f = join(dir, 'mark')
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0
}
