import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import DeleteProject from '@/components/DeleteProject.vue'

const button = (w: ReturnType<typeof mount>, name: string) => {
  const b = w.findAll('button').find((x) => x.text() === name)
  if (!b) throw new Error(`no button ${name}`)
  return b
}

describe('DeleteProject', () => {
  it('asks before deleting and moves the focus to Cancel', async () => {
    const w = mount(DeleteProject, { attachTo: document.body })
    await button(w, 'Delete project').trigger('click')
    expect(w.get('[role="group"]').text()).toContain('Delete this project?')
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel')
    expect(w.emitted('confirm')).toBeUndefined()
  })

  it('deletes on Delete', async () => {
    const w = mount(DeleteProject, { attachTo: document.body })
    await button(w, 'Delete project').trigger('click')
    await button(w, 'Delete').trigger('click')
    expect(w.emitted('confirm')).toHaveLength(1)
  })

  it('goes back on Cancel or Escape, with the focus on Delete project', async () => {
    const w = mount(DeleteProject, { attachTo: document.body })
    await button(w, 'Delete project').trigger('click')
    await button(w, 'Cancel').trigger('click')
    expect(w.find('[role="group"]').exists()).toBe(false)
    expect(document.activeElement?.textContent?.trim()).toBe('Delete project')

    await button(w, 'Delete project').trigger('click')
    await w.get('[role="group"]').trigger('keydown', { key: 'Escape' })
    expect(w.find('[role="group"]').exists()).toBe(false)
    expect(document.activeElement?.textContent?.trim()).toBe('Delete project')
    expect(w.emitted('confirm')).toBeUndefined()
  })

  it('does not delete twice while busy', async () => {
    const w = mount(DeleteProject, { attachTo: document.body, props: { busy: true } })
    await button(w, 'Delete project').trigger('click')
    await button(w, 'Delete').trigger('click')
    expect(w.emitted('confirm')).toBeUndefined()
  })
})
