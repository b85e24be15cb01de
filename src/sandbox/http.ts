// HTTP plumbing shared by every sandbox route: the error type handlers throw, the request context
// they receive, and JSON replies in Mackerel's `{"error":{"message":"..."}}` shape.
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Store} from './store.js'

/** A handler throws this to answer with `status` and `{"error":{"message"}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message)
export const notFound = (message: string): HttpError => new HttpError(404, message)

export interface Ctx {
  method: string
  path: string
  params: Record<string, string>
  query: URLSearchParams
  /** the parsed JSON body (undefined when the request had none) */
  body: unknown
  store: Store
  /** the sandbox clock in epoch seconds */
  now(): number
  req: IncomingMessage
}

export type Handler = (ctx: Ctx) => unknown

/** A handler returns this to answer with JSON text as is (metadata values) and extra headers. */
export class RawJson {
  constructor(
    readonly text: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

export function errorBody(message: string): string {
  return JSON.stringify({error: {message}})
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (body instanceof RawJson) sendRaw(res, status, body.text, body.headers)
  else sendRaw(res, status, typeof body === 'string' ? body : JSON.stringify(body))
}

export function sendRaw(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, {...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text)})
  res.end(text)
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendRaw(res, status, errorBody(message))
}

/** The largest request body accepted (alert memos are 80 KB; metadata 100 KB). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'Request entity too large'))
        req.resume()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
    // the client went away mid-body: settle instead of waiting forever (no-op after 'end')
    req.on('close', () => reject(new HttpError(400, 'Request body incomplete')))
  })
}

/** Parses a request body; empty means undefined, anything not RFC JSON is a 400. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw badRequest('Invalid JSON in the request body')
  }
}
