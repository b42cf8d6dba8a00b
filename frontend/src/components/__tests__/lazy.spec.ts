import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'

import { lazyPanel } from '@/components/lazy'

/** The panel the lazy one stands for: shows its prop and a slot, and emits `changed`. */
const Panel = defineComponent({
  props: { label: { type: String, required: true } },
  emits: ['changed'],
  setup(props, { emit, slots }) {
    return () =>
      h('section', { class: 'panel' }, [
        h('button', { type: 'button', onClick: () => emit('changed', props.label) }, props.label),
        slots.default?.(),
      ])
  },
})

/** A loader whose every call waits for the test to settle it. */
function loader() {
  const calls: { resolve: () => void; reject: () => void }[] = []
  const load = vi.fn(
    () =>
      new Promise<{ default: typeof Panel }>((resolve, reject) => {
        calls.push({
          resolve: () => resolve({ default: Panel }),
          reject: () => reject(new TypeError('Failed to fetch')),
        })
      }),
  )
  return { load, calls }
}

describe('lazyPanel', () => {
  it('says it is loading, then shows the panel with its props, class, slots and listeners', async () => {
    const { load, calls } = loader()
    const Lazy = lazyPanel(load, 'board')
    const onChanged = vi.fn()
    const w = mount(Lazy, {
      props: { label: 'Board', class: 'board', onChanged },
      slots: { default: () => 'extra' },
    })
    expect(w.get('[role="status"]').text()).toBe('Loading the board…')
    expect(w.get('section').classes()).toContain('board')
    expect(w.find('.panel').exists()).toBe(false)

    calls[0]?.resolve()
    await flushPromises()
    expect(w.find('[role="status"]').exists()).toBe(false)
    const panel = w.get('.panel')
    expect(panel.classes()).toContain('board')
    expect(panel.text()).toBe('Boardextra')
    await panel.get('button').trigger('click')
    expect(onChanged).toHaveBeenCalledWith('Board')

    // The props still reach it when they change.
    await w.setProps({ label: 'Renamed' })
    expect(w.get('.panel button').text()).toBe('Renamed')

    // Loaded once: the next page that shows it has it at once, without fetching again.
    const again = mount(Lazy, { props: { label: 'Again' } })
    expect(again.get('.panel button').text()).toBe('Again')
    expect(load).toHaveBeenCalledTimes(1)
  })

  it('says so when the code cannot be fetched, and Retry fetches it again', async () => {
    const { load, calls } = loader()
    const Lazy = lazyPanel(load, 'waitlist')
    const w = mount(Lazy, { props: { label: 'Waitlist' } })
    calls[0]?.reject()
    await flushPromises()
    expect(w.get('[role="alert"]').text()).toBe('Could not load the waitlist. Check your connection and try again.')
    expect(w.find('.panel').exists()).toBe(false)

    await w.get('button').trigger('click')
    expect(load).toHaveBeenCalledTimes(2)
    expect(w.get('[role="status"]').text()).toBe('Loading the waitlist…')
    expect(w.find('[role="alert"]').exists()).toBe(false)
    calls[1]?.resolve()
    await flushPromises()
    expect(w.get('.panel button').text()).toBe('Waitlist')
  })

  it('asks once for panels mounted together', async () => {
    const { load, calls } = loader()
    const Lazy = lazyPanel(load, 'ranking')
    const a = mount(Lazy, { props: { label: 'A' } })
    const b = mount(Lazy, { props: { label: 'B' } })
    expect(load).toHaveBeenCalledTimes(1)
    calls[0]?.resolve()
    await flushPromises()
    expect(a.get('.panel button').text()).toBe('A')
    expect(b.get('.panel button').text()).toBe('B')
  })
})
