import { describe, expect, it } from 'vitest'

import AppHeader from '@/components/AppHeader.vue'
import { mountInApp, settle } from '@/test/app'
import { session } from '@/test/fixtures'
import { fakeNetwork } from '@/test/network'

describe('AppHeader', () => {
  it('names the signed-in student', async () => {
    fakeNetwork()
    const { wrapper } = await mountInApp(AppHeader, { session })
    expect(wrapper.text()).toContain('Signed in as Ada Lovelace · 21234567')
  })

  it('shows the number alone when the name is unknown', async () => {
    fakeNetwork()
    const { wrapper } = await mountInApp(AppHeader, { session: { ...session, name: '' } })
    expect(wrapper.get('.name').text()).toBe('Signed in as 21234567')
  })

  it('signs out: revokes the token, forgets it and goes to sign-in', async () => {
    const net = fakeNetwork({ 'DELETE /api/tokens': { status: 204 } })
    const { wrapper, router, session: store } = await mountInApp(AppHeader, { session })
    const button = wrapper.get('button')
    expect(button.text()).toBe('Sign out')
    await button.trigger('click')
    await settle()
    expect(net.calls('DELETE /api/tokens')[0]?.headers.get('Authorization')).toBe('Bearer token-ada')
    expect(store.signedIn).toBe(false)
    expect(store.notice).toBe('You have signed out.')
    expect(router.currentRoute.value.name).toBe('sign-in')
    expect(wrapper.find('button').exists()).toBe(false)
  })

  it('shows only the name of the app while signed out', async () => {
    fakeNetwork()
    const { wrapper } = await mountInApp(AppHeader, { session: null })
    expect(wrapper.text()).toBe('Pair-Up')
  })

  it('says whether live updates are on, in words, politely', async () => {
    fakeNetwork()
    const { wrapper, sockets } = await mountInApp(AppHeader, { session })
    const live = wrapper.get('.live')
    expect(live.attributes('role')).toBe('status')
    expect(live.attributes('aria-live')).toBe('polite')
    expect(live.text()).toBe('Live updates: Connecting…')
    sockets.last.accept()
    await settle()
    expect(live.text()).toBe('Live updates: Live')
    sockets.last.drop(1006)
    await settle()
    expect(live.text()).toBe('Live updates: Reconnecting…')
    expect(live.classes()).toContain('reconnecting')
  })
})
