import { ref } from 'vue'

import { api, call, type Project } from '@/api'

import type { LoadStatus } from './status'

/** Every project, in slot order. */
export function useProjects() {
  const projects = ref<Project[]>([])
  const status = ref<LoadStatus>('idle')
  const error = ref('')
  let latest = 0

  async function load(): Promise<void> {
    const mine = ++latest
    status.value = 'loading'
    const r = await call(api.GET('/projects'))
    if (mine !== latest) return // a newer load is under way
    if (r.ok) {
      projects.value = r.data.projectList
      error.value = ''
      status.value = 'done'
    } else {
      error.value = `Could not load the projects. ${r.failure.message}`
      status.value = 'error'
    }
  }

  return { projects, status, error, load }
}
