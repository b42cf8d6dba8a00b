import { ref } from 'vue'

import { api, call, type Project, type ServerMessage } from '@/api'

import { applyToProjects, journal, mustRefetch } from './live'
import type { LoadStatus } from './status'

/** Every project, in slot order; `apply` keeps it current with the live connection's pushes. */
export function useProjects() {
  const projects = ref<readonly Project[]>([])
  const status = ref<LoadStatus>('idle')
  const error = ref('')
  const pushes = journal(applyToProjects)
  let latest = 0

  /** Loads the list; `quiet` keeps a shown list shown as it is while the new one loads. */
  async function load(quiet = false): Promise<void> {
    const mine = ++latest
    if (!(quiet && status.value === 'done')) status.value = 'loading'
    pushes.start()
    const r = await call(api.GET('/projects'))
    if (mine !== latest) return // a newer load is under way
    if (r.ok) {
      projects.value = pushes.finish(r.data.projectList)
      error.value = ''
      status.value = 'done'
    } else {
      pushes.abandon()
      error.value = `Could not load the projects. ${r.failure.message}`
      status.value = 'error'
    }
  }

  /** Merges a push, or refetches when pushes may have been missed. */
  function apply(m: ServerMessage): void {
    if (mustRefetch(m)) void load(true)
    else projects.value = pushes.push(projects.value, m)
  }

  return { projects, status, error, load, apply }
}
