import { afterEach, describe, expect, it, vi } from 'vitest'

import BoardPanel from '@/components/BoardPanel.vue'
import InvitationsPanel from '@/components/InvitationsPanel.vue'
import RankingPanel from '@/components/RankingPanel.vue'
import WaitlistPanel from '@/components/WaitlistPanel.vue'
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
  'GET /api/units/default/projects/7/code': { status: 200, body: { pid: 7, code: 'K7Q2-M9XD' } },
  'GET /api/units/default/board': { status: 200, body: { entries: [], times: [], can_post: false } },
  'GET /api/units/default/queue': { status: 200, body: { entries: [], holds: [], full: [] } },
  'GET /api/units/default/invitations': { status: 200, body: { received: [], sent: [] } },
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

  it("loads the fair sign-up's panels the unit uses, fetching their code when first shown", async () => {
    fakeNetwork(routes())
    const { wrapper } = await mountInApp(UnitView, { session, route: '/u/default', props: { code: UNIT } })
    expect(wrapper.findComponent(BoardPanel).exists()).toBe(true)
    expect(wrapper.findComponent(InvitationsPanel).exists()).toBe(true)
    expect(wrapper.findComponent(WaitlistPanel).exists()).toBe(true)
    expect(wrapper.findComponent(RankingPanel).exists()).toBe(false) // first come, first served
    expect(wrapper.find('.lazy-panel').exists()).toBe(false) // no panel left saying it is loading
    expect(wrapper.get('section.board').attributes('aria-labelledby')).toMatch(/-heading$/)
  })

  it('has a chat region with the team room once the student has a team', async () => {
    fakeNetwork(routes())
    const { wrapper } = await mountInApp(UnitView, { session, route: '/u/default', props: { code: UNIT } })
    const chat = wrapper.findAll('section').find((s) => s.attributes('aria-labelledby') === 'chat-heading')
    expect(chat?.findAll('[role="tab"]').map((t) => t.text())).toEqual(['Lobby', 'Team'])
  })
})

describe('UnitView and its unit', () => {
  afterEach(() => void vi.useRealTimers())

  const mountUnit = () => mountInApp(UnitView, { session, route: '/u/default', props: { code: UNIT } })

  it('names the unit, in the page and its title, and refreshes the student’s units', async () => {
    const net = fakeNetwork(routes())
    const { wrapper } = await mountUnit()
    expect(wrapper.get('.unit-title').text()).toBe('CITS3403 Agile Web Development')
    expect(document.title).toBe('CITS3403 Agile Web Development · Pair-Up')
    expect(net.calls('GET /api/me')).toHaveLength(1)
    expect(net.unexpected).toEqual([])
  })

  it('shows an error, not a blank page, for a unit that is not the student’s', async () => {
    fakeNetwork({ ...routes(), 'GET /api/units/default': problem(403, 'you are not enrolled in this unit') })
    const { wrapper } = await mountUnit()
    expect(wrapper.get('[role="alert"]').text()).toBe('The unit “default” is not one of your units.')
    expect(wrapper.get('a').text()).toBe('Go to your units')
    expect(wrapper.get('a').attributes('href')).toBe('/')
    expect(wrapper.findAll('button').map((b) => b.text())).not.toContain('Try again')
    expect(wrapper.find('table').exists()).toBe(false)
  })

  it('offers to try again when the unit could not be loaded', async () => {
    const net = fakeNetwork({ ...routes(), 'GET /api/units/default': 'offline' })
    const { wrapper } = await mountUnit()
    expect(wrapper.get('[role="alert"]').text()).toMatch(/^Could not load the unit\. Cannot reach/)
    net.routes['GET /api/units/default'] = { status: 200, body: unit }
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Try again')
      ?.trigger('click')
    await settle()
    expect(wrapper.find('table').exists()).toBe(true)
  })

  it('says it is loading until the unit is there', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    fakeNetwork({
      ...routes(),
      'GET /api/units/default': async () => {
        await gate
        return { status: 200, body: unit }
      },
    })
    const { wrapper } = await mountUnit()
    expect(wrapper.get('[role="status"]').text()).toBe('Loading the unit…')
    release()
    await settle()
    expect(wrapper.find('table').exists()).toBe(true)
  })

  it('refetches the unit and its lists on a resync about it, not about another unit', async () => {
    const net = fakeNetwork(routes())
    const { sockets } = await mountUnit()
    sockets.last.accept()
    await settle()
    const count = () =>
      ['GET /api/units/default', 'GET /api/units/default/projects', 'GET /api/units/default/labs'].map(
        (k) => net.calls(k).length,
      )
    const before = count()
    sockets.last.push({ type: 'resync', unit: 'trio' })
    await settle()
    expect(count()).toEqual(before)
    expect(net.calls('GET /api/me')).toHaveLength(1)
    sockets.last.push({ type: 'resync', unit: UNIT })
    await settle()
    expect(count()).toEqual(before.map((n) => n + 1))
    // A resync about everything refetches everything, the student's units too.
    sockets.last.push({ type: 'resync' })
    await settle()
    expect(count()).toEqual(before.map((n) => n + 2))
    expect(net.calls('GET /api/me')).toHaveLength(2)
  })

  it('ignores pushes about another unit in the table', async () => {
    fakeNetwork(routes())
    const { wrapper, sockets } = await mountUnit()
    sockets.last.accept()
    await settle()
    sockets.last.push({ type: 'project.deleted', unit: 'trio', pid: 8 })
    sockets.last.push({ type: 'project.changed', unit: 'trio', project: { ...project, pid: 99, unit: 'trio' } })
    await settle()
    expect(wrapper.findAll('tbody tr')).toHaveLength(2)
  })

  it('goes read-only by itself when sign-up closes while the page is open', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    vi.setSystemTime(new Date('2027-05-03T16:59:00Z'))
    const closing = { ...unit, policy: { ...unit.policy, closes_at: '2027-05-03T17:00:00Z' } }
    const net = fakeNetwork({ ...routes(), 'GET /api/units/default': { status: 200, body: closing } })
    const { wrapper } = await mountUnit()
    expect(wrapper.text()).toContain('Sign-up is open until Monday 3 May 17:00 (in 1 minute).')
    expect(wrapper.findAll('button').some((b) => b.text() === 'Save changes')).toBe(true)

    net.routes['GET /api/units/default'] = { status: 200, body: { ...closing, phase: 'closed' } }
    await vi.advanceTimersByTimeAsync(60_000)
    expect(net.calls('GET /api/units/default')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1_000)
    await settle()
    expect(net.calls('GET /api/units/default')).toHaveLength(2)
    expect(wrapper.text()).toContain('Sign-up closed on Monday 3 May 17:00.')
    expect(wrapper.findAll('button').some((b) => b.text() === 'Save changes')).toBe(false)
  })
})
