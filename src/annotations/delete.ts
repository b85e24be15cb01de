// `mkr annotations delete`: prints the deleted annotation as mkr's JSON.
import {annotationJson, deleteAnnotation} from '../api/annotations.js'
import type {ApiClient} from '../api/client.js'
import {checkIds} from '../errors.js'
import {exportData} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {missing} from './input.js'

export async function runDelete(opts: {id?: string; json?: boolean}, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  if (opts.id === undefined) throw missing('id', 'delete a graph annotation', 'ID')
  const [id] = checkIds('annotation id', [opts.id])
  const api = await client()
  const deleted = await withProgress(io, 'deleting the annotation', () => deleteAnnotation(api, id))
  await exportData(annotationJson(deleted), {json: true}, undefined, io)
}
