import type { Enrolment, Lab, Project, Unit } from '@/api'
import type { Session } from '@/stores/session'

/** The fair sign-up modes at their defaults. */
export const modes = {
  consent: 'direct',
  invite_hours: 48,
  booking: 'first_come',
  hold_minutes: 10,
} as const

export const ADA = '21234567'
export const CHARLES = '21234568'
/** The unit the fixtures' projects and slots belong to. */
export const UNIT = 'default'

export const enrolments: Enrolment[] = [
  { code: UNIT, title: 'CITS3403 Agile Web Development', role: 'student' },
  { code: 'trio', title: 'CITS3200 Professional Computing', role: 'student' },
]

export const session: Session = {
  token: 'token-ada',
  expiry: '2099-01-01T00:00:00Z',
  studentNumber: ADA,
  name: 'Ada Lovelace',
  units: enrolments,
}

/** The default unit: pairs, open, no deadlines, in UTC. */
export const unit: Unit = {
  code: UNIT,
  title: 'CITS3403 Agile Web Development',
  timezone: 'UTC',
  phase: 'open',
  default: true,
  archived: false,
  policy: { team_min: 2, team_max: 2, opens_at: null, closes_at: null, guard_minutes: 0, ...modes },
}

/** A unit of teams of 3 to 4. */
export const trio: Unit = {
  code: 'trio',
  title: 'CITS3200 Professional Computing',
  timezone: 'Australia/Perth',
  phase: 'open',
  default: false,
  archived: false,
  policy: { team_min: 3, team_max: 4, opens_at: null, closes_at: null, guard_minutes: 0, ...modes },
}

export function lab(lab_id: number, room: string, starts_at: string): Lab {
  const [day, time] = starts_at.split('T')
  const names: Record<string, string> = { '2027-05-20': 'Thursday, May 20', '2027-05-21': 'Friday, May 21' }
  return { lab_id, unit: UNIT, room, starts_at, lab: `${room} ${names[day ?? ''] ?? day} ${time}` }
}

/** Free slots deliberately out of order: two rooms, two days. */
export const labs: Lab[] = [
  lab(4, 'EZONE 1.24', '2027-05-20T10:00'),
  lab(2, 'CSSE 2.01', '2027-05-20T10:15'),
  lab(1, 'CSSE 2.01', '2027-05-20T10:00'),
  lab(5, 'CSSE 2.01', '2027-05-21T09:00'),
]

export const project: Project = {
  pid: 7,
  unit: UNIT,
  team: 'Ada Lovelace & Charles Babbage',
  description: 'A tiny compiler',
  lab_id: 3,
  lab: 'CSSE 2.01 Thursday, May 20 10:30',
  room: 'CSSE 2.01',
  starts_at: '2027-05-20T10:30',
  members: [
    { id: ADA, name: 'Ada Lovelace' },
    { id: CHARLES, name: 'Charles Babbage' },
  ],
}

export const otherProject: Project = {
  pid: 8,
  unit: UNIT,
  team: 'Grace Hopper & Alan Turing',
  description: '<img src=x onerror=alert(1)>',
  lab_id: 6,
  lab: 'EZONE 1.24 Friday, May 21 10:00',
  room: 'EZONE 1.24',
  starts_at: '2027-05-21T10:00',
  members: [
    { id: '21234569', name: 'Grace Hopper' },
    { id: '21234570', name: 'Alan Turing' },
  ],
}
