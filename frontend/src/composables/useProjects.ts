import { api, call, type Project } from '@/api'

import { applyToProjects } from './live'
import { useLiveResource } from './useLiveResource'
import type { Realtime } from './useRealtime'

/** Every project of the unit, in slot order, kept current by the live connection. */
export function useProjects(unit: string, realtime?: Realtime | null) {
  const r = useLiveResource<readonly Project[]>({
    unit,
    initial: [],
    realtime,
    failure: 'Could not load the projects.',
    merge: applyToProjects,
    fetch: async () => {
      const answer = await call(api.GET('/units/{unit}/projects', { params: { path: { unit } } }))
      return answer.ok ? { ok: true, data: answer.data.projectList } : answer
    },
  })
  return { projects: r.value, status: r.status, error: r.error, load: r.load, apply: r.apply }
}
