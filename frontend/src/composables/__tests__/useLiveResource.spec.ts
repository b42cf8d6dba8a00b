import { describe, expect, it, vi } from 'vitest'
import { effectScope, readonly, ref } from 'vue'

import type { ServerMessage } from '@/api'
import { applyToProjects } from '@/composables/live'
import { useLiveResource } from '@/composables/useLiveResource'
import type { Realtime, RealtimeStatus } from '@/composables/useRealtime'
import { otherProject, project, UNIT } from '@/test/fixtures'

/** A live connection that the test drives: `emit` hands a frame to the subscribers. */
function fakeRealtime() {
  const handlers = new Set<(m: ServerMessage) => void>()
  const realtime: Realtime = {
    status: readonly(ref<RealtimeStatus>('live')),
    subscribe: (h) => {
      handlers.add(h)
      return () => void handlers.delete(h)
    },
    send: () => false,
    sync: () => {},
    stop: () => {},
  }
  return { realtime, handlers, emit: (m: ServerMessage) => handlers.forEach((h) => h(m)) }
}

const tick = () => new Promise((r) => setTimeout(r))

function resource(live = fakeRealtime(), onPush?: () => void) {
  const fetch = vi.fn(async () => ({ ok: true as const, data: [project] }))
  const scope = effectScope()
  const r = scope.run(() =>
    useLiveResource({
      unit: UNIT,
      initial: [] as readonly (typeof project)[],
      fetch,
      merge: applyToProjects,
      failure: 'Could not load the projects.',
      realtime: live.realtime,
      onPush,
    }),
  )
  if (!r) throw new Error('no resource')
  return { r, fetch, live, scope }
}

describe('useLiveResource', () => {
  it('follows the live connection it is given, for as long as its scope lives', async () => {
    const { r, live, scope } = resource()
    await r.load()
    live.emit({ type: 'project.changed', unit: UNIT, project: otherProject })
    expect(r.value.value.map((p) => p.pid)).toEqual([7, 8])
    scope.stop()
    expect(live.handlers.size).toBe(0)
  })

  it('ignores pushes about other units, and their resyncs', async () => {
    const onPush = vi.fn()
    const { r, fetch, live } = resource(fakeRealtime(), onPush)
    await r.load()
    live.emit({ type: 'project.changed', unit: 'trio', project: { ...otherProject, unit: 'trio' } })
    live.emit({ type: 'project.deleted', unit: 'trio', pid: 7 })
    live.emit({ type: 'resync', unit: 'trio' })
    await tick()
    expect(r.value.value.map((p) => p.pid)).toEqual([7])
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(onPush).not.toHaveBeenCalled()
  })

  it('refetches quietly on ready, on a resync about its unit and on one about everything', async () => {
    const { r, fetch, live } = resource()
    await r.load()
    for (const m of [{ type: 'ready' }, { type: 'resync', unit: UNIT }, { type: 'resync' }] as ServerMessage[]) {
      live.emit(m)
      expect(r.status.value).toBe('done') // the shown value stays while it reloads
      await tick()
    }
    expect(fetch).toHaveBeenCalledTimes(4)
  })

  it('tells about pushes that changed the value, with the value before', async () => {
    const onPush = vi.fn()
    const { r, live } = resource(fakeRealtime(), onPush)
    await r.load()
    live.emit({ type: 'status', unit: UNIT, room: 'lobby.default', msg: 'x' })
    expect(onPush).not.toHaveBeenCalled()
    live.emit({ type: 'project.deleted', unit: UNIT, pid: 7 })
    expect(onPush).toHaveBeenCalledWith([project], [])
  })

  it('keeps the failure for the caller to tell a refusal from a lost network', async () => {
    const { r, fetch } = resource()
    fetch.mockResolvedValueOnce({ ok: false, failure: { status: 403, message: 'No.', fields: {} } } as never)
    await r.load()
    expect(r.status.value).toBe('error')
    expect(r.error.value).toBe('Could not load the projects. No.')
    expect(r.failure.value?.status).toBe(403)
    await r.load()
    expect(r.failure.value).toBeNull()
  })
})
