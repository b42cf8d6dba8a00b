import { ref } from 'vue'

import { api, call, type Result } from '@/api'

/**
 * A team's join code, for its members: read it, and renew it (the old one stops working). Students
 * without a team join with `POST /units/{unit}/join` (`useMyProject().join`).
 */
export function useJoinCode(unit: string, pid: number) {
  const code = ref('')
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle')
  const error = ref('')
  const path = { params: { path: { unit, pid } } }

  async function load(): Promise<void> {
    status.value = 'loading'
    error.value = ''
    const r = await call(api.GET('/units/{unit}/projects/{pid}/code', path))
    if (r.ok) {
      code.value = r.data.code
      status.value = 'ready'
    } else {
      error.value = `Could not load the join code. ${r.failure.message}`
      status.value = 'error'
    }
  }

  async function renew(): Promise<Result<unknown>> {
    const r = await call(api.POST('/units/{unit}/projects/{pid}/code', path))
    if (r.ok) {
      code.value = r.data.code
      status.value = 'ready'
    }
    return r
  }

  return { code, status, error, load, renew }
}
