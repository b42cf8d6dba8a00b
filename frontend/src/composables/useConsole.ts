import {
  api,
  call,
  download,
  type AuditAction,
  type AuditEntry,
  type EnrolmentChange,
  type Move,
  type NewUnit,
  type Overview,
  type Result,
  type RosterPerson,
  type ServerMessage,
  type SessionSpec,
  type Slot,
  type SlotPatch,
  type TeamForm,
  type UnitPatch,
} from '@/api'

import { useLiveResource } from './useLiveResource'
import type { Realtime } from './useRealtime'

/*
 * The coordinator's console: its calls to the routes tagged `console` (and the few unit routes it
 * shares with students), each folded into a Result. The live parts (overview, slots) are
 * useLiveResource like the students' lists, refetched after bookings change.
 */

/** Pushes after which a summary of bookings is out of date. */
export function aboutBookings(m: ServerMessage): boolean {
  return m.type === 'project.changed' || m.type === 'project.deleted' || m.type === 'labs.changed'
}

const CSV = { bodySerializer: (b: string) => b, headers: { 'Content-Type': 'text/csv' } }

/** The unit's sign-up at a glance, refetched (debounced) as students book. */
export function useOverview(unit: string, realtime?: Realtime | null, debounce?: number) {
  return useLiveResource<Overview | null>({
    unit,
    initial: null,
    realtime,
    debounce,
    failure: 'Could not load the overview.',
    stale: aboutBookings,
    fetch: () => call(api.GET('/units/{unit}/overview', { params: { path: { unit } } })),
  })
}

/** Every slot of the unit with its bookings, refetched (debounced) as students book. */
export function useSlots(unit: string, realtime?: Realtime | null, debounce?: number) {
  const r = useLiveResource<readonly Slot[]>({
    unit,
    initial: [],
    realtime,
    debounce,
    failure: 'Could not load the slots.',
    stale: aboutBookings,
    fetch: async () => {
      const answer = await call(api.GET('/units/{unit}/slots', { params: { path: { unit } } }))
      return answer.ok ? { ok: true, data: answer.data.slots } : answer
    },
  })
  const path = { params: { path: { unit } } }

  async function preview(spec: SessionSpec) {
    return call(api.POST('/units/{unit}/slots/preview', { ...path, body: spec }))
  }

  async function generate(spec: SessionSpec) {
    const answer = await call(api.POST('/units/{unit}/slots/generate', { ...path, body: spec }))
    if (answer.ok) r.set(answer.data.slots)
    return answer
  }

  async function update(lab: number, patch: SlotPatch) {
    const answer = await call(api.PATCH('/units/{unit}/slots/{lab}', { params: { path: { unit, lab } }, body: patch }))
    if (answer.ok) r.set(r.value.value.map((s) => (s.lab_id === lab ? answer.data : s)))
    return answer
  }

  async function remove(lab: number): Promise<Result<undefined>> {
    const answer = await call(api.DELETE('/units/{unit}/slots/{lab}', { params: { path: { unit, lab } } }))
    if (answer.ok) r.set(r.value.value.filter((s) => s.lab_id !== lab))
    return answer as Result<undefined>
  }

  return { ...r, slots: r.value, preview, generate, update, remove }
}

/** Pushes after which the roster's team column is out of date (a team formed, changed or went). */
export function aboutTeams(m: ServerMessage): boolean {
  return m.type === 'project.changed' || m.type === 'project.deleted'
}

/**
 * Everyone enrolled in the unit, coordinators first, then by name, with their teams. A roster
 * applied or a person enrolled or unenrolled (here or elsewhere) is a `resync` of the unit, which
 * refetches it at once; team changes refetch it (debounced) for its team column.
 */
export function useRosterList(unit: string, realtime?: Realtime | null, debounce?: number) {
  const r = useLiveResource<readonly RosterPerson[]>({
    unit,
    initial: [],
    realtime,
    debounce,
    failure: 'Could not load the roster.',
    stale: aboutTeams,
    fetch: async () => {
      const answer = await call(api.GET('/units/{unit}/roster', { params: { path: { unit } } }))
      return answer.ok ? { ok: true, data: answer.data.people } : answer
    },
  })
  return { ...r, people: r.value }
}

/** The roster: a CSV file previewed and applied, and one person at a time. */
export function useRoster(unit: string) {
  const path = { params: { path: { unit } } }
  return {
    preview: (csv: string) => call(api.POST('/units/{unit}/roster/preview', { ...path, body: csv, ...CSV })),
    apply: (csv: string, remove: boolean) =>
      call(
        api.POST('/units/{unit}/roster', {
          params: { path: { unit }, query: remove ? { remove: true } : {} },
          body: csv,
          ...CSV,
        }),
      ),
    enrol: (id: string, change: EnrolmentChange) =>
      call(api.PUT('/units/{unit}/enrolments/{id}', { params: { path: { unit, id } }, body: change })),
    unenrol: async (id: string): Promise<Result<undefined>> =>
      (await call(
        api.DELETE('/units/{unit}/enrolments/{id}', { params: { path: { unit, id } } }),
      )) as Result<undefined>,
    resetPin: (id: string) => call(api.POST('/units/{unit}/students/{id}/pin', { params: { path: { unit, id } } })),
  }
}

/** A reason for the audit log: null when left empty. */
function reasonOf(text: string | undefined): string | null {
  const t = (text ?? '').trim()
  return t === '' ? null : t
}

/** A coordinator's interventions in teams, each with an optional reason (required with force). */
export function useInterventions(unit: string) {
  return {
    move: (pid: number, lab_id: number, reason: string, force = false) => {
      const body: Move = { lab_id, reason: reasonOf(reason), ...(force ? { force: true } : {}) }
      return call(api.POST('/units/{unit}/projects/{pid}/move', { params: { path: { unit, pid } }, body }))
    },
    dissolve: async (pid: number, reason: string): Promise<Result<undefined>> =>
      (await call(
        api.POST('/units/{unit}/projects/{pid}/dissolve', {
          params: { path: { unit, pid } },
          body: { reason: reasonOf(reason) },
        }),
      )) as Result<undefined>,
    form: (team: Omit<TeamForm, 'reason'> & { reason: string }) =>
      call(
        api.POST('/units/{unit}/projects', {
          params: { path: { unit } },
          body: { ...team, reason: reasonOf(team.reason), ...(team.force ? { force: true } : {}) },
        }),
      ),
    addMember: (pid: number, id: string, reason: string) =>
      call(
        api.POST('/units/{unit}/projects/{pid}/members', {
          params: { path: { unit, pid } },
          body: { id, reason: reasonOf(reason) },
        }),
      ),
    removeMember: async (pid: number, id: string, reason: string): Promise<Result<undefined>> => {
      const why = reasonOf(reason)
      return (await call(
        api.DELETE('/units/{unit}/projects/{pid}/members/{id}', {
          params: { path: { unit, pid, id }, query: why === null ? {} : { reason: why } },
        }),
      )) as Result<undefined>
    },
  }
}

/** The unit's policy: what a change would do, and the change. */
export function usePolicy(unit: string) {
  const path = { params: { path: { unit } } }
  return {
    preview: (patch: UnitPatch) => call(api.POST('/units/{unit}/policy/preview', { ...path, body: patch })),
    save: (patch: UnitPatch) => call(api.PATCH('/units/{unit}', { ...path, body: patch })),
  }
}

/** The audit log's filters; empty ones are left out. */
export interface AuditFilter {
  student?: string
  pid?: number
  action?: AuditAction | ''
}

function auditQuery(f: AuditFilter) {
  return {
    ...(f.student ? { student: f.student } : {}),
    ...(f.pid ? { pid: f.pid } : {}),
    ...(f.action ? { action: f.action } : {}),
  }
}

/** The audit log, newest first, a page at a time. */
export function useAudit(unit: string) {
  return {
    page: (filter: AuditFilter, cursor?: string) =>
      call(
        api.GET('/units/{unit}/audit', {
          params: { path: { unit }, query: { ...auditQuery(filter), ...(cursor ? { cursor } : {}) } },
        }),
      ),
    exportCsv: (filter: AuditFilter) =>
      download(
        call(
          api.GET('/units/{unit}/audit.csv', {
            params: { path: { unit }, query: auditQuery(filter) },
            parseAs: 'blob',
          }),
        ),
        `${unit}-audit.csv`,
      ),
  }
}

/** Whole-unit downloads. */
export function useExports(unit: string) {
  const path = { params: { path: { unit } } }
  return {
    teamsCsv: () =>
      download(call(api.GET('/units/{unit}/export/teams.csv', { ...path, parseAs: 'blob' })), `${unit}-teams.csv`),
    calendar: () => download(call(api.GET('/units/{unit}/calendar.ics', { ...path, parseAs: 'blob' })), `${unit}.ics`),
  }
}

/** A unit's life: archive and delete (typed code), and creating one (site admins). */
export function useUnitLife() {
  return {
    archive: (unit: string) => call(api.POST('/units/{unit}/archive', { params: { path: { unit } } })),
    remove: async (unit: string, confirm: string): Promise<Result<undefined>> =>
      (await call(
        api.DELETE('/units/{unit}', { params: { path: { unit }, query: { confirm } } }),
      )) as Result<undefined>,
    create: (unit: NewUnit) => call(api.POST('/units', { body: unit })),
    list: () => call(api.GET('/units')),
  }
}

export type { AuditEntry }
