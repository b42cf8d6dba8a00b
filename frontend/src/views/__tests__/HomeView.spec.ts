import { describe, expect, it } from 'vitest'

import { mountInApp, settle } from '@/test/app'
import { enrolments, session, trio, unit } from '@/test/fixtures'
import { fakeNetwork, problem } from '@/test/network'
import HomeView from '@/views/HomeView.vue'

const me = (units = enrolments) => ({
  status: 200,
  body: { id: session.studentNumber, name: session.name, site_admin: false, units },
})

describe('HomeView', () => {
  it('opens the default unit when the student is in it', async () => {
    fakeNetwork({
      'GET /api/me': me([...enrolments].reverse()),
      'GET /api/units': { status: 200, body: { units: [trio, unit] } },
    })
    const { router } = await mountInApp(HomeView, { session })
    expect(router.currentRoute.value.fullPath).toBe('/u/default')
  })

  it('opens the student’s first unit otherwise', async () => {
    const trioOnly = enrolments.slice(1)
    fakeNetwork({ 'GET /api/me': me(trioOnly), 'GET /api/units': { status: 200, body: { units: [trio] } } })
    const { router, session: store } = await mountInApp(HomeView, { session })
    expect(router.currentRoute.value.fullPath).toBe('/u/trio')
    expect(store.units).toEqual(trioOnly)
  })

  it('says so, plainly, to a person in no unit', async () => {
    fakeNetwork({ 'GET /api/me': me([]), 'GET /api/units': { status: 200, body: { units: [] } } })
    const { wrapper, router } = await mountInApp(HomeView, { session })
    expect(router.currentRoute.value.name).toBe('home')
    expect(wrapper.get('h1').text()).toBe('Your units')
    expect(wrapper.text()).toContain('You are not enrolled in any unit yet.')
    expect(document.activeElement).toBe(wrapper.get('h1').element)
  })

  it('says why the units could not be found, and tries again', async () => {
    const net = fakeNetwork({ 'GET /api/me': 'offline', 'GET /api/units': 'offline' })
    const { wrapper, router } = await mountInApp(HomeView, { session })
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'Could not find your units. Cannot reach the Pair-Up server. Check your connection and try again.',
    )
    net.routes['GET /api/me'] = me()
    net.routes['GET /api/units'] = { status: 200, body: { units: [unit, trio] } }
    await wrapper.get('button').trigger('click')
    await settle()
    expect(router.currentRoute.value.fullPath).toBe('/u/default')
  })

  it('still opens a unit when the list of units cannot be read', async () => {
    fakeNetwork({ 'GET /api/me': me(), 'GET /api/units': problem(500, 'boom') })
    const { router } = await mountInApp(HomeView, { session })
    expect(router.currentRoute.value.fullPath).toBe('/u/default')
  })
})
