import { describe, expect, it } from 'vitest'
import { ref } from 'vue'

import { useMyProject } from '@/composables/useMyProject'
import { useProjects } from '@/composables/useProjects'
import { ADA, otherProject, project, UNIT } from '@/test/fixtures'
import { fakeNetwork, problem } from '@/test/network'

describe('useProjects', () => {
  it('loads every project', async () => {
    fakeNetwork({ 'GET /api/units/default/projects': { status: 200, body: { projectList: [project, otherProject] } } })
    const p = useProjects(UNIT)
    await p.load()
    expect(p.status.value).toBe('done')
    expect(p.projects.value.map((x) => x.pid)).toEqual([7, 8])
  })

  it('keeps the last list and reports an error when a reload fails', async () => {
    const net = fakeNetwork({ 'GET /api/units/default/projects': { status: 200, body: { projectList: [project] } } })
    const p = useProjects(UNIT)
    await p.load()
    net.routes['GET /api/units/default/projects'] = 'offline'
    await p.load()
    expect(p.status.value).toBe('error')
    expect(p.error.value).toBe(
      'Could not load the projects. Cannot reach the Pair-Up server. Check your connection and try again.',
    )
    expect(p.projects.value).toHaveLength(1)
  })

  it('lets only the latest of overlapping loads decide', async () => {
    let first = true
    let releaseFirst: () => void = () => {}
    const gate = new Promise<void>((r) => (releaseFirst = r))
    fakeNetwork({
      'GET /api/units/default/projects': async () => {
        if (first) {
          first = false
          await gate
          return { status: 200, body: { projectList: [] } }
        }
        return { status: 200, body: { projectList: [project] } }
      },
    })
    const p = useProjects(UNIT)
    const slow = p.load()
    await p.load()
    releaseFirst()
    await slow
    expect(p.projects.value).toHaveLength(1)
  })
})

describe('useMyProject', () => {
  it('has no project on a 404', async () => {
    fakeNetwork({ 'GET /api/units/default/students/21234567/project': problem(404, 'the student has no project') })
    const m = useMyProject(UNIT, ref(ADA))
    await m.load()
    expect(m.status.value).toBe('done')
    expect(m.project.value).toBeNull()
  })

  it('reports other failures', async () => {
    fakeNetwork({ 'GET /api/units/default/students/21234567/project': problem(403, 'no') })
    const m = useMyProject(UNIT, ref(ADA))
    await m.load()
    expect(m.status.value).toBe('error')
    expect(m.error.value).toBe('Could not load your project. You are not allowed to do that.')
  })

  it('creates, updates and deletes, sending lab_id as an integer', async () => {
    const net = fakeNetwork({
      'POST /api/units/default/students/21234567/project': { status: 201, body: project },
      'PUT /api/units/default/students/21234567/project': { status: 200, body: { ...project, description: 'New' } },
      'DELETE /api/units/default/students/21234567/project': { status: 204 },
    })
    const m = useMyProject(UNIT, ref(ADA))
    expect((await m.create({ partnerNumbers: ['21234568'], description: 'A tiny compiler', lab_id: 3 })).ok).toBe(true)
    expect(m.project.value?.pid).toBe(7)
    await m.update({ description: 'New', lab_id: 4 })
    expect(m.project.value?.description).toBe('New')
    await m.remove()
    expect(m.project.value).toBeNull()
    expect(net.seen.map((s) => s.body)).toEqual([
      { partnerNumbers: ['21234568'], description: 'A tiny compiler', lab_id: 3 },
      { description: 'New', lab_id: 4 },
      undefined,
    ])
  })
})
