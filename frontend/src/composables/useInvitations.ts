import { ref } from 'vue'

import { api, call, type Project, type Result, type ServerMessage } from '@/api'
import type { components } from '@/api/schema'

import { useRealtimeEvents } from './useRealtime'

export type Invitation = components['schemas']['Invitation']

/** Whether a server frame may change the caller's invitations in the unit. */
export function touchesInvitations(m: ServerMessage, unit: string): boolean {
  switch (m.type) {
    case 'notice':
      return m.unit === unit && m.notice.kind.startsWith('invite.')
    case 'project.changed':
    case 'project.deleted':
      return m.unit === unit
    case 'resync':
      return m.unit === undefined || m.unit === unit
    default:
      return false
  }
}

/**
 * The caller's invitations in one unit: received (to them) and sent (by their team; for
 * coordinators every pending one of the unit). It reloads when a push may have changed them (an
 * invite.* notice, a team changing, a resync) and after each of its own actions.
 */
export function useInvitations(unit: string) {
  const received = ref<Invitation[]>([])
  const sent = ref<Invitation[]>([])
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle')
  const error = ref('')
  let generation = 0

  async function load(): Promise<void> {
    const mine = ++generation
    if (status.value !== 'ready') status.value = 'loading'
    const r = await call(api.GET('/units/{unit}/invitations', { params: { path: { unit } } }))
    if (mine !== generation) return // a newer load answers for this one
    if (r.ok) {
      received.value = r.data.received
      sent.value = r.data.sent
      error.value = ''
      status.value = 'ready'
    } else if (r.failure.status !== 401) {
      error.value = `Could not load your invitations. ${r.failure.message}`
      status.value = 'error'
    }
  }

  useRealtimeEvents((m) => {
    if (status.value !== 'idle' && touchesInvitations(m, unit)) void load()
  })

  const path = (iid: number) => ({ params: { path: { unit, iid } } })

  async function invite(student: string): Promise<Result<Invitation>> {
    const r = await call(api.POST('/units/{unit}/invitations', { params: { path: { unit } }, body: { student } }))
    void load()
    return r
  }

  async function accept(iid: number): Promise<Result<Project>> {
    const r = await call(api.POST('/units/{unit}/invitations/{iid}/accept', path(iid)))
    void load()
    return r
  }

  async function decline(iid: number): Promise<Result<Invitation>> {
    const r = await call(api.POST('/units/{unit}/invitations/{iid}/decline', path(iid)))
    void load()
    return r
  }

  async function withdraw(iid: number): Promise<Result<unknown>> {
    const r = await call(api.DELETE('/units/{unit}/invitations/{iid}', path(iid)))
    void load()
    return r
  }

  return { received, sent, status, error, load, invite, accept, decline, withdraw }
}
