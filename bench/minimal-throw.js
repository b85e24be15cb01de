// The floor for `mkr throw`: read `name value epoch` lines from stdin and POST them to /api/v0/tsdb
// in one request with node:http, the least a tool can do (no validation, no batching, no retries).
import {request} from 'node:http'

const chunks = []
for await (const c of process.stdin) chunks.push(c)
const hostId = process.argv[2]
const body = []
for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
  const [name, value, time] = line.split(/\s+/)
  if (time) body.push({hostId, name: `custom.${name}`, time: Number(time), value: Number(value)})
}
const data = JSON.stringify(body)
const req = request(`${process.env.MACKEREL_APIBASE}/api/v0/tsdb`, {
  method: 'POST',
  headers: {'X-Api-Key': process.env.MACKEREL_APIKEY, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data)},
})
req.on('response', (res) => {
  res.resume()
  res.on('end', () => process.exit(res.statusCode === 200 ? 0 : 1))
})
req.end(data)
