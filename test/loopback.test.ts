import assert from 'node:assert/strict'
import {isLoopbackHost} from '../src/loopback.js'

describe('isLoopbackHost: this machine only', () => {
  it('localhost, 127.0.0.0/8 and ::1 as URL spells them, with or without brackets', () => {
    const hosts = ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]', ...['http://127.1/', 'http://[0:0:0:0:0:0:0:1]/', 'http://[::ffff:127.0.0.1]/'].map((u) => new URL(u).hostname)]
    for (const h of hosts) assert.equal(isLoopbackHost(h), true, h)
  })
  it('anything else, names under .localhost included (the resolver decides where they go)', () => {
    for (const h of ['api.mackerelio.com', 'api.localhost', '10.0.0.1', '128.0.0.1', '127.0.0.1.example.com', 'localhost.example.com', '[::2]', '::', new URL('http://[::ffff:10.0.0.1]/').hostname])
      assert.equal(isLoopbackHost(h), false, h)
  })
})
