import { describe, expect, it } from 'vitest'

import { settle } from '@/test/app'
import { consoleRoutes, mountConsole, slot, slots } from '@/test/console'
import { button, control, section } from '@/test/dom'
import { fakeNetwork, problem } from '@/test/network'

async function open(routes = {}) {
  const net = fakeNetwork({ ...consoleRoutes(), ...routes })
  const mounted = await mountConsole()
  return { net, ...mounted, s: () => section(mounted.wrapper, 'Slots') }
}

async function fillSession(s: ReturnType<typeof section>) {
  await control(s, 'Rooms').setValue(' CSSE 2.01, CSSE 2.03 ,, CSSE 2.01')
  await control(s, 'Date').setValue('2027-05-20')
  await control(s, 'Start').setValue('17:00')
  await control(s, 'End').setValue('18:00')
  await control(s, 'Slot length (minutes)').setValue('30')
  await control(s, 'Capacity (teams per slot)').setValue('2')
}

const SPEC = {
  rooms: ['CSSE 2.01', 'CSSE 2.03'],
  date: '2027-05-20',
  start: '17:00',
  end: '18:00',
  slot_minutes: 30,
  capacity: 2,
}

describe('the console slots', () => {
  it('previews a session, marking the slots that exist, then generates it', async () => {
    const made = [slot(10, 'CSSE 2.01', '2027-05-20T17:00'), slot(11, 'CSSE 2.03', '2027-05-20T17:00')]
    const { net, s } = await open({
      'POST /api/units/default/slots/preview': {
        status: 200,
        body: {
          slots: [
            { room: 'CSSE 2.01', starts_at: '2027-05-20T17:00', capacity: 2, exists: false },
            { room: 'CSSE 2.01', starts_at: '2027-05-20T17:30', capacity: 2, exists: true },
            { room: 'CSSE 2.03', starts_at: '2027-05-20T17:00', capacity: 2, exists: false },
          ],
        },
      },
      'POST /api/units/default/slots/generate': { status: 200, body: { slots: [...slots, ...made] } },
    })
    await fillSession(s())
    await button(s(), 'Preview slots').trigger('click')
    await settle()
    expect(net.calls('POST /api/units/default/slots/preview')[0]?.body).toEqual(SPEC)
    const plan = s().get('.plan')
    expect(plan.text()).toContain('3 slots: 2 new, 1 already there (left as they are).')
    expect(plan.findAll('li').map((l) => l.text())).toEqual([
      'CSSE 2.01 Thursday 20 May 17:00, capacity 2',
      'CSSE 2.01 Thursday 20 May 17:30, capacity 2 (exists already)',
      'CSSE 2.03 Thursday 20 May 17:00, capacity 2',
    ])

    net.routes['GET /api/units/default/slots'] = { status: 200, body: { slots: [...slots, ...made] } }
    await button(s(), 'Generate slots').trigger('click')
    await settle()
    expect(net.calls('POST /api/units/default/slots/generate')[0]?.body).toEqual(SPEC)
    expect(s().get('.generator .notice').text()).toBe('Generated 2 new slots.')
    expect(s().find('.plan').exists()).toBe(false)
    expect(s().findAll('tbody tr')).toHaveLength(6)
  })

  it('checks the form before sending it, and focuses the first field at fault', async () => {
    const { net, s } = await open()
    await control(s(), 'Start').setValue('18:00')
    await control(s(), 'End').setValue('17:00')
    await button(s(), 'Generate slots').trigger('click')
    await settle()
    expect(s().get('.generator .form-error').text()).toBe('Please correct the fields marked below.')
    expect(control(s(), 'Rooms').attributes('aria-invalid')).toBe('true')
    expect(control(s(), 'End').attributes('aria-describedby')).toBe('gen-end-error')
    expect(s().get('#gen-end-error').text()).toBe('The end must be after the start.')
    expect(document.activeElement).toBe(control(s(), 'Rooms').element)
    expect(net.calls('POST /api/units/default/slots/generate')).toHaveLength(0)
  })

  it('lists every slot with its bookings', async () => {
    const { s } = await open()
    const rows = s()
      .findAll('tbody tr')
      .map((r) =>
        r
          .findAll('td')
          .slice(0, 3)
          .map((d) => d.text()),
      )
    expect(rows[0]).toEqual(['CSSE 2.01 Thursday 20 May 17:15', '0 of 2', 'nobody'])
    expect(rows[3]).toEqual(['CSSE 2.01 Thursday 20 May 18:00', '3 of 2, 1 beyond capacity', 'Team 4'])
  })

  it('edits a slot, sending only what changed', async () => {
    const { net, s } = await open({
      'PATCH /api/units/default/slots/2': { status: 200, body: { ...slots[1]!, capacity: 3, room: 'CSSE 2.03' } },
    })
    await button(s(), 'Edit CSSE 2.01 Thursday 20 May 17:30').trigger('click')
    expect(document.activeElement).toBe(control(s(), 'Room').element)
    await control(s(), 'Room').setValue('CSSE 2.03')
    await control(s(), 'Capacity').setValue('3')
    const changed = { ...slots[1]!, capacity: 3, room: 'CSSE 2.03' }
    net.routes['GET /api/units/default/slots'] = {
      status: 200,
      body: { slots: [slots[0], changed, slots[2], slots[3]] },
    }
    await s().get('form.edit').trigger('submit')
    await settle()
    expect(net.calls('PATCH /api/units/default/slots/2')[0]?.body).toEqual({ room: 'CSSE 2.03', capacity: 3 })
    expect(s().find('form.edit').exists()).toBe(false)
    expect(s().findAll('tbody tr')[1]?.text()).toContain('CSSE 2.03 Thursday 20 May 17:30')
    expect(s().findAll('tbody tr')[1]?.text()).toContain('1 of 3')
  })

  it('shows a 409 that names the teams next to the slot', async () => {
    const { net, s } = await open({
      'PATCH /api/units/default/slots/3': problem(409, 'teams are booked in this slot: Team 3'),
      'DELETE /api/units/default/slots/3': problem(409, 'teams are booked in this slot: Team 3'),
    })
    await button(s(), 'Edit CSSE 2.01 Thursday 20 May 17:45').trigger('click')
    await control(s(), 'Capacity').setValue('1')
    await s().get('form.edit').trigger('submit')
    await settle()
    expect(s().get('form.edit [role="alert"]').text()).toBe(
      'Could not change CSSE 2.01 Thursday 20 May 17:45. Teams are booked in this slot: Team 3.',
    )
    await button(s(), 'Cancel').trigger('click')
    await settle()

    await button(s(), 'Delete CSSE 2.01 Thursday 20 May 17:45').trigger('click')
    await button(s().get('dialog'), 'Delete slot').trigger('click')
    await settle()
    expect(net.calls('DELETE /api/units/default/slots/3')).toHaveLength(1)
    expect(s().get('tr.row-error [role="alert"]').text()).toBe(
      'Could not delete CSSE 2.01 Thursday 20 May 17:45. Teams are booked in this slot: Team 3.',
    )
    expect(s().findAll('tbody tr:not(.row-error)')).toHaveLength(4)
  })

  it('deletes a free slot', async () => {
    const { net, s } = await open({ 'DELETE /api/units/default/slots/1': { status: 204 } })
    net.routes['GET /api/units/default/slots'] = { status: 200, body: { slots: slots.slice(1) } }
    await button(s(), 'Delete CSSE 2.01 Thursday 20 May 17:15').trigger('click')
    await button(s().get('dialog'), 'Delete slot').trigger('click')
    await settle()
    expect(s().findAll('tbody tr')).toHaveLength(3)
    expect(s().get('.generator .notice').text()).toBe('Deleted CSSE 2.01 Thursday 20 May 17:15.')
  })

  it('says when there are no slots yet', async () => {
    const { s } = await open({ 'GET /api/units/default/slots': { status: 200, body: { slots: [] } } })
    expect(s().text()).toContain('No slots yet.')
  })
})
