import { afterEach, describe, expect, it, vi } from 'vitest'

import { settle } from '@/test/app'
import { consoleRoutes, mountConsole, overview } from '@/test/console'
import { button, section } from '@/test/dom'
import { project } from '@/test/fixtures'
import { fakeNetwork } from '@/test/network'

describe('the console overview', () => {
  afterEach(() => void vi.useRealTimers())

  it('shows the counts', async () => {
    fakeNetwork(consoleRoutes())
    const { wrapper } = await mountConsole()
    const counts = section(wrapper, 'Overview')
      .findAll('.counts > div')
      .map((d) => `${d.get('dt').text()}: ${d.get('dd').text()}`)
    expect(counts).toEqual([
      'Enrolled: 40',
      'In a team: 6',
      'Not in a team: 34',
      'Teams: 3',
      'Teams below the minimum (2): 1',
      'Teams without a slot: 0',
      'Free places: 2',
    ])
  })

  it('has a cell per slot, labelled and marked by how full it is in words and a class', async () => {
    fakeNetwork(consoleRoutes())
    const { wrapper } = await mountConsole()
    const s = section(wrapper, 'Overview')
    expect(s.get('h4').text()).toBe('CSSE 2.01, Thursday 20 May')
    expect(s.get('ul.grid').attributes('aria-labelledby')).toBe(s.get('h4').attributes('id'))
    const cells = s.findAll('li.cell')
    expect(cells.map((c) => c.attributes('aria-label'))).toEqual([
      'CSSE 2.01 17:15, 0 of 2 booked',
      'CSSE 2.01 17:30, 1 of 2 booked',
      'CSSE 2.01 17:45, 2 of 2 booked',
      'CSSE 2.01 18:00, 3 of 2 booked, over capacity',
    ])
    expect(cells.map((c) => c.classes().find((k) => k.startsWith('cell-')))).toEqual([
      'cell-empty',
      'cell-partly',
      'cell-full',
      'cell-over',
    ])
    // Not by colour alone: each cell says it in words too.
    expect(cells.map((c) => c.get('.word').text())).toEqual(['empty', 'partly booked', 'full', 'over capacity'])
    expect(cells.map((c) => c.get('.booked').text())).toEqual(['0/2', '1/2', '2/2', '3/2'])
  })

  it('lists the students without a team and copies their numbers, one a line', async () => {
    fakeNetwork(consoleRoutes())
    const writeText = vi.fn(async () => {})
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const { wrapper } = await mountConsole()
    const s = section(wrapper, 'Overview')
    expect(
      s
        .findAll('ul.people')[0]
        ?.findAll('li')
        .map((l) => l.text()),
    ).toEqual(['Edsger Dijkstra 21234571', 'Barbara Liskov 21234572'])
    await button(s, 'Copy student numbers').trigger('click')
    await settle()
    expect(writeText).toHaveBeenCalledWith('21234571\n21234572')
    expect(s.get('.notice').text()).toBe('Copied 2 student numbers.')
    expect(s.get('.notice').attributes('role')).toBe('status')

    writeText.mockRejectedValueOnce(new Error('denied'))
    await button(s, 'Copy student numbers').trigger('click')
    await settle()
    expect(s.get('.field-error[role="alert"]').text()).toBe(
      'Could not copy to the clipboard: select the numbers in the list instead.',
    )
  })

  it('lists the incomplete teams', async () => {
    fakeNetwork(consoleRoutes())
    const { wrapper } = await mountConsole()
    const s = section(wrapper, 'Overview')
    expect(s.text()).toContain('1 team below the minimum of 2.')
    expect(s.findAll('ul.people')[1]?.text()).toContain('Alan Turing')
  })

  it('refetches a moment after a burst of bookings pushed about its unit, once', async () => {
    const net = fakeNetwork(consoleRoutes())
    const { wrapper, sockets } = await mountConsole()
    sockets.last.accept() // `ready` refetches at once
    await settle()
    const calls = () => net.calls('GET /api/units/default/overview').length
    expect(calls()).toBe(2)

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    net.routes['GET /api/units/default/overview'] = {
      status: 200,
      body: { ...overview, counts: { ...overview.counts, enrolled: 41 } },
    }
    sockets.last.push({ type: 'project.changed', unit: 'default', project })
    sockets.last.push({ type: 'labs.changed', unit: 'default', labs: [] })
    await vi.advanceTimersByTimeAsync(200)
    sockets.last.push({ type: 'project.deleted', unit: 'default', pid: 8 })
    // Another unit's pushes change nothing here.
    sockets.last.push({ type: 'project.deleted', unit: 'trio', pid: 8 })
    await vi.advanceTimersByTimeAsync(299)
    expect(calls()).toBe(2)
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(calls()).toBe(3)
    expect(section(wrapper, 'Overview').get('.counts dd').text()).toBe('41')
    await vi.advanceTimersByTimeAsync(1000)
    expect(calls()).toBe(3)
  })

  it('says when there are no slots, and when it cannot load', async () => {
    fakeNetwork({
      ...consoleRoutes(),
      'GET /api/units/default/overview': { status: 200, body: { ...overview, sessions: [], unteamed: [] } },
    })
    const { wrapper } = await mountConsole()
    const s = section(wrapper, 'Overview')
    expect(s.text()).toContain('No slots yet: generate a session under Slots.')
    expect(s.text()).toContain('Every student is in a team.')
  })

  it('does not call an empty roster complete', async () => {
    fakeNetwork({
      ...consoleRoutes(),
      'GET /api/units/default/overview': {
        status: 200,
        body: { ...overview, counts: { ...overview.counts, enrolled: 0, in_team: 0, not_in_team: 0 }, unteamed: [] },
      },
    })
    const { wrapper } = await mountConsole()
    const s = section(wrapper, 'Overview')
    expect(s.text()).toContain('No students are enrolled yet')
    expect(s.text()).not.toContain('Every student is in a team.')
  })

  it('shows a failed load with a way to try again', async () => {
    const net = fakeNetwork({ ...consoleRoutes(), 'GET /api/units/default/overview': 'offline' })
    const { wrapper } = await mountConsole()
    const s = section(wrapper, 'Overview')
    expect(s.get('[role="alert"]').text()).toBe(
      'Could not load the overview. Cannot reach the Pair-Up server. Check your connection and try again.',
    )
    net.routes['GET /api/units/default/overview'] = consoleRoutes()['GET /api/units/default/overview']!
    await button(s, 'Try again').trigger('click')
    await settle()
    expect(section(wrapper, 'Overview').findAll('li.cell')).toHaveLength(4)
  })
})
