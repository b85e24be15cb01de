// A forwarding HTTP proxy on 127.0.0.1 for the proxy tests (in-process and e2e): absolute-URI
// requests are forwarded, CONNECT opens a tunnel; it records what it saw, and can refuse everything.
import * as http from 'node:http'
import * as net from 'node:net'
import type {AddressInfo} from 'node:net'

export interface ProxySeen {
  method: string
  url: string
  auth?: string
}

export interface ProxyOptions {
  /** where an absolute-URI request goes (default: its URL's host and port) */
  http?: (u: URL) => {host: string; port: number}
  /** where a CONNECT to host:port goes; undefined refuses it with 502 (default: host:port itself) */
  connect?: (host: string, port: number) => {host: string; port: number} | undefined
  /** answer every request and CONNECT with this status (e.g. 407), read at each request */
  refuse?: () => number | undefined
}

export async function startTestProxy(o: ProxyOptions = {}) {
  const seen: ProxySeen[] = []
  const refuse = () => o.refuse?.()
  const server = http.createServer((req, res) => {
    seen.push({method: req.method!, url: req.url!, auth: req.headers['proxy-authorization']})
    const status = refuse()
    if (status) {
      res.writeHead(status, {'proxy-authenticate': 'Basic realm="test"'})
      res.end('refused')
      return
    }
    const u = new URL(req.url!)
    const to = o.http?.(u) ?? {host: u.hostname, port: Number(u.port) || 80}
    const headers = {...req.headers}
    delete headers['proxy-authorization']
    const up = http.request({host: to.host, port: to.port, path: u.pathname + u.search, method: req.method, headers}, (r) => {
      res.writeHead(r.statusCode!, r.statusMessage, r.headers)
      r.pipe(res)
    })
    up.on('error', () => (res.writeHead(502), res.end()))
    req.pipe(up)
  })
  const tunnels = new Set<net.Socket>()
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    seen.push({method: 'CONNECT', url: req.url!, auth: req.headers['proxy-authorization']})
    socket.on('error', () => {})
    tunnels.add(socket)
    socket.on('close', () => tunnels.delete(socket))
    const i = req.url!.lastIndexOf(':')
    const host = req.url!.slice(0, i).replace(/^\[|\]$/g, '')
    const port = Number(req.url!.slice(i + 1))
    const to = o.connect ? o.connect(host, port) : {host, port}
    const status = refuse() ?? (to ? undefined : 502)
    if (status || !to) {
      socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    const up = net.connect(to.port, to.host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      up.write(head)
      up.pipe(socket)
      socket.pipe(up)
    })
    up.on('error', () => socket.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    seen,
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const t of tunnels) t.destroy()
      server.closeAllConnections()
      return new Promise<void>((r) => server.close(() => r()))
    },
  }
}
