import { vi } from 'vitest'

/**
 * What the fake server answers: a status with a JSON body (or, with `text`, a body as it is, such
 * as a CSV file) and headers, or a dead network.
 */
export type Reply = { status: number; body?: unknown; text?: string; headers?: Record<string, string> } | 'offline'
export type Handler = Reply | ((request: Request) => Reply | Promise<Reply>)

/** One request as the fake server saw it. */
export interface Seen {
  method: string
  path: string
  /** The query string's parameters. */
  query: Record<string, string>
  headers: Headers
  credentials: RequestCredentials
  body: unknown
}

/**
 * Replaces the global fetch with a fake server: routes are keyed "METHOD /path" and may be
 * changed during a test; an unknown route answers 599 and is reported in `unexpected`.
 */
export function fakeNetwork(routes: Record<string, Handler> = {}) {
  const seen: Seen[] = []
  const unexpected: string[] = []
  const fetch = vi.fn(async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const key = `${request.method} ${url.pathname}`
    const text = await request.clone().text()
    seen.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: new Headers(request.headers),
      credentials: request.credentials,
      body: text === '' ? undefined : parseBody(text),
    })
    const route = routes[key]
    if (route === undefined) {
      unexpected.push(key)
      return respond({ status: 599, body: { type: 'about:blank', title: 'unexpected', status: 599 } })
    }
    const reply = typeof route === 'function' ? await route(request) : route
    if (reply === 'offline') throw new TypeError('Failed to fetch')
    return respond(reply)
  })
  vi.stubGlobal('fetch', fetch)
  return {
    routes,
    seen,
    unexpected,
    fetch,
    /** The requests for one route. */
    calls: (key: string) => seen.filter((s) => `${s.method} ${s.path}` === key),
  }
}

/** A JSON body parsed; any other body (a CSV file) as its text. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function respond(reply: Exclude<Reply, 'offline'>): Response {
  const problem = reply.status >= 400
  if (reply.text !== undefined) {
    return new Response(reply.text, { status: reply.status, headers: reply.headers })
  }
  return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
    status: reply.status,
    headers: {
      ...(reply.body === undefined
        ? {}
        : { 'Content-Type': problem ? 'application/problem+json' : 'application/json' }),
      ...reply.headers,
    },
  })
}

/** An RFC 9457 body as the API writes it. */
export function problem(
  status: number,
  detail: string,
  errors: { field: string; message: string }[] = [],
): Exclude<Reply, 'offline'> {
  return {
    status,
    body: { type: 'about:blank', title: 'Error', status, detail, ...(errors.length ? { errors } : {}) },
  }
}
