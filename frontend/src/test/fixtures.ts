import type { Lab, Project } from '@/api'
import type { Session } from '@/stores/session'

export const ADA = '21234567'
export const CHARLES = '21234568'

export const session: Session = {
  token: 'token-ada',
  expiry: '2099-01-01T00:00:00Z',
  studentNumber: ADA,
  name: 'Ada Lovelace',
}

export function lab(lab_id: number, room: string, starts_at: string): Lab {
  const [day, time] = starts_at.split('T')
  const names: Record<string, string> = { '2027-05-20': 'Thursday, May 20', '2027-05-21': 'Friday, May 21' }
  return { lab_id, room, starts_at, lab: `${room} ${names[day ?? ''] ?? day} ${time}` }
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
