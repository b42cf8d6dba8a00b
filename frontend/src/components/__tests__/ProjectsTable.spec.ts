import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import ProjectsTable from '@/components/ProjectsTable.vue'
import type { LoadStatus } from '@/composables/status'
import { ADA, otherProject, project } from '@/test/fixtures'

function table(status: LoadStatus, projects = [project, otherProject], error = '') {
  return mount(ProjectsTable, { props: { projects, status, error, studentNumber: ADA } })
}

describe('ProjectsTable', () => {
  it('has the caption and column headers students and tools look for', () => {
    const w = table('done')
    expect(w.get('caption').text()).toBe('Projects')
    expect(w.findAll('th[scope="col"]').map((th) => th.text())).toEqual([
      '#',
      'Team',
      'Project description',
      'Demo lab',
    ])
  })

  it('lists the projects in the order given (slot order), numbered', () => {
    const rows = table('done').findAll('tbody tr')
    expect(rows.map((r) => r.findAll('td').map((td) => td.text()))).toEqual([
      ['1', 'Ada Lovelace & Charles Babbage your team', 'A tiny compiler', 'CSSE 2.01 Thursday, May 20 10:30'],
      ['2', 'Grace Hopper & Alan Turing', '<img src=x onerror=alert(1)>', 'EZONE 1.24 Friday, May 21 10:00'],
    ])
  })

  it("highlights the student's own team", () => {
    const rows = table('done').findAll('tbody tr')
    expect(rows[0]?.classes()).toContain('own')
    expect(rows[0]?.attributes('aria-current')).toBe('true')
    expect(rows[1]?.classes()).not.toContain('own')
    expect(rows[1]?.attributes('aria-current')).toBeUndefined()
  })

  it('shows markup in a description as text', () => {
    const w = table('done')
    expect(w.find('img').exists()).toBe(false)
    expect(w.findAll('td.description')[1]?.element.textContent).toBe('<img src=x onerror=alert(1)>')
  })

  it('says when there are no projects yet', () => {
    const w = table('done', [])
    expect(w.get('tbody').text()).toBe('No projects yet. Be the first to pair up.')
    expect(w.get('[role="status"]').text()).toBe('0 projects.')
  })

  it('says while loading', () => {
    const w = table('loading', [])
    expect(w.get('tbody').text()).toBe('Loading projects…')
    expect(w.get('table').attributes('aria-busy')).toBe('true')
    expect(w.get('[role="status"]').text()).toBe('Loading projects…')
  })

  it('announces a failure and keeps what it had', () => {
    const w = table('error', [project], 'Could not load the projects. Cannot reach the Pair-Up server.')
    expect(w.get('[role="alert"]').text()).toBe('Could not load the projects. Cannot reach the Pair-Up server.')
    expect(w.findAll('tbody tr')).toHaveLength(1)
  })

  it('says so when it failed with nothing to show', () => {
    expect(table('error', [], 'Could not load the projects.').get('tbody').text()).toBe(
      'The projects could not be loaded.',
    )
  })

  it('asks for a refresh, but not while one is under way', async () => {
    const w = table('done')
    await w.get('button').trigger('click')
    expect(w.emitted('refresh')).toHaveLength(1)
    await w.setProps({ status: 'loading' })
    await w.get('button').trigger('click')
    expect(w.emitted('refresh')).toHaveLength(1)
  })
})
