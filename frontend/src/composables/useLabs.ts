import { api, call, type Lab } from '@/api'

import { applyToLabs } from './live'
import { useLiveResource } from './useLiveResource'
import type { Realtime } from './useRealtime'

/** The unit's lab slots that still have room, in time order, kept current by the live connection. */
export function useLabs(unit: string, realtime?: Realtime | null) {
  const r = useLiveResource<readonly Lab[]>({
    unit,
    initial: [],
    realtime,
    failure: 'Could not load the free lab slots.',
    merge: applyToLabs,
    fetch: async () => {
      const answer = await call(api.GET('/units/{unit}/labs', { params: { path: { unit } } }))
      return answer.ok ? { ok: true, data: answer.data.available_labs } : answer
    },
  })
  return { labs: r.value, status: r.status, error: r.error, load: r.load, apply: r.apply }
}

export interface LabGroup {
  key: string
  /** "CSSE 2.01, Thursday 20 May" */
  label: string
  labs: Lab[]
}

const dayFormat = new Intl.DateTimeFormat('en-AU', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  timeZone: 'UTC',
})

/** "2027-05-20" → "Thursday 20 May"; starts_at has no zone, so it is read and written as UTC. */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  if (!y || !m || !d) return day
  return dayFormat.format(new Date(Date.UTC(y, m - 1, d)))
}

/**
 * Groups slots by day and room (days in order, rooms by name within a day), each group's slots in
 * time order: the optgroups of the lab picker.
 */
export function groupLabs(labs: readonly Lab[]): LabGroup[] {
  const groups = new Map<string, LabGroup & { day: string; room: string }>()
  for (const lab of labs) {
    const day = lab.starts_at.slice(0, 10)
    const key = `${day}\u0000${lab.room}`
    let g = groups.get(key)
    if (!g) {
      g = { key, day, room: lab.room, label: `${lab.room}, ${dayLabel(day)}`, labs: [] }
      groups.set(key, g)
    }
    g.labs.push(lab)
  }
  const sorted = [...groups.values()].sort((a, b) => a.day.localeCompare(b.day) || a.room.localeCompare(b.room))
  return sorted.map(({ key, label, labs }) => ({
    key,
    label,
    labs: [...labs].sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.lab_id - b.lab_id),
  }))
}
