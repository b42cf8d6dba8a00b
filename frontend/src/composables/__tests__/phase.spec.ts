import { describe, expect, it } from 'vitest'

import type { Unit } from '@/api'
import { partnerLabel, phaseText, readOnlyReason, relativeTime, sizeText, wallClock } from '@/composables/phase'
import { unit } from '@/test/fixtures'

/** Sunday 2 May 2027, 10:00 in Perth (UTC+8, no daylight saving). */
const NOW = new Date('2027-05-02T02:00:00Z')
const PERTH = 'Australia/Perth'

function inPerth(phase: Unit['phase'], policy: Partial<Unit['policy']>): Unit {
  return { ...unit, timezone: PERTH, phase, policy: { ...unit.policy, ...policy } }
}

describe('the sign-up phase in words', () => {
  it('says when sign-up opens, in the unit’s zone, and how long until then', () => {
    const u = inPerth('upcoming', { opens_at: '2027-05-04T09:00:00+08:00' })
    expect(phaseText(u, NOW)).toBe('Sign-up opens Tuesday 4 May 09:00 (in 2 days).')
  })

  it('says when sign-up closed', () => {
    const u = inPerth('closed', { closes_at: '2027-05-03T17:00:00+08:00' })
    expect(phaseText(u, new Date('2027-05-05T00:00:00Z'))).toBe('Sign-up closed on Monday 3 May 17:00.')
  })

  it('says until when it is open, or that it is open', () => {
    expect(phaseText(inPerth('open', { closes_at: '2027-05-02T16:30:00+08:00' }), NOW)).toBe(
      'Sign-up is open until Sunday 2 May 16:30 (in 7 hours).',
    )
    expect(phaseText(inPerth('open', {}), NOW)).toBe('Sign-up is open.')
  })

  it('follows the phase the server says, also without times', () => {
    expect(phaseText(inPerth('upcoming', {}), NOW)).toBe('Sign-up has not opened yet.')
    expect(phaseText(inPerth('closed', {}), NOW)).toBe('Sign-up has closed.')
  })

  it('writes the time in the unit’s zone, whatever the instant’s offset', () => {
    // 01:00 UTC on 4 May is 09:00 in Perth and 11:00 in Sydney.
    const at = new Date('2027-05-04T01:00:00Z')
    expect(wallClock(at, PERTH, NOW)).toBe('Tuesday 4 May 09:00')
    expect(wallClock(at, 'Australia/Sydney', NOW)).toBe('Tuesday 4 May 11:00')
    expect(wallClock(at, 'Not/AZone', NOW)).toBe('Tuesday 4 May 01:00') // read as UTC
  })

  it('names the year when it is not this year', () => {
    expect(wallClock(new Date('2028-01-10T01:00:00Z'), PERTH, NOW)).toBe('Monday 10 January 2028 09:00')
  })

  it('counts minutes, hours, then calendar days in the zone', () => {
    const after = (ms: number) => new Date(NOW.getTime() + ms)
    expect(relativeTime(after(30_000), NOW, PERTH)).toBe('in 1 minute')
    expect(relativeTime(after(40 * 60_000), NOW, PERTH)).toBe('in 40 minutes')
    expect(relativeTime(after(60 * 60_000), NOW, PERTH)).toBe('in 1 hour')
    expect(relativeTime(after(5 * 3_600_000), NOW, PERTH)).toBe('in 5 hours')
    // Monday 11:00 is tomorrow, Tuesday 09:00 two calendar days away (though under 48 hours).
    expect(relativeTime(new Date('2027-05-03T03:00:00Z'), NOW, PERTH)).toBe('tomorrow')
    expect(relativeTime(new Date('2027-05-04T01:00:00Z'), NOW, PERTH)).toBe('in 2 days')
    expect(relativeTime(after(-1), NOW, PERTH)).toBe('any moment now')
  })

  it('gives the reason nothing can be changed outside the open phase', () => {
    expect(readOnlyReason('upcoming')).toBe('You can form a team once sign-up opens.')
    expect(readOnlyReason('closed')).toMatch(/^Teams can no longer be formed, changed or left\./)
    expect(readOnlyReason('open')).toBe('')
  })
})

describe('the team size in words', () => {
  it('states the sizes, the student included', () => {
    expect(sizeText({ team_min: 3, team_max: 4 })).toBe('Teams have 3 to 4 members, you included.')
    expect(sizeText({ team_min: 2, team_max: 2 })).toBe('Teams have 2 members, you included.')
    expect(sizeText({ team_min: 1, team_max: 1 })).toBe('Everyone works alone in this unit.')
  })

  it('labels the partner fields', () => {
    expect([0, 1, 2].map(partnerLabel)).toEqual([
      "Partner's student number",
      "Partner 2's student number",
      "Partner 3's student number",
    ])
  })
})
