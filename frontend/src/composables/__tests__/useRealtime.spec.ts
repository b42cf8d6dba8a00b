import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import AppHeader from '@/components/AppHeader.vue'
import { backoff, createRealtime } from '@/composables/useRealtime'
import { mountInApp, settle } from '@/test/app'
import { session } from '@/test/fixtures'
import { fakeNetwork, problem } from '@/test/network'
import { fakeSockets } from '@/test/socket'

describe('backoff', () => {
  it('starts at half a second, doubles, stops at 15 seconds and takes up to half off at random', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoff(n, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 15000, 15000, 15000,
    ])
    expect(backoff(0, () => 1)).toBe(250)
    expect(backoff(10, () => 0.5)).toBe(11250)
  })
})

describe('createRealtime', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function realtime(token: { value: string | null } = { value: 'token-ada' }) {
    const sockets = fakeSockets()
    const onUnauthorized = vi.fn()
    const onRefused = vi.fn()
    const rt = createRealtime({ token: () => token.value, onUnauthorized, onRefused, open: sockets.open })
    const frames: string[] = []
    rt.subscribe((m) => frames.push(m.type))
    return { rt, sockets, onUnauthorized, onRefused, frames, token }
  }

  it('offers pairup.v1 and the bearer token on the page’s own origin and is live after `ready`', () => {
    const { rt, sockets, frames } = realtime()
    rt.sync()
    expect(sockets.all).toHaveLength(1)
    expect(sockets.last.url).toBe('ws://localhost:5173/api/ws')
    expect(sockets.last.protocols).toEqual(['pairup.v1', 'bearer.token-ada'])
    expect(rt.status.value).toBe('connecting')
    sockets.last.accept()
    expect(rt.status.value).toBe('live')
    expect(frames).toEqual(['ready'])
  })

  it('hands every frame to the subscribers and ignores what is not a JSON object with a type', () => {
    const { rt, sockets, frames } = realtime()
    rt.sync()
    sockets.last.accept()
    sockets.last.push('not json')
    sockets.last.push({ no: 'type' })
    sockets.last.push('[1,2]')
    sockets.last.push({ type: 'project.deleted', unit: 'default', pid: 7 })
    expect(frames).toEqual(['ready', 'project.deleted'])
  })

  it('sends frames only while live', () => {
    const { rt, sockets } = realtime()
    rt.sync()
    expect(rt.send({ type: 'join', room: 'lobby' })).toBe(false)
    sockets.last.accept()
    expect(rt.send({ type: 'join', room: 'lobby' })).toBe(true)
    expect(sockets.last.sent).toEqual([{ type: 'join', room: 'lobby' }])
  })

  it('reconnects with growing delays after any close but 4401, and starts over once live', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const { rt, sockets } = realtime()
    rt.sync()
    sockets.last.accept()
    sockets.last.drop(1008) // too slow
    expect(rt.status.value).toBe('reconnecting')
    vi.advanceTimersByTime(499)
    expect(sockets.all).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(sockets.all).toHaveLength(2)
    sockets.last.drop(1006) // the server is down
    vi.advanceTimersByTime(999)
    expect(sockets.all).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(sockets.all).toHaveLength(3)
    sockets.last.drop(1001)
    vi.advanceTimersByTime(2000)
    expect(sockets.all).toHaveLength(4)
    sockets.last.accept()
    expect(rt.status.value).toBe('live')
    sockets.last.drop(1001) // shutdown: back to the shortest delay
    vi.advanceTimersByTime(500)
    expect(sockets.all).toHaveLength(5)
  })

  it('asks the API whether the session is over when a handshake fails before opening', () => {
    const { rt, sockets, onRefused } = realtime()
    rt.sync()
    sockets.last.drop(1006)
    expect(onRefused).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(500)
    sockets.last.accept()
    sockets.last.drop(1006) // lost after opening: a network problem, not a refusal
    expect(onRefused).toHaveBeenCalledTimes(1)
  })

  it('ends the session on 4401 and does not reconnect', () => {
    const { rt, sockets, onUnauthorized } = realtime()
    rt.sync()
    sockets.last.accept()
    sockets.last.drop(4401)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(rt.status.value).toBe('idle')
    vi.advanceTimersByTime(60_000)
    expect(sockets.all).toHaveLength(1)
  })

  it('closes on sign-out, reconnects with a new token, and forgets closed sockets', () => {
    const { rt, sockets, onUnauthorized, token } = realtime()
    rt.sync()
    const first = sockets.last
    first.accept()
    token.value = 'token-2'
    rt.sync()
    expect(first.closedWith).toBe(1000)
    expect(sockets.last.protocols).toEqual(['pairup.v1', 'bearer.token-2'])
    first.drop(4401) // the old token's socket: says nothing about this session
    expect(onUnauthorized).not.toHaveBeenCalled()
    token.value = null
    rt.sync()
    expect(sockets.last.closedWith).toBe(1000)
    expect(rt.status.value).toBe('idle')
    vi.advanceTimersByTime(60_000)
    expect(sockets.all).toHaveLength(2)
  })

  it('stops retrying once the session is gone', () => {
    const { rt, sockets, token } = realtime()
    rt.sync()
    sockets.last.drop(1006)
    token.value = null
    vi.advanceTimersByTime(60_000)
    expect(sockets.all).toHaveLength(1)
    expect(rt.status.value).toBe('idle')
  })
})

describe('the live connection in the app', () => {
  it('opens one socket while signed in and none while signed out', async () => {
    fakeNetwork()
    const signedIn = await mountInApp(AppHeader, { session })
    expect(signedIn.sockets.all).toHaveLength(1)
    signedIn.wrapper.unmount()
    expect(signedIn.sockets.last.closedWith).toBe(1000)

    const signedOut = await mountInApp(AppHeader, { session: null })
    expect(signedOut.sockets.all).toHaveLength(0)
  })

  it('a 4401 close goes back to sign-in with the session-ended message', async () => {
    fakeNetwork()
    const { sockets, router, session: store } = await mountInApp(AppHeader, { session })
    sockets.last.accept()
    sockets.last.drop(4401)
    await settle()
    expect(store.signedIn).toBe(false)
    expect(store.notice).toBe('Your session has ended. Please sign in again.')
    expect(router.currentRoute.value.name).toBe('sign-in')
  })

  it('a refused handshake is checked over REST, whose 401 ends the session', async () => {
    const net = fakeNetwork({ 'GET /api/me': problem(401, 'the token has been revoked') })
    const { sockets, router, session: store } = await mountInApp(AppHeader, { session })
    sockets.last.drop(1006)
    await settle()
    expect(net.calls('GET /api/me')[0]?.headers.get('Authorization')).toBe('Bearer token-ada')
    expect(store.notice).toBe('Your session has ended. Please sign in again.')
    expect(router.currentRoute.value.name).toBe('sign-in')
  })

  it('signing out closes the socket', async () => {
    fakeNetwork({ 'DELETE /api/tokens': { status: 204 } })
    const { wrapper, sockets } = await mountInApp(AppHeader, { session })
    sockets.last.accept()
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Sign out')
      ?.trigger('click')
    await settle()
    expect(sockets.last.closedWith).toBe(1000)
    expect(sockets.all).toHaveLength(1)
  })
})
