import { afterEach, describe, expect, it, vi } from 'vitest'

import { mountInApp, settle } from '@/test/app'
import { enrolments, labs, otherProject, project, session, UNIT, unit } from '@/test/fixtures'
import { fakeNetwork, problem } from '@/test/network'
import UnitView from '@/views/UnitView.vue'

const me = { id: session.studentNumber, name: session.name, site_admin: false, units: enrolments }

const routes = () => ({
  'GET /api/me': { status: 200, body: me },
  'GET /api/units/default': { status: 200, body: unit },
  'GET /api/units/default/students/21234567/project': { status: 200, body: project },
  'GET /api/units/default/labs': { status: 200, body: { available_labs: labs } },
  'GET /api/units/default/projects': { status: 200, body: { projectList: [project, otherProject] } },
})

describe('UnitView', () => {
  afterEach(() => void vi.useRealTimers())

  it("shows the student's project and every team, focusing the heading", async () => {
    fakeNetwork(routes())
    const { wrapper } = await mountInApp(UnitView, { session, route: '/u/default', props: { code: UNIT } })
    expect(wrapper.get('h1').text()).toBe('Projects and demonstration labs')
    expect(document.activeElement).toBe(wrapper.get('h1').element)
    expect(wrapper.get('caption').text()).toBe('Projects')
    expect(wrapper.findAll('tbody tr')).toHaveLength(2)
    expect(wrapper.get('tr[aria-current="true"]').text()).toContain('Ada Lovelace & Charles Babbage')
  })

  it('shows the table to a student without a project too', async () => {
    fakeNetwork({ ...routes(), 'GET /api/units/default/students/21234567/project': problem(404, 'no project') })
    const { wrapper } = await mountInApp(UnitView, { session, route: '/u/default', props: { code: UNIT } })
    expect(wrapper.findAll('button').some((b) => b.text() === 'Create project')).toBe(true)
    expect(wrapper.findAll('tbody tr')).toHaveLength(2)
  })

  it('reloads the table when the project changes', async () => {
    const net = fakeNetwork({ ...routes(), 'DELETE /api/units/default/students/21234567/project': { status: 204 } })
    const { wrapper } = await mountInApp(UnitView, { session, route: '/u/default', props: { code: UNIT } })
    net.routes['GET /api/units/default/projects'] = { status: 200, body: { projectList: [otherProject] } }
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Delete project')
      ?.trigger('click')
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Delete')
      ?.trigger('click')
    await settle()
    expect(net.calls('GET /api/units/default/projects')).toHaveLength(2)
    expect(wrapper.findAll('tbody tr')).toHaveLength(1)
  })

  it('shows a table that failed to load, and refreshes it', async () => {
    const net = fakeNetwork({ ...routes(), 'GET /api/units/default/projects': 'offline' })
    const { wrapper } = await mountInApp(UnitView, { session, route: '/u/default', props: { code: UNIT } })
    expect(wrapper.get('.projects [role="alert"]').text()).toBe(
      'Could not load the projects. Cannot reach the Pair-Up server. Check your connection and try again.',
    )
    net.routes['GET /api/units/default/projects'] = { status: 200, body: { projectList: [otherProject] } }
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Refresh')
      ?.trigger('click')
    await settle()
    expect(wrapper.find('.projects [role="alert"]').exists()).toBe(false)
    expect(wrapper.findAll('tbody tr')).toHaveLength(1)
  })

  it('goes back to sign-in with a message when the token is refused', async () => {
    fakeNetwork({ ...routes(), 'GET /api/units/default/projects': problem(401, 'the token has been revoked') })
    const { router, session: store } = await mountInApp(UnitView, {
      session,
      route: '/u/default',
      props: { code: UNIT },
    })
    expect(router.currentRoute.value.name).toBe('sign-in')
    expect(store.notice).toBe('Your session has ended. Please sign in again.')
  })

  it('merges pushes into the table without reloading, and refetches on every (re)connect', async () => {
    const net = fakeNetwork({
      ...routes(),
      'GET /api/units/default/projects': { status: 200, body: { projectList: [otherProject] } },
    })
    const { wrapper, sockets } = await mountInApp(UnitView, { session, route: '/u/default', props: { code: UNIT } })
    const socket = sockets.last
    socket.accept()
    await settle()
    expect(net.calls('GET /api/units/default/projects')).toHaveLength(2)
    const rows = () => wrapper.findAll('tbody tr').map((r) => r.find('.team').text())
    // Ada's team books Thursday 10:30, before the other team's Friday slot.
    socket.push({ type: 'project.changed', unit: UNIT, project })
    await settle()
    expect(rows()).toEqual(['Ada Lovelace & Charles Babbage your team', 'Grace Hopper & Alan Turing'])
    socket.push({ type: 'project.changed', unit: UNIT, project: { ...otherProject, description: 'Renamed' } })
    await settle()
    expect(wrapper.findAll('tbody tr')[1]?.text()).toContain('Renamed')
    socket.push({ type: 'project.deleted', unit: UNIT, pid: 8 })
    await settle()
    expect(rows()).toEqual(['Ada Lovelace & Charles Babbage your team'])
    expect(net.calls('GET /api/units/default/projects')).toHaveLength(2)

    // The first retry comes after 0.5 s (with nothing taken off at random); nothing is fetched
    // until the new connection says `ready`.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    vi.spyOn(Math, 'random').mockReturnValue(0)
    socket.drop(1006)
    await vi.advanceTimersByTimeAsync(499)
    expect(sockets.all).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(sockets.all).toHaveLength(2)
    await settle()
    expect(net.calls('GET /api/units/default/projects')).toHaveLength(2)
    sockets.last.accept()
    await settle()
    expect(net.calls('GET /api/units/default/projects')).toHaveLength(3)
    expect(rows()).toEqual(['Grace Hopper & Alan Turing'])
  })

  it('has a chat region with the team room once the student has a team', async () => {
    fakeNetwork(routes())
    const { wrapper } = await mountInApp(UnitView, { session, route: '/u/default', props: { code: UNIT } })
    const chat = wrapper.findAll('section').find((s) => s.attributes('aria-labelledby') === 'chat-heading')
    expect(chat?.findAll('[role="tab"]').map((t) => t.text())).toEqual(['Lobby', 'Team'])
  })
})
