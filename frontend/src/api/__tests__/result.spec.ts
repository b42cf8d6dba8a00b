import { describe, expect, it } from 'vitest'

import { call, createApi, failureOf, sentence, waitText } from '@/api'
import { fakeNetwork, problem, respond } from '@/test/network'

const client = () => createApi({ baseUrl: 'http://api.test/api', token: () => 't', onUnauthorized: () => {} })

describe('call', () => {
  it('returns the data of a success', async () => {
    fakeNetwork({ 'GET /api/projects': { status: 200, body: { projectList: [] } } })
    const r = await call(client().GET('/projects'))
    expect(r).toMatchObject({ ok: true, data: { projectList: [] } })
  })

  it('turns a dead network into a failure with status 0, never a throw', async () => {
    fakeNetwork({ 'GET /api/projects': 'offline' })
    const r = await call(client().GET('/projects'))
    expect(r).toEqual({
      ok: false,
      failure: {
        status: 0,
        message: 'Cannot reach the Pair-Up server. Check your connection and try again.',
        fields: {},
      },
    })
  })

  it('keeps the field errors of a problem, without the field name in the message', async () => {
    fakeNetwork({
      'POST /api/students/21234567/project': problem(409, 'lab_id: that lab slot is full', [
        { field: 'lab_id', message: 'that lab slot is full' },
      ]),
    })
    const r = await call(
      client().POST('/students/{id}/project', {
        params: { path: { id: '21234567' } },
        body: { partnerNumber: '21234568', description: 'x', lab_id: 3 },
      }),
    )
    expect(r).toEqual({
      ok: false,
      failure: { status: 409, message: 'That lab slot is full.', fields: { lab_id: 'That lab slot is full.' } },
    })
  })

  it('copes with a body that is not a problem (a proxy error page)', async () => {
    const f = failureOf(new Response('Bad Gateway', { status: 502 }), 'Bad Gateway')
    expect(f.message).toBe('The Pair-Up server could not answer (error 502). Try again in a moment.')
    expect(f.fields).toEqual({})
  })
})

describe('failureOf', () => {
  const body = (status: number, detail = 'x') => problem(status, detail).body

  it('reads Retry-After on 429', () => {
    const res = respond({ status: 429, body: body(429), headers: { 'Retry-After': '840' } })
    expect(failureOf(res, body(429))).toMatchObject({
      status: 429,
      retryAfter: 840,
      message: 'Too many failed attempts. Try again in 14 minutes.',
    })
  })

  it('says "later" when 429 comes without a usable Retry-After', () => {
    const res = respond({ status: 429, body: body(429), headers: { 'Retry-After': 'soon' } })
    expect(failureOf(res, body(429)).message).toBe('Too many failed attempts. Try again later.')
  })

  it.each([
    [401, 'Your session has ended. Please sign in again.'],
    [403, 'You are not allowed to do that.'],
    [413, 'That is too much text.'],
    [404, 'The student has no project.'],
    [503, 'The Pair-Up server could not answer (error 503). Try again in a moment.'],
  ])('words a %i for the student', (status, message) => {
    const b = body(status, 'the student has no project')
    expect(failureOf(respond({ status, body: b }), b).message).toBe(message)
  })
})

describe('wording helpers', () => {
  it('makes a sentence of a message', () => {
    expect(sentence('that lab slot is full')).toBe('That lab slot is full.')
    expect(sentence('Done!')).toBe('Done!')
    expect(sentence('  ')).toBe('')
  })

  it('rounds waits up to whole minutes', () => {
    expect(waitText(1)).toBe('in 1 second')
    expect(waitText(59)).toBe('in 59 seconds')
    expect(waitText(60)).toBe('in 1 minute')
    expect(waitText(61)).toBe('in 2 minutes')
    expect(waitText(900)).toBe('in 15 minutes')
  })
})
