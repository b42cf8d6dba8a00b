import type { VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'

import MyProject from '@/components/MyProject.vue'
import { saver } from '@/api'
import { mountInApp, settle } from '@/test/app'
import { CHARLES, labs, project, session, trio, UNIT, unit } from '@/test/fixtures'
import { fakeNetwork, problem, type Handler } from '@/test/network'

const PROJECT = '/api/units/default/students/21234567/project'
const CODE = '/api/units/default/projects/7/code'

function network(routes: Record<string, Handler> = {}) {
  return fakeNetwork({
    [`GET ${PROJECT}`]: problem(404, 'the student has no project'),
    'GET /api/units/default/labs': { status: 200, body: { available_labs: labs } },
    [`GET ${CODE}`]: { status: 200, body: { pid: 7, code: 'K7Q2-M9XD' } },
    ...routes,
  })
}

function control(w: VueWrapper, name: string) {
  const label = w.findAll('label').find((l) => l.text() === name)
  if (!label) throw new Error(`no label ${name}`)
  return w.get(`#${label.attributes('for')}`)
}

const button = (w: VueWrapper, name: string) => {
  const b = w.findAll('button').find((x) => x.text() === name)
  if (!b) throw new Error(`no button ${name}`)
  return b
}

async function fillAndCreate(w: VueWrapper, labId = '2') {
  await control(w, "Partner's student number").setValue(CHARLES)
  await control(w, 'Project description').setValue('A tiny compiler')
  await control(w, 'Demonstration lab').setValue(labId)
  await w.get('form').trigger('submit')
  await settle()
}

describe('MyProject', () => {
  it('offers the create form to a student without a project', async () => {
    network()
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    expect(wrapper.get('h2').text()).toBe('My project')
    expect(wrapper.text()).toContain('You are not in a project yet.')
    expect(button(wrapper, 'Create project').exists()).toBe(true)
    expect(wrapper.findAll('optgroup')).toHaveLength(3)
  })

  it('creates the project, announces it, refreshes around it and moves the focus to the heading', async () => {
    const net = network({ [`POST ${PROJECT}`]: { status: 201, body: project } })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    await fillAndCreate(wrapper)

    expect(net.calls(`POST ${PROJECT}`)[0]?.body).toEqual({
      partnerNumbers: [CHARLES],
      description: 'A tiny compiler',
      lab_id: 2,
    })
    expect(wrapper.get('[role="status"]').text()).toBe(
      'Project created. Your demonstration slot is CSSE 2.01 Thursday, May 20 10:30.',
    )
    expect(button(wrapper, 'Save changes').exists()).toBe(true)
    expect(net.calls('GET /api/units/default/labs')).toHaveLength(2)
    expect(wrapper.emitted('changed')).toHaveLength(1)
    expect(document.activeElement).toBe(wrapper.get('h2').element)
  })

  it('shows a 409 for the slot next to the picker and refreshes the picker and the table', async () => {
    const net = network({
      [`POST ${PROJECT}`]: problem(409, 'lab_id: that lab slot is full', [
        { field: 'lab_id', message: 'that lab slot is full' },
      ]),
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    net.routes['GET /api/units/default/labs'] = {
      status: 200,
      body: { available_labs: labs.filter((l) => l.lab_id !== 2) },
    }
    await fillAndCreate(wrapper, '2')

    expect(wrapper.get('form [role="alert"]').text()).toBe('Could not create the project. That lab slot is full.')
    const select = control(wrapper, 'Demonstration lab')
    expect(select.attributes('aria-invalid')).toBe('true')
    expect(wrapper.find('.field-error').text()).toBe('That lab slot is full.')
    expect(wrapper.findAll('option').some((o) => o.attributes('value') === '2')).toBe(false)
    expect(net.calls('GET /api/units/default/labs')).toHaveLength(2)
    expect(wrapper.emitted('changed')).toHaveLength(1)
    // What the student typed stays.
    expect((control(wrapper, "Partner's student number").element as HTMLInputElement).value).toBe(CHARLES)
  })

  it('shows a 409 for the partner next to the partner field', async () => {
    network({
      [`POST ${PROJECT}`]: problem(409, 'partnerNumber: that student is already in a project', [
        { field: 'partnerNumber', message: 'that student is already in a project' },
      ]),
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    await fillAndCreate(wrapper)
    const partner = control(wrapper, "Partner's student number")
    expect(partner.attributes('aria-invalid')).toBe('true')
    expect(wrapper.find('.field-error').text()).toBe('That student is already in a project.')
    expect(document.activeElement).toBe(partner.element)
  })

  it('shows a 400 next to its field', async () => {
    network({
      [`POST ${PROJECT}`]: problem(400, 'description: must be 1 to 500 characters', [
        { field: 'description', message: 'must be 1 to 500 characters' },
      ]),
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    await fillAndCreate(wrapper)
    expect(wrapper.get('form [role="alert"]').text()).toBe(
      'Could not create the project. Please correct the fields marked below.',
    )
    expect(control(wrapper, 'Project description').attributes('aria-invalid')).toBe('true')
    expect(wrapper.find('.field-error').text()).toBe('Must be 1 to 500 characters.')
  })

  it('shows the project when the partner made one with this student meanwhile', async () => {
    const net = network({
      [`POST ${PROJECT}`]: problem(409, 'id: you are already in a project', [
        { field: 'id', message: 'you are already in a project' },
      ]),
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    net.routes[`GET ${PROJECT}`] = { status: 200, body: project }
    await fillAndCreate(wrapper)
    expect(button(wrapper, 'Save changes').exists()).toBe(true)
    expect(wrapper.get('form [role="alert"]').text()).toBe(
      'Could not create the project. You are already in a project.',
    )
  })

  it('reports a lost server without losing the form', async () => {
    network({ [`POST ${PROJECT}`]: 'offline' })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    await fillAndCreate(wrapper)
    expect(wrapper.get('form [role="alert"]').text()).toBe(
      'Could not create the project. Cannot reach the Pair-Up server. Check your connection and try again.',
    )
    expect(button(wrapper, 'Create project').exists()).toBe(true)
  })

  it('edits an existing project', async () => {
    const net = network({
      [`GET ${PROJECT}`]: { status: 200, body: project },
      [`PUT ${PROJECT}`]: { status: 200, body: { ...project, description: 'Bigger', lab_id: 5, lab: 'L5' } },
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    await control(wrapper, 'Project description').setValue('Bigger')
    await control(wrapper, 'Demonstration lab').setValue('5')
    await wrapper.get('form').trigger('submit')
    await settle()
    expect(net.calls(`PUT ${PROJECT}`)[0]?.body).toEqual({ description: 'Bigger', lab_id: 5 })
    expect(wrapper.get('[role="status"]').text()).toBe('Changes saved. Your demonstration slot is L5.')
    expect(wrapper.emitted('changed')).toHaveLength(1)
  })

  it('shows the create form again when the partner deleted the project meanwhile', async () => {
    const net = network({
      [`GET ${PROJECT}`]: { status: 200, body: project },
      [`PUT ${PROJECT}`]: problem(404, 'the student has no project'),
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    net.routes[`GET ${PROJECT}`] = problem(404, 'the student has no project')
    await wrapper.get('form').trigger('submit')
    await settle()
    expect(button(wrapper, 'Create project').exists()).toBe(true)
    expect(wrapper.get('form [role="alert"]').text()).toBe(
      'Could not save the changes. Your project no longer exists: your partner may have deleted it.',
    )
  })

  it('deletes after confirmation', async () => {
    const net = network({
      [`GET ${PROJECT}`]: { status: 200, body: project },
      [`DELETE ${PROJECT}`]: { status: 204 },
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    await button(wrapper, 'Delete project').trigger('click')
    expect(net.calls(`DELETE ${PROJECT}`)).toHaveLength(0)
    await button(wrapper, 'Delete').trigger('click')
    await settle()
    expect(net.calls(`DELETE ${PROJECT}`)).toHaveLength(1)
    expect(wrapper.get('[role="status"]').text()).toBe('Project deleted. Its slot is free again.')
    expect(button(wrapper, 'Create project').exists()).toBe(true)
    expect(document.activeElement).toBe(wrapper.get('h2').element)
  })

  it('reports a project that cannot be loaded and retries', async () => {
    const net = network({ [`GET ${PROJECT}`]: problem(500, 'boom') })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'Could not load your project. The Pair-Up server could not answer (error 500). Try again in a moment.',
    )
    net.routes[`GET ${PROJECT}`] = { status: 200, body: project }
    await button(wrapper, 'Try again').trigger('click')
    await settle()
    expect(button(wrapper, 'Save changes').exists()).toBe(true)
  })

  it('hands a refused token to the one 401 handler: back to sign-in with a message', async () => {
    network({ [`POST ${PROJECT}`]: problem(401, 'the token has expired') })
    const { wrapper, router, session: store } = await mountInApp(MyProject, { session, props: { unit } })
    await fillAndCreate(wrapper)
    expect(store.signedIn).toBe(false)
    expect(store.notice).toBe('Your session has ended. Please sign in again.')
    expect(router.currentRoute.value.name).toBe('sign-in')
  })

  describe('live', () => {
    async function live(routes: Record<string, Handler> = {}) {
      const net = network(routes)
      const mounted = await mountInApp(MyProject, { session, props: { unit } })
      mounted.sockets.last.accept()
      await settle()
      return { ...mounted, net, socket: mounted.sockets.last }
    }

    const slotLabels = (w: VueWrapper) => w.findAll('option:not([disabled])').map((o) => o.text())

    it('refetches the project and the free slots when the connection is (re)established', async () => {
      const { net, socket } = await live()
      expect(net.calls(`GET ${PROJECT}`)).toHaveLength(2)
      expect(net.calls('GET /api/units/default/labs')).toHaveLength(2)
      socket.push({ type: 'resync' })
      await settle()
      expect(net.calls('GET /api/units/default/labs')).toHaveLength(3)
    })

    it('takes a slot off the picker when it fills up and offers one that became free', async () => {
      const { wrapper, socket } = await live()
      await control(wrapper, 'Demonstration lab').setValue('2')
      socket.push({
        type: 'labs.changed',
        labs: [
          { ...labs[1]!, available: false },
          {
            lab_id: 9,
            unit: 'default',
            lab: 'CSSE 2.01 Thursday, May 20 10:45',
            room: 'CSSE 2.01',
            starts_at: '2027-05-20T10:45',
            available: true,
          },
        ],
      })
      await settle()
      expect(slotLabels(wrapper)).not.toContain('CSSE 2.01 Thursday, May 20 10:15')
      expect(slotLabels(wrapper)).toContain('CSSE 2.01 Thursday, May 20 10:45')
      // The slot the student had chosen is gone: they are told, next to the picker.
      const picker = control(wrapper, 'Demonstration lab')
      expect((picker.element as HTMLSelectElement).selectedOptions[0]?.text).toBe('Choose a slot')
      expect(picker.attributes('aria-invalid')).toBe('true')
      expect(wrapper.text()).toContain('That slot has just been booked by another team. Choose another.')
      // ... and by the form's alert region, since no submit or focus move says it.
      expect(wrapper.get('form [role="alert"]').text()).toBe(
        'That slot has just been booked by another team. Choose another.',
      )
    })

    it('shows the project the partner created with the student', async () => {
      const { wrapper, socket } = await live()
      socket.push({ type: 'project.changed', unit: UNIT, project })
      await settle()
      expect(button(wrapper, 'Save changes').exists()).toBe(true)
      expect(wrapper.get('.notice').text()).toBe(
        'Your partner created a project with you. Your demonstration slot is CSSE 2.01 Thursday, May 20 10:30.',
      )
      expect(wrapper.emitted('team')).toEqual([[7]])
    })

    it('moves the focus to the heading when the form it was in is replaced', async () => {
      const { wrapper, socket } = await live()
      const heading = wrapper.get('h2').element
      ;(control(wrapper, 'Project description').element as HTMLElement).focus()
      socket.push({ type: 'project.changed', unit: UNIT, project })
      await settle()
      expect(button(wrapper, 'Save changes').exists()).toBe(true)
      expect(document.activeElement).toBe(heading)

      await button(wrapper, 'Delete project').trigger('click') // the confirmation takes the focus
      expect(document.activeElement?.textContent?.trim()).toBe('Cancel')
      socket.push({ type: 'project.deleted', unit: UNIT, pid: 7 })
      await settle()
      expect(button(wrapper, 'Create project').exists()).toBe(true)
      expect(document.activeElement).toBe(heading)
    })

    it('leaves the focus alone when it was not in the replaced form', async () => {
      const { wrapper, socket } = await live()
      const outside = document.createElement('button')
      document.body.append(outside)
      outside.focus()
      socket.push({ type: 'project.changed', unit: UNIT, project })
      await settle()
      expect(button(wrapper, 'Save changes').exists()).toBe(true)
      expect(document.activeElement).toBe(outside)
    })

    it('follows the partner’s edits, keeping what the student typed', async () => {
      const { wrapper, socket } = await live({ [`GET ${PROJECT}`]: { status: 200, body: project } })
      const moved = { ...project, description: 'A bigger compiler', lab_id: 5, lab: 'CSSE 2.01 Friday, May 21 09:00' }
      socket.push({ type: 'project.changed', unit: UNIT, project: moved })
      await settle()
      expect((control(wrapper, 'Project description').element as HTMLTextAreaElement).value).toBe('A bigger compiler')
      expect((control(wrapper, 'Demonstration lab').element as HTMLSelectElement).value).toBe('5')
      expect(wrapper.get('.facts').text()).toContain('CSSE 2.01 Friday, May 21 09:00')
      expect(wrapper.get('.notice').text()).toBe(
        'Your partner changed the project. Your demonstration slot is CSSE 2.01 Friday, May 21 09:00.',
      )

      await control(wrapper, 'Project description').setValue('My own words')
      socket.push({ type: 'project.changed', unit: UNIT, project: { ...moved, description: 'Theirs again' } })
      await settle()
      expect((control(wrapper, 'Project description').element as HTMLTextAreaElement).value).toBe('My own words')
    })

    it('returns to the create form when the partner dissolves the team', async () => {
      const { wrapper, socket } = await live({ [`GET ${PROJECT}`]: { status: 200, body: project } })
      expect(wrapper.emitted('team')).toEqual([[7]])
      socket.push({ type: 'project.deleted', unit: UNIT, pid: 8 })
      await settle()
      expect(button(wrapper, 'Save changes').exists()).toBe(true)
      socket.push({ type: 'project.deleted', unit: UNIT, pid: 7 })
      await settle()
      expect(button(wrapper, 'Create project').exists()).toBe(true)
      expect(wrapper.get('.notice').text()).toBe(
        'Your team was dissolved: your partner deleted the project. You can pair up again.',
      )
      expect(wrapper.emitted('team')).toEqual([[7], [null]])
    })

    it('says nothing extra when the push is about the student’s own change', async () => {
      const { wrapper, socket } = await live({
        [`GET ${PROJECT}`]: { status: 200, body: project },
        [`PUT ${PROJECT}`]: { status: 200, body: { ...project, description: 'Edited' } },
      })
      await control(wrapper, 'Project description').setValue('Edited')
      await wrapper.get('form').trigger('submit')
      await settle()
      socket.push({ type: 'project.changed', unit: UNIT, project: { ...project, description: 'Edited' } })
      await settle()
      expect(wrapper.get('.notice').text()).toMatch(/^Changes saved\./)
    })
  })
})

describe('MyProject in units', () => {
  afterEach(() => void vi.useRealTimers())

  const GRACE = { id: '21234569', name: 'Grace Hopper' }
  const threesome = { ...project, unit: 'trio', team: 'Ada Lovelace & Charles Babbage & Grace Hopper' }
  threesome.members = [...project.members, GRACE]
  const TRIO_PROJECT = '/api/units/trio/students/21234567/project'
  const LEAVE = '/api/units/trio/projects/7/members/21234567'

  function trioNetwork(routes: Record<string, Handler> = {}) {
    return fakeNetwork({
      [`GET ${TRIO_PROJECT}`]: { status: 200, body: threesome },
      'GET /api/units/trio/labs': { status: 200, body: { available_labs: labs.map((l) => ({ ...l, unit: 'trio' })) } },
      ...routes,
    })
  }

  it('uses the unit’s routes and asks for its number of partners', async () => {
    const net = trioNetwork({ [`GET ${TRIO_PROJECT}`]: problem(404, 'no project') })
    // The browser is elsewhere than the unit (whatever the machine running the tests says).
    const resolved = Intl.DateTimeFormat.prototype.resolvedOptions
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockImplementation(function (this: Intl.DateTimeFormat) {
      return { ...resolved.call(this), timeZone: 'Europe/London' }
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit: trio } })
    expect(net.unexpected).toEqual([])
    expect(wrapper.findAll('input[name="partnerNumbers"]')).toHaveLength(3)
    expect(wrapper.text()).toContain('Teams have 3 to 4 members, you included.')
    expect(wrapper.text()).toContain('Name your teammates')
    expect(wrapper.text()).toContain('Times are Australia/Perth time.')
  })

  it('leaves the team after confirming, through the members route', async () => {
    const net = trioNetwork({ [`DELETE ${LEAVE}`]: { status: 204 } })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit: trio } })
    await button(wrapper, 'Leave team').trigger('click')
    expect(wrapper.get('dialog').text()).toContain('Leave this team?')
    expect(wrapper.get('dialog').text()).toContain('The others keep the project and its slot.')
    expect(net.calls(`DELETE ${LEAVE}`)).toHaveLength(0)
    await button(wrapper, 'Leave').trigger('click')
    await settle()
    expect(net.calls(`DELETE ${LEAVE}`)).toHaveLength(1)
    expect(wrapper.get('[role="status"]').text()).toBe('You left the team. You can form a team again.')
    expect(button(wrapper, 'Create project').exists()).toBe(true)
    expect(wrapper.emitted('changed')).toHaveLength(1)
    expect(wrapper.emitted('team')).toEqual([[7], [null]])
    expect(document.activeElement).toBe(wrapper.get('h2').element)
  })

  it('warns the last member that leaving dissolves the team', async () => {
    const alone = { ...threesome, team: 'Ada Lovelace', members: [project.members[0]!] }
    trioNetwork({ [`GET ${TRIO_PROJECT}`]: { status: 200, body: alone }, [`DELETE ${LEAVE}`]: { status: 204 } })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit: trio } })
    await button(wrapper, 'Leave team').trigger('click')
    expect(wrapper.get('dialog').text()).toContain('You are its last member')
    await button(wrapper, 'Leave').trigger('click')
    await settle()
    expect(wrapper.get('[role="status"]').text()).toBe(
      'You left the team, which is now dissolved. Its slot is free again.',
    )
  })

  it('says why leaving was refused, such as the guard time', async () => {
    trioNetwork({
      [`DELETE ${LEAVE}`]: problem(
        409,
        "your team's lab slot starts within 60 minutes; ask a coordinator to change the team",
      ),
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit: trio } })
    await button(wrapper, 'Leave team').trigger('click')
    await button(wrapper, 'Leave').trigger('click')
    await settle()
    expect(wrapper.get('form [role="alert"]').text()).toBe(
      "Could not leave the team. Your team's lab slot starts within 60 minutes; ask a coordinator to change the team.",
    )
    expect(button(wrapper, 'Leave team').exists()).toBe(true)
  })

  it('tells the others who left, and a student taken out of the team goes back to the form', async () => {
    trioNetwork()
    const { wrapper, sockets } = await mountInApp(MyProject, { session, props: { unit: trio } })
    sockets.last.accept()
    await settle()
    const withoutGrace = { ...threesome, team: 'Ada Lovelace & Charles Babbage', members: project.members }
    sockets.last.push({ type: 'project.changed', unit: 'trio', project: withoutGrace })
    await settle()
    expect(wrapper.get('.notice').text()).toBe('Grace Hopper left the team.')
    expect(wrapper.get('.facts').text()).toContain('Ada Lovelace & Charles Babbage')

    const withoutAda = { ...threesome, members: [project.members[1]!, GRACE] }
    sockets.last.push({ type: 'project.changed', unit: 'trio', project: withoutAda })
    await settle()
    expect(button(wrapper, 'Create project').exists()).toBe(true)
  })

  it('ignores pushes about another unit', async () => {
    trioNetwork()
    const { wrapper, sockets } = await mountInApp(MyProject, { session, props: { unit: trio } })
    sockets.last.accept()
    await settle()
    // The same pid, in another unit (pids are the server's): nothing to do with this page.
    sockets.last.push({ type: 'project.deleted', unit: UNIT, pid: 7 })
    sockets.last.push({ type: 'labs.changed', unit: UNIT, labs: [{ ...labs[0]!, available: false }] })
    await settle()
    expect(button(wrapper, 'Save changes').exists()).toBe(true)
    expect(wrapper.get('.notice').text()).toBe('')
    expect(wrapper.findAll('option').some((o) => o.text() === labs[0]!.lab)).toBe(true)
  })

  it('is read-only once sign-up has closed, saying why', async () => {
    const closed = { ...unit, phase: 'closed' as const, policy: { ...unit.policy, closes_at: '2027-05-03T17:00:00Z' } }
    network({ [`GET ${PROJECT}`]: { status: 200, body: project } })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit: closed } })
    expect(wrapper.text()).toContain('Sign-up closed on Monday 3 May')
    expect(wrapper.text()).toContain('Teams can no longer be formed, changed or left.')
    expect(wrapper.get('.facts').text()).toContain('Ada Lovelace & Charles Babbage')
    expect(wrapper.get('.facts').text()).toContain('A tiny compiler')
    expect(wrapper.findAll('input, textarea, select')).toHaveLength(0)
    expect(wrapper.findAll('button').map((b) => b.text())).toEqual(['Copy join code', 'Add to calendar'])
    // The code is shown, but it cannot be renewed outside the window.
    expect(wrapper.get('.join-code').text()).toContain('Join code: K7Q2-M9XD')
  })

  it('is read-only in an archived unit, saying so', async () => {
    network({ [`GET ${PROJECT}`]: { status: 200, body: project } })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit: { ...unit, archived: true } } })
    expect(wrapper.text()).toContain('This unit is archived: nothing can be changed any more.')
    expect(wrapper.findAll('input, textarea, select')).toHaveLength(0)
  })

  it('downloads the booked slot as a calendar file with the token, and says when it cannot', async () => {
    const net = network({
      [`GET ${PROJECT}`]: { status: 200, body: project },
      'GET /api/units/default/students/21234567/calendar.ics': {
        status: 200,
        text: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
        headers: { 'Content-Type': 'text/calendar', 'Content-Disposition': 'attachment; filename="demo.ics"' },
      },
    })
    const save = vi.spyOn(saver, 'save').mockImplementation(() => {})
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    await button(wrapper, 'Add to calendar').trigger('click')
    await settle()
    const [call] = net.calls('GET /api/units/default/students/21234567/calendar.ics')
    expect(call?.headers.get('Authorization')).toBe('Bearer token-ada')
    expect(save).toHaveBeenCalledTimes(1)
    const [blob, name] = save.mock.calls[0]!
    expect(name).toBe('demo.ics')
    expect(await blob.text()).toBe('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n')

    net.routes['GET /api/units/default/students/21234567/calendar.ics'] = 'offline'
    await button(wrapper, 'Add to calendar').trigger('click')
    await settle()
    expect(save).toHaveBeenCalledTimes(1)
    expect(wrapper.get('.calendar [role="alert"]').text()).toBe(
      'Could not download the calendar file. Cannot reach the Pair-Up server. Check your connection and try again.',
    )
  })

  it('offers no form before sign-up opens, and says when it opens', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2027-05-02T10:00:00Z'))
    const upcoming = {
      ...unit,
      phase: 'upcoming' as const,
      policy: { ...unit.policy, opens_at: '2027-05-04T09:00:00Z' },
    }
    network()
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit: upcoming } })
    expect(wrapper.text()).toContain('Sign-up opens Tuesday 4 May 09:00 (in 2 days).')
    expect(wrapper.text()).toContain('You are not in a team in this unit. You can form a team once sign-up opens.')
    expect(wrapper.find('form').exists()).toBe(false)
  })

  it('turns read-only when a change is refused because sign-up closed meanwhile', async () => {
    network({
      [`POST ${PROJECT}`]: problem(409, 'sign-up has closed: it closed Monday 3 May 2027 17:00 (UTC)'),
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    await fillAndCreate(wrapper)
    expect(wrapper.get('form [role="alert"]').text()).toBe(
      'Could not create the project. Sign-up has closed: it closed Monday 3 May 2027 17:00 (UTC).',
    )
    // The parent refetches the unit (and the table) and hands down the closed phase.
    expect(wrapper.emitted('changed')).toHaveLength(1)
    await wrapper.setProps({ unit: { ...unit, phase: 'closed' } })
    expect(wrapper.find('form').exists()).toBe(false)
    expect(wrapper.text()).toContain('Teams can no longer be formed')
  })

  it('edits the description of a team without a slot, naming none, in a ranked unit', async () => {
    const ranked = { ...unit, policy: { ...unit.policy, booking: 'ranked' as const } }
    const slotless = { ...project, lab_id: null, lab: null, room: null, starts_at: null }
    const net = network({
      [`GET ${PROJECT}`]: { status: 200, body: slotless },
      [`PUT ${PROJECT}`]: { status: 200, body: { ...slotless, description: 'Bigger' } },
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit: ranked } })
    expect(wrapper.text()).toContain('Slots in this unit are allocated from your team’s ranking.')
    expect(wrapper.findAll('label').some((l) => l.text() === 'Demonstration lab')).toBe(false)
    await control(wrapper, 'Project description').setValue('Bigger')
    await wrapper.get('form').trigger('submit')
    await settle()
    expect(net.calls(`PUT ${PROJECT}`)[0]?.body).toEqual({ description: 'Bigger' })
    expect(wrapper.get('[role="status"]').text()).toBe('Changes saved. Your team has no demonstration slot yet.')
  })

  it('has no team for a coordinator of the unit', async () => {
    const net = fakeNetwork()
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit, coordinator: true } })
    expect(wrapper.text()).toContain('You coordinate this unit, so you are not in a team here.')
    expect(net.seen).toEqual([])
  })
})
