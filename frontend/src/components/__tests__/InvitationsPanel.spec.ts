import { describe, expect, it } from 'vitest'

import type { Unit } from '@/api'
import InvitationsPanel from '@/components/InvitationsPanel.vue'
import MyProject from '@/components/MyProject.vue'
import type { Invitation } from '@/composables/useInvitations'
import { mountInApp, settle } from '@/test/app'
import { button, control } from '@/test/dom'
import { CHARLES, project, session, unit } from '@/test/fixtures'
import { fakeNetwork, problem, type Handler } from '@/test/network'

const LIST = '/api/units/default/invitations'
const inviteUnit: Unit = { ...unit, policy: { ...unit.policy, team_max: 3, consent: 'invite' } }

function invitation(over: Partial<Invitation> = {}): Invitation {
  return {
    id: 12,
    unit: 'default',
    pid: 9,
    team: 'Grace Hopper',
    from: { id: '21234569', name: 'Grace Hopper' },
    student: { id: '21234567', name: 'Ada Lovelace' },
    status: 'pending',
    created_at: '2027-05-03T01:00:00Z',
    expires_at: '2027-05-05T01:00:00Z',
    ...over,
  }
}

function network(list: { received: Invitation[]; sent: Invitation[] }, routes: Record<string, Handler> = {}) {
  return fakeNetwork({ [`GET ${LIST}`]: { status: 200, body: list }, ...routes })
}

describe('the invitations panel', () => {
  it('accepts a received invitation, announces it and reloads', async () => {
    const net = network(
      { received: [invitation()], sent: [] },
      { [`POST ${LIST}/12/accept`]: { status: 200, body: { ...project, team: 'Grace Hopper & Ada Lovelace' } } },
    )
    const { wrapper } = await mountInApp(InvitationsPanel, { session, props: { unit: inviteUnit } })
    const item = wrapper.get('.received li')
    expect(item.text()).toContain('Grace Hopper invited you to their team (Grace Hopper).')
    expect(item.text()).toContain('Waiting for an answer until')
    const accept = button(item, 'Accept')
    expect(accept.attributes('aria-describedby')).toBe(item.get('p').attributes('id'))

    net.routes[`GET ${LIST}`] = { status: 200, body: { received: [invitation({ status: 'accepted' })], sent: [] } }
    await accept.trigger('click')
    await settle()
    expect(net.calls(`POST ${LIST}/12/accept`)).toHaveLength(1)
    expect(wrapper.get('[role="status"]').text()).toBe('You joined the team Grace Hopper & Ada Lovelace.')
    expect(wrapper.emitted('changed')).toHaveLength(1)
    expect(net.calls(`GET ${LIST}`)).toHaveLength(2)
    expect(wrapper.get('.received li').text()).toContain('Accepted.')
    expect(wrapper.find('.received button').exists()).toBe(false)
    expect(document.activeElement).toBe(wrapper.get('h2').element)
  })

  it('says why an acceptance was refused, in the alert region', async () => {
    network(
      { received: [invitation()], sent: [] },
      { [`POST ${LIST}/12/accept`]: problem(409, 'that team is full: a team has 2 to 3 members') },
    )
    const { wrapper } = await mountInApp(InvitationsPanel, { session, props: { unit: inviteUnit } })
    await button(wrapper, 'Accept').trigger('click')
    await settle()
    expect(wrapper.get('.form-error[role="alert"]').text()).toBe(
      'Could not accept the invitation. That team is full: a team has 2 to 3 members.',
    )
    expect(wrapper.emitted('changed')).toBeUndefined()
  })

  it('declines, and withdraws a sent one', async () => {
    const sent = invitation({
      id: 13,
      student: { id: CHARLES, name: 'Charles Babbage' },
      from: { id: '21234567', name: 'Ada Lovelace' },
    })
    const net = network(
      { received: [invitation()], sent: [sent] },
      {
        [`POST ${LIST}/12/decline`]: { status: 200, body: invitation({ status: 'declined' }) },
        [`DELETE ${LIST}/13`]: { status: 204 },
      },
    )
    const { wrapper } = await mountInApp(InvitationsPanel, { session, props: { unit: inviteUnit } })
    await button(wrapper.get('.received'), 'Decline').trigger('click')
    await settle()
    expect(net.calls(`POST ${LIST}/12/decline`)).toHaveLength(1)
    expect(wrapper.get('[role="status"]').text()).toBe('You declined the invitation from Grace Hopper.')
    expect(wrapper.get('.sent li').text()).toContain('Invited Charles Babbage (21234568).')
    await button(wrapper.get('.sent'), 'Withdraw').trigger('click')
    await settle()
    expect(net.calls(`DELETE ${LIST}/13`)).toHaveLength(1)
    expect(wrapper.get('[role="status"]').text()).toBe('Withdrew the invitation to Charles Babbage.')
  })

  it('invites by student number, checking it first and showing the server’s complaint', async () => {
    const net = network(
      { received: [], sent: [] },
      {
        [`POST ${LIST}`]: problem(409, 'student: 21234568 is already in a project', [
          { field: 'student', message: '21234568 is already in a project' },
        ]),
      },
    )
    const { wrapper } = await mountInApp(InvitationsPanel, { session, props: { unit: inviteUnit } })
    expect(wrapper.text()).toContain('No invitations to you.')
    const input = control(wrapper, 'Student number to invite')
    await input.setValue('123')
    await wrapper.get('form.invite').trigger('submit')
    await settle()
    expect(net.calls(`POST ${LIST}`)).toHaveLength(0)
    expect(wrapper.get('form.invite [role="alert"]').text()).toBe(
      'Enter the 8-digit student number of the student to invite.',
    )
    await input.setValue(CHARLES)
    await wrapper.get('form.invite').trigger('submit')
    await settle()
    expect(net.calls(`POST ${LIST}`)[0]?.body).toEqual({ student: CHARLES })
    expect(wrapper.get('form.invite [role="alert"]').text()).toBe(
      'Could not send the invitation. 21234568 is already in a project.',
    )
    expect(document.activeElement).toBe(input.element)
  })

  it('reloads when an invitation notice arrives, and not for others', async () => {
    const net = network({ received: [], sent: [] })
    const { wrapper, sockets } = await mountInApp(InvitationsPanel, { session, props: { unit: inviteUnit } })
    sockets.last.accept()
    await settle()
    const before = net.calls(`GET ${LIST}`).length
    net.routes[`GET ${LIST}`] = { status: 200, body: { received: [invitation()], sent: [] } }
    const notice = (kind: string) => ({
      type: 'notice',
      unit: 'default',
      notice: { id: 1, unit: 'default', kind, text: 'x', data: {}, created_at: '2027-05-03T01:00:00Z', read_at: null },
    })
    sockets.last.push(notice('hold.offered'))
    await settle()
    expect(net.calls(`GET ${LIST}`)).toHaveLength(before)
    sockets.last.push(notice('invite.received'))
    await settle()
    expect(net.calls(`GET ${LIST}`)).toHaveLength(before + 1)
    expect(wrapper.get('.received li').text()).toContain('Grace Hopper invited you')
  })

  it('renders names as text, says while it loads and offers to try again', async () => {
    let answer: (() => void) | undefined
    const net = fakeNetwork({
      [`GET ${LIST}`]: () =>
        new Promise((resolve) => {
          answer = () => resolve('offline')
        }),
    })
    const { wrapper } = await mountInApp(InvitationsPanel, { session, props: { unit: inviteUnit } })
    expect(wrapper.text()).toContain('Loading your invitations…')
    answer?.()
    await settle()
    expect(wrapper.get('[role="alert"] + button, .field-error').text()).toContain('Could not load your invitations.')
    net.routes[`GET ${LIST}`] = {
      status: 200,
      body: { received: [invitation({ from: { id: '21234569', name: '<b>Grace</b>' } })], sent: [] },
    }
    await button(wrapper, 'Try again').trigger('click')
    await settle()
    expect(wrapper.get('.received strong').text()).toBe('<b>Grace</b>')
    expect(wrapper.find('.received b').exists()).toBe(false)
  })

  it('stays out of the way in a direct unit without invitations', async () => {
    network({ received: [], sent: [] })
    const { wrapper } = await mountInApp(InvitationsPanel, { session, props: { unit } })
    expect(wrapper.find('section').exists()).toBe(false)
  })
})

describe('creating a project in a unit with consent by invitation', () => {
  it('says the partners are invited, books no slot and sends no lab_id', async () => {
    const PROJECT = '/api/units/default/students/21234567/project'
    const alone = {
      ...project,
      team: 'Ada Lovelace',
      lab_id: null,
      lab: null,
      room: null,
      starts_at: null,
      members: [project.members[0]!],
    }
    const net = fakeNetwork({
      [`GET ${PROJECT}`]: problem(404, 'the student has no project'),
      'GET /api/units/default/labs': { status: 200, body: { available_labs: [] } },
      [`POST ${PROJECT}`]: { status: 201, body: alone },
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit: inviteUnit } })
    expect(wrapper.text()).toContain('The students you name are invited: each one joins your team by accepting.')
    expect(wrapper.text()).toContain('Your team books a demonstration slot once it has 2 members.')
    expect(wrapper.find('[name="lab_id"]').exists()).toBe(false)
    await control(wrapper, "Partner's student number").setValue(CHARLES)
    await control(wrapper, 'Project description').setValue('Invited')
    await button(wrapper, 'Create project').trigger('submit')
    await settle()
    expect(net.calls(`POST ${PROJECT}`)[0]?.body).toEqual({ partnerNumbers: [CHARLES], description: 'Invited' })
    expect(wrapper.get('.notice').text()).toBe(
      'Project created. Your invitations are sent. Your team has no demonstration slot yet.',
    )
  })
})
