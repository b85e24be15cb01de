// The floor for `mkr org` (and other small API answers): the least a Node script can do to make the
// same GET with node:http and print the same mkr-shaped JSON.
import {get} from 'node:http'
get(`${process.env.MACKEREL_APIBASE}/api/v0/org`, {headers: {'X-Api-Key': process.env.MACKEREL_APIKEY}}, (res) => {
  let body = ''
  res.setEncoding('utf8')
  res.on('data', (d) => (body += d))
  res.on('end', () => {
    const {name, displayName} = JSON.parse(body)
    process.stdout.write(JSON.stringify(displayName ? {name, displayName} : {name}, null, 4) + '\n')
  })
})
