import { mount, type VueWrapper } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'

import ProjectForm from '@/components/ProjectForm.vue'
import { ADA, CHARLES, labs, project } from '@/test/fixtures'

type Props = InstanceType<typeof ProjectForm>['$props']

function form(props: Partial<Props> = {}) {
  return mount(ProjectForm, {
    props: { studentNumber: ADA, labs, labsStatus: 'done', ...props } as Props,
    attachTo: document.body,
  })
}

/** The control whose <label> reads `name`. */
function control(w: VueWrapper, name: string) {
  const label = w.findAll('label').find((l) => l.text() === name)
  if (!label) throw new Error(`no label ${name}`)
  return w.get(`#${label.attributes('for')}`)
}

function description(w: VueWrapper, name: string): string {
  const ids = control(w, name).attributes('aria-describedby')?.split(' ') ?? []
  return ids.map((id) => document.getElementById(id)?.textContent?.trim()).join(' ')
}

describe('ProjectForm without a project', () => {
  it('asks for partner, description and slot, with visible labels', () => {
    const w = form()
    expect(w.findAll('label').map((l) => l.text())).toEqual([
      "Partner's student number",
      'Project description',
      'Demonstration lab',
    ])
    expect(w.get('button[type="submit"]').text()).toBe('Create project')
  })

  it('submits the trimmed values with lab_id as an integer', async () => {
    const w = form()
    await control(w, "Partner's student number").setValue(` ${CHARLES} `)
    await control(w, 'Project description').setValue('  A tiny compiler\nwith a REPL  ')
    await control(w, 'Demonstration lab').setValue('2')
    await w.get('form').trigger('submit')
    expect(w.emitted('submit')).toEqual([
      [{ partnerNumbers: [CHARLES], description: 'A tiny compiler with a REPL', lab_id: 2 }],
    ])
  })

  it('checks the fields first, marks each one and focuses the first', async () => {
    const w = form()
    await w.get('form').trigger('submit')
    await nextTick()
    expect(w.emitted('submit')).toBeUndefined()
    expect(w.get('[role="alert"]').text()).toBe('Please correct the fields marked below.')
    const partner = control(w, "Partner's student number")
    expect(partner.attributes('aria-invalid')).toBe('true')
    expect(description(w, "Partner's student number")).toContain("Enter your partner's 8-digit student number.")
    expect(description(w, 'Project description')).toContain('Describe your project.')
    expect(description(w, 'Demonstration lab')).toContain('Choose a demonstration lab.')
    expect(document.activeElement).toBe(partner.element)
    // Announced once, by the alert region: the complaints next to the fields are not live regions.
    expect(w.findAll('.field-error[role], .field-error[aria-live]').filter((e) => e.text() !== '')).toEqual([])
  })

  it('will not pair a student with themself', async () => {
    const w = form()
    await control(w, "Partner's student number").setValue(ADA)
    await w.get('form').trigger('submit')
    expect(description(w, "Partner's student number")).toContain('Your partner must be someone else.')
  })

  it('treats a description of only white space as empty', async () => {
    const w = form()
    await control(w, 'Project description').setValue(' \t ')
    await w.get('form').trigger('submit')
    expect(description(w, 'Project description')).toContain('Describe your project.')
  })

  it('clears a field’s complaint as soon as it is edited', async () => {
    const w = form()
    await w.get('form').trigger('submit')
    await control(w, "Partner's student number").setValue('2')
    expect(control(w, "Partner's student number").attributes('aria-invalid')).toBe('false')
    expect(control(w, 'Project description').attributes('aria-invalid')).toBe('true')
  })

  it('shows the server’s complaints next to their fields and focuses the first', async () => {
    const w = form()
    await w.setProps({
      message: 'Could not create the project. That lab slot is full.',
      serverErrors: { lab_id: 'That lab slot is full.' },
    })
    await nextTick()
    expect(w.get('[role="alert"]').text()).toBe('Could not create the project. That lab slot is full.')
    const select = control(w, 'Demonstration lab')
    expect(select.attributes('aria-invalid')).toBe('true')
    expect(description(w, 'Demonstration lab')).toContain('That lab slot is full.')
    expect(document.activeElement).toBe(select.element)
  })

  it('announces a chosen slot taken away by a push, once, without moving the focus', async () => {
    const w = form()
    const select = control(w, 'Demonstration lab')
    await select.setValue('2')
    ;(control(w, 'Project description').element as HTMLElement).focus()
    await w.setProps({ labs: labs.filter((l) => l.lab_id !== 2) })
    const taken = 'That slot has just been booked by another team. Choose another.'
    expect((select.element as HTMLSelectElement).selectedOptions[0]?.text).toBe('Choose a slot')
    expect(select.attributes('aria-invalid')).toBe('true')
    expect(description(w, 'Demonstration lab')).toContain(taken)
    // Said by the form's alert region (which is always there); the complaint next to the picker
    // is not a live region of its own, so it is not said twice.
    const alert = w.get('.form-error')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.text()).toBe(taken)
    expect(w.findAll('[role="alert"], [aria-live]').filter((e) => e.text().includes(taken))).toHaveLength(1)
    expect(document.activeElement).toBe(control(w, 'Project description').element)

    // Choosing another slot settles it.
    await select.setValue('1')
    expect(select.attributes('aria-invalid')).toBe('false')
    expect(alert.text()).toBe('')
  })

  it('announces the lost slot over an earlier message from the server', async () => {
    const w = form({ message: 'Could not create the project. That student is already in a project.' })
    await control(w, 'Demonstration lab').setValue('2')
    await w.setProps({ labs: labs.filter((l) => l.lab_id !== 2) })
    expect(w.get('.form-error').text()).toBe('That slot has just been booked by another team. Choose another.')
  })

  it('lets go of a chosen slot that is no longer offered, keeping the complaint', async () => {
    const w = form()
    await control(w, 'Demonstration lab').setValue('2')
    await w.setProps({ serverErrors: { lab_id: 'That lab slot is full.' } })
    await w.setProps({ labs: labs.filter((l) => l.lab_id !== 2) })
    expect((control(w, 'Demonstration lab').element as HTMLSelectElement).selectedOptions[0]?.text).toBe(
      'Choose a slot',
    )
    expect(description(w, 'Demonstration lab')).toContain('That lab slot is full.')
    // The server's message said it already: nothing new to announce.
    expect(w.get('.form-error').text()).toBe('')
  })

  it('keeps newlines out of the description', async () => {
    const w = form()
    const e = new KeyboardEvent('keydown', { key: 'Enter', cancelable: true })
    control(w, 'Project description').element.dispatchEvent(e)
    expect(e.defaultPrevented).toBe(true)
  })

  it('does not submit twice while busy', async () => {
    const w = form({ busy: true })
    await control(w, "Partner's student number").setValue(CHARLES)
    await control(w, 'Project description').setValue('x')
    await control(w, 'Demonstration lab').setValue('2')
    await w.get('form').trigger('submit')
    expect(w.emitted('submit')).toBeUndefined()
  })
})

describe('ProjectForm with a project', () => {
  it('shows the team and slot and edits description and slot', async () => {
    const w = form({ project })
    expect(w.find('dl').text()).toContain('Ada Lovelace & Charles Babbage')
    expect(w.find('dl').text()).toContain('CSSE 2.01 Thursday, May 20 10:30')
    expect(w.findAll('label').map((l) => l.text())).toEqual(['Project description', 'Demonstration lab'])
    expect((control(w, 'Project description').element as HTMLTextAreaElement).value).toBe('A tiny compiler')
    expect((control(w, 'Demonstration lab').element as HTMLSelectElement).value).toBe('3')
    expect(w.get('button[type="submit"]').text()).toBe('Save changes')

    await control(w, 'Demonstration lab').setValue('5')
    await w.get('form').trigger('submit')
    expect(w.emitted('submit')).toEqual([[{ description: 'A tiny compiler', lab_id: 5 }]])
  })

  it('keeps the current slot chosen when the free slots reload', async () => {
    const w = form({ project })
    await w.setProps({ labs: [] })
    expect((control(w, 'Demonstration lab').element as HTMLSelectElement).value).toBe('3')
  })

  it('renders the team as text', () => {
    const w = form({ project: { ...project, team: '<b>Ada</b> & Charles' } })
    expect(w.find('b').exists()).toBe(false)
    expect(w.find('dd').text()).toBe('<b>Ada</b> & Charles')
  })
})

describe('ProjectForm in a unit of teams of 3 to 4', () => {
  const teams = { team_min: 3, team_max: 4 }
  const GRACE = '21234569'
  const ALAN = '21234570'

  it('asks for team_max − 1 partners, states the team size and marks the extra one optional', () => {
    const w = form({ policy: teams })
    expect(w.findAll('label').map((l) => l.text())).toEqual([
      "Partner's student number",
      "Partner 2's student number",
      "Partner 3's student number",
      'Project description',
      'Demonstration lab',
    ])
    expect(w.text()).toContain('Teams have 3 to 4 members, you included.')
    expect(description(w, "Partner's student number")).toContain('Teams have 3 to 4 members, you included.')
    expect(description(w, "Partner 2's student number")).not.toContain('Optional')
    expect(description(w, "Partner 3's student number")).toContain('Optional.')
  })

  it('has one partner field for pairs and none for students who work alone', () => {
    expect(form().findAll('input[name="partnerNumbers"]')).toHaveLength(1)
    const alone = form({ policy: { team_min: 1, team_max: 1 } })
    expect(alone.findAll('input[name="partnerNumbers"]')).toHaveLength(0)
    expect(alone.text()).toContain('Everyone works alone in this unit.')
  })

  it('sends only the filled partner fields, trimmed, as partnerNumbers', async () => {
    const w = form({ policy: teams })
    await control(w, "Partner's student number").setValue(` ${CHARLES}`)
    await control(w, "Partner 2's student number").setValue(GRACE)
    await control(w, 'Project description').setValue('A timetable solver')
    await control(w, 'Demonstration lab').setValue('2')
    await w.get('form').trigger('submit')
    expect(w.emitted('submit')).toEqual([
      [{ partnerNumbers: [CHARLES, GRACE], description: 'A timetable solver', lab_id: 2 }],
    ])

    await control(w, "Partner 3's student number").setValue(ALAN)
    await w.get('form').trigger('submit')
    expect(w.emitted('submit')?.[1]).toEqual([
      { partnerNumbers: [CHARLES, GRACE, ALAN], description: 'A timetable solver', lab_id: 2 },
    ])
  })

  it('requires the first team_min − 1 partners and checks every filled one', async () => {
    const w = form({ policy: teams })
    await control(w, "Partner's student number").setValue(CHARLES)
    await control(w, "Partner 3's student number").setValue('123')
    await control(w, 'Project description').setValue('x')
    await control(w, 'Demonstration lab').setValue('2')
    await w.get('form').trigger('submit')
    await nextTick()
    expect(w.emitted('submit')).toBeUndefined()
    expect(description(w, "Partner 2's student number")).toContain("Enter partner 2's 8-digit student number.")
    expect(description(w, "Partner 3's student number")).toContain(
      "Enter partner 3's 8-digit student number, or leave it empty.",
    )
    expect(document.activeElement).toBe(control(w, "Partner 2's student number").element)
  })

  it('refuses the student themself and the same partner twice', async () => {
    const w = form({ policy: teams })
    await control(w, "Partner's student number").setValue(CHARLES)
    await control(w, "Partner 2's student number").setValue(CHARLES)
    await control(w, "Partner 3's student number").setValue(ADA)
    await w.get('form').trigger('submit')
    expect(description(w, "Partner 2's student number")).toContain('You have named this student already.')
    expect(description(w, "Partner 3's student number")).toContain(
      'That is your own student number: name someone else.',
    )
  })

  it('puts the server’s complaint about partnerNumbers next to the partner it names', async () => {
    const w = form({ policy: teams })
    await control(w, "Partner's student number").setValue(CHARLES)
    await control(w, "Partner 2's student number").setValue(GRACE)
    await w.setProps({ serverErrors: { partnerNumbers: `${GRACE} is not a student of this unit.` } })
    await nextTick()
    const second = control(w, "Partner 2's student number")
    expect(second.attributes('aria-invalid')).toBe('true')
    expect(description(w, "Partner 2's student number")).toContain(`${GRACE} is not a student of this unit.`)
    expect(control(w, "Partner's student number").attributes('aria-invalid')).toBe('false')
    expect(document.activeElement).toBe(second.element)

    // One that names nobody in particular goes next to the first.
    await w.setProps({ serverErrors: { partnerNumbers: 'A team has 3 to 4 members.' } })
    await nextTick()
    expect(control(w, "Partner's student number").attributes('aria-invalid')).toBe('true')
    expect(second.attributes('aria-invalid')).toBe('false')
  })
})
