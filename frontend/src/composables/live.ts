import type { Lab, LabAvailability, Project, ServerMessage } from '@/api'

/*
 * Lists loaded over REST and kept current by pushes (elk's usePaginator model): a push merges
 * into the list in place, and a reconnect (`ready`) or `resync` refetches it, since pushes may
 * have been missed meanwhile.
 */

/** The sort key of a project's slot: start time, then room, as the server orders its list. */
export function slotKey(p: Pick<Project, 'starts_at' | 'room'>): string {
  return `${p.starts_at}\u0000${p.room}`
}

/** Whether project a comes before b in the table: by slot, then by pid. */
function before(a: Project, b: Project): boolean {
  const ka = slotKey(a)
  const kb = slotKey(b)
  return ka < kb || (ka === kb && a.pid < b.pid)
}

/**
 * The list with the project inserted or replaced: in place when its slot is unchanged,
 * otherwise at its slot's position.
 */
export function upsertProject(list: readonly Project[], project: Project): Project[] {
  const at = list.findIndex((p) => p.pid === project.pid)
  if (at >= 0 && list[at]?.lab_id === project.lab_id) {
    return list.map((p, i) => (i === at ? project : p))
  }
  const rest = list.filter((p) => p.pid !== project.pid)
  const next = rest.findIndex((p) => before(project, p))
  return next < 0 ? [...rest, project] : [...rest.slice(0, next), project, ...rest.slice(next)]
}

export function removeProject(list: readonly Project[], pid: number): Project[] {
  return list.some((p) => p.pid === pid) ? list.filter((p) => p.pid !== pid) : [...list]
}

/** The table after a push. */
export function applyToProjects(list: readonly Project[], m: ServerMessage): readonly Project[] {
  if (m.type === 'project.changed') return upsertProject(list, m.project)
  if (m.type === 'project.deleted') return removeProject(list, m.pid)
  return list
}

/** The free slots after some changed: available ones are added (or relabelled), full ones removed. */
export function mergeLabs(list: readonly Lab[], changes: readonly LabAvailability[]): Lab[] {
  const byId = new Map(list.map((l) => [l.lab_id, l]))
  for (const { available, ...lab } of changes) {
    if (available) byId.set(lab.lab_id, lab)
    else byId.delete(lab.lab_id)
  }
  return [...byId.values()].sort(
    (a, b) => a.starts_at.localeCompare(b.starts_at) || a.room.localeCompare(b.room) || a.lab_id - b.lab_id,
  )
}

export function applyToLabs(list: readonly Lab[], m: ServerMessage): readonly Lab[] {
  return m.type === 'labs.changed' ? mergeLabs(list, m.labs) : list
}

/**
 * The student's own project after a push: a project they are in, or none when theirs is dissolved
 * or they are no longer a member of it (they left it, from another tab, or a coordinator took
 * them out).
 */
export function applyToMine(mine: Project | null, m: ServerMessage, studentNumber: string): Project | null {
  if (m.type === 'project.changed') {
    if (m.project.members.some((s) => s.id === studentNumber)) return m.project
    return mine?.pid === m.project.pid ? null : mine
  }
  if (m.type === 'project.deleted' && mine?.pid === m.pid) return null
  return mine
}

/** The unit a frame is about; undefined for frames about every unit (ready, a resync without unit, error). */
export function unitOf(m: ServerMessage): string | undefined {
  return 'unit' in m ? m.unit : undefined
}

/**
 * Whether a frame concerns the unit on screen: the socket carries the pushes of all the person's
 * units, and those about another unit are ignored.
 */
export function concerns(m: ServerMessage, unit: string): boolean {
  const about = unitOf(m)
  return about === undefined || about === unit
}

/**
 * Whether the server says the unit's lists may be stale: on every (re)connect, and on a resync
 * about that unit or about everything.
 */
export function mustRefetch(m: ServerMessage, unit: string): boolean {
  return m.type === 'ready' || (m.type === 'resync' && concerns(m, unit))
}

/**
 * Pushes that arrive while a load is in flight are replayed onto its answer, so a slow answer
 * (read before the push's change) cannot undo it. Every push carries the current state, in
 * commit order, so replaying them converges on the latest.
 */
export function journal<T>(apply: (value: T, m: ServerMessage) => T) {
  let pending: ServerMessage[] | null = null
  return {
    /** A load starts: record pushes from now on. */
    start() {
      pending = []
    },
    /** A push arrived: apply it now and remember it for the load in flight. */
    push(value: T, m: ServerMessage): T {
      pending?.push(m)
      return apply(value, m)
    },
    /** The load answered: its value with the pushes since it started. */
    finish(loaded: T): T {
      const replay = pending ?? []
      pending = null
      return replay.reduce(apply, loaded)
    },
    /** The load failed: stop recording. */
    abandon() {
      pending = null
    },
  }
}
