import { describe, expect, it } from 'vitest'

import MyProject from '@/components/MyProject.vue'
import RankingPanel from '@/components/RankingPanel.vue'
import { ordinal, resultSentence, type Ranking } from '@/composables/useRanking'
import { mountInApp, settle } from '@/test/app'
import { button, control } from '@/test/dom'
import { CHARLES, labs, project, session, unit } from '@/test/fixtures'
import { fakeNetwork, problem, type Handler } from '@/test/network'

const RANKING = '/api/units/default/projects/7/ranking'
const ranked = { ...unit, policy: { ...unit.policy, booking: 'ranked' as const } }
const notRun: Ranking['result'] = { ran: false, lab_id: null, lab: null, rank: null }

function rankingOf(ids: number[], result = notRun) {
  return {
    pid: 7,
    labs: ids.map((id, i) => ({
      lab_id: id,
      lab: labs.find((l) => l.lab_id === id)?.lab ?? `Slot ${id}`,
      rank: i + 1,
    })),
    updated_at: ids.length > 0 ? '2027-05-10T01:00:00Z' : null,
    result,
  }
}

function network(routes: Record<string, Handler> = {}) {
  return fakeNetwork({
    [`GET ${RANKING}`]: { status: 200, body: rankingOf([]) },
    'GET /api/units/default/labs': { status: 200, body: { available_labs: labs } },
    ...routes,
  })
}

async function mount(u = ranked) {
  return mountInApp(RankingPanel, { session, props: { unit: u, pid: 7 } })
}

const items = (w: Awaited<ReturnType<typeof mount>>['wrapper']) => w.findAll('ol.order li .lab').map((x) => x.text())

describe('ranking the slots', () => {
  it('adds slots, reorders them with the keyboard-reachable buttons and saves the order', async () => {
    const net = network({ [`PUT ${RANKING}`]: { status: 200, body: rankingOf([1, 4]) } })
    const { wrapper } = await mount()
    expect(wrapper.text()).toContain('Your team has not ranked any slots yet.')
    const pick = control(wrapper, 'Add a slot')
    await pick.setValue('4')
    await wrapper.get('form.add').trigger('submit')
    await pick.setValue('1')
    await wrapper.get('form.add').trigger('submit')
    expect(items(wrapper)).toEqual(['EZONE 1.24 Thursday, May 20 10:00', 'CSSE 2.01 Thursday, May 20 10:00'])
    // A ranked slot is no longer offered.
    expect(pick.findAll('option').map((o) => o.attributes('value'))).not.toContain('4')

    const up = wrapper.get('button[aria-label="Move CSSE 2.01 Thursday, May 20 10:00 up"]')
    expect(up.text()).toBe('Up')
    await up.trigger('click')
    await settle()
    expect(items(wrapper)).toEqual(['CSSE 2.01 Thursday, May 20 10:00', 'EZONE 1.24 Thursday, May 20 10:00'])
    // It reached the top: the focus moves to its Down button rather than a disabled one.
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Move CSSE 2.01 Thursday, May 20 10:00 down')

    await button(wrapper, 'Save ranking').trigger('click')
    await settle()
    expect(net.calls(`PUT ${RANKING}`)[0]?.body).toEqual({ labs: [1, 4] })
    expect(wrapper.get('[role="status"].notice').text()).toBe('Ranking saved: 2 slots, best first.')
  })

  it('removes a slot and shows the server’s complaint about a slot next to it', async () => {
    network({
      [`GET ${RANKING}`]: { status: 200, body: rankingOf([2, 5]) },
      [`PUT ${RANKING}`]: problem(409, 'labs[0]: that lab slot has already started', [
        { field: 'labs[0]', message: 'that lab slot has already started' },
      ]),
    })
    const { wrapper } = await mount()
    expect(items(wrapper)).toEqual(['CSSE 2.01 Thursday, May 20 10:15', 'CSSE 2.01 Friday, May 21 09:00'])
    await wrapper.get('button[aria-label="Remove CSSE 2.01 Friday, May 21 09:00"]').trigger('click')
    expect(items(wrapper)).toEqual(['CSSE 2.01 Thursday, May 20 10:15'])
    await button(wrapper, 'Save ranking').trigger('click')
    await settle()
    expect(wrapper.get('ol.order li [role="alert"]').text()).toBe('That lab slot has already started.')
    expect(wrapper.get('section > [role="alert"]').text()).toContain('Could not save the ranking.')
  })

  it('asks for a slot before saving an empty ranking', async () => {
    const net = network()
    const { wrapper } = await mount()
    await button(wrapper, 'Save ranking').trigger('click')
    expect(net.calls(`PUT ${RANKING}`)).toHaveLength(0)
    expect(wrapper.get('section > [role="alert"]').text()).toBe('Add at least one slot to your ranking first.')
  })

  it('shows the slot the allocation gave the team, and no controls', async () => {
    network({
      [`GET ${RANKING}`]: {
        status: 200,
        body: rankingOf([2, 5], { ran: true, lab_id: 5, lab: 'CSSE 2.01 Friday, May 21 09:00', rank: 2 }),
      },
    })
    const { wrapper } = await mount()
    expect(wrapper.get('.result').text()).toBe('Your team got CSSE 2.01 Friday, May 21 09:00 (your 2nd choice).')
    expect(wrapper.find('form.add').exists()).toBe(false)
    expect(wrapper.findAll('button').map((b) => b.text())).toEqual([])
  })

  it('is read-only once sign-up has closed', async () => {
    network({ [`GET ${RANKING}`]: { status: 200, body: rankingOf([2]) } })
    const { wrapper } = await mount({ ...ranked, phase: 'closed' })
    expect(wrapper.text()).toContain('the ranking cannot change now')
    expect(items(wrapper)).toEqual(['CSSE 2.01 Thursday, May 20 10:15'])
    expect(wrapper.find('form.add').exists()).toBe(false)
  })

  it('says when it cannot load, and tries again', async () => {
    const net = network({ [`GET ${RANKING}`]: 'offline' })
    const { wrapper } = await mount()
    expect(wrapper.get('[role="alert"]').text()).toContain("Could not load your team's ranking.")
    net.routes[`GET ${RANKING}`] = { status: 200, body: rankingOf([1]) }
    await button(wrapper, 'Try again').trigger('click')
    await settle()
    expect(items(wrapper)).toEqual(['CSSE 2.01 Thursday, May 20 10:00'])
  })
})

describe('forming a team in a ranked unit', () => {
  it('offers no slot picker, says why, and creates the team without a slot', async () => {
    const PROJECT = '/api/units/default/students/21234567/project'
    const net = network({
      [`GET ${PROJECT}`]: problem(404, 'the student has no project'),
      [`POST ${PROJECT}`]: { status: 201, body: { ...project, lab_id: null, lab: null, room: null, starts_at: null } },
    })
    const { wrapper } = await mountInApp(MyProject, { session, props: { unit: ranked } })
    expect(wrapper.text()).toContain(
      'Slots in this unit are allocated: once your team exists, rank the slots it prefers.',
    )
    expect(wrapper.find('select').exists()).toBe(false)
    await control(wrapper, "Partner's student number").setValue(CHARLES)
    await control(wrapper, 'Project description').setValue('A tiny compiler')
    await button(wrapper, 'Create project').trigger('submit')
    await settle()
    expect(net.calls(`POST ${PROJECT}`)[0]?.body).toEqual({ partnerNumbers: [CHARLES], description: 'A tiny compiler' })
  })
})

describe('the ranking words', () => {
  it('writes ordinals and results', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
    ])
    expect(resultSentence(notRun)).toBe('')
    expect(resultSentence({ ran: true, lab_id: null, lab: null, rank: null })).toContain('found no slot')
    expect(resultSentence({ ran: true, lab_id: 3, lab: 'Lab 3', rank: null })).toBe(
      'Your team got Lab 3 (a slot you did not rank).',
    )
  })
})
