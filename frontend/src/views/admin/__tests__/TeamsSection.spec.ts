import { describe, expect, it, vi } from 'vitest'

import { saver } from '@/api'
import { settle } from '@/test/app'
import { consoleRoutes, lonely, mountConsole } from '@/test/console'
import { button, control, section } from '@/test/dom'
import { project } from '@/test/fixtures'
import { fakeNetwork, problem } from '@/test/network'

async function open(routes = {}) {
  const net = fakeNetwork({ ...consoleRoutes(), ...routes })
  const mounted = await mountConsole()
  const s = () => section(mounted.wrapper, 'Teams')
  return { net, ...mounted, s }
}

async function manage(s: () => ReturnType<typeof section>, team: string) {
  await button(s(), `Manage ${team}`).trigger('click')
  await settle()
}

describe('the console teams', () => {
  it('lists the teams and opens one, focusing its panel', async () => {
    const { s } = await open()
    expect(s().get('caption').text()).toBe('2 teams')
    await manage(s, project.team)
    expect(document.activeElement).toBe(s().get('#panel-heading').element)
    expect(s().get('#panel-heading').text()).toBe(`Manage ${project.team}`)
    expect(s().get('tr[aria-current="true"]').text()).toContain(project.team)
  })

  it('moves a team beyond capacity only with a reason', async () => {
    const moved = { ...project, lab_id: 4, lab: 'CSSE 2.01 Thursday, May 20 18:00' }
    const { net, s } = await open({ 'POST /api/units/default/projects/7/move': { status: 200, body: moved } })
    await manage(s, project.team)
    await control(s(), 'Move to slot').setValue('4')
    await control(s(), 'Beyond capacity (force)').setValue(true)
    await button(s(), 'Move team').trigger('click')
    await s().get('form.move').trigger('submit')
    await settle()
    expect(net.calls('POST /api/units/default/projects/7/move')).toHaveLength(0)
    expect(s().get('.panel .form-error').text()).toBe(
      'Could not move the team. Give a reason for a move beyond capacity.',
    )
    expect(control(s(), 'Reason').attributes('aria-invalid')).toBe('true')
    expect(control(s(), 'Reason').attributes('aria-describedby')).toContain('team-reason-error')
    expect(document.activeElement).toBe(control(s(), 'Reason').element)

    await control(s(), 'Reason').setValue('clash with an exam')
    await s().get('form.move').trigger('submit')
    await settle()
    expect(net.calls('POST /api/units/default/projects/7/move')[0]?.body).toEqual({
      lab_id: 4,
      reason: 'clash with an exam',
      force: true,
    })
    expect(s().get('.notice[role="status"]').text()).toBe(`${project.team} moved to CSSE 2.01 2027-05-20T18:00.`)
    // The overview, slots and teams are refetched.
    expect(net.calls('GET /api/units/default/overview')).toHaveLength(2)
  })

  it('moves without force and without a reason, and shows the server’s refusal', async () => {
    const { net, s } = await open({
      'POST /api/units/default/projects/7/move': problem(409, 'lab_id: that lab slot is full', [
        { field: 'lab_id', message: 'that lab slot is full' },
      ]),
    })
    await manage(s, project.team)
    // The team's own slot is not offered.
    expect(
      s()
        .get('#move-to')
        .findAll('option')
        .map((o) => o.attributes('value')),
    ).toEqual(['', '1', '2', '4'])
    await control(s(), 'Move to slot').setValue('2')
    await s().get('form.move').trigger('submit')
    await settle()
    expect(net.calls('POST /api/units/default/projects/7/move')[0]?.body).toEqual({ lab_id: 2, reason: null })
    expect(s().get('.panel .form-error').text()).toBe('Could not move the team. That lab slot is full.')
  })

  it('dissolves a team after asking, with the reason', async () => {
    const { net, s } = await open({ 'POST /api/units/default/projects/7/dissolve': { status: 204 } })
    await manage(s, project.team)
    await control(s(), 'Reason').setValue('asked by the team')
    await button(s(), 'Dissolve team').trigger('click')
    expect(s().get('dialog').text()).toContain('Dissolve this team?')
    net.routes['GET /api/units/default/projects'] = { status: 200, body: { projectList: [lonely] } }
    await button(s().get('dialog'), 'Dissolve').trigger('click')
    await settle()
    expect(net.calls('POST /api/units/default/projects/7/dissolve')[0]?.body).toEqual({ reason: 'asked by the team' })
    expect(s().get('.notice[role="status"]').text()).toBe(`${project.team} was dissolved; its slot is free again.`)
    expect(s().find('.panel').exists()).toBe(false)
    expect(document.activeElement).toBe(s().get('h2').element)
  })

  it('removes a member with the reason in the query, and adds one', async () => {
    const { net, s } = await open({
      'DELETE /api/units/default/projects/7/members/21234568': { status: 204 },
      'POST /api/units/default/projects/7/members': { status: 200, body: project },
    })
    await manage(s, project.team)
    await control(s(), 'Reason').setValue('moved to another team')
    await button(s(), 'Remove Charles Babbage').trigger('click')
    await settle()
    const [removal] = net.calls('DELETE /api/units/default/projects/7/members/21234568')
    expect(removal?.query).toEqual({ reason: 'moved to another team' })
    expect(s().get('.notice[role="status"]').text()).toBe('Charles Babbage was removed from the team.')

    await control(s(), 'Student to add').setValue('21234571')
    await s().get('form.add').trigger('submit')
    await settle()
    expect(net.calls('POST /api/units/default/projects/7/members')[0]?.body).toEqual({
      id: '21234571',
      reason: null,
    })
    expect(s().get('.notice[role="status"]').text()).toBe(`Edsger Dijkstra joined ${project.team}.`)
  })

  it('forms a team from chosen students without one', async () => {
    const formed = { ...project, pid: 12, team: 'Edsger Dijkstra & Barbara Liskov' }
    const { net, s } = await open({ 'POST /api/units/default/projects': { status: 201, body: formed } })
    await s().get('form.form-team').trigger('submit')
    expect(s().get('form.form-team .form-error').text()).toBe('Could not form the team. Choose its students.')
    await control(s(), 'Edsger Dijkstra (21234571)').setValue(true)
    await control(s(), 'Barbara Liskov (21234572)').setValue(true)
    await control(s(), 'Slot').setValue('1')
    await control(s(), "Beyond the slot's capacity (force)").setValue(true)
    await s().get('form.form-team').trigger('submit')
    expect(s().get('form.form-team .form-error').text()).toBe(
      'Could not form the team. A place beyond capacity needs a reason.',
    )
    expect(net.calls('POST /api/units/default/projects')).toHaveLength(0)
    await control(s(), 'Reason for forming').setValue('both without a team')
    await s().get('form.form-team').trigger('submit')
    await settle()
    expect(net.calls('POST /api/units/default/projects')[0]?.body).toEqual({
      members: ['21234571', '21234572'],
      lab_id: 1,
      description: 'Assigned by the coordinator',
      reason: 'both without a team',
      force: true,
    })
    expect(s().get('form.form-team .notice').text()).toBe(`Team formed: ${formed.team}, ${formed.lab}.`)
  })

  it('downloads the teams and the calendar with the token', async () => {
    const { net, s } = await open({
      'GET /api/units/default/export/teams.csv': {
        status: 200,
        text: 'pid,team\r\n7,Ada\r\n',
        headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="default-teams.csv"' },
      },
      'GET /api/units/default/calendar.ics': { status: 200, text: 'BEGIN:VCALENDAR\r\n' },
    })
    const save = vi.spyOn(saver, 'save').mockImplementation(() => {})
    await button(s(), 'Export teams (CSV)').trigger('click')
    await settle()
    await button(s(), 'Calendar (.ics)').trigger('click')
    await settle()
    expect(net.calls('GET /api/units/default/export/teams.csv')[0]?.headers.get('Authorization')).toBe(
      'Bearer token-grace',
    )
    expect(save.mock.calls.map(([, name]) => name)).toEqual(['default-teams.csv', 'default.ics'])
    expect(await save.mock.calls[0]![0].text()).toBe('pid,team\r\n7,Ada\r\n')

    net.routes['GET /api/units/default/calendar.ics'] = problem(503, 'down')
    await button(s(), 'Calendar (.ics)').trigger('click')
    await settle()
    expect(s().get('.field-error[role="alert"]').text()).toBe(
      'Could not download the calendar. The Pair-Up server could not answer (error 503). Try again in a moment.',
    )
    expect(save).toHaveBeenCalledTimes(2)
  })
})
