import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import LabPicker from '@/components/LabPicker.vue'
import { labs } from '@/test/fixtures'

type Props = InstanceType<typeof LabPicker>['$props']

function picker(props: Partial<Props> = {}) {
  return mount(LabPicker, {
    props: { labs, status: 'done', modelValue: null, ...props } as Props,
    attachTo: document.body,
  })
}

describe('LabPicker', () => {
  it('is a labelled select of free slots grouped by room and day, in time order', () => {
    const w = picker()
    const select = w.get('select')
    expect(w.get(`label[for="${select.attributes('id')}"]`).text()).toBe('Demonstration lab')
    const groups = w.findAll('optgroup')
    expect(groups.map((g) => g.attributes('label'))).toEqual([
      'CSSE 2.01, Thursday 20 May',
      'EZONE 1.24, Thursday 20 May',
      'CSSE 2.01, Friday 21 May',
    ])
    expect(groups[0]?.findAll('option').map((o) => o.text())).toEqual([
      'CSSE 2.01 Thursday, May 20 10:00',
      'CSSE 2.01 Thursday, May 20 10:15',
    ])
    // Nothing is chosen until the student chooses.
    expect((select.element as HTMLSelectElement).selectedOptions[0]?.text).toBe('Choose a slot')
  })

  it('reports the chosen slot as an integer', async () => {
    const w = picker()
    await w.get('select').setValue('2')
    expect(w.emitted('update:modelValue')).toEqual([[2]])
  })

  it('offers a project its current slot first, then the free ones', () => {
    const w = picker({ current: { lab_id: 3, lab: 'CSSE 2.01 Thursday, May 20 10:30' }, modelValue: 3 })
    const first = w.findAll('optgroup')[0]
    expect(first?.attributes('label')).toBe('Your current slot')
    expect(first?.text()).toBe('CSSE 2.01 Thursday, May 20 10:30')
    expect((w.get('select').element as HTMLSelectElement).value).toBe('3')
    expect(w.findAll('option')).toHaveLength(1 + 1 + labs.length)
  })

  it('does not list the current slot twice when it still has room', () => {
    const w = picker({ current: { lab_id: 2, lab: 'CSSE 2.01 Thursday, May 20 10:15' }, modelValue: 2 })
    expect(w.findAll('option').filter((o) => o.text() === 'CSSE 2.01 Thursday, May 20 10:15')).toHaveLength(1)
  })

  it('ties an error to the select', () => {
    const w = picker({ error: 'That lab slot is full.' })
    const select = w.get('select')
    expect(select.attributes('aria-invalid')).toBe('true')
    const ids = select.attributes('aria-describedby')?.split(' ') ?? []
    expect(ids.map((id) => document.getElementById(id)?.textContent?.trim())).toContain('That lab slot is full.')
  })

  it('says when no slot is free', () => {
    const w = picker({ labs: [] })
    expect(w.text()).toContain('No slot is free at the moment.')
    expect(w.findAll('optgroup')).toHaveLength(0)
  })

  it('says while the slots load', () => {
    expect(picker({ labs: [], status: 'loading' }).text()).toContain('Loading the free slots…')
  })

  it('offers a retry when the slots could not be loaded', async () => {
    const w = picker({ labs: [], status: 'error', loadError: 'Could not load the free lab slots.' })
    expect(w.text()).toContain('Could not load the free lab slots.')
    await w.get('button').trigger('click')
    expect(w.emitted('retry')).toHaveLength(1)
  })

  it('announces a failed load in a live region that is there all along, and ties it to the select', async () => {
    const w = picker({ labs: [], status: 'loading' })
    const region = w.get('[role="alert"]')
    expect(region.text()).toBe('')
    expect(w.find('button').exists()).toBe(false)
    await w.setProps({ status: 'error', loadError: 'Could not load the free lab slots.' })
    expect(w.get('[role="alert"]').element).toBe(region.element)
    expect(region.text()).toBe('Could not load the free lab slots.')
    const ids = w.get('select').attributes('aria-describedby')?.split(' ') ?? []
    expect(ids).toContain(region.attributes('id'))
    // The slot's own complaint is said by the form's alert region instead (see ProjectForm).
    await w.setProps({ error: 'That lab slot is full.' })
    expect(w.findAll('[role="alert"], [aria-live]').map((e) => e.text())).toEqual([
      'Could not load the free lab slots.',
    ])
  })

  it('renders labels as text', () => {
    const w = picker({
      labs: [{ lab_id: 9, unit: 'default', lab: '<b>Room</b>', room: '<i>R</i>', starts_at: '2027-05-20T10:00' }],
    })
    expect(w.find('b').exists()).toBe(false)
    expect(w.find('option:not([disabled])').text()).toBe('<b>Room</b>')
    expect(w.get('optgroup').attributes('label')).toBe('<i>R</i>, Thursday 20 May')
  })
})
