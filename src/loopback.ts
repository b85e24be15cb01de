// Whether a URL's host is this machine: the one rule for plain http to the API base without a
// warning (src/config), plugin downloads over http (src/plugin/http.ts), loopback never proxied
// (src/api/proxy.ts) and a refused connection not retried (src/api/client.ts).

/**
 * `localhost`, 127.0.0.0/8, `::1` and 127.x mapped into IPv6, as URL.hostname spells them (with or
 * without the IPv6 brackets; URL has already normalised `127.1` and `0:0:0:0:0:0:0:1`). Names under
 * `.localhost` are not counted: what they resolve to is up to the resolver.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  return h === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::1' || /^::ffff:(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|7f[0-9a-f]{2}:[0-9a-f]{1,4})$/.test(h)
}
