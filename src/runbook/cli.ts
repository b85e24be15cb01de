// What `runbook run` and `runbook serve` share around their work: the dependencies (client, IO,
// state, the API settings commands inherit) and the SIGTERM/SIGINT handling that lets the step in
// progress finish.
import type {ApiClient} from '../api/client.js'
import type {IOStreams} from '../output/iostreams.js'
import type {RunbookDeps} from './handle.js'
import {stopOnSignals} from './signals.js'
import {defaultRunbookStateDir, RunbookState} from './state.js'

export type ProcessDeps = RunbookDeps & {stopped: Promise<void>; sleep: (ms: number) => Promise<void>}

/** Runs `work` with the process's dependencies; returns its exit code. */
export async function withRunbookProcess(
  o: {io: IOStreams; client: ApiClient; api: {apiBase: string; apiKey: string}; stateDir?: string; inProgress: string},
  work: (deps: ProcessDeps) => Promise<number>,
): Promise<number> {
  const stopper = stopOnSignals(o.io, o.inProgress)
  try {
    return await work({
      client: o.client,
      io: o.io,
      state: new RunbookState(o.stateDir ?? defaultRunbookStateDir(process.env)),
      api: o.api,
      stopping: stopper.stopping,
      stopped: stopper.stopped,
      sleep: stopper.sleep,
    })
  } finally {
    stopper.dispose()
  }
}
