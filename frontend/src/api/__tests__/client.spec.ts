import { describe, expect, it, vi } from 'vitest'

import { api, basicAuth, call, connectSession, createApi } from '@/api'
import { fakeNetwork, problem } from '@/test/network'

function setup(token: string | null = 'tok-1') {
  const net = fakeNetwork()
  const state = { token }
  const onUnauthorized = vi.fn()
  const client = createApi({ baseUrl: 'http://api.test/api', token: () => state.token, onUnauthorized })
  return { net, state, onUnauthorized, client }
}

describe('the bearer middleware', () => {
  it('adds the session token to every request', async () => {
    const { net, client } = setup('tok-1')
    net.routes['GET /api/labs'] = { status: 200, body: { available_labs: [] } }
    net.routes['GET /api/projects'] = { status: 200, body: { projectList: [] } }
    await client.GET('/labs')
    await client.GET('/projects')
    expect(net.calls('GET /api/labs')[0]?.headers.get('Authorization')).toBe('Bearer tok-1')
    expect(net.calls('GET /api/projects')[0]?.headers.get('Authorization')).toBe('Bearer tok-1')
  })

  it('sends no Authorization while signed out', async () => {
    const { net, client } = setup(null)
    net.routes['GET /api/health'] = { status: 200, body: { status: 'ok' } }
    await client.GET('/health')
    expect(net.seen[0]?.headers.has('Authorization')).toBe(false)
  })

  it('keeps an Authorization the call brings itself (sign-in with Basic)', async () => {
    const { net, client } = setup('tok-1')
    net.routes['POST /api/tokens'] = { status: 200, body: { token: 't', expiry: '2099-01-01T00:00:00Z' } }
    await client.POST('/tokens', { headers: { Authorization: basicAuth('21234567', '1234') } })
    expect(net.seen[0]?.headers.get('Authorization')).toBe(`Basic ${btoa('21234567:1234')}`)
  })

  it('reads the token at request time, not when the client was made', async () => {
    const { net, state, client } = setup(null)
    net.routes['GET /api/projects'] = { status: 200, body: { projectList: [] } }
    state.token = 'later'
    await client.GET('/projects')
    expect(net.seen[0]?.headers.get('Authorization')).toBe('Bearer later')
  })
})

describe('the 401 handler', () => {
  it('ends the session when the current token is refused', async () => {
    const { net, onUnauthorized, client } = setup('tok-1')
    net.routes['GET /api/projects'] = problem(401, 'the token has been revoked')
    const r = await call(client.GET('/projects'))
    expect(r.ok).toBe(false)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })

  it('ignores a 401 from /tokens: a wrong PIN, or signing out with a dead token', async () => {
    const { net, onUnauthorized, client } = setup('tok-1')
    net.routes['POST /api/tokens'] = problem(401, 'unknown student number or wrong PIN')
    net.routes['DELETE /api/tokens'] = problem(401, 'the token is not valid')
    await client.POST('/tokens', { headers: { Authorization: basicAuth('21234567', '9999') } })
    await client.DELETE('/tokens')
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('ignores a 401 to a request that carried an older token', async () => {
    const { net, state, onUnauthorized, client } = setup('old')
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    net.routes['GET /api/projects'] = async () => {
      await gate
      return problem(401, 'revoked')
    }
    const pending = client.GET('/projects')
    await vi.waitFor(() => expect(net.seen).toHaveLength(1))
    state.token = 'new' // signed out and in again meanwhile
    release()
    await pending
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('ignores a 401 while signed out and any other status', async () => {
    const { net, state, onUnauthorized, client } = setup('tok-1')
    net.routes['GET /api/labs'] = problem(403, 'forbidden')
    await client.GET('/labs')
    state.token = null
    net.routes['GET /api/labs'] = problem(401, 'no token')
    await client.GET('/labs')
    expect(onUnauthorized).not.toHaveBeenCalled()
  })
})

describe('the app client', () => {
  it('talks to /api on its own origin through the hooks connectSession installs', async () => {
    const net = fakeNetwork({ 'GET /api/projects': problem(401, 'revoked') })
    const onUnauthorized = vi.fn()
    connectSession({ token: () => 'abc', onUnauthorized })
    await api.GET('/projects')
    expect(net.seen[0]?.path).toBe('/api/projects')
    expect(net.seen[0]?.headers.get('Authorization')).toBe('Bearer abc')
    expect(onUnauthorized).toHaveBeenCalledOnce()
  })
})
