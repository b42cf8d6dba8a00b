import { ref, type Ref } from 'vue'

import { api, call, type Project, type Result } from '@/api'

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

/** The signed-in student's own project: null while they have none. */
export function useMyProject(studentNumber: Ref<string>) {
  const project = ref<Project | null>(null)
  const status = ref<LoadStatus>('idle')
  const error = ref('')
  const path = () => ({ params: { path: { id: studentNumber.value } } })

  async function load(): Promise<void> {
    status.value = 'loading'
    const r = await call(api.GET('/students/{id}/project', path()))
    if (r.ok) {
      project.value = r.data
    } else if (r.failure.status === 404) {
      project.value = null
    } else {
      error.value = `Could not load your project. ${r.failure.message}`
      status.value = 'error'
      return
    }
    error.value = ''
    status.value = 'done'
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

  return { project, status, error, load, create, update, remove }
}
