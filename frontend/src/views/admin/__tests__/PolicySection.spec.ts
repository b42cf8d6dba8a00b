import { afterEach, describe, expect, it, vi } from 'vitest'

import { settle } from '@/test/app'
import { consoleRoutes, mountConsole, perthUnit } from '@/test/console'
import { button, control, section } from '@/test/dom'
import { fakeNetwork, problem } from '@/test/network'

async function open(routes = {}) {
  const net = fakeNetwork({ ...consoleRoutes(), ...routes })
  const mounted = await mountConsole()
  return { net, ...mounted, s: () => section(mounted.wrapper, 'Policy') }
}

describe('the console policy', () => {
  afterEach(() => void vi.useRealTimers())

  it('shows the policy with times in the unit’s zone', async () => {
    const { s } = await open()
    expect(control(s(), 'Sign-up opens').element.value).toBe('')
    expect(control(s(), 'Sign-up closes').element.value).toBe('2027-05-14T17:00')
    expect(control(s(), 'Smallest team').element.value).toBe('2')
    expect(control(s(), 'Largest team').element.value).toBe('3')
    expect(s().text()).toContain("Times are in the unit's zone, Australia/Perth, not yours.")
    expect(s().get('.effects').text()).toBe('No changes.')
  })

  it('asks the server what a change would do, a moment after the last change, and shows its messages', async () => {
    const { net, s } = await open({
      'POST /api/units/default/policy/preview': {
        status: 200,
        body: {
          allowed: true,
          teams_below_min: 3,
          teams_above_max: 0,
          messages: ['3 teams are below the new minimum'],
        },
      },
    })
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    await control(s(), 'Smallest team').setValue('3')
    await vi.advanceTimersByTimeAsync(200)
    await control(s(), 'Sign-up opens').setValue('2027-05-03T09:00')
    await vi.advanceTimersByTimeAsync(399)
    expect(net.calls('POST /api/units/default/policy/preview')).toHaveLength(0)
    expect(s().get('.effects').text()).toBe('Checking what the change would do…')
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(net.calls('POST /api/units/default/policy/preview').map((c) => c.body)).toEqual([
      { policy: { opens_at: '2027-05-03T09:00:00+08:00', team_min: 3 } },
    ])
    const effects = s().get('.effects')
    expect(effects.attributes('aria-live')).toBe('polite')
    expect(effects.text()).toBe('3 teams are below the new minimum')
  })

  it('says what is wrong with the form without asking', async () => {
    const { net, s } = await open()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    await control(s(), 'Smallest team').setValue('4')
    await vi.advanceTimersByTimeAsync(1000)
    expect(s().get('.effects').text()).toBe('The smallest team cannot be larger than the largest.')
    expect(net.calls('POST /api/units/default/policy/preview')).toHaveLength(0)
    await s().get('form').trigger('submit')
    expect(s().get('.form-error').text()).toBe(
      'Could not save the policy. The smallest team cannot be larger than the largest.',
    )
  })

  it('saves the change as a merge patch and reloads the unit', async () => {
    const saved = { ...perthUnit, policy: { ...perthUnit.policy, closes_at: null, guard_minutes: 60 } }
    const { net, s } = await open({
      'POST /api/units/default/policy/preview': {
        status: 200,
        body: { allowed: true, teams_below_min: 0, teams_above_max: 0, messages: [] },
      },
      'PATCH /api/units/default': { status: 200, body: saved },
    })
    await control(s(), 'Sign-up closes').setValue('')
    await control(s(), 'Guard time (minutes)').setValue('60')
    net.routes['GET /api/units/default'] = { status: 200, body: saved }
    await s().get('form').trigger('submit')
    await settle()
    expect(net.calls('PATCH /api/units/default')[0]?.body).toEqual({ policy: { closes_at: null, guard_minutes: 60 } })
    expect(s().get('.notice').text()).toBe('Policy saved.')
    expect(control(s(), 'Sign-up closes').element.value).toBe('')
    expect(s().get('.effects').text()).toBe('No changes.')
  })

  it('sets the fair sign-up modes: consent, invitation hours, ranked booking and the hold', async () => {
    const saved = {
      ...perthUnit,
      policy: { ...perthUnit.policy, consent: 'invite', invite_hours: 24, booking: 'ranked', hold_minutes: 5 },
    } as const
    const { net, s } = await open({
      'POST /api/units/default/policy/preview': {
        status: 200,
        body: { allowed: true, teams_below_min: 0, teams_above_max: 0, messages: [] },
      },
      'PATCH /api/units/default': { status: 200, body: saved },
    })
    expect(control(s(), 'How partners join').element.value).toBe('direct')
    expect(control(s(), 'How slots are booked').element.value).toBe('first_come')
    await control(s(), 'How partners join').setValue('invite')
    await control(s(), 'Invitations last (hours)').setValue('24')
    await control(s(), 'How slots are booked').setValue('ranked')
    await control(s(), 'Waitlist hold (minutes)').setValue('0')
    await s().get('form').trigger('submit')
    expect(s().get('.form-error').text()).toBe('Could not save the policy. A waitlist hold lasts 1 to 1440 minutes.')
    expect(net.calls('PATCH /api/units/default')).toHaveLength(0)
    await control(s(), 'Waitlist hold (minutes)').setValue('5')
    net.routes['GET /api/units/default'] = { status: 200, body: saved }
    await s().get('form').trigger('submit')
    await settle()
    expect(net.calls('PATCH /api/units/default')[0]?.body).toEqual({
      policy: { consent: 'invite', invite_hours: 24, booking: 'ranked', hold_minutes: 5 },
    })
    expect(s().get('.notice').text()).toBe('Policy saved.')
  })

  it('puts the server’s complaint next to its field', async () => {
    const { s } = await open({
      'POST /api/units/default/policy/preview': {
        status: 200,
        body: { allowed: false, teams_below_min: 0, teams_above_max: 1, messages: ['1 team is above the new maximum'] },
      },
      'PATCH /api/units/default': problem(409, 'a team has 3 members', [
        { field: 'policy.team_max', message: 'a team has 3 members' },
      ]),
    })
    await control(s(), 'Largest team').setValue('2')
    await s().get('form').trigger('submit')
    await settle()
    expect(s().get('.form-error').text()).toBe('Could not save the policy. A team has 3 members.')
    expect(control(s(), 'Largest team').attributes('aria-invalid')).toBe('true')
    expect(s().get('#policy-max-error').text()).toBe('A team has 3 members.')
    expect(document.activeElement).toBe(control(s(), 'Largest team').element)
    await button(s(), 'Undo changes').trigger('click')
    expect(control(s(), 'Largest team').element.value).toBe('3')
  })
})
