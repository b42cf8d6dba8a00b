import { createApi } from './client'

export * from './client'
export * from './result'
export * from './download'

export interface SessionHooks {
  token: () => string | null
  onUnauthorized: () => void
}

let hooks: SessionHooks = { token: () => null, onUnauthorized: () => {} }

/** The app's one API client: same origin, bearer token from the session, 401 ends the session. */
export const api = createApi({
  baseUrl: '/api',
  token: () => hooks.token(),
  onUnauthorized: () => hooks.onUnauthorized(),
})

/** Tells the client where the token lives and what a refused token does (see setupApp). */
export function connectSession(h: SessionHooks): void {
  hooks = h
}
