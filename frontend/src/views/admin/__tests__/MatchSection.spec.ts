import { describe, expect, it } from 'vitest'

import { settle } from '@/test/app'
import { consoleRoutes, mountConsole } from '@/test/console'
import { button, control, section } from '@/test/dom'
import { project } from '@/test/fixtures'
import { fakeNetwork, problem } from '@/test/network'

const PREVIEW = '/api/units/default/match/preview'
const MATCH = '/api/units/default/match'

const proposal = {
  seed: 42,
  teams: [
    {
      members: [
        { id: '21234570', name: 'Alan Turing' },
        { id: '21234572', name: 'Barbara Liskov' },
      ],
      tags: ['go'],
      times: ['2027-05-20T17:15'],
      reason: 'They can all make 2027-05-20T17:15 and share go.',
    },
    {
      members: [
        { id: '21234571', name: 'Edsger Dijkstra' },
        { id: '21234573', name: 'Karen Spärck Jones' },
      ],
      tags: [],
      times: [],
      reason: 'None of them posted on the board; grouped by the seed’s draw.',
    },
  ],
  unmatched: [
    {
      id: '21234574',
      name: 'Grace Hopper',
      reason: '5 students without a team cannot all be put in teams of 2; 1 is left for you to place.',
    },
  ],
}

async function open(routes = {}) {
  const net = fakeNetwork({ ...consoleRoutes(), ...routes })
  const mounted = await mountConsole()
  return { net, ...mounted, s: () => section(mounted.wrapper, 'Match students without a team') }
}

describe('match the rest, in the console', () => {
  it('previews without changing anything, then creates exactly those teams once confirmed', async () => {
    const { net, s } = await open({
      [`POST ${PREVIEW}`]: { status: 200, body: proposal },
      [`POST ${MATCH}`]: { status: 201, body: { seed: 42, teams: [project, project] } },
    })
    expect(net.calls(`POST ${PREVIEW}`)).toHaveLength(0) // nothing is asked before the button
    await button(s(), 'Preview teams').trigger('submit')
    await settle()
    expect(net.calls(`POST ${PREVIEW}`)[0]?.body).toEqual({})
    expect(s().get('[role="status"]').text()).toBe(
      'Proposed 2 teams; 1 student left for you to place. Nothing has changed yet.',
    )
    expect(s().get('caption').text()).toBe('Proposed teams (seed 42)')
    const rows = s()
      .findAll('tbody tr')
      .map((r) => [r.get('th').text(), ...r.findAll('td').map((d) => d.text())])
    expect(rows).toEqual([
      ['1', 'Alan Turing (21234570), Barbara Liskov (21234572)', '2027-05-20 17:15', 'go', proposal.teams[0]!.reason],
      ['2', 'Edsger Dijkstra (21234571), Karen Spärck Jones (21234573)', '—', '—', proposal.teams[1]!.reason],
    ])
    expect(s().get('.unmatched').text()).toBe(`Grace Hopper (21234574): ${proposal.unmatched[0]!.reason}`)
    expect((control(s(), 'Seed (optional)').element as HTMLInputElement).value).toBe('42')
    expect(net.calls(`POST ${MATCH}`)).toHaveLength(0)

    await button(s(), 'Create these 2 teams').trigger('click')
    expect(s().get('dialog').text()).toContain('Create these 2 teams?')
    await button(s().get('dialog'), 'Create teams').trigger('click')
    await settle()
    expect(net.calls(`POST ${MATCH}`)[0]?.body).toEqual({
      seed: 42,
      teams: [
        ['21234570', '21234572'],
        ['21234571', '21234573'],
      ],
    })
    expect(s().get('[role="status"]').text()).toBe('Created 2 teams without slots; their members have been told.')
    expect(s().find('table').exists()).toBe(false)
    expect(net.calls('GET /api/units/default/overview')).toHaveLength(2) // the console refreshes
  })

  it('sends the typed seed, and refuses one that is not a number before sending it', async () => {
    const { net, s } = await open({ [`POST ${PREVIEW}`]: { status: 200, body: proposal } })
    await control(s(), 'Seed (optional)').setValue('seven')
    await button(s(), 'Preview teams').trigger('submit')
    await settle()
    expect(net.calls(`POST ${PREVIEW}`)).toHaveLength(0)
    const seed = control(s(), 'Seed (optional)')
    expect(seed.attributes('aria-invalid')).toBe('true')
    expect(s().get('[role="alert"]').text()).toBe('Could not preview the teams. The seed is not a whole number.')
    await seed.setValue(' 42 ')
    await button(s(), 'Preview teams').trigger('submit')
    await settle()
    expect(net.calls(`POST ${PREVIEW}`)[0]?.body).toEqual({ seed: 42 })
  })

  it('announces a refused match naming the team, and says when nobody is left', async () => {
    const { net, s } = await open({
      [`POST ${PREVIEW}`]: { status: 200, body: proposal },
      [`POST ${MATCH}`]: problem(409, 'teams[1]: 21234571 is in a team already', [
        { field: 'teams[1]', message: '21234571 is in a team already' },
      ]),
    })
    await button(s(), 'Preview teams').trigger('submit')
    await settle()
    await button(s(), 'Create these 2 teams').trigger('click')
    await button(s().get('dialog'), 'Create teams').trigger('click')
    await settle()
    expect(s().get('[role="alert"]').text()).toBe(
      'Could not create the teams; nothing changed. Team 2: 21234571 is in a team already. Preview again to see who is left.',
    )
    net.routes[`POST ${PREVIEW}`] = { status: 200, body: { seed: 9, teams: [], unmatched: [] } }
    await button(s(), 'Preview teams').trigger('submit')
    await settle()
    expect(s().get('[role="status"]').text()).toBe('Every student is in a team: there is nobody to match.')
    expect(s().find('table').exists()).toBe(false)
  })
})
