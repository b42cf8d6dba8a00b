import { ref } from 'vue'

import { api, call, type Lab, type Project, type Result, type ServerMessage } from '@/api'
import type { components } from '@/api/schema'

import { useRealtimeEvents } from './useRealtime'

export type QueueEntry = components['schemas']['QueueEntry']
export type Hold = components['schemas']['Hold']

export type LabAvailability = components['schemas']['LabAvailability']

/**
 * Whether a server frame may change the caller's team's waitlist in the unit (so it reloads): a
 * hold.* notice, the team itself changing (a teammate queueing, taking or passing a hold), a
 * resync. Other teams' changes do not: the pushes of slots' availability (labs.changed) keep the
 * full slots current without a reload (applyAvailability).
 */
export function touchesWaitlist(m: ServerMessage, unit: string, pid: number | null): boolean {
  switch (m.type) {
    case 'notice':
      return m.unit === unit && m.notice.kind.startsWith('hold.')
    case 'project.changed':
      return m.unit === unit && pid !== null && m.project.pid === pid
    case 'project.deleted':
      return m.unit === unit && pid !== null && m.pid === pid
    case 'resync':
      return m.unit === undefined || m.unit === unit
    default:
      return false
  }
}

/** The full slots after an availability push: a slot with room leaves them, a full one joins. */
export function applyAvailability(full: readonly Lab[], changed: readonly LabAvailability[]): Lab[] {
  const byId = new Map(full.map((l) => [l.lab_id, l]))
  for (const { available, ...lab } of changed) {
    if (available) byId.delete(lab.lab_id)
    else byId.set(lab.lab_id, lab)
  }
  return [...byId.values()].sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.lab_id - b.lab_id)
}

/** "1st", "2nd", "3rd", "11th"... */
export function ordinal(n: number): string {
  const tens = n % 100
  if (tens >= 11 && tens <= 13) return `${n}th`
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`
}

/** How long a hold has left, in words: "9 minutes left", "less than a minute left", "lapsed". */
export function timeLeft(expiresAt: string, now: Date): string {
  const ms = new Date(expiresAt).getTime() - now.getTime()
  if (ms <= 0) return 'lapsed'
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 1) return 'less than a minute left'
  return minutes === 1 ? '1 minute left' : `${minutes} minutes left`
}

/** "17:05" in the unit's zone. */
export function clockTime(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' })
}

/**
 * The caller's team's (pid) places in slots' lines, the place held for it and the unit's full
 * slots (for coordinators every line and hold of the unit). It reloads when a push may have
 * changed them (touchesWaitlist) and after each of its own actions.
 */
export function useWaitlist(unit: string, pid: number | null = null) {
  const entries = ref<QueueEntry[]>([])
  const holds = ref<Hold[]>([])
  const full = ref<Lab[]>([])
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle')
  const error = ref('')
  let generation = 0

  async function load(): Promise<void> {
    const mine = ++generation
    if (status.value !== 'ready') status.value = 'loading'
    const r = await call(api.GET('/units/{unit}/queue', { params: { path: { unit } } }))
    if (mine !== generation) return // a newer load answers for this one
    if (r.ok) {
      entries.value = r.data.entries
      holds.value = r.data.holds
      full.value = r.data.full
      error.value = ''
      status.value = 'ready'
    } else if (r.failure.status !== 401) {
      error.value = `Could not load your team's waitlists. ${r.failure.message}`
      status.value = 'error'
    }
  }

  useRealtimeEvents((m) => {
    if (status.value === 'idle') return
    if (m.type === 'labs.changed' && m.unit === unit) full.value = applyAvailability(full.value, m.labs)
    else if (touchesWaitlist(m, unit, pid)) void load()
  })

  const labPath = (lab: number) => ({ params: { path: { unit, lab } } })
  const holdPath = (hid: number) => ({ params: { path: { unit, hid } } })

  async function join(lab: number): Promise<Result<QueueEntry>> {
    const r = await call(api.POST('/units/{unit}/labs/{lab}/queue', labPath(lab)))
    void load()
    return r
  }

  async function leave(lab: number): Promise<Result<unknown>> {
    const r = await call(api.DELETE('/units/{unit}/labs/{lab}/queue', labPath(lab)))
    void load()
    return r
  }

  async function accept(hid: number): Promise<Result<Project>> {
    const r = await call(api.POST('/units/{unit}/holds/{hid}/accept', holdPath(hid)))
    void load()
    return r
  }

  async function decline(hid: number): Promise<Result<unknown>> {
    const r = await call(api.POST('/units/{unit}/holds/{hid}/decline', holdPath(hid)))
    void load()
    return r
  }

  return { entries, holds, full, status, error, load, join, leave, accept, decline }
}
