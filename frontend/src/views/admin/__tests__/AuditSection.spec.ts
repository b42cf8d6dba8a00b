import { describe, expect, it, vi } from 'vitest'

import { saver } from '@/api'
import { settle } from '@/test/app'
import { auditEntry, consoleRoutes, mountConsole } from '@/test/console'
import { button, control, section } from '@/test/dom'
import { fakeNetwork } from '@/test/network'

async function open(routes = {}) {
  const net = fakeNetwork({ ...consoleRoutes(), ...routes })
  const mounted = await mountConsole()
  return { net, ...mounted, s: () => section(mounted.wrapper, 'Audit log') }
}

describe('the console audit log', () => {
  it('shows the newest entries first, in the unit’s zone', async () => {
    const { s } = await open()
    const rows = s().findAll('tbody tr')
    expect(rows).toHaveLength(2)
    const cells = rows[0]!.findAll('td').map((d) => d.text())
    expect(cells[0]).toBe('10 May 2027, 17:00:03') // 09:00:03Z in Perth
    expect(cells.slice(1)).toEqual([
      'Ada Lovelace 21234567',
      'project.created',
      '7',
      '',
      '',
      'members: 21234567, 21234568',
    ])
    expect(s().text()).toContain('2 entries, the whole log.')
    expect(
      s()
        .findAll('button')
        .some((b) => b.text() === 'Load more'),
    ).toBe(false)
  })

  it('filters by student, team and action, and loads more with the cursor', async () => {
    const { net, s } = await open()
    net.routes['GET /api/units/default/audit'] = (request: Request) => {
      const cursor = new URL(request.url).searchParams.get('cursor')
      return cursor === null
        ? { status: 200, body: { entries: [auditEntry(9, 'project.moved')], next: '9' } }
        : { status: 200, body: { entries: [auditEntry(4, 'project.moved')], next: null } }
    }
    await control(s(), 'Student number').setValue('21234567')
    await control(s(), 'Team (project number)').setValue('7')
    await control(s(), 'Action').setValue('project.moved')
    await s().get('form.filters').trigger('submit')
    await settle()
    expect(net.calls('GET /api/units/default/audit').at(-1)?.query).toEqual({
      student: '21234567',
      pid: '7',
      action: 'project.moved',
    })
    expect(s().findAll('tbody tr')).toHaveLength(1)

    await button(s(), 'Load more').trigger('click')
    await settle()
    expect(net.calls('GET /api/units/default/audit').at(-1)?.query).toEqual({
      student: '21234567',
      pid: '7',
      action: 'project.moved',
      cursor: '9',
    })
    expect(s().findAll('tbody tr')).toHaveLength(2)
    expect(
      s()
        .findAll('button')
        .some((b) => b.text() === 'Load more'),
    ).toBe(false)

    await button(s(), 'Clear filters').trigger('click')
    await settle()
    expect(net.calls('GET /api/units/default/audit').at(-1)?.query).toEqual({})
  })

  it('refuses a malformed filter without asking', async () => {
    const { net, s } = await open()
    await control(s(), 'Student number').setValue('2123')
    await s().get('form.filters').trigger('submit')
    expect(s().get('.filters [role="alert"]').text()).toBe('A student number has 8 digits.')
    expect(net.calls('GET /api/units/default/audit')).toHaveLength(1)
  })

  it('downloads the filtered log as CSV with the token', async () => {
    const { net, s } = await open({
      'GET /api/units/default/audit.csv': { status: 200, text: 'id,at\r\n', headers: { 'Content-Type': 'text/csv' } },
    })
    const save = vi.spyOn(saver, 'save').mockImplementation(() => {})
    await control(s(), 'Action').setValue('pin.reset')
    await button(s(), 'Export audit log (CSV)').trigger('click')
    await settle()
    const [sent] = net.calls('GET /api/units/default/audit.csv')
    expect(sent?.query).toEqual({ action: 'pin.reset' })
    expect(sent?.headers.get('Authorization')).toBe('Bearer token-grace')
    expect(save.mock.calls[0]?.[1]).toBe('default-audit.csv')
  })

  it('says when the log is empty or cannot be loaded', async () => {
    const { net, s } = await open({
      'GET /api/units/default/audit': { status: 200, body: { entries: [], next: null } },
    })
    expect(s().text()).toContain('No entries.')
    net.routes['GET /api/units/default/audit'] = 'offline'
    await s().get('form.filters').trigger('submit')
    await settle()
    expect(
      s()
        .findAll('[role="alert"]')
        .map((a) => a.text())
        .filter(Boolean),
    ).toEqual(['Could not load the audit log. Cannot reach the Pair-Up server. Check your connection and try again.'])
    expect(button(s(), 'Try again').exists()).toBe(true)
  })
})
