import { afterEach, describe, expect, it, vi } from 'vitest'

import MyProject from '@/components/MyProject.vue'
import { mountInApp, settle } from '@/test/app'
import { button, control } from '@/test/dom'
import { labs, project, session, unit } from '@/test/fixtures'
import { fakeNetwork, problem, type Handler } from '@/test/network'

const PROJECT = '/api/units/default/students/21234567/project'
const CODE = '/api/units/default/projects/7/code'
const JOIN = '/api/units/default/join'

function network(routes: Record<string, Handler> = {}) {
  return fakeNetwork({
    [`GET ${PROJECT}`]: { status: 200, body: project },
    'GET /api/units/default/labs': { status: 200, body: { available_labs: labs } },
    [`GET ${CODE}`]: { status: 200, body: { pid: 7, code: 'K7Q2-M9XD' } },
    ...routes,
  })
}

afterEach(() => void vi.unstubAllGlobals())

describe('the join code, for a member', () => {
  it('shows the code and copies it to the clipboard', async () => {
    network()
    const writeText = vi.fn(async () => {})
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    const box = wrapper.get('.join-code')
    expect(box.get('.code-line').text()).toBe('Join code: K7Q2-M9XD')
    expect(box.text()).toContain('the old one stops working')

    await button(box, 'Copy join code').trigger('click')
    await settle()
    expect(writeText).toHaveBeenCalledWith('K7Q2-M9XD')
    expect(wrapper.get('[role="status"]').text()).toBe('Copied the join code.')

    writeText.mockRejectedValueOnce(new Error('denied'))
    await button(box, 'Copy join code').trigger('click')
    await settle()
    expect(box.get('[role="alert"]').text()).toBe(
      'Could not copy to the clipboard: select the code and copy it instead.',
    )
  })

  it('renews the code only once confirmed, and shows the new one', async () => {
    const net = network({ [`POST ${CODE}`]: { status: 200, body: { pid: 7, code: 'ZX4P-7HQW' } } })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    await button(wrapper, 'Renew join code').trigger('click')
    expect(wrapper.get('dialog').text()).toContain('Renew the join code?')
    expect(wrapper.get('dialog').text()).toContain('the old one stops working')
    await button(wrapper.get('dialog'), 'Cancel').trigger('click')
    await settle()
    expect(net.calls(`POST ${CODE}`)).toHaveLength(0)

    await button(wrapper, 'Renew join code').trigger('click')
    await button(wrapper.get('dialog'), 'Renew').trigger('click')
    await settle()
    expect(net.calls(`POST ${CODE}`)).toHaveLength(1)
    const box = wrapper.get('.join-code')
    expect(box.get('.code-line').text()).toBe('Join code: ZX4P-7HQW')
    expect(wrapper.get('[role="status"]').text()).toBe('The join code is now ZX4P-7HQW. The old one no longer works.')
  })

  it('shows a refused renewal and has the unit refetched on a 409', async () => {
    network({ [`POST ${CODE}`]: problem(409, 'sign-up has closed') })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    await button(wrapper, 'Renew join code').trigger('click')
    await button(wrapper.get('dialog'), 'Renew').trigger('click')
    await settle()
    const box = wrapper.get('.join-code')
    expect(box.get('[role="alert"]').text()).toBe('Could not renew the join code. Sign-up has closed.')
    expect(box.get('.code-line').text()).toBe('Join code: K7Q2-M9XD')
    expect(wrapper.emitted('changed')).toHaveLength(1)
  })

  it('says while it loads, and offers to try again when it cannot', async () => {
    let answer: (() => void) | undefined
    const net = network({
      [`GET ${CODE}`]: () =>
        new Promise((resolve) => {
          answer = () => resolve('offline')
        }),
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit } })
    expect(wrapper.get('.join-code').text()).toBe('Loading the join code…')
    answer?.()
    await settle()
    expect(wrapper.get('.join-code [role="alert"]').text()).toBe(
      'Could not load the join code. Cannot reach the Pair-Up server. Check your connection and try again.',
    )
    net.routes[`GET ${CODE}`] = { status: 200, body: { pid: 7, code: 'K7Q2-M9XD' } }
    await button(wrapper.get('.join-code'), 'Try again').trigger('click')
    await settle()
    expect(wrapper.get('.join-code .code-line').text()).toBe('Join code: K7Q2-M9XD')
  })
})

describe('joining a team with its code', () => {
  const joined = {
    ...project,
    team: 'Ada Lovelace & Charles Babbage & Grace Hopper',
    members: [...project.members, { id: '21234569', name: 'Grace Hopper' }],
  }

  async function mountWithoutTeam(routes: Record<string, Handler> = {}) {
    const net = network({ [`GET ${PROJECT}`]: problem(404, 'the student has no project'), ...routes })
    const mounted = await mountInApp(MyProject, { session, props: { unit } })
    return { ...mounted, net }
  }

  it('joins the team, shows it and refreshes around it', async () => {
    const { wrapper, net } = await mountWithoutTeam({ [`POST ${JOIN}`]: { status: 200, body: joined } })
    await control(wrapper, "Team's join code").setValue(' k7q2m9xd ')
    await button(wrapper, 'Join team').trigger('submit')
    await settle()
    expect(net.calls(`POST ${JOIN}`)[0]?.body).toEqual({ code: 'k7q2m9xd' })
    expect(wrapper.get('.notice').text()).toBe(
      'You joined the team Ada Lovelace & Charles Babbage & Grace Hopper. Your demonstration slot is CSSE 2.01 Thursday, May 20 10:30.',
    )
    expect(button(wrapper, 'Save changes').exists()).toBe(true)
    expect(wrapper.find('.join-team').exists()).toBe(false)
    expect(wrapper.get('.join-code .code-line').text()).toBe('Join code: K7Q2-M9XD')
    expect(net.calls('GET /api/units/default/labs')).toHaveLength(2)
    expect(wrapper.emitted('changed')).toHaveLength(1)
    expect(document.activeElement).toBe(wrapper.get('h2').element)
  })

  it('asks for a code before sending anything', async () => {
    const { wrapper, net } = await mountWithoutTeam()
    await wrapper.get('form.join-team').trigger('submit')
    await settle()
    expect(net.calls(`POST ${JOIN}`)).toHaveLength(0)
    expect(wrapper.get('.join-team [role="alert"]').text()).toBe('Enter the join code a member of the team gave you.')
  })

  it('shows the server’s problem with the code next to the field and moves the focus there', async () => {
    const { wrapper } = await mountWithoutTeam({
      [`POST ${JOIN}`]: problem(404, 'code: no team has that code; ask the team for its current one', [
        { field: 'code', message: 'no team has that code; ask the team for its current one' },
      ]),
    })
    const input = control(wrapper, "Team's join code")
    await input.setValue('AAAA-BBBB')
    await wrapper.get('form.join-team').trigger('submit')
    await settle()
    const alert = wrapper.get('.join-team [role="alert"]')
    expect(alert.text()).toBe('Could not join the team. No team has that code; ask the team for its current one.')
    expect(input.attributes('aria-invalid')).toBe('true')
    expect(input.attributes('aria-describedby')).toBe(alert.attributes('id'))
    expect(document.activeElement).toBe(input.element)
    expect(wrapper.emitted('changed')).toBeUndefined()
  })

  it('says when the team is full, and refreshes around it', async () => {
    const { wrapper } = await mountWithoutTeam({
      [`POST ${JOIN}`]: problem(409, 'code: that team has 4 members already', [
        { field: 'code', message: 'that team has 4 members already' },
      ]),
    })
    await control(wrapper, "Team's join code").setValue('K7Q2-M9XD')
    await wrapper.get('form.join-team').trigger('submit')
    await settle()
    expect(wrapper.get('.join-team [role="alert"]').text()).toBe(
      'Could not join the team. That team has 4 members already.',
    )
    expect(wrapper.emitted('changed')).toHaveLength(1)
  })

  it('is not offered outside the sign-up window', async () => {
    network({ [`GET ${PROJECT}`]: problem(404, 'the student has no project') })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit: { ...unit, phase: 'closed' } } })
    expect(wrapper.find('.join-team').exists()).toBe(false)
  })
})
