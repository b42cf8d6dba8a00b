import { describe, expect, it } from 'vitest'

import BoardPanel from '@/components/BoardPanel.vue'
import type { BoardEntry } from '@/composables/useBoard'
import { mountInApp, settle } from '@/test/app'
import { button, control } from '@/test/dom'
import { ADA, session, unit } from '@/test/fixtures'
import { fakeNetwork, problem, type Handler } from '@/test/network'

const BOARD = '/api/units/default/board'
const ENTRY = '/api/units/default/board/entry'
const INVITE = '/api/units/default/invitations'
const T1 = '2027-05-20T10:00'
const T2 = '2027-05-20T10:30'

const grace: BoardEntry = {
  student: { id: '21234569', name: 'Grace Hopper' },
  note: '<img src=x onerror=alert(1)> Keen on compilers',
  tags: ['compilers', 'go'],
  times: [T1],
  updated_at: '2027-05-01T02:00:00Z',
}
const mine: BoardEntry = {
  student: { id: ADA, name: 'Ada Lovelace' },
  note: 'Hello',
  tags: ['vue'],
  times: [T2],
  updated_at: '2027-05-01T03:00:00Z',
}

function network(routes: Record<string, Handler> = {}) {
  return fakeNetwork({
    [`GET ${BOARD}`]: { status: 200, body: { entries: [grace], times: [T1, T2], can_post: true } },
    ...routes,
  })
}

const mountPanel = (props: Record<string, unknown> = {}) =>
  mountInApp(BoardPanel, { session, props: { unit, inTeam: false, ...props } })

describe('the partner board', () => {
  it('lists entries with their tags and times, the note as text only', async () => {
    network()
    const { wrapper } = await mountPanel()
    const entry = wrapper.get('.board-list .entry')
    expect(entry.get('.who').text()).toBe('Grace Hopper')
    expect(entry.get('.note').text()).toBe('<img src=x onerror=alert(1)> Keen on compilers')
    expect(entry.find('img').exists()).toBe(false)
    expect(entry.findAll('.tag').map((t) => t.text())).toEqual(['compilers', 'go'])
    expect(entry.get('.suits').text()).toBe('Suits: 2027-05-20 10:00')
    expect(button(entry, 'Invite Grace Hopper').exists()).toBe(true)
  })

  it('posts the entry with a visible label, a counter, tags and times, and shows it first', async () => {
    const net = network({
      [`PUT ${ENTRY}`]: { status: 200, body: { ...mine, note: 'Keen on Vue', tags: ['vue', 'css'], times: [T2] } },
    })
    const { wrapper } = await mountPanel()
    const note = control(wrapper, 'Your note')
    await note.setValue('Keen on Vue')
    expect(wrapper.get('.count').text()).toBe('11 of 280 characters')
    expect(note.attributes('aria-describedby')).toContain(wrapper.get('.count').attributes('id'))
    await control(wrapper, 'Tags (up to 5, separated by commas)').setValue(' vue, css ,')
    await control(wrapper, '2027-05-20 10:30').setValue(true)
    await button(wrapper, 'Post to the board').trigger('submit')
    await settle()
    expect(net.calls(`PUT ${ENTRY}`)[0]?.body).toEqual({ note: 'Keen on Vue', tags: ['vue', 'css'], times: [T2] })
    expect(wrapper.get('.notice').text()).toBe('Your entry is on the partner board.')
    const first = wrapper.get('.board-list .entry')
    expect(first.text()).toContain('Ada Lovelace (you)')
    expect(first.find('button').exists()).toBe(false) // nobody invites themself
    expect(button(wrapper, 'Update my entry').exists()).toBe(true)
    expect(button(wrapper, 'Remove my entry').exists()).toBe(true)
  })

  it('refuses an over-long note before sending it, and shows the server’s field errors', async () => {
    const net = network({
      [`PUT ${ENTRY}`]: problem(400, 'tags: each tag must be 1 to 24 letters, digits, hyphens or spaces', [
        { field: 'tags', message: 'each tag must be 1 to 24 letters, digits, hyphens or spaces' },
      ]),
    })
    const { wrapper } = await mountPanel()
    await control(wrapper, 'Your note').setValue('x'.repeat(281))
    expect(wrapper.get('.count').classes()).toContain('over')
    await button(wrapper, 'Post to the board').trigger('submit')
    await settle()
    expect(net.calls(`PUT ${ENTRY}`)).toHaveLength(0)
    expect(wrapper.get('.board > [role="alert"]').text()).toBe('Your note can have at most 280 characters.')
    expect(control(wrapper, 'Your note').attributes('aria-invalid')).toBe('true')

    await control(wrapper, 'Your note').setValue('fine')
    await control(wrapper, 'Tags (up to 5, separated by commas)').setValue('c++')
    await button(wrapper, 'Post to the board').trigger('submit')
    await settle()
    const tags = control(wrapper, 'Tags (up to 5, separated by commas)')
    expect(tags.attributes('aria-invalid')).toBe('true')
    expect(wrapper.get(`#${tags.attributes('aria-describedby')}`).text()).toBe(
      'Each tag must be 1 to 24 letters, digits, hyphens or spaces.',
    )
    expect(wrapper.get('.board > [role="alert"]').text()).toContain('Could not save your entry.')
  })

  it('edits and removes the caller’s own entry', async () => {
    const net = network({
      [`GET ${BOARD}`]: { status: 200, body: { entries: [mine, grace], times: [T1, T2], can_post: true } },
      [`DELETE ${ENTRY}`]: { status: 204 },
    })
    const { wrapper } = await mountPanel()
    expect((control(wrapper, 'Your note').element as unknown as HTMLTextAreaElement).value).toBe('Hello')
    expect((control(wrapper, 'Tags (up to 5, separated by commas)').element as HTMLInputElement).value).toBe('vue')
    expect((control(wrapper, '2027-05-20 10:30').element as HTMLInputElement).checked).toBe(true)
    await button(wrapper, 'Remove my entry').trigger('click')
    await settle()
    expect(net.calls(`DELETE ${ENTRY}`)).toHaveLength(1)
    expect(wrapper.get('.notice').text()).toBe('Your entry is off the partner board.')
    expect(wrapper.findAll('.board-list .entry')).toHaveLength(1)
    expect(button(wrapper, 'Post to the board').exists()).toBe(true)
  })

  it('invites from the board and says so; a refusal is announced', async () => {
    const net = network({ [`POST ${INVITE}`]: { status: 201, body: {} } })
    const { wrapper } = await mountPanel({ inTeam: true })
    expect(wrapper.find('form.board-form').exists()).toBe(false) // members browse, but do not post
    await button(wrapper, 'Invite Grace Hopper').trigger('click')
    await settle()
    expect(net.calls(`POST ${INVITE}`)[0]?.body).toEqual({ student: '21234569' })
    expect(wrapper.get('.notice').text()).toBe('Invited Grace Hopper. They can accept or decline it.')
    expect(wrapper.emitted('changed')).toHaveLength(1)

    net.routes[`POST ${INVITE}`] = problem(409, 'your team is full')
    await button(wrapper, 'Invite Grace Hopper').trigger('click')
    await settle()
    expect(wrapper.get('.board > [role="alert"]').text()).toBe('Could not invite Grace Hopper. Your team is full.')
  })

  it('says when it is empty, loading or failing, and tries again', async () => {
    let answer: (() => void) | undefined
    const net = network({
      [`GET ${BOARD}`]: () =>
        new Promise((resolve) => {
          answer = () => resolve('offline')
        }),
    })
    const { wrapper } = await mountPanel()
    expect(wrapper.text()).toContain('Loading the partner board…')
    answer?.()
    await settle()
    expect(wrapper.text()).toContain('Could not load the partner board. Cannot reach the Pair-Up server.')
    net.routes[`GET ${BOARD}`] = { status: 200, body: { entries: [], times: [], can_post: true } }
    await button(wrapper, 'Try again').trigger('click')
    await settle()
    expect(wrapper.get('.empty').text()).toBe('Nobody is looking for a team right now.')
    expect(wrapper.text()).toContain('No sessions ahead.')
  })

  it('offers no form when the server says the caller may not post, and asks again when they leave their team', async () => {
    const net = network({ [`GET ${BOARD}`]: { status: 200, body: { entries: [grace], times: [T1], can_post: false } } })
    const { wrapper } = await mountPanel({ inTeam: true })
    expect(wrapper.find('form.board-form').exists()).toBe(false)
    net.routes[`GET ${BOARD}`] = { status: 200, body: { entries: [grace], times: [T1], can_post: true } }
    await wrapper.setProps({ inTeam: false })
    await settle()
    expect(net.calls(`GET ${BOARD}`)).toHaveLength(2)
    expect(wrapper.find('form.board-form').exists()).toBe(true)
  })

  it('offers no posting or inviting outside the sign-up window', async () => {
    network()
    const { wrapper } = await mountPanel({ unit: { ...unit, phase: 'closed' } })
    expect(wrapper.find('form.board-form').exists()).toBe(false)
    expect(wrapper.find('.board-list button').exists()).toBe(false)
  })
})
