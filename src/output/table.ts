// Tables for a terminal (cli-table3, imported lazily: ~14 ms we only pay when a table is drawn).

export async function renderTable(head: string[], rows: (string | number)[][]): Promise<string> {
  const {default: Table} = await import('cli-table3')
  const t = new Table({head, style: {head: [], border: []}, wordWrap: false})
  for (const r of rows) t.push(r.map(String))
  return t.toString() + '\n'
}
