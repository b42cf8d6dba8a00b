import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'

import { connectSession } from '@/api'
import { useAuth } from '@/composables/useAuth'
import { useSessionStore } from '@/stores/session'
import { enrolments as units, session } from '@/test/fixtures'
import { fakeNetwork, problem } from '@/test/network'

beforeEach(() => {
  setActivePinia(createPinia())
  const s = useSessionStore()
  connectSession({ token: () => s.token, onUnauthorized: () => s.end('ended') })
})

const token = { token: 'new-token', expiry: '2099-01-01T00:00:00Z' }

describe('signIn', () => {
  it('sends Basic credentials without inviting a browser prompt, then starts the session', async () => {
    const net = fakeNetwork({
      'POST /api/tokens': { status: 200, body: token },
      'GET /api/me': { status: 200, body: { id: '21234567', name: 'Ada Lovelace', site_admin: false, units } },
    })
    const failure = await useAuth().signIn('21234567', '1234')
    expect(failure).toBeNull()
    const [signIn, who] = net.seen
    expect(signIn?.headers.get('Authorization')).toBe(`Basic ${btoa('21234567:1234')}`)
    expect(signIn?.credentials).toBe('omit')
    expect(who?.headers.get('Authorization')).toBe('Bearer new-token')
    const s = useSessionStore()
    expect(s.current).toEqual({
      token: 'new-token',
      expiry: '2099-01-01T00:00:00Z',
      studentNumber: '21234567',
      name: 'Ada Lovelace',
      units,
      siteAdmin: false,
    })
  })

  it('signs in even when the name and units cannot be read', async () => {
    fakeNetwork({
      'POST /api/tokens': { status: 200, body: token },
      'GET /api/me': problem(500, 'boom'),
    })
    expect(await useAuth().signIn('21234567', '1234')).toBeNull()
    expect(useSessionStore().name).toBe('')
    expect(useSessionStore().signedIn).toBe(true)
  })

  it('reports a wrong PIN', async () => {
    fakeNetwork({ 'POST /api/tokens': problem(401, 'unknown student number or wrong PIN') })
    const failure = await useAuth().signIn('21234567', '9999')
    expect(failure).toMatchObject({ status: 401, message: 'Wrong student number or PIN.' })
    expect(useSessionStore().signedIn).toBe(false)
  })

  it('reports throttling with the wait', async () => {
    fakeNetwork({
      'POST /api/tokens': { ...problem(429, 'too many'), headers: { 'Retry-After': '120' } },
    })
    expect(await useAuth().signIn('21234567', '1234')).toMatchObject({
      status: 429,
      retryAfter: 120,
      message: 'Too many failed attempts. Try again in 2 minutes.',
    })
  })

  it('reports a lost server', async () => {
    fakeNetwork({ 'POST /api/tokens': 'offline' })
    expect((await useAuth().signIn('21234567', '1234'))?.status).toBe(0)
  })
})

describe('signOut', () => {
  it('revokes the token on the server and forgets it', async () => {
    const net = fakeNetwork({ 'DELETE /api/tokens': { status: 204 } })
    useSessionStore().start(session)
    await useAuth().signOut()
    expect(net.seen[0]?.headers.get('Authorization')).toBe('Bearer token-ada')
    expect(useSessionStore().signedIn).toBe(false)
    expect(useSessionStore().notice).toBe('You have signed out.')
  })

  it('forgets the token even when the server cannot be reached', async () => {
    fakeNetwork({ 'DELETE /api/tokens': 'offline' })
    useSessionStore().start(session)
    await useAuth().signOut()
    expect(useSessionStore().signedIn).toBe(false)
  })

  it('forgets a token the server no longer accepts, without calling it an ended session', async () => {
    fakeNetwork({ 'DELETE /api/tokens': problem(401, 'the token is not valid') })
    useSessionStore().start(session)
    await useAuth().signOut()
    expect(useSessionStore().notice).toBe('You have signed out.')
  })
})
