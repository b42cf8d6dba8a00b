import { defineComponent, h, ref, shallowRef, type Component } from 'vue'

/**
 * A component whose code is fetched when it is first shown, not with the first load: the unit
 * page's panels that only some units use. Until the code arrives it says so ("Loading the
 * board…", a status); when it cannot be fetched (offline, a new release replaced the file) it
 * says that, with a Retry button that fetches it again. Props, listeners, classes and slots go
 * to the loaded component unchanged. Once loaded, the code is kept: later mounts are immediate.
 *
 * `what` names the panel in those messages: "board" gives "Loading the board…".
 */
export function lazyPanel<T extends Component>(load: () => Promise<{ default: T }>, what: string): T {
  let loaded: T | null = null
  let pending: Promise<T> | null = null
  const fetchOnce = () => {
    pending ??= load().then(
      (m) => (loaded = m.default),
      (err: unknown) => {
        pending = null // Retry asks again
        throw err
      },
    )
    return pending
  }

  return defineComponent({
    name: 'LazyPanel',
    inheritAttrs: false,
    setup(_, { attrs, slots }) {
      const component = shallowRef<T | null>(loaded)
      const failed = ref(false)
      async function fetch() {
        failed.value = false
        try {
          component.value = await fetchOnce()
        } catch {
          failed.value = true
        }
      }
      if (component.value === null) void fetch()

      return () => {
        if (component.value !== null) return h(component.value, attrs, slots)
        const cls = ['card', 'lazy-panel', attrs.class]
        if (!failed.value)
          return h('section', { class: cls }, [h('p', { class: 'hint', role: 'status' }, `Loading the ${what}…`)])
        return h('section', { class: cls }, [
          h(
            'p',
            { class: 'form-error', role: 'alert' },
            `Could not load the ${what}. Check your connection and try again.`,
          ),
          h('button', { type: 'button', class: 'btn', onClick: fetch }, 'Retry'),
        ])
      }
    },
  }) as unknown as T
}
