// `mkr metric-names` on a terminal: one name a line (sorted, so related names sit together);
// piped, the exporter prints mkr's JSON array in the API's order.
import type {View} from '../output/export.js'
import {escapeControl} from '../output/sanitize.js'

export function metricNamesView(names: readonly string[]): View {
  return {render: () => [...names].sort().map((n) => escapeControl(n) + '\n').join(''), empty: 'no metric names'}
}
