import { describe, expect, it } from 'vitest'
import { ref } from 'vue'

import type { LabAvailability, Project } from '@/api'
import {
  applyToMine,
  applyToProjects,
  journal,
  mergeLabs,
  removeProject,
  slotKey,
  upsertProject,
} from '@/composables/live'
import { useLabs } from '@/composables/useLabs'
import { useMyProject } from '@/composables/useMyProject'
import { useProjects } from '@/composables/useProjects'
import { ADA, CHARLES, lab, labs, otherProject, project, UNIT } from '@/test/fixtures'
import { fakeNetwork } from '@/test/network'

type Slot = Pick<Project, 'lab' | 'room' | 'starts_at'>

function team(pid: number, slot: Slot, members = [`2200000${pid}`, `2300000${pid}`]): Project {
  return {
    pid,
    unit: UNIT,
    team: `Team ${pid}`,
    description: `Project ${pid}`,
    lab_id: pid * 10,
    ...slot,
    members: members.map((id) => ({ id, name: `Student ${id}` })),
  }
}

const WEEKDAYS: Record<number, string> = { 19: 'Wednesday', 20: 'Thursday', 21: 'Friday' }
const at = (room: string, day: 19 | 20 | 21, time: string): Slot => ({
  lab: `${room} ${WEEKDAYS[day]}, May ${day} ${time}`,
  room,
  starts_at: `2027-05-${day}T${time}`,
})

/** The server's order: start time, then room, then pid. */
const table = [
  team(1, at('CSSE 2.01', 20, '10:00')),
  team(2, at('EZONE 1.24', 20, '10:00')),
  team(3, at('CSSE 2.01', 20, '10:30')),
  team(4, at('CSSE 2.01', 21, '09:00')),
]
const pids = (list: readonly Project[]) => list.map((p) => p.pid)

function available(id: number, starts_at: string, yes: boolean, room = 'CSSE 2.01'): LabAvailability {
  return { ...lab(id, room, starts_at), available: yes }
}

describe('slotKey', () => {
  it('orders slots by start time, then room, across months and years', () => {
    const keys = [
      { starts_at: '2028-01-03T09:00', room: 'CSSE 2.01' },
      { starts_at: '2027-06-03T09:00', room: 'CSSE 2.01' },
      { starts_at: '2027-05-20T10:00', room: 'EZONE 1.24' },
      { starts_at: '2027-05-20T10:00', room: 'CSSE 2.01' },
      { starts_at: '2027-05-09T17:15', room: 'CSSE 2.01' },
    ].map(slotKey)
    expect([...keys].sort()).toEqual([keys[4], keys[3], keys[2], keys[1], keys[0]])
  })
})

describe('merging pushed projects into the table', () => {
  it('inserts a new project at its slot’s place', () => {
    expect(pids(upsertProject(table, team(9, at('CSSE 2.01', 20, '10:15'))))).toEqual([1, 2, 9, 3, 4])
    expect(pids(upsertProject(table, team(9, at('CSSE 2.01', 19, '08:00'))))).toEqual([9, 1, 2, 3, 4])
    expect(pids(upsertProject(table, team(9, at('EZONE 1.24', 21, '11:00'))))).toEqual([1, 2, 3, 4, 9])
    // Same slot and room (a slot with room for two teams): by pid.
    expect(pids(upsertProject(table, team(0, at('CSSE 2.01', 20, '10:00'))))).toEqual([0, 1, 2, 3, 4])
  })

  it('replaces an edited project in place and moves one that changed slot', () => {
    const edited = { ...team(2, at('EZONE 1.24', 20, '10:00')), description: 'New words' }
    const same = upsertProject(table, edited)
    expect(pids(same)).toEqual([1, 2, 3, 4])
    expect(same[1]?.description).toBe('New words')
    const moved = { ...team(1, at('CSSE 2.01', 21, '10:00')), lab_id: 99 }
    expect(pids(upsertProject(table, moved))).toEqual([2, 3, 4, 1])
  })

  it('orders by the slot’s start, not its label', () => {
    const later = team(9, { lab: 'A label that sorts first', room: 'A', starts_at: '2028-01-01T08:00' })
    expect(pids(upsertProject(table, later))).toEqual([1, 2, 3, 4, 9])
  })

  it('removes a deleted project and ignores an unknown one', () => {
    expect(pids(removeProject(table, 3))).toEqual([1, 2, 4])
    expect(pids(removeProject(table, 42))).toEqual([1, 2, 3, 4])
  })

  it('leaves the list alone for other frames', () => {
    expect(applyToProjects(table, { type: 'status', unit: UNIT, room: 'lobby', msg: 'x' })).toBe(table)
  })
})

describe('merging slot availability into the free slots', () => {
  it('adds slots that became free in time order and removes the ones that filled up', () => {
    const merged = mergeLabs(labs, [
      available(1, '2027-05-20T10:00', false),
      available(7, '2027-05-20T10:05', true),
      available(5, '2027-05-21T09:00', true), // already listed
    ])
    expect(merged.map((l) => l.lab_id)).toEqual([4, 7, 2, 5])
    expect(merged.find((l) => l.lab_id === 7)).toEqual(lab(7, 'CSSE 2.01', '2027-05-20T10:05'))
    expect(merged.every((l) => !('available' in l))).toBe(true)
  })
})

describe("the student's own project", () => {
  it('becomes the project a push puts them in, follows its edits and ends when it is deleted', () => {
    expect(applyToMine(null, { type: 'project.changed', unit: UNIT, project: otherProject }, ADA)).toBeNull()
    const made = applyToMine(null, { type: 'project.changed', unit: UNIT, project }, CHARLES)
    expect(made).toEqual(project)
    const edited = { ...project, description: 'Edited' }
    expect(applyToMine(made, { type: 'project.changed', unit: UNIT, project: edited }, CHARLES)).toEqual(edited)
    expect(applyToMine(made, { type: 'project.deleted', unit: UNIT, pid: 8 }, CHARLES)).toBe(made)
    expect(applyToMine(made, { type: 'project.deleted', unit: UNIT, pid: 7 }, CHARLES)).toBeNull()
  })
})

describe('journal', () => {
  it('replays pushes that arrived during a load onto its answer', () => {
    const j = journal(applyToProjects)
    j.start()
    let list: readonly Project[] = table
    list = j.push(list, { type: 'project.deleted', unit: UNIT, pid: 1 })
    list = j.push(list, { type: 'project.changed', unit: UNIT, project: team(9, at('CSSE 2.01', 20, '10:15')) })
    // The answer was read before both changes.
    expect(pids(j.finish(table))).toEqual([2, 9, 3, 4])
    // Nothing is recorded between loads.
    j.push(list, { type: 'project.deleted', unit: UNIT, pid: 2 })
    expect(pids(j.finish(table))).toEqual([1, 2, 3, 4])
  })
})

describe('live composables', () => {
  it('useProjects merges pushes, and refetches quietly on ready and resync', async () => {
    const net = fakeNetwork({ 'GET /api/units/default/projects': { status: 200, body: { projectList: [project] } } })
    const p = useProjects(UNIT)
    await p.load()
    p.apply({ type: 'project.changed', unit: UNIT, project: otherProject })
    expect(p.projects.value.map((x) => x.pid)).toEqual([7, 8])
    p.apply({ type: 'project.deleted', unit: UNIT, pid: 7 })
    expect(p.projects.value.map((x) => x.pid)).toEqual([8])
    p.apply({ type: 'ready' })
    expect(p.status.value).toBe('done') // the shown list stays while it reloads
    await new Promise((r) => setTimeout(r))
    expect(net.calls('GET /api/units/default/projects')).toHaveLength(2)
    expect(p.projects.value.map((x) => x.pid)).toEqual([7])
    p.apply({ type: 'resync' })
    await new Promise((r) => setTimeout(r))
    expect(net.calls('GET /api/units/default/projects')).toHaveLength(3)
  })

  it('useProjects keeps a push that arrives while a slower load is in flight', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    fakeNetwork({
      'GET /api/units/default/projects': async () => {
        await gate
        return { status: 200, body: { projectList: [project] } }
      },
    })
    const p = useProjects(UNIT)
    const loading = p.load()
    p.apply({ type: 'project.changed', unit: UNIT, project: otherProject })
    p.apply({ type: 'project.deleted', unit: UNIT, pid: 7 })
    release()
    await loading
    expect(p.projects.value.map((x) => x.pid)).toEqual([8])
  })

  it('useLabs merges availability', async () => {
    fakeNetwork({ 'GET /api/units/default/labs': { status: 200, body: { available_labs: labs } } })
    const l = useLabs(UNIT)
    await l.load()
    l.apply({ type: 'labs.changed', unit: UNIT, labs: [available(2, '2027-05-20T10:15', false)] })
    expect(l.labs.value.map((x) => x.lab_id)).not.toContain(2)
  })

  it('useMyProject follows pushes about the student', async () => {
    fakeNetwork({
      'GET /api/units/default/students/21234567/project': { status: 404, body: { title: 'x', status: 404 } },
    })
    const m = useMyProject(UNIT, ref(ADA))
    await m.load()
    m.apply({ type: 'project.changed', unit: UNIT, project })
    expect(m.project.value?.pid).toBe(7)
    m.apply({ type: 'project.deleted', unit: UNIT, pid: 7 })
    expect(m.project.value).toBeNull()
  })
})
