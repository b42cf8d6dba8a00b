import type { Unit, UnitPolicy } from '@/api'

/*
 * A unit's sign-up phase and team size in words, with times written in the unit's own time zone
 * (the zone its slot times are wall-clock times in), whatever the browser's zone.
 */

const formats = new Map<string, Intl.DateTimeFormat>()

const LONG: Intl.DateTimeFormatOptions = {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
}
const NUMERIC: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'numeric', year: 'numeric' }

function format(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${options === LONG ? 'long' : 'numeric'} ${timeZone}`
  let f = formats.get(key)
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-AU', { ...options, timeZone })
    } catch {
      f = new Intl.DateTimeFormat('en-AU', { ...options, timeZone: 'UTC' }) // an unknown zone
    }
    formats.set(key, f)
  }
  return f
}

function parts(at: Date, timeZone: string, options = LONG): Record<string, string> {
  const p: Record<string, string> = {}
  for (const { type, value } of format(timeZone, options).formatToParts(at)) p[type] = value
  return p
}

/** The calendar day of an instant in the zone, as a day number (for counting days between). */
function dayNumber(at: Date, timeZone: string): number {
  const { year, month, day } = parts(at, timeZone, NUMERIC)
  return Date.UTC(Number(year), Number(month) - 1, Number(day)) / 86_400_000
}

/** "Tuesday 4 May 09:00", with the year when it is not the current one: "Tuesday 4 May 2027 09:00". */
export function wallClock(at: Date, timeZone: string, now: Date): string {
  const p = parts(at, timeZone)
  const year = p.year === parts(now, timeZone).year ? '' : ` ${p.year}`
  return `${p.weekday} ${p.day} ${p.month}${year} ${p.hour}:${p.minute}`
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** "in 40 minutes", "in 5 hours", "tomorrow", "in 2 days" (calendar days in the zone). */
export function relativeTime(at: Date, now: Date, timeZone: string): string {
  const ms = at.getTime() - now.getTime()
  if (ms <= 0) return 'any moment now'
  const minutes = Math.ceil(ms / 60_000)
  if (minutes < 60) return `in ${plural(minutes, 'minute')}`
  const hours = Math.round(ms / 3_600_000)
  if (hours < 24) return `in ${plural(hours, 'hour')}`
  const days = Math.max(1, dayNumber(at, timeZone) - dayNumber(now, timeZone))
  return days === 1 ? 'tomorrow' : `in ${days} days`
}

function instant(iso: string | null): Date | null {
  if (iso === null) return null
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

/**
 * The phase in a sentence: "Sign-up opens Tuesday 4 May 09:00 (in 2 days).", "Sign-up is open
 * until Friday 14 May 17:00 (in 3 days).", "Sign-up closed on Monday 3 May 17:00."
 */
export function phaseText(unit: Pick<Unit, 'phase' | 'timezone' | 'policy'>, now: Date): string {
  const zone = unit.timezone
  switch (unit.phase) {
    case 'upcoming': {
      const opens = instant(unit.policy.opens_at)
      if (!opens) return 'Sign-up has not opened yet.'
      return `Sign-up opens ${wallClock(opens, zone, now)} (${relativeTime(opens, now, zone)}).`
    }
    case 'closed': {
      const closed = instant(unit.policy.closes_at)
      if (!closed) return 'Sign-up has closed.'
      return `Sign-up closed on ${wallClock(closed, zone, now)}.`
    }
    default: {
      const closes = instant(unit.policy.closes_at)
      if (!closes) return 'Sign-up is open.'
      return `Sign-up is open until ${wallClock(closes, zone, now)} (${relativeTime(closes, now, zone)}).`
    }
  }
}

/** Why nothing can be changed outside the open phase; empty while it is open. */
export function readOnlyReason(phase: Unit['phase']): string {
  switch (phase) {
    case 'upcoming':
      return 'You can form a team once sign-up opens.'
    case 'closed':
      return 'Teams can no longer be formed, changed or left. Ask a coordinator if something must change.'
    default:
      return ''
  }
}

/** "Teams have 3 to 4 members, you included." */
export function sizeText(policy: Pick<UnitPolicy, 'team_min' | 'team_max'>): string {
  const { team_min: min, team_max: max } = policy
  if (max <= 1) return 'Everyone works alone in this unit.'
  if (min === max) return `Teams have ${max} members, you included.`
  return `Teams have ${min} to ${max} members, you included.`
}

/** The label of partner input i (from 0): "Partner's student number", "Partner 2's student number", … */
export function partnerLabel(i: number): string {
  return i === 0 ? "Partner's student number" : `Partner ${i + 1}'s student number`
}

/** The zone the browser is in, to tell the student when the unit's times are in another. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}
