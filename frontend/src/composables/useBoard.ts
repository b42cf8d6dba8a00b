import { ref } from 'vue'

import { api, call, type Result } from '@/api'
import type { components } from '@/api/schema'

import { concerns, mustRefetch } from './live'
import { useRealtimeEvents } from './useRealtime'

export type BoardEntry = components['schemas']['BoardEntry']
export type Invitation = components['schemas']['Invitation']

/** The longest note, in characters (as the server counts them: code points). */
export const MAX_NOTE = 280

/** "2027-05-20T10:00" → "2027-05-20 10:00": a session time as the board shows it. */
export function timeLabel(t: string): string {
  return t.replace('T', ' ')
}

/** How long a note is, as the server counts it. */
export function noteLength(note: string): number {
  return [...note.trim()].length
}

/**
 * A unit's partner board: the students without a team who are looking for one, and the session
 * times an entry may name. The caller posts, edits and removes their own entry and invites from
 * the board. An entry disappears as soon as a push shows its student in a team.
 */
export function useBoard(unit: string) {
  const entries = ref<BoardEntry[]>([])
  const times = ref<string[]>([])
  /** The server says the caller may post now (a student of the unit in no team, sign-up open). */
  const canPost = ref(false)
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle')
  const error = ref('')
  const path = { params: { path: { unit } } }

  async function load(): Promise<void> {
    status.value = 'loading'
    error.value = ''
    const r = await call(api.GET('/units/{unit}/board', path))
    if (r.ok) {
      entries.value = r.data.entries
      times.value = r.data.times
      canPost.value = r.data.can_post
      status.value = 'ready'
    } else {
      error.value = `Could not load the partner board. ${r.failure.message}`
      status.value = 'error'
    }
  }

  useRealtimeEvents((m) => {
    if (!concerns(m, unit)) return
    if (mustRefetch(m, unit)) {
      void load()
    } else if (m.type === 'project.changed') {
      const members = new Set(m.project.members.map((s) => s.id))
      entries.value = entries.value.filter((e) => !members.has(e.student.id))
    }
  })

  /** Posts or replaces the caller's entry; the board then shows it first. */
  async function save(note: string, tags: string[], chosen: string[]): Promise<Result<BoardEntry>> {
    const r = await call(api.PUT('/units/{unit}/board/entry', { ...path, body: { note, tags, times: chosen } }))
    if (r.ok) {
      const mine = r.data
      entries.value = [mine, ...entries.value.filter((e) => e.student.id !== mine.student.id)]
    }
    return r
  }

  /** Takes the caller's entry (student `me`) off the board. */
  async function remove(me: string): Promise<Result<unknown>> {
    const r = await call(api.DELETE('/units/{unit}/board/entry', path))
    if (r.ok) entries.value = entries.value.filter((e) => e.student.id !== me)
    return r
  }

  /** Invites the student to the caller's team (made, alone and without a slot, if they have none). */
  async function invite(student: string): Promise<Result<Invitation>> {
    return call(api.POST('/units/{unit}/invitations', { ...path, body: { student } }))
  }

  return { entries, times, canPost, status, error, load, save, remove, invite }
}
