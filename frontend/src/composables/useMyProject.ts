import type { Ref } from 'vue'

import { api, call, download, type Project, type Result } from '@/api'

import { applyToMine } from './live'
import { useLiveResource } from './useLiveResource'
import type { Realtime } from './useRealtime'

export interface NewProjectInput {
  /** The other members: 0 to 9 student numbers, within the unit's team size. */
  partnerNumbers: string[]
  description: string
  /** Absent: no slot yet (a team formed by invitation, or in a ranked unit). */
  lab_id?: number
}

export interface ProjectChangeInput {
  description: string
  /** Absent: the team keeps its slot, or stays without one. */
  lab_id?: number
}

export interface MyProjectOptions {
  realtime?: Realtime | null
  /** A push changed the project under the student (a teammate's edit, the team dissolved, …). */
  onPush?: (before: Project | null, after: Project | null) => void
}

/**
 * The signed-in student's project in the unit: null while they have none. It follows pushes about
 * it, such as a teammate's edits, someone leaving, or the team dissolved.
 */
export function useMyProject(unit: string, studentNumber: Ref<string>, options: MyProjectOptions = {}) {
  const path = () => ({ params: { path: { unit, id: studentNumber.value } } })
  const r = useLiveResource<Project | null>({
    unit,
    initial: null,
    realtime: options.realtime,
    onPush: options.onPush,
    failure: 'Could not load your project.',
    merge: (p, m) => applyToMine(p, m, studentNumber.value),
    fetch: async () => {
      const answer = await call(api.GET('/units/{unit}/students/{id}/project', path()))
      if (!answer.ok && answer.failure.status === 404) return { ok: true, data: null }
      return answer
    },
  })
  const project = r.value

  async function create(input: NewProjectInput): Promise<Result<Project>> {
    const answer = await call(api.POST('/units/{unit}/students/{id}/project', { ...path(), body: input }))
    if (answer.ok) r.set(answer.data)
    return answer
  }

  async function update(input: ProjectChangeInput): Promise<Result<Project>> {
    const answer = await call(api.PUT('/units/{unit}/students/{id}/project', { ...path(), body: input }))
    if (answer.ok) r.set(answer.data)
    return answer
  }

  /** Dissolves the team, for every member. */
  async function remove(): Promise<Result<undefined>> {
    const answer = await call(api.DELETE('/units/{unit}/students/{id}/project', path()))
    if (answer.ok) r.set(null)
    return answer as Result<undefined>
  }

  /** Takes the student out of the team; the others keep it (the last member leaving dissolves it). */
  async function leave(): Promise<Result<undefined>> {
    const pid = project.value?.pid
    if (pid === undefined) return { ok: false, failure: { status: 404, message: 'You are not in a team.', fields: {} } }
    const answer = await call(
      api.DELETE('/units/{unit}/projects/{pid}/members/{id}', {
        params: { path: { unit, pid, id: studentNumber.value } },
      }),
    )
    if (answer.ok && project.value?.pid === pid) r.set(null)
    return answer as Result<undefined>
  }

  /** Joins the team whose join code this is (a student without a team). */
  async function join(code: string): Promise<Result<Project>> {
    const answer = await call(api.POST('/units/{unit}/join', { params: { path: { unit } }, body: { code } }))
    if (answer.ok) r.set(answer.data)
    return answer
  }

  /** Downloads the student's slot as a calendar file (the token goes with the request). */
  function calendar(): Promise<Result<Blob>> {
    return download(
      call(api.GET('/units/{unit}/students/{id}/calendar.ics', { ...path(), parseAs: 'blob' })),
      `${unit}-demo.ics`,
    )
  }

  return {
    project,
    status: r.status,
    error: r.error,
    load: r.load,
    apply: r.apply,
    create,
    update,
    remove,
    leave,
    join,
    calendar,
  }
}
