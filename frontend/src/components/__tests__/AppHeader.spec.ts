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

describe('AppHeader in a unit', () => {
  it('shows the unit’s title and a switcher of the student’s units, the current one marked', async () => {
    fakeNetwork()
    const { wrapper, router } = await mountInApp(AppHeader, { session, route: '/u/trio' })
    expect(wrapper.get('.title').text()).toContain('CITS3200 Professional Computing')
    const nav = wrapper.get('nav')
    expect(nav.attributes('aria-label')).toBe('Your units')
    const links = nav.findAll('a')
    expect(links.map((a) => a.text())).toEqual(['CITS3403 Agile Web Development', 'CITS3200 Professional Computing'])
    expect(links.map((a) => a.attributes('href'))).toEqual(['/u/default', '/u/trio'])
    expect(links.map((a) => a.attributes('aria-current'))).toEqual([undefined, 'page'])

    await links[0]?.trigger('click')
    await settle()
    expect(router.currentRoute.value.fullPath).toBe('/u/default')
    expect(wrapper.get('.title').text()).toContain('CITS3403 Agile Web Development')
    expect(wrapper.findAll('nav a').map((a) => a.attributes('aria-current'))).toEqual(['page', undefined])
  })

  it('has no switcher for a student in one unit', async () => {
    fakeNetwork()
    const one = { ...session, units: session.units?.slice(0, 1) }
    const { wrapper } = await mountInApp(AppHeader, { session: one, route: '/u/default' })
    expect(wrapper.find('nav').exists()).toBe(false)
    expect(wrapper.get('.title').text()).toContain('CITS3403 Agile Web Development')
  })

  it('renders unit titles as text', async () => {
    fakeNetwork()
    const units = [
      { code: 'x', title: '<b>Bold</b>', role: 'student' as const },
      { code: 'y', title: 'Other', role: 'student' as const },
    ]
    const { wrapper } = await mountInApp(AppHeader, { session: { ...session, units }, route: '/u/x' })
    expect(wrapper.find('b').exists()).toBe(false)
    expect(wrapper.get('nav a').text()).toBe('<b>Bold</b>')
  })
})
