import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { createApi, reachability } from '@/api'
import { retryDelay } from '@/composables/useConnection'
import { createRealtime } from '@/composables/useRealtime'
import { fakeNetwork, problem } from '@/test/network'
import { fakeSockets } from '@/test/socket'

describe('retryDelay', () => {
  it('starts at half a second, doubles and stops at 4 seconds', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => retryDelay(n))).toEqual([500, 1000, 2000, 4000, 4000, 4000])
  })

  it('waits as long as Retry-After says, from half a second to a minute', () => {
    expect(retryDelay(0, 3)).toBe(3000)
    expect(retryDelay(5, 1)).toBe(1000)
    expect(retryDelay(0, 0)).toBe(500)
    expect(retryDelay(0, 3600)).toBe(60_000)
  })
})

describe('the reachability middleware', () => {
  function setup() {
    const net = fakeNetwork()
    const report = { lost: vi.fn(), back: vi.fn() }
    const client = createApi({ baseUrl: 'http://api.test/api', token: () => 'tok', onUnauthorized: () => {} })
    client.use(reachability(report))
    return { net, report, client }
  }

  it('reports a 503 as lost, with its Retry-After in seconds', async () => {
    const { net, report, client } = setup()
    net.routes['GET /api/labs'] = { ...problem(503, 'the database is not answering'), headers: { 'Retry-After': '7' } }
    await client.GET('/labs')
    expect(report.lost).toHaveBeenCalledWith(7)
    expect(report.back).not.toHaveBeenCalled()
  })

  it('reports a proxy’s 502 and 504 as lost, without a Retry-After', async () => {
    const { net, report, client } = setup()
    net.routes['GET /api/labs'] = { status: 502, text: 'Bad Gateway' }
    net.routes['GET /api/projects'] = { status: 504, text: 'Gateway Timeout' }
    await client.GET('/labs')
    await client.GET('/projects')
    expect(report.lost.mock.calls).toEqual([[undefined], [undefined]])
  })

  it('reports a failed fetch as lost, and the caller still sees the failure', async () => {
    const { net, report, client } = setup()
    net.routes['GET /api/labs'] = 'offline'
    await expect(client.GET('/labs')).rejects.toThrow('Failed to fetch')
    expect(report.lost).toHaveBeenCalledTimes(1)
  })

  it('reports any other answer as back, errors included: the server answered', async () => {
    const { net, report, client } = setup()
    net.routes['GET /api/labs'] = { status: 200, body: { available_labs: [] } }
    net.routes['GET /api/projects'] = problem(404, 'no such unit')
    net.routes['GET /api/me'] = problem(500, 'internal error')
    await client.GET('/labs')
    await client.GET('/projects')
    await client.GET('/me')
    expect(report.back).toHaveBeenCalledTimes(3)
    expect(report.lost).not.toHaveBeenCalled()
  })

  it('says nothing about a request the page aborted itself', async () => {
    const { net, report, client } = setup()
    net.routes['GET /api/labs'] = () => {
      throw new DOMException('The user aborted a request.', 'AbortError')
    }
    await expect(client.GET('/labs')).rejects.toThrow('aborted')
    expect(report.lost).not.toHaveBeenCalled()
    expect(report.back).not.toHaveBeenCalled()
  })
})

describe('the live connection after an outage (resync)', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function realtime() {
    const sockets = fakeSockets()
    const rt = createRealtime({ token: () => 'token-ada', onUnauthorized: () => {}, open: sockets.open })
    const frames: unknown[] = []
    rt.subscribe((m) => frames.push(m))
    return { rt, sockets, frames }
  }

  it('tells every subscriber to refetch everything while live, on the same socket', () => {
    const { rt, sockets, frames } = realtime()
    rt.sync()
    sockets.last.accept()
    rt.resync?.()
    expect(frames).toEqual([{ type: 'ready' }, { type: 'resync' }])
    expect(sockets.all).toHaveLength(1)
  })

  it('reconnects at once while waiting to reconnect, and `ready` does the refetch', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const { rt, sockets, frames } = realtime()
    rt.sync()
    sockets.last.accept()
    sockets.last.drop(1006)
    vi.advanceTimersByTime(500)
    sockets.last.drop(1006) // refused: the next try would be in 1 s
    expect(sockets.all).toHaveLength(2)
    rt.resync?.()
    expect(sockets.all).toHaveLength(3)
    expect(frames).toEqual([{ type: 'ready' }])
    sockets.last.accept()
    expect(frames).toEqual([{ type: 'ready' }, { type: 'ready' }])
    expect(rt.status.value).toBe('live')
    vi.advanceTimersByTime(60_000) // the old timer is gone: no second socket
    expect(sockets.all).toHaveLength(3)
  })

  it('does nothing while a handshake is under way or while signed out', () => {
    const { rt, sockets, frames } = realtime()
    rt.resync?.()
    expect(sockets.all).toHaveLength(0)
    rt.sync()
    rt.resync?.()
    expect(sockets.all).toHaveLength(1)
    expect(frames).toEqual([])
  })
})
