import { describe, expect, it } from 'vitest'

import { applyAvailability, clockTime, ordinal, timeLeft, touchesWaitlist } from '@/composables/useWaitlist'
import { lab, labs, project } from '@/test/fixtures'

describe('waitlist helpers', () => {
  it('merges availability pushes into the full slots, in time order', () => {
    const a = lab(8, 'EZONE', '2027-05-22T09:00')
    const b = lab(9, 'EZONE', '2027-05-19T09:00')
    const free = labs[0]!
    expect(applyAvailability([a], [{ ...b, available: false }])).toEqual([b, a])
    expect(
      applyAvailability(
        [a, b],
        [
          { ...a, available: true },
          { ...free, available: false },
        ],
      ).map((l) => l.lab_id),
    ).toEqual([b.lab_id, free.lab_id])
    expect(applyAvailability([b], [{ ...b, available: false }])).toEqual([b])
  })

  it('writes places in line and time left in words', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
    ])
    const now = new Date('2027-05-03T09:00:00Z')
    expect(timeLeft('2027-05-03T09:09:59Z', now)).toBe('9 minutes left')
    expect(timeLeft('2027-05-03T09:01:30Z', now)).toBe('1 minute left')
    expect(timeLeft('2027-05-03T09:00:30Z', now)).toBe('less than a minute left')
    expect(timeLeft('2027-05-03T09:00:00Z', now)).toBe('lapsed')
    expect(clockTime('2027-05-03T09:10:00Z', 'Australia/Perth')).toBe('17:10')
  })

  it('reloads for hold notices, its own team and resyncs of its unit only', () => {
    const notice = (kind: 'hold.offered' | 'invite.received', unit = 'u') =>
      ({
        type: 'notice',
        unit,
        notice: { id: 1, unit, kind, text: 't', data: {}, created_at: '', read_at: null },
      }) as const
    expect(touchesWaitlist(notice('hold.offered'), 'u', 7)).toBe(true)
    expect(touchesWaitlist(notice('invite.received'), 'u', 7)).toBe(false)
    expect(touchesWaitlist(notice('hold.offered', 'v'), 'u', 7)).toBe(false)
    expect(touchesWaitlist({ type: 'project.changed', unit: 'u', project }, 'u', 7)).toBe(true)
    expect(touchesWaitlist({ type: 'project.changed', unit: 'u', project: { ...project, pid: 9 } }, 'u', 7)).toBe(false)
    expect(touchesWaitlist({ type: 'project.changed', unit: 'u', project }, 'u', null)).toBe(false)
    expect(touchesWaitlist({ type: 'project.deleted', unit: 'u', pid: 7 }, 'u', 7)).toBe(true)
    expect(touchesWaitlist({ type: 'project.deleted', unit: 'v', pid: 7 }, 'u', 7)).toBe(false)
    expect(touchesWaitlist({ type: 'labs.changed', unit: 'u', labs: [] }, 'u', 7)).toBe(false)
    expect(touchesWaitlist({ type: 'resync' }, 'u', 7)).toBe(true)
    expect(touchesWaitlist({ type: 'resync', unit: 'v' }, 'u', 7)).toBe(false)
    expect(touchesWaitlist({ type: 'ready' }, 'u', 7)).toBe(false)
  })
})
