import type { Overview, Project, RosterPerson, Slot, Unit } from '@/api'
import type { Session } from '@/stores/session'
import ConsoleView from '@/views/admin/ConsoleView.vue'

import { mountInApp } from './app'
import { modes, project, unit } from './fixtures'
import type { Handler } from './network'

/** Grace, coordinator of the default unit. */
export const COORDINATOR = '21000099'

export const coordinatorSession: Session = {
  token: 'token-grace',
  expiry: '2099-01-01T00:00:00Z',
  studentNumber: COORDINATOR,
  name: 'Grace Coordinator',
  units: [{ code: 'default', title: unit.title, role: 'coordinator' }],
  siteAdmin: false,
}

export const me = (site_admin = false, role: 'coordinator' | 'student' = 'coordinator') => ({
  id: COORDINATOR,
  name: 'Grace Coordinator',
  site_admin,
  units: [{ code: 'default', title: unit.title, role }],
})

/** The default unit in Perth, so that times in its zone differ from the browser's UTC. */
export const perthUnit: Unit = {
  ...unit,
  timezone: 'Australia/Perth',
  policy: {
    team_min: 2,
    team_max: 3,
    opens_at: null,
    closes_at: '2027-05-14T17:00:00+08:00',
    guard_minutes: 0,
    ...modes,
  },
}

export function slot(lab_id: number, room: string, starts_at: string, booked = 0, capacity = 1): Slot {
  return {
    lab_id,
    unit: 'default',
    lab: `${room} ${starts_at}`,
    room,
    starts_at,
    capacity,
    booked,
    forced: Math.max(0, booked - capacity),
    teams: booked > 0 ? [{ pid: 100 + lab_id, team: `Team ${lab_id}` }] : [],
  }
}

export const slots: Slot[] = [
  slot(1, 'CSSE 2.01', '2027-05-20T17:15', 0, 2),
  slot(2, 'CSSE 2.01', '2027-05-20T17:30', 1, 2),
  slot(3, 'CSSE 2.01', '2027-05-20T17:45', 2, 2),
  slot(4, 'CSSE 2.01', '2027-05-20T18:00', 3, 2),
]

export const lonely: Project = {
  ...project,
  pid: 9,
  team: 'Alan Turing',
  lab_id: 2,
  lab: 'CSSE 2.01 Thursday, May 20 17:30',
  members: [{ id: '21234570', name: 'Alan Turing' }],
}

export const overview: Overview = {
  counts: { enrolled: 40, in_team: 6, not_in_team: 34, teams: 3, below_min: 1, without_slot: 0, free_places: 2 },
  sessions: [
    {
      date: '2027-05-20',
      room: 'CSSE 2.01',
      slots: slots.map(({ lab_id, starts_at, capacity, booked }) => ({ lab_id, starts_at, capacity, booked })),
    },
  ],
  unteamed: [
    { id: '21234571', name: 'Edsger Dijkstra' },
    { id: '21234572', name: 'Barbara Liskov' },
  ],
  incomplete: [lonely],
}

export const auditEntry = (id: number, action = 'project.created') => ({
  id,
  at: '2027-05-10T09:00:03Z',
  actor: { id: '21234567', name: 'Ada Lovelace' },
  action,
  pid: 7,
  lab_id: 3,
  student: null,
  details: { members: ['21234567', '21234568'] },
  reason: null,
})

export const person = (
  id: string,
  name: string,
  pid: number | null = null,
  role: RosterPerson['role'] = 'student',
  email: string | null = null,
): RosterPerson => ({ id, name, role, email, pid })

/** The unit's roster as the server orders it: coordinators first, then by name. */
export const roster: RosterPerson[] = [
  person(COORDINATOR, 'Grace Coordinator', null, 'coordinator', 'grace@example.edu'),
  person('21234567', 'Ada Lovelace', 7, 'student', 'ada@example.edu'),
  person('21234570', 'Alan Turing', 9),
  person('21234572', 'Barbara Liskov'),
  person('21234571', 'Edsger Dijkstra'),
  person('21234573', 'Karen Spärck Jones'),
]

/** What the console loads when it opens. */
export function consoleRoutes(u: Unit = perthUnit): Record<string, Handler> {
  return {
    'GET /api/me': { status: 200, body: me() },
    'GET /api/units/default': { status: 200, body: u },
    'GET /api/units/default/overview': { status: 200, body: overview },
    'GET /api/units/default/slots': { status: 200, body: { slots } },
    'GET /api/units/default/projects': { status: 200, body: { projectList: [project, lonely] } },
    'GET /api/units/default/roster': { status: 200, body: { people: roster } },
    'GET /api/units/default/audit': { status: 200, body: { entries: [auditEntry(2), auditEntry(1)], next: null } },
  }
}

export function mountConsole(session: Session = coordinatorSession) {
  return mountInApp(ConsoleView, { session, route: '/u/default/admin', props: { code: 'default' } })
}
