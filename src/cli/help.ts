// Help without loading oclif's Config (dist/help.cjs, run by the dispatcher, src/cli/start.ts): oclif's
// own Help class (the same formatter, wrapping and layout, so the text is byte for byte what
// `Config.load` + `Help.showHelp` print) given the light Config (src/cli/light-config.ts). Help's
// templates go through ejs, which compiles each string with `new Function` (~8 ms): scripts/build.js
// gives this bundle src/cli/help-template.ts instead. Where the light Config cannot stand in, the
// caller runs oclif's full path (src/main.ts). test/cli/help.test.ts compares this help with oclif's
// for every command and topic.
import {Help} from '@oclif/core/help'
import {lightConfig, NeedsOclif, type PackageJson} from './light-config.js'
import type {Manifest} from './manifest.js'

/**
 * Prints the help for `argv` (a command line that oclif would answer with help: see
 * src/cli/help-request.ts) as oclif's Help does. False when it cannot (lightConfig), before printing
 * anything: the caller then runs oclif's own path.
 */
export async function showHelp(argv: string[], manifest: Manifest, pjson: PackageJson, root: string): Promise<boolean> {
  const config = lightConfig(manifest, pjson, root)
  if (!config) return false
  try {
    await new Help(config, (pjson.oclif.helpOptions ?? pjson.helpOptions) as object).showHelp(argv)
  } catch (error) {
    // a subject Help cannot find, or dynamic help (both before any output)
    if (error instanceof NeedsOclif || (error as {oclif?: unknown}).oclif !== undefined) return false
    throw error
  }
  return true
}
