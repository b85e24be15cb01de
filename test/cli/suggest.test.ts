import assert from 'node:assert/strict'
import {closest, editDistance, suggestFlag} from '../../src/cli/suggest.js'
import {FIXTURE} from './fixture.js'

describe('cli/suggest: did-you-mean', () => {
  const distances: [string, string, number][] = [
    ['status', 'status', 0],
    ['stauts', 'status', 1], // a swap of neighbours is one edit
    ['hots', 'hosts', 1],
    ['host', 'hosts', 1],
    ['pul', 'pull', 1],
    ['pul', 'push', 2],
    ['kitten', 'sitting', 3],
    ['', 'org', 3],
  ]
  for (const [a, b, d] of distances)
    it(`editDistance(${a || '""'}, ${b}) = ${d}`, () => {
      assert.equal(editDistance(a, b), d)
      assert.equal(editDistance(b, a), d)
    })

  const picks: [string, string[], string | undefined][] = [
    ['host', ['alerts', 'hosts', 'org', 'status'], 'hosts'],
    ['pul', ['diff', 'get', 'pull', 'push'], 'pull'],
    ['pus', ['diff', 'get', 'pull', 'push'], 'push'],
    ['moniters', ['monitors', 'org'], 'monitors'],
    ['stat', ['status', 'update'], 'status'], // 2 edits is too many for 4 letters, but it starts the name
    ['ann', ['annotations', 'alerts'], 'annotations'],
    ['pu', ['pull', 'push'], undefined],
    ['xyz', ['hosts', 'org'], undefined],
    ['hosts', ['hosts'], undefined],
  ]
  for (const [typed, candidates, want] of picks)
    it(`closest(${typed}) = ${want}`, () => {
      assert.equal(closest(typed, candidates), want)
    })

  const flags: [string, string, string | undefined][] = [
    ['hosts', '--stauts', '--status'],
    ['hosts', '-stauts', '--status'],
    ['hosts', '--stauts=working', '--status'],
    ['hosts', '--verbos', '--verbose'],
    ['hosts', '--no-colr', '--no-color'],
    ['monitors:push', '--dryrun', '--dry-run'],
    ['hosts', '--bogus', undefined],
    ['hosts', '-x', undefined],
    ['nope', '--stauts', undefined],
  ]
  for (const [id, bad, want] of flags)
    it(`suggestFlag(${id}, ${bad}) = ${want}`, () => {
      assert.equal(suggestFlag(id, bad, FIXTURE), want)
    })
})
