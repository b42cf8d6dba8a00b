import type { Problem } from './client'

/** What went wrong with a call, in words fit to show the student. */
export interface Failure {
  /** The HTTP status, or 0 when the server could not be reached. */
  status: number
  /** One sentence about the whole failure. */
  message: string
  /** Messages for the offending request fields, by their JSON name (partnerNumber, description, lab_id, id). */
  fields: Record<string, string>
  /** For 429: how many seconds to wait, from Retry-After. */
  retryAfter?: number
}

export type Result<T> = { ok: true; data: T; response: Response } | { ok: false; failure: Failure }

/** The shape of every openapi-fetch answer. */
interface Answer<T> {
  data?: T
  error?: unknown
  response: Response
}

/**
 * Awaits an openapi-fetch call and folds its outcomes (success, problem response, no network)
 * into one Result, so callers never need try/catch.
 */
export async function call<T>(request: Promise<Answer<T>>): Promise<Result<T>> {
  let answer: Answer<T>
  try {
    answer = await request
  } catch {
    return { ok: false, failure: unreachable() }
  }
  if (answer.response.ok) {
    return { ok: true, data: answer.data as T, response: answer.response }
  }
  return { ok: false, failure: failureOf(answer.response, answer.error) }
}

export function unreachable(): Failure {
  return {
    status: 0,
    message: 'Cannot reach the Pair-Up server. Check your connection and try again.',
    fields: {},
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'status' in body && 'title' in body
}

/** "that lab slot is full" → "That lab slot is full." */
export function sentence(text: string): string {
  const t = text.trim()
  if (t === '') return t
  const s = t.charAt(0).toUpperCase() + t.slice(1)
  return /[.!?]$/.test(s) ? s : `${s}.`
}

/** Retry-After in seconds (the API sends delta-seconds), or undefined. */
export function retryAfterSeconds(response: Response): number | undefined {
  const v = response.headers.get('Retry-After')
  if (v === null || !/^\d+$/.test(v.trim())) return undefined
  return Number(v.trim())
}

/** "in 14 minutes", "in 1 minute", "in 40 seconds" */
export function waitText(seconds: number): string {
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `in ${minutes} minute${minutes === 1 ? '' : 's'}`
}

export function failureOf(response: Response, body: unknown): Failure {
  const status = response.status
  const problem = isProblem(body) ? body : undefined
  const fields: Record<string, string> = {}
  for (const e of problem?.errors ?? []) {
    fields[e.field] ??= sentence(e.message)
  }
  // The API writes a field's complaint as "field: message" in detail too; the field name is for code.
  let detailText = problem?.detail ?? ''
  for (const e of problem?.errors ?? []) {
    if (detailText.startsWith(`${e.field}: `)) detailText = detailText.slice(e.field.length + 2)
  }
  const detail = sentence(detailText)
  switch (true) {
    case status === 401:
      return { status, fields, message: 'Your session has ended. Please sign in again.' }
    case status === 403:
      return { status, fields, message: 'You are not allowed to do that.' }
    case status === 413:
      return { status, fields, message: 'That is too much text.' }
    case status === 429: {
      const retryAfter = retryAfterSeconds(response)
      const when = retryAfter === undefined ? 'later' : waitText(retryAfter)
      return { status, fields, retryAfter, message: `Too many failed attempts. Try again ${when}.` }
    }
    case status >= 500:
      return {
        status,
        fields,
        message: `The Pair-Up server could not answer (error ${status}). Try again in a moment.`,
      }
    default:
      return { status, fields, message: detail || `The request failed (error ${status}).` }
  }
}
