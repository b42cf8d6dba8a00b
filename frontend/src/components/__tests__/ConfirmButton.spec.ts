import { mount, type VueWrapper } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import ConfirmButton from '@/components/ConfirmButton.vue'

const props = {
  label: 'Leave team',
  question: 'Leave this team?',
  detail: 'The others keep the project.',
  confirm: 'Leave',
}

function confirmButton(extra: { busy?: boolean } = {}) {
  return mount(ConfirmButton, { props: { ...props, ...extra }, attachTo: document.body })
}

const button = (w: VueWrapper, name: string) => {
  const b = w.findAll('button').find((x) => x.text() === name)
  if (!b) throw new Error(`no button ${name}`)
  return b
}

describe('ConfirmButton', () => {
  it('asks in a modal dialog named by its question, with the focus on Cancel', async () => {
    const w = confirmButton()
    expect(w.find('dialog').exists()).toBe(false)
    await button(w, 'Leave team').trigger('click')
    const dialog = w.get('dialog')
    expect((dialog.element as HTMLDialogElement).open).toBe(true)
    expect(document.getElementById(dialog.attributes('aria-labelledby') ?? '')?.textContent).toBe('Leave this team?')
    expect(document.getElementById(dialog.attributes('aria-describedby') ?? '')?.textContent).toBe(
      'The others keep the project.',
    )
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel')
    expect(w.emitted('confirm')).toBeUndefined()
  })

  it('confirms, closing the dialog', async () => {
    const w = confirmButton()
    await button(w, 'Leave team').trigger('click')
    await button(w, 'Leave').trigger('click')
    expect(w.emitted('confirm')).toHaveLength(1)
    expect(w.find('dialog').exists()).toBe(false)
  })

  it('goes back on Cancel or Escape, with the focus on the button', async () => {
    const w = confirmButton()
    await button(w, 'Leave team').trigger('click')
    await button(w, 'Cancel').trigger('click')
    await w.vm.$nextTick()
    expect(w.find('dialog').exists()).toBe(false)
    expect(document.activeElement?.textContent?.trim()).toBe('Leave team')

    await button(w, 'Leave team').trigger('click')
    await w.get('dialog').trigger('keydown', { key: 'Escape' })
    await w.vm.$nextTick()
    expect(w.find('dialog').exists()).toBe(false)
    expect(document.activeElement?.textContent?.trim()).toBe('Leave team')

    // The browser's own Escape handling fires `cancel`.
    await button(w, 'Leave team').trigger('click')
    await w.get('dialog').trigger('cancel')
    expect(w.find('dialog').exists()).toBe(false)
    expect(w.emitted('confirm')).toBeUndefined()
  })

  it('does not confirm twice while busy', async () => {
    const w = confirmButton({ busy: true })
    await button(w, 'Leave team').trigger('click')
    expect(button(w, 'Leave').attributes('aria-disabled')).toBe('true')
    await button(w, 'Leave').trigger('click')
    expect(w.emitted('confirm')).toBeUndefined()
  })
})
