import {
  csvText,
  sentence,
  type Failure,
  type AuditAction,
  type AuditEntry,
  type GridSession,
  type GridSlot,
  type RosterPerson,
  type RosterReport,
  type RosterRow,
  type Slot,
} from '@/api'

import { dayLabel } from './useLabs'

/*
 * The coordinator's console in words: what its grid cells, PIN lists and audit entries say.
 * Everything here is text, never HTML.
 */

/** What a request field is, to start a sentence with: the API's complaints are predicates. */
const SUBJECTS: Record<string, string> = {
  reason: 'A reason',
  lab_id: 'The slot',
  id: 'The student',
  members: 'The team',
  name: 'A name',
  role: 'The role',
  email: 'The email address',
  pin: 'The PIN',
  room: 'The room',
  rooms: 'The rooms',
  starts_at: 'The start',
  capacity: 'The capacity',
  date: 'The date',
  start: 'The start',
  end: 'The end',
  slot_minutes: 'The slot length',
  description: 'The description',
  team_min: 'The smallest team',
  team_max: 'The largest team',
  opens_at: 'The opening time',
  closes_at: 'The closing time',
  guard_minutes: 'The guard time',
  code: 'The code',
  title: 'The title',
  timezone: 'The time zone',
}

/**
 * A failure in one sentence for the console: the complaint about the first named field (of
 * `order`, if given) when there is one, which the API words as a predicate ("is required to book
 * beyond a slot's capacity" becomes "A reason is required to book beyond a slot's capacity."),
 * else the failure's own message.
 */
export function complaint(f: Failure, order: readonly string[] = []): string {
  const keys = Object.keys(f.fields)
  const field = order.find((k) => k in f.fields || `policy.${k}` in f.fields) ?? keys[0]
  if (field === undefined) return f.message
  const text = f.fields[field] ?? f.fields[`policy.${field}`] ?? ''
  const raw = text.charAt(0).toLowerCase() + text.slice(1)
  const bare = field.replace(/^policy\./, '')
  if (/^(is|are|must|should|has|have|cannot|can't|may|needs?)\b/.test(raw)) {
    return sentence(`${SUBJECTS[bare] ?? `The ${bare.replace(/_/g, ' ')}`} ${raw}`)
  }
  return text || f.message
}

/** How full a slot is; the grid shows it as a colour, a pattern and a word. */
export type Fill = 'empty' | 'partly' | 'full' | 'over'

export function fillOf(slot: Pick<GridSlot, 'booked' | 'capacity'>): Fill {
  if (slot.booked <= 0) return 'empty'
  if (slot.booked < slot.capacity) return 'partly'
  if (slot.booked === slot.capacity) return 'full'
  return 'over'
}

export const FILL_WORDS: Record<Fill, string> = {
  empty: 'empty',
  partly: 'partly booked',
  full: 'full',
  over: 'over capacity',
}

/** "17:15" from "2027-05-20T17:15". */
export function timeOf(startsAt: string): string {
  return startsAt.slice(11, 16)
}

/** A grid cell's accessible name: "CSSE 2.01 17:15, 1 of 2 booked" (", over capacity" past it). */
export function cellLabel(room: string, slot: GridSlot): string {
  const base = `${room} ${timeOf(slot.starts_at)}, ${slot.booked} of ${slot.capacity} booked`
  return fillOf(slot) === 'over' ? `${base}, over capacity` : base
}

/** A session's heading: "CSSE 2.01, Thursday 20 May". */
export function sessionLabel(session: Pick<GridSession, 'room' | 'date'>): string {
  return `${session.room}, ${dayLabel(session.date)}`
}

/** A slot in a picker: "CSSE 2.01 Thursday 20 May 17:15 (1 of 2 booked)". */
export function slotOption(slot: Pick<Slot, 'room' | 'starts_at' | 'booked' | 'capacity'>): string {
  return `${slot.room} ${dayLabel(slot.starts_at.slice(0, 10))} ${timeOf(slot.starts_at)} (${slot.booked} of ${slot.capacity} booked)`
}

/** "CSSE 2.01, CSSE 2.03 , ,EZONE" → ["CSSE 2.01", "CSSE 2.03", "EZONE"], each once. */
export function parseRooms(text: string): string[] {
  return [...new Set(text.split(',').map((r) => r.trim()))].filter((r) => r !== '')
}

/** The rows of a report that got a new PIN (only an applied roster has them). */
export function newPins(report: Pick<RosterReport, 'add' | 'update'>): RosterRow[] {
  return [...report.add, ...report.update].filter((r) => r.pin !== null && r.pin !== '')
}

/** A PIN for a slip or a list. */
export interface IssuedPin {
  student_number: string
  name: string
  pin: string
}

/** The CSV a coordinator downloads after applying a roster: one line per new PIN. */
export function pinsCsv(pins: readonly IssuedPin[], unitTitle: string): string {
  return csvText([
    ['student_number', 'name', 'pin', 'unit'],
    ...pins.map((p) => [p.student_number, p.name, p.pin, unitTitle]),
  ])
}

/** A roster row's team column: "in team 7" or "no team". */
export function teamText(pid: number | null): string {
  return pid === null ? 'no team' : `in team ${pid}`
}

/** Lower case without accents, so that "sparck" finds "Spärck". */
function folded(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
}

/**
 * Whether a person matches the roster's filter: every word of it is part of their name or of
 * their student number (case and accents aside). An empty filter matches everyone.
 */
export function matchesPerson(person: Pick<RosterPerson, 'id' | 'name'>, filter: string): boolean {
  const words = folded(filter)
    .split(/\s+/)
    .filter((w) => w !== '')
  const name = folded(person.name)
  return words.every((w) => name.includes(w) || person.id.includes(w))
}

/** "1 person", "3 people" */
export function people(n: number): string {
  return `${n} ${n === 1 ? 'person' : 'people'}`
}

/** "1 student", "3 students" */
export function students(n: number): string {
  return `${n} student${n === 1 ? '' : 's'}`
}

/** "1 team", "3 teams" */
export function teams(n: number): string {
  return `${n} team${n === 1 ? '' : 's'}`
}

/** Every action the audit log records, in the contract's order, for the filter. */
export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'project.created',
  'project.updated',
  'project.deleted',
  'project.moved',
  'member.added',
  'member.removed',
  'unit.created',
  'unit.updated',
  'unit.archived',
  'roster.imported',
  'labs.imported',
  'enrolment.added',
  'enrolment.changed',
  'enrolment.removed',
  'pin.reset',
  'slot.created',
  'slot.updated',
  'slot.deleted',
  'allocation.ran',
  'ranking.updated',
]

function valueText(v: unknown): string {
  if (v === null || v === undefined) return 'none'
  if (Array.isArray(v)) return v.map(valueText).join(', ')
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The details of an entry as one line of text: "members: 21234567, 21234568; lab_id: 3". A change
 * recorded as `before` and `after` says what changed: "team_max: 2 → 3".
 */
export function detailsText(details: AuditEntry['details']): string {
  if (!details) return ''
  const { before, after, ...rest } = details
  const parts: string[] = []
  if (isRecord(before) && isRecord(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const a = valueText(before[key])
      const b = valueText(after[key])
      if (a !== b) parts.push(`${key}: ${a} → ${b}`)
    }
  } else {
    if (before !== undefined) rest.before = before
    if (after !== undefined) rest.after = after
  }
  for (const [k, v] of Object.entries(rest)) parts.push(`${k}: ${valueText(v)}`)
  return parts.join('; ')
}

const AUDIT_TIME: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
}

/** When an entry was written, in the unit's zone: "10 May 2027, 17:00:03". */
export function auditWhen(at: string, timeZone: string): string {
  const d = new Date(at)
  if (Number.isNaN(d.getTime())) return at
  try {
    return new Intl.DateTimeFormat('en-AU', { ...AUDIT_TIME, timeZone }).format(d)
  } catch {
    return new Intl.DateTimeFormat('en-AU', { ...AUDIT_TIME, timeZone: 'UTC' }).format(d)
  }
}
