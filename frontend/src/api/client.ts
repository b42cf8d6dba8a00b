import createClient, { type Client, type Middleware } from 'openapi-fetch'

import { retryAfterSeconds } from './result'
import type { components, paths } from './schema'

/** The typed client for every route in openapi.yaml. */
export type Api = Client<paths>

export type Project = components['schemas']['Project']
export type Lab = components['schemas']['Lab']
export type Student = components['schemas']['Student']
export type Token = components['schemas']['Token']
export type Problem = components['schemas']['Problem']
/** The signed-in person and the units they are enrolled in. */
export type Me = components['schemas']['Me']
export type Enrolment = components['schemas']['Enrolment']
/** A unit (course offering) with its team-size policy and sign-up phase. */
export type Unit = components['schemas']['Unit']
export type UnitPolicy = components['schemas']['UnitPolicy']

/** The console's shapes (operations tagged `console`). */
export type RosterReport = components['schemas']['RosterReport']
export type RosterRow = components['schemas']['RosterRow']
/** One person enrolled in a unit, with their team (GET /units/{unit}/roster). */
export type RosterPerson = components['schemas']['RosterPerson']
export type LineError = components['schemas']['LineError']
export type EnrolmentChange = components['schemas']['EnrolmentChange']
export type EnrolmentResult = components['schemas']['EnrolmentResult']
export type Slot = components['schemas']['Slot']
export type SlotPatch = components['schemas']['SlotPatch']
export type SessionSpec = components['schemas']['SessionSpec']
export type PlannedSlot = components['schemas']['PlannedSlot']
export type Overview = components['schemas']['Overview']
export type OverviewCounts = components['schemas']['OverviewCounts']
export type GridSession = components['schemas']['GridSession']
export type GridSlot = components['schemas']['GridSlot']
export type UnitPatch = components['schemas']['UnitPatch']
export type PolicyEffects = components['schemas']['PolicyEffects']
export type Move = components['schemas']['Move']
export type TeamForm = components['schemas']['TeamForm']
export type NewMember = components['schemas']['NewMember']
export type NewUnit = components['schemas']['NewUnit']
export type AuditEntry = components['schemas']['AuditEntry']
export type AuditPage = components['schemas']['AuditPage']
export type AuditAction = AuditEntry['action']

/** Frames on /api/ws: what the server pushes and what the client sends. */
export type ServerMessage = components['schemas']['ServerMessage']
export type ClientMessage = components['schemas']['ClientMessage']
export type ChatMessage = components['schemas']['ChatMessage']
export type LabAvailability = components['schemas']['LabAvailability']
/** One server frame type, by its `type`: Push<'history'> is the HistoryMessage. */
export type Push<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>

export interface ApiOptions {
  /** Where the API lives; the app uses '/api' on its own origin. */
  baseUrl?: string
  /** The network; defaults to the global fetch, looked up on every call so tests can replace it. */
  fetch?: (request: Request) => Promise<Response>
  /** The current session's bearer token, or null when signed out. */
  token: () => string | null
  /** Called once per request that the server refused with 401 although it carried the current token. */
  onUnauthorized: () => void
}

/** The sign-in route: its 401 means a wrong PIN, not an ended session, and it carries Basic credentials. */
const TOKENS = '/tokens'

/** Adds `Authorization: Bearer <token>` to every request that does not bring its own Authorization. */
export function bearerAuth(token: () => string | null): Middleware {
  return {
    onRequest({ request }) {
      const t = token()
      if (t && !request.headers.has('Authorization')) {
        request.headers.set('Authorization', `Bearer ${t}`)
      }
      return request
    },
  }
}

/**
 * The one place that handles 401: a refused bearer token ends the session. A 401 from /tokens is a
 * wrong PIN or an already revoked token at sign-out, and a 401 to a request sent with an older token
 * (one that was in flight while the student signed out and in again) says nothing about this session.
 */
export function sessionExpiry(token: () => string | null, onUnauthorized: () => void): Middleware {
  return {
    onResponse({ request, response, schemaPath }) {
      if (response.status !== 401 || schemaPath === TOKENS) return undefined
      const current = token()
      if (current && request.headers.get('Authorization') === `Bearer ${current}`) {
        onUnauthorized()
      }
      return undefined
    },
  }
}

/** What the reachability middleware tells (useConnection listens). */
export interface Reachability {
  /** The server cannot be reached or cannot answer now; `retryAfter` in seconds when it said so. */
  lost(retryAfter?: number): void
  /** The server answered. */
  back(): void
}

/**
 * The one place that tells whether the server is there: a failed fetch or a 502/503/504 (a
 * database outage, or a proxy without a server behind it) means it is not; any other answer, even
 * a 4xx, means it is. A request the page aborted itself says nothing.
 */
export function reachability(report: Reachability): Middleware {
  return {
    onResponse({ response }) {
      if ([502, 503, 504].includes(response.status)) report.lost(retryAfterSeconds(response))
      else report.back()
      return undefined
    },
    onError({ error }) {
      if (!(error instanceof Error && error.name === 'AbortError')) report.lost()
      return undefined
    },
  }
}

/** Builds a client with the bearer middleware and the 401 handler. */
export function createApi(options: ApiOptions): Api {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? '/api',
    fetch: options.fetch ?? ((request: Request) => globalThis.fetch(request)),
  })
  client.use(bearerAuth(options.token), sessionExpiry(options.token, options.onUnauthorized))
  return client
}

/** The Basic credentials for signing in; student numbers and PINs are digits, so btoa is safe. */
export function basicAuth(studentNumber: string, pin: string): string {
  return `Basic ${btoa(`${studentNumber}:${pin}`)}`
}
