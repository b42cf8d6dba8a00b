import { describe, expect, it } from 'vitest'

import type { Lab, Project } from '@/api'
import WaitlistPanel from '@/components/WaitlistPanel.vue'
import type { Hold, QueueEntry } from '@/composables/useWaitlist'
import { mountInApp, settle } from '@/test/app'
import { button, control } from '@/test/dom'
import { lab, project, session, unit } from '@/test/fixtures'
import { fakeNetwork, problem, type Handler } from '@/test/network'

const QUEUE = '/api/units/default/queue'
const full = lab(6, 'EZONE 1.24', '2027-05-21T09:00')
/** Another team, booked in the full slot 6. */
const grace: Project = {
  ...project,
  pid: 9,
  team: 'Grace Hopper',
  lab_id: full.lab_id,
  lab: full.lab,
  room: full.room,
  starts_at: full.starts_at,
  members: [{ id: '21234569', name: 'Grace Hopper' }],
}
const projects = [project, grace]
const inAnHour = () => new Date(Date.now() + 60 * 60_000 + 30_000).toISOString()

function hold(over: Partial<Hold> = {}): Hold {
  return {
    id: 12,
    lab_id: full.lab_id,
    lab: full.lab,
    room: full.room,
    starts_at: full.starts_at,
    pid: project.pid,
    offered_at: new Date().toISOString(),
    expires_at: inAnHour(),
    ...over,
  }
}

function entry(over: Partial<QueueEntry> = {}): QueueEntry {
  return {
    lab_id: full.lab_id,
    lab: full.lab,
    room: full.room,
    starts_at: full.starts_at,
    pid: project.pid,
    position: 2,
    queued_at: '2027-05-03T01:00:00Z',
    ...over,
  }
}

/** The team's own slot (3) is full too; the panel leaves it out. */
const own = lab(3, 'CSSE 2.01', '2027-05-20T10:30')
type Lists = { entries: QueueEntry[]; holds: Hold[]; full?: Lab[] }
const answer = (w: Lists) => ({ status: 200, body: { full: [own, full], ...w } })

function network(w: Lists, routes: Record<string, Handler> = {}) {
  return fakeNetwork({ [`GET ${QUEUE}`]: answer(w), ...routes })
}

const mountPanel = () => mountInApp(WaitlistPanel, { session, props: { unit, pid: project.pid, projects } })

describe('the waitlist panel', () => {
  it('shows a held place with the time it lapses, takes it and says so', async () => {
    const h = hold({ expires_at: '2099-05-03T09:10:00Z' })
    const net = network(
      { entries: [], holds: [h] },
      { [`POST /api/units/default/holds/12/accept`]: { status: 200, body: grace } },
    )
    const { wrapper } = await mountPanel()
    const banner = wrapper.get('.hold-banner')
    expect(banner.text()).toMatch(
      new RegExp(`^A place in ${full.lab} is held for your team until 09:10 \\(\\d+ minutes left\\)\\.`),
    )
    net.routes[`GET ${QUEUE}`] = answer({ entries: [], holds: [] })
    await button(banner, 'Take it').trigger('click')
    await settle()
    expect(net.calls('POST /api/units/default/holds/12/accept')).toHaveLength(1)
    expect(wrapper.get('[role="status"]').text()).toBe(`Your team now has the place in ${full.lab}.`)
    expect(wrapper.emitted('changed')).toHaveLength(1)
    expect(wrapper.find('.hold-banner').exists()).toBe(false)
    expect(document.activeElement).toBe(wrapper.get('h2').element)
  })

  it('passes a held place on', async () => {
    const net = network(
      { entries: [], holds: [hold()] },
      { [`POST /api/units/default/holds/12/decline`]: { status: 204 } },
    )
    const { wrapper } = await mountPanel()
    await button(wrapper, 'Pass').trigger('click')
    await settle()
    expect(net.calls('POST /api/units/default/holds/12/decline')).toHaveLength(1)
    expect(wrapper.get('[role="status"]').text()).toBe(
      `You passed the place in ${full.lab} on to the next team in line.`,
    )
    expect(wrapper.emitted('changed')).toBeUndefined()
  })

  it('announces a hold that lapsed before it was taken', async () => {
    network(
      { entries: [], holds: [hold()] },
      {
        [`POST /api/units/default/holds/12/accept`]: problem(409, 'the hold lapsed', [
          { field: 'hid', message: 'the hold lapsed at 09:10; the place passed to the next team in line' },
        ]),
      },
    )
    const { wrapper } = await mountPanel()
    await button(wrapper, 'Take it').trigger('click')
    await settle()
    expect(wrapper.get('.form-error[role="alert"]').text()).toMatch(
      /^Could not take the place\. The hold lapsed at 09:10/,
    )
    expect(wrapper.emitted('changed')).toBeUndefined()
  })

  it('joins the waitlist of a full slot and shows the place in line', async () => {
    const net = network(
      { entries: [], holds: [] },
      { [`POST /api/units/default/labs/6/queue`]: { status: 201, body: entry() } },
    )
    const { wrapper } = await mountPanel()
    expect(wrapper.text()).toContain('Your team is not waiting for any slot.')
    const select = control(wrapper, 'Full slot')
    // Only the full slot is offered: not the team's own, not the free ones.
    expect(select.findAll('option').map((o) => o.text())).toEqual(['Choose a full slot…', full.lab])
    await button(wrapper, 'Join the waitlist').trigger('click')
    expect(wrapper.get('.join [role="alert"]').text()).toBe('Choose a full slot to wait for.')
    expect(net.calls('POST /api/units/default/labs/6/queue')).toHaveLength(0)

    net.routes[`GET ${QUEUE}`] = answer({ entries: [entry()], holds: [] })
    await select.setValue('6')
    await wrapper.get('form').trigger('submit')
    await settle()
    expect(net.calls('POST /api/units/default/labs/6/queue')).toHaveLength(1)
    expect(wrapper.get('[role="status"]').text()).toBe(`Your team is 2nd in line for ${full.lab}.`)
    expect(wrapper.get('.entries li').text()).toContain(`2nd in line for ${full.lab}`)
    expect(wrapper.find('.join').exists()).toBe(false) // nothing else is full
  })

  it('names the reason a join was refused', async () => {
    network(
      { entries: [], holds: [] },
      {
        [`POST /api/units/default/labs/6/queue`]: problem(409, 'conflict', [
          { field: 'lab', message: 'that slot has room: book it instead' },
        ]),
      },
    )
    const { wrapper } = await mountPanel()
    await control(wrapper, 'Full slot').setValue('6')
    await wrapper.get('form').trigger('submit')
    await settle()
    expect(wrapper.get('.join [role="alert"]').text()).toBe(
      'Could not join the waitlist. That slot has room: book it instead.',
    )
  })

  it('leaves a line', async () => {
    const net = network(
      { entries: [entry({ position: 1 })], holds: [] },
      { [`DELETE /api/units/default/labs/6/queue`]: { status: 204 } },
    )
    const { wrapper } = await mountPanel()
    const item = wrapper.get('.entries li')
    expect(item.text()).toContain(`1st in line for ${full.lab}`)
    const leave = button(item, 'Leave the line')
    expect(leave.attributes('aria-describedby')).toBe(item.get('p').attributes('id'))
    await leave.trigger('click')
    await settle()
    expect(net.calls('DELETE /api/units/default/labs/6/queue')).toHaveLength(1)
    expect(wrapper.get('[role="status"]').text()).toBe(`Your team left the line for ${full.lab}.`)
  })

  it('reloads when a hold notice or a team change is pushed, not for other units', async () => {
    const net = network({ entries: [entry({ position: 1 })], holds: [] })
    const { wrapper, sockets } = await mountPanel()
    sockets.last.accept()
    expect(net.calls(`GET ${QUEUE}`)).toHaveLength(1)
    net.routes[`GET ${QUEUE}`] = answer({ entries: [], holds: [hold()] })
    sockets.last.push({
      type: 'notice',
      unit: 'default',
      notice: {
        id: 5,
        unit: 'default',
        kind: 'hold.offered',
        text: 'A place is held for your team.',
        data: { hold: 12 },
        created_at: '2027-05-03T01:00:00Z',
        read_at: null,
      },
    })
    await settle()
    expect(net.calls(`GET ${QUEUE}`)).toHaveLength(2)
    expect(wrapper.get('.hold-banner').text()).toContain(`A place in ${full.lab} is held for your team`)
    // Another team's changes, here or in another unit, do not reload; the team's own do.
    sockets.last.push({ type: 'project.changed', unit: 'other', project: { ...project, unit: 'other' } })
    sockets.last.push({ type: 'project.deleted', unit: 'default', pid: 9 })
    sockets.last.push({ type: 'project.changed', unit: 'default', project: grace })
    await settle()
    expect(net.calls(`GET ${QUEUE}`)).toHaveLength(2)
    sockets.last.push({ type: 'project.changed', unit: 'default', project })
    await settle()
    expect(net.calls(`GET ${QUEUE}`)).toHaveLength(3)
  })

  it('keeps the full slots current from availability pushes, without reloading', async () => {
    const net = network({ entries: [], holds: [] })
    const { wrapper, sockets } = await mountPanel()
    sockets.last.accept()
    const options = () =>
      control(wrapper, 'Full slot')
        .findAll('option')
        .map((o) => o.text())
    expect(options()).toEqual(['Choose a full slot…', full.lab])
    const other = lab(8, 'CSSE 2.01', '2027-05-20T09:00')
    sockets.last.push({
      type: 'labs.changed',
      unit: 'default',
      labs: [
        { ...other, available: false },
        { ...full, available: true },
      ],
    })
    await settle()
    expect(options()).toEqual(['Choose a full slot…', other.lab])
    sockets.last.push({ type: 'labs.changed', unit: 'default', labs: [{ ...other, available: true }] })
    await settle()
    expect(wrapper.text()).toContain('No other slot is full: book a free one instead.')
    expect(net.calls(`GET ${QUEUE}`)).toHaveLength(1)
  })

  it('offers to try again when the waitlist cannot be loaded', async () => {
    const net = network({ entries: [], holds: [] }, { [`GET ${QUEUE}`]: problem(500, 'boom') })
    const { wrapper } = await mountPanel()
    expect(wrapper.get('.field-error[role="alert"]').text()).toMatch(/^Could not load your team's waitlists\./)
    net.routes[`GET ${QUEUE}`] = answer({ entries: [], holds: [] })
    await button(wrapper, 'Try again').trigger('click')
    await settle()
    expect(wrapper.text()).toContain('Your team is not waiting for any slot.')
  })
})
