import { describe, expect, it } from 'vitest'

import {
  cellLabel,
  complaint,
  detailsText,
  fillOf,
  matchesPerson,
  newPins,
  parseRooms,
  pinsCsv,
  slotOption,
  teamText,
} from '@/composables/console'
import { offsetMinutes, rfc3339ToZoned, sameInstant, zonedToRfc3339 } from '@/composables/zoned'

describe('console words', () => {
  it('tells how full a slot is', () => {
    expect([0, 1, 2, 3].map((booked) => fillOf({ booked, capacity: 2 }))).toEqual(['empty', 'partly', 'full', 'over'])
    expect(cellLabel('CSSE 2.01', { lab_id: 1, starts_at: '2027-05-20T17:15', booked: 1, capacity: 2 })).toBe(
      'CSSE 2.01 17:15, 1 of 2 booked',
    )
    expect(slotOption({ room: 'CSSE 2.01', starts_at: '2027-05-20T17:15', booked: 1, capacity: 2 })).toBe(
      'CSSE 2.01 Thursday 20 May 17:15 (1 of 2 booked)',
    )
  })

  it('says a roster row’s team, and matches a person by every word of the filter', () => {
    expect(teamText(7)).toBe('in team 7')
    expect(teamText(null)).toBe('no team')
    const karen = { id: '21234573', name: 'Karen Spärck Jones' }
    expect(
      ['', '  ', 'karen', 'SPÄRCK', 'sparck', 'jones kar', '212345', '4573', 'karen 2123'].map((f) =>
        matchesPerson(karen, f),
      ),
    ).toEqual(Array(9).fill(true))
    expect(['karin', 'jones x', '9999', 'karen 9'].map((f) => matchesPerson(karen, f))).toEqual(Array(4).fill(false))
  })

  it('parses rooms separated by commas, each once', () => {
    expect(parseRooms(' CSSE 2.01, CSSE 2.03 ,,CSSE 2.01 ')).toEqual(['CSSE 2.01', 'CSSE 2.03'])
    expect(parseRooms(' , ')).toEqual([])
  })

  it('writes new PINs as CSV, quoting what needs it', () => {
    expect(pinsCsv([{ student_number: '21234567', name: 'Lovelace, "Ada"', pin: '012345' }], 'Unit')).toBe(
      'student_number,name,pin,unit\r\n21234567,"Lovelace, ""Ada""",012345,Unit\r\n',
    )
    const row = { line: 2, student_number: '1', name: 'x', role: 'student' as const, email: null, note: null }
    expect(
      newPins({
        add: [
          { ...row, pin: '1' },
          { ...row, pin: null },
        ],
        update: [{ ...row, pin: '' }],
      }).length,
    ).toBe(1)
  })

  it('writes audit details as text', () => {
    expect(detailsText({ members: ['1', '2'], lab_id: 3, from: { a: 1 } })).toBe(
      'members: 1, 2; lab_id: 3; from: {"a":1}',
    )
    expect(detailsText(null)).toBe('')
    expect(
      detailsText({
        before: { team_max: 2, title: 'A', opens_at: null },
        after: { team_max: 3, title: 'A', opens_at: '2027' },
      }),
    ).toBe('team_max: 2 → 3; opens_at: none → 2027')
  })
})

describe('complaint', () => {
  const failure = (fields: Record<string, string>, message = 'The request failed.') => ({
    status: 400,
    message,
    fields,
  })

  it('starts a predicate with what it is about', () => {
    expect(complaint(failure({ reason: "Is required to book beyond a slot's capacity." }))).toBe(
      "A reason is required to book beyond a slot's capacity.",
    )
    expect(complaint(failure({ 'policy.team_max': 'Must be at least 2.' }), ['team_max'])).toBe(
      'The largest team must be at least 2.',
    )
  })

  it('keeps a whole sentence, prefers the fields named first, and falls back to the message', () => {
    expect(complaint(failure({ id: 'The team has exactly 2 members already.', reason: 'Is too long.' }), ['id'])).toBe(
      'The team has exactly 2 members already.',
    )
    expect(complaint(failure({}, 'Nope.'))).toBe('Nope.')
  })
})

describe('times in a unit’s zone', () => {
  it('turns a wall-clock time into RFC 3339 with the zone’s offset', () => {
    expect(zonedToRfc3339('2027-05-14T17:00', 'Australia/Perth')).toBe('2027-05-14T17:00:00+08:00')
    expect(zonedToRfc3339('2027-05-14T17:00', 'UTC')).toBe('2027-05-14T17:00:00Z')
    // Daylight saving: Sydney is +10 in winter and +11 in summer.
    expect(zonedToRfc3339('2027-07-01T09:30', 'Australia/Sydney')).toBe('2027-07-01T09:30:00+10:00')
    expect(zonedToRfc3339('2027-01-15T09:30', 'Australia/Sydney')).toBe('2027-01-15T09:30:00+11:00')
    expect(zonedToRfc3339('2027-03-10T08:00', 'America/St_Johns')).toBe('2027-03-10T08:00:00-03:30')
    expect(zonedToRfc3339('', 'UTC')).toBeNull()
    expect(zonedToRfc3339('tomorrow', 'UTC')).toBeNull()
  })

  it('turns an instant into the zone’s wall clock', () => {
    expect(rfc3339ToZoned('2027-05-14T09:00:00Z', 'Australia/Perth')).toBe('2027-05-14T17:00')
    expect(rfc3339ToZoned('2027-01-14T23:30:00+11:00', 'UTC')).toBe('2027-01-14T12:30')
    expect(rfc3339ToZoned(null, 'UTC')).toBe('')
    expect(offsetMinutes(Date.parse('2027-05-14T09:00:00Z'), 'Australia/Perth')).toBe(480)
  })

  it('round-trips through both', () => {
    for (const zone of ['Australia/Perth', 'Europe/London', 'America/New_York', 'Asia/Kolkata']) {
      const iso = zonedToRfc3339('2027-10-20T08:45', zone)!
      expect(rfc3339ToZoned(iso, zone)).toBe('2027-10-20T08:45')
    }
    expect(sameInstant('2027-05-14T17:00:00+08:00', '2027-05-14T09:00:00Z')).toBe(true)
    expect(sameInstant(null, null)).toBe(true)
    expect(sameInstant(null, '2027-05-14T09:00:00Z')).toBe(false)
  })
})
