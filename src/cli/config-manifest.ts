// The manifest view (src/cli/manifest.ts) of oclif's loaded config, for the commands that need the
// command list at run time (help, completion): the same data, read from the manifest by oclif.
import type {Config} from '@oclif/core/config'
import type {Manifest} from './manifest.js'

export function manifestOf(config: Config): Manifest {
  return {
    commands: Object.fromEntries(config.commands.map((c) => [c.id, c as unknown as Manifest['commands'][string]])),
    topics: Object.fromEntries(config.topics.filter((t) => t.description).map((t) => [t.name, t.description!])),
  }
}
