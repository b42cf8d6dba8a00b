import { describe, expect, it } from 'vitest'

import { settle } from '@/test/app'
import { consoleRoutes, mountConsole, perthUnit } from '@/test/console'
import { project } from '@/test/fixtures'
import { button, control, section } from '@/test/dom'
import { fakeNetwork, problem } from '@/test/network'

const ALLOCATION = '/api/units/default/allocation'
const ranked = { ...perthUnit, policy: { ...perthUnit.policy, booking: 'ranked' as const } }
const allocation = {
  ran_at: '2027-05-14T09:00:00Z',
  seed: 20270514,
  by: 'Grace Coordinator',
  automatic: false,
  distribution: [
    { rank: 1, placed: true, teams: 3 },
    { rank: 2, placed: true, teams: 1 },
    { rank: null, placed: true, teams: 0 },
    { rank: null, placed: false, teams: 1 },
  ],
  teams: [
    { pid: 7, team: 'Ada Lovelace & Charles Babbage', lab_id: 3, lab: 'CSSE 2.01 Thursday, May 20 10:30', rank: 2 },
    { pid: 8, team: 'Alan Turing', lab_id: null, lab: null, rank: null },
  ],
}

describe('the console ranked allocation section', () => {
  it('allocates now only once confirmed, then shows the distribution as bars and as a table, and the seed', async () => {
    const net = fakeNetwork({
      ...consoleRoutes(ranked),
      [`GET ${ALLOCATION}`]: problem(404, 'the allocation has not run yet'),
      [`POST ${ALLOCATION}`]: { status: 200, body: allocation },
    })
    const { wrapper } = await mountConsole()
    const s = () => section(wrapper, 'Ranked allocation')
    await control(s(), 'Seed (optional)').setValue('20270514')
    await button(s(), 'Allocate now').trigger('click')
    expect(s().get('dialog').text()).toContain('Allocate the slots now?')
    await button(s().get('dialog'), 'Cancel').trigger('click')
    await settle()
    expect(net.calls(`POST ${ALLOCATION}`)).toHaveLength(0)

    await button(s(), 'Allocate now').trigger('click')
    await button(s().get('dialog'), 'Allocate').trigger('click')
    await settle()
    expect(net.calls(`POST ${ALLOCATION}`)[0]?.body).toEqual({ seed: 20270514 })
    expect(s().get('.notice').text()).toBe('Allocated: 1 of 2 teams booked.')
    expect(s().get('.seed-value').text()).toBe('20270514')
    const bars = s()
      .findAll('.bar-row')
      .map((r) =>
        r
          .findAll('span.bar-label, span.bar-count')
          .map((x) => x.text())
          .join(' '),
      )
    expect(bars).toEqual(['1st choice 3', '2nd choice 1', 'A slot not ranked 0', 'No slot 1'])
    expect(
      s()
        .findAll('.bar-row rect')
        .map((r) => r.attributes('width')),
    ).toEqual(['100', '33.333333333333336', '0', '33.333333333333336'])
    const rows = s()
      .findAll('table.distribution tbody tr')
      .map((r) =>
        r
          .findAll('th, td')
          .map((x) => x.text())
          .join(' '),
      )
    expect(rows).toEqual(['1st choice 3', '2nd choice 1', 'A slot not ranked 0', 'No slot 1'])
    const teams = s()
      .findAll('table.teams tbody tr')
      .map((r) => r.findAll('td').map((d) => d.text()))
    expect(teams).toEqual([
      ['Ada Lovelace & Charles Babbage', 'CSSE 2.01 Thursday, May 20 10:30', '2'],
      ['Alan Turing', 'No slot', '—'],
    ])
    expect(button.bind(null, s(), 'Allocate now')).toThrow()
  })

  it('refuses a seed that is not a whole number before sending anything', async () => {
    const net = fakeNetwork({ ...consoleRoutes(ranked), [`GET ${ALLOCATION}`]: problem(404, 'not yet') })
    const { wrapper } = await mountConsole()
    const s = () => section(wrapper, 'Ranked allocation')
    await control(s(), 'Seed (optional)').setValue('12.5')
    await button(s(), 'Allocate now').trigger('click')
    await button(s().get('dialog'), 'Allocate').trigger('click')
    await settle()
    expect(net.calls(`POST ${ALLOCATION}`)).toHaveLength(0)
    expect(s().get('[role="alert"]').text()).toContain('The seed must be a whole number')
  })

  it('shows a refused run and what has run meanwhile', async () => {
    const net = fakeNetwork({
      ...consoleRoutes(ranked),
      [`GET ${ALLOCATION}`]: problem(404, 'not yet'),
      [`POST ${ALLOCATION}`]: problem(409, "allocation: the unit's allocation has run already", [
        { field: 'allocation', message: "the unit's allocation has run already" },
      ]),
    })
    const { wrapper } = await mountConsole()
    const s = () => section(wrapper, 'Ranked allocation')
    net.routes[`GET ${ALLOCATION}`] = { status: 200, body: allocation }
    await button(s(), 'Allocate now').trigger('click')
    await button(s().get('dialog'), 'Allocate').trigger('click')
    await settle()
    expect(s().get('.form-error').text()).toContain('Could not allocate.')
    expect(s().get('.seed-value').text()).toBe('20270514')
  })

  it('shows the server’s own run at closes_at once its bookings are pushed', async () => {
    const net = fakeNetwork({ ...consoleRoutes(ranked), [`GET ${ALLOCATION}`]: problem(404, 'not yet') })
    const { wrapper, sockets } = await mountConsole()
    const s = () => section(wrapper, 'Ranked allocation')
    expect(button(s(), 'Allocate now').exists()).toBe(true)
    net.routes[`GET ${ALLOCATION}`] = {
      status: 200,
      body: { ...allocation, automatic: true, by: 'the server at closes_at' },
    }
    sockets.last.push({ type: 'project.changed', unit: 'default', project })
    await settle()
    expect(s().text()).toContain('by the server at closes_at')
    expect(s().get('.seed-value').text()).toBe('20270514')
  })

  it('in a first-come unit only explains, and asks the server nothing', async () => {
    const net = fakeNetwork(consoleRoutes())
    const { wrapper } = await mountConsole()
    expect(section(wrapper, 'Ranked allocation').text()).toContain('first come, first served')
    expect(net.calls(`GET ${ALLOCATION}`)).toHaveLength(0)
  })
})
