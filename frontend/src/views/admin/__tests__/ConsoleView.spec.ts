import { describe, expect, it } from 'vitest'
import { createMemoryHistory } from 'vue-router'

import { createAppRouter } from '@/router'
import { mountInApp, settle } from '@/test/app'
import { consoleRoutes, coordinatorSession, me, mountConsole } from '@/test/console'
import { button, section } from '@/test/dom'
import { enrolments, labs, project, session, unit } from '@/test/fixtures'
import { fakeNetwork, problem } from '@/test/network'
import UnitView from '@/views/UnitView.vue'

describe('ConsoleView', () => {
  it('shows a coordinator every section under its heading, with a way back to the unit', async () => {
    const net = fakeNetwork(consoleRoutes())
    const { wrapper } = await mountConsole()
    expect(wrapper.get('h1').text()).toBe('Console')
    expect(document.activeElement).toBe(wrapper.get('h1').element)
    expect(wrapper.findAll('h2').map((h) => h.text())).toEqual([
      'Overview',
      'Teams',
      'Match students without a team',
      'Roster',
      'Slots',
      'Policy',
      'Ranked allocation',
      'Audit log',
      'Unit',
    ])
    expect(
      wrapper
        .get('nav[aria-label="Console sections"]')
        .findAll('a')
        .map((a) => a.attributes('href')),
    ).toEqual(['#overview', '#teams', '#match', '#roster', '#slots', '#policy', '#allocation', '#audit', '#unit'])
    expect(wrapper.text()).toContain('Back to the unit page')
    for (const name of ['Export teams (CSV)', 'Calendar (.ics)', 'Preview roster', 'Apply roster', 'Generate slots']) {
      expect(button(wrapper, name).exists()).toBe(true)
    }
    expect(document.title).toBe('Console: CITS3403 Agile Web Development · Pair-Up')
    // One fetch each, shared by the sections.
    expect(net.calls('GET /api/units/default/slots')).toHaveLength(1)
    expect(net.calls('GET /api/units/default/overview')).toHaveLength(1)
    expect(net.calls('GET /api/units/default/roster')).toHaveLength(1)
    expect(net.unexpected).toEqual([])
  })

  it('refuses a student of the unit, and loads nothing of the console', async () => {
    const net = fakeNetwork({ 'GET /api/me': { status: 200, body: me(false, 'student') } })
    const { wrapper } = await mountConsole(session)
    expect(wrapper.get('[role="alert"]').text()).toBe(
      "Only the unit's coordinators and site admins can use its console.",
    )
    expect(wrapper.findAll('h2')).toHaveLength(0)
    expect(net.seen.map((s) => s.path)).toEqual(['/api/me'])
  })

  it('lets a site admin in, though not enrolled in the unit', async () => {
    fakeNetwork({ ...consoleRoutes(), 'GET /api/me': { status: 200, body: { ...me(true), units: [] } } })
    const { wrapper } = await mountConsole({ ...coordinatorSession, units: [], siteAdmin: undefined })
    expect(
      section(wrapper, 'Roster')
        .get('#one-role')
        .findAll('option')
        .map((o) => o.text()),
    ).toEqual(['Student', 'Coordinator'])
  })

  it('offers a coordinator only the role student to enrol', async () => {
    fakeNetwork(consoleRoutes())
    const { wrapper } = await mountConsole()
    expect(
      section(wrapper, 'Roster')
        .get('#one-role')
        .findAll('option')
        .map((o) => o.text()),
    ).toEqual(['Student'])
  })

  it('says so when the unit cannot be loaded, and tries again', async () => {
    const net = fakeNetwork({ ...consoleRoutes(), 'GET /api/units/default': problem(503, 'down') })
    const { wrapper } = await mountConsole()
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'Could not load the unit. The Pair-Up server could not answer (error 503). Try again in a moment.',
    )
    net.routes['GET /api/units/default'] = consoleRoutes()['GET /api/units/default']!
    await button(wrapper, 'Try again').trigger('click')
    await settle()
    expect(net.calls('GET /api/units/default')).toHaveLength(2)
    expect(wrapper.findAll('h2')).toHaveLength(9)
  })

  it('is a route of its own, loaded only when opened (a dynamic import)', async () => {
    const router = createAppRouter(createMemoryHistory())
    for (const name of ['console', 'site-admin']) {
      const record = router.getRoutes().find((r) => r.name === name)
      const component = record?.components?.default
      expect(typeof component).toBe('function') // () => import(...), not the component itself
    }
    const record = router.getRoutes().find((r) => r.name === 'console')!
    const loaded = (await (record.components!.default as () => Promise<{ default: unknown }>)()).default
    expect(loaded).toMatchObject({ __name: 'ConsoleView' })
    expect(router.resolve('/u/trio/admin').name).toBe('console')
  })
})

describe('the Console link on the unit page', () => {
  const studentRoutes = (role: 'student' | 'coordinator') => ({
    'GET /api/me': {
      status: 200,
      body: { id: session.studentNumber, name: session.name, site_admin: false, units: [{ ...enrolments[0]!, role }] },
    },
    'GET /api/units/default': { status: 200, body: unit },
    'GET /api/units/default/students/21234567/project': { status: 200, body: project },
    'GET /api/units/default/labs': { status: 200, body: { available_labs: labs } },
    'GET /api/units/default/projects': { status: 200, body: { projectList: [project] } },
  })

  it('is there for a coordinator of the unit', async () => {
    fakeNetwork(studentRoutes('coordinator'))
    const { wrapper } = await mountInApp(UnitView, { session, route: '/u/default', props: { code: 'default' } })
    const link = wrapper.findAll('a').find((a) => a.text() === 'Console')
    expect(link?.attributes('href')).toBe('/u/default/admin')
  })

  it('is not there for a student', async () => {
    fakeNetwork(studentRoutes('student'))
    const { wrapper } = await mountInApp(UnitView, { session, route: '/u/default', props: { code: 'default' } })
    expect(wrapper.findAll('a').some((a) => a.text() === 'Console')).toBe(false)
  })
})
