import assert from 'node:assert/strict'
import {ApiError, InvalidResponseError, NetworkError, RedirectError, serviceDown} from '../../src/api/errors.js'
import {CliError} from '../../src/errors.js'

describe('serviceDown', () => {
  const table: [string, unknown, boolean][] = [
    ['a network error (connection refused)', new NetworkError('POST', '/x', 'cannot connect to h (connection refused)', true), true],
    ['a network error after the request left', new NetworkError('POST', '/x', 'no response within 30s', false, 3), true],
    ['a request the caller cancelled (says nothing about the service)', new NetworkError('POST', '/x', 'cancelled', false), false],
    ['429', new ApiError('POST', '/x', 429, 'Too Many Requests'), true],
    ['500', new ApiError('POST', '/x', 500, 'Internal Server Error'), true],
    ['502', new ApiError('POST', '/x', 502, 'Bad Gateway'), true],
    ['503', new ApiError('POST', '/x', 503, 'Service Unavailable'), true],
    ['504', new ApiError('POST', '/x', 504, 'Gateway Timeout'), true],
    ['599', new ApiError('POST', '/x', 599, 'HTTP 599'), true],
    ['400', new ApiError('POST', '/x', 400, 'Bad Request'), false],
    ['401', new ApiError('POST', '/x', 401, 'Unauthorized'), false],
    ['403', new ApiError('POST', '/x', 403, 'Forbidden'), false],
    ['404', new ApiError('POST', '/x', 404, 'Not Found'), false],
    ['408 (this request timed out, not the service)', new ApiError('POST', '/x', 408, 'Request Timeout'), false],
    ['a redirect', new RedirectError('POST', '/x', 302, 'https://elsewhere.example/'), false],
    ['an invalid response', new InvalidResponseError('POST', '/x', 'empty body'), false],
    ['another CLI error', new CliError('nope'), false],
    ['a plain Error', new Error('boom'), false],
    ['undefined', undefined, false],
  ]
  for (const [name, error, expected] of table) it(`${name} -> ${expected}`, () => assert.equal(serviceDown(error), expected))
})

describe('api errors show server text escaped, whoever builds them', () => {
  it('ApiError escapes control characters of the server message', () => {
    const e = new ApiError('GET', '/api/v0/org', 400, 'x\r\nmkr: all good\u001b]0;t\u0007')
    assert.equal(e.message, 'GET /api/v0/org failed: 400 x\\r\\nmkr: all good\\x1b]0;t\\x07')
  })

  it('InvalidResponseError escapes control characters of the reason', () => {
    const e = new InvalidResponseError('GET', '/api/v0/hosts', 'hosts[0].roles["a\nb"] is a number, expected an array')
    assert.equal(e.message, 'GET /api/v0/hosts failed: invalid response: hosts[0].roles["a\\nb"] is a number, expected an array')
  })

  it('a RedirectError escapes its Location (header bytes 0x80-0x9f arrive as C1 controls)', () => {
    const e = new RedirectError('GET', '/api/v0/org', 302, 'https://x.example/\u009b2J')
    assert.equal(e.location, 'https://x.example/\\x9b2J')
    assert.equal(e.message, 'GET /api/v0/org failed: 302 redirect to https://x.example/\\x9b2J (the Mackerel API does not redirect: check --apibase / MACKEREL_APIBASE)')
  })

  it('a RedirectError is an ApiError that is not retryable and names the Location', () => {
    const e = new RedirectError('PUT', '/api/v0/monitors/m1', 308, 'https://elsewhere.example/api/v0/monitors/m1')
    assert.ok(e instanceof ApiError)
    assert.equal(e.retryable, false)
    assert.equal(e.location, 'https://elsewhere.example/api/v0/monitors/m1')
    assert.equal(
      e.message,
      'PUT /api/v0/monitors/m1 failed: 308 redirect to https://elsewhere.example/api/v0/monitors/m1 (the Mackerel API does not redirect: check --apibase / MACKEREL_APIBASE)',
    )
  })
})
