import { ref } from 'vue'

import { api, call, type Lab, type ServerMessage } from '@/api'

import { applyToLabs, journal, mustRefetch } from './live'
import type { LoadStatus } from './status'

/** Lab slots that still have room, in time order; `apply` keeps them current with pushes. */
export function useLabs() {
  const labs = ref<readonly Lab[]>([])
  const status = ref<LoadStatus>('idle')
  const error = ref('')
  const pushes = journal(applyToLabs)
  let latest = 0

  async function load(quiet = false): Promise<void> {
    const mine = ++latest
    if (!(quiet && status.value === 'done')) status.value = 'loading'
    pushes.start()
    const r = await call(api.GET('/labs'))
    if (mine !== latest) return
    if (r.ok) {
      labs.value = pushes.finish(r.data.available_labs)
      error.value = ''
      status.value = 'done'
    } else {
      pushes.abandon()
      error.value = `Could not load the free lab slots. ${r.failure.message}`
      status.value = 'error'
    }
  }

  /** Merges a push, or refetches when pushes may have been missed. */
  function apply(m: ServerMessage): void {
    if (mustRefetch(m)) void load(true)
    else labs.value = pushes.push(labs.value, m)
  }

  return { labs, status, error, load, apply }
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
