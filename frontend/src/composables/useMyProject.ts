import { ref, type Ref } from 'vue'

import { api, call, type Project, type Result, type ServerMessage } from '@/api'

import { applyToMine, journal, mustRefetch } from './live'
import type { LoadStatus } from './status'

export interface NewProjectInput {
  partnerNumber: string
  description: string
  lab_id: number
}

export interface ProjectChangeInput {
  description: string
  lab_id: number
}

/**
 * The signed-in student's own project: null while they have none. `apply` follows pushes about
 * it, such as the partner's edits, or the team dissolved by the partner.
 */
export function useMyProject(studentNumber: Ref<string>) {
  const project = ref<Project | null>(null)
  const status = ref<LoadStatus>('idle')
  const error = ref('')
  const path = () => ({ params: { path: { id: studentNumber.value } } })
  const pushes = journal<Project | null>((p, m) => applyToMine(p, m, studentNumber.value))
  let latest = 0

  async function load(): Promise<void> {
    const mine = ++latest
    status.value = 'loading'
    pushes.start()
    const r = await call(api.GET('/students/{id}/project', path()))
    if (mine !== latest) return
    if (r.ok) {
      project.value = pushes.finish(r.data)
    } else if (r.failure.status === 404) {
      project.value = pushes.finish(null)
    } else {
      pushes.abandon()
      error.value = `Could not load your project. ${r.failure.message}`
      status.value = 'error'
      return
    }
    error.value = ''
    status.value = 'done'
  }

  /** Merges a push, or refetches when pushes may have been missed. */
  function apply(m: ServerMessage): void {
    if (mustRefetch(m)) void load()
    else project.value = pushes.push(project.value, m)
  }

  async function create(input: NewProjectInput): Promise<Result<Project>> {
    const r = await call(api.POST('/students/{id}/project', { ...path(), body: input }))
    if (r.ok) project.value = r.data
    return r
  }

  async function update(input: ProjectChangeInput): Promise<Result<Project>> {
    const r = await call(api.PUT('/students/{id}/project', { ...path(), body: input }))
    if (r.ok) project.value = r.data
    return r
  }

  async function remove(): Promise<Result<undefined>> {
    const r = await call(api.DELETE('/students/{id}/project', path()))
    if (r.ok) project.value = null
    return r as Result<undefined>
  }

  return { project, status, error, load, create, update, remove, apply }
}
