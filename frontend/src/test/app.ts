import { flushPromises, mount, type ComponentMountingOptions } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { vi } from 'vitest'
import type { Component } from 'vue'
import { createMemoryHistory } from 'vue-router'

import { createAppRouter } from '@/router'
import { setupApp } from '@/setup'
import { useSessionStore, type Session } from '@/stores/session'

import { fakeSockets } from './socket'

/**
 * Mounts a component the way main.ts mounts the app (Pinia session, router, the API client wired
 * to the session, the live connection), with a memory router at `route` and, unless `session` is
 * null, a signed-in student. Requests go to the global fetch: install a fakeNetwork first. The
 * live connection's sockets are fakes, in `sockets` (pass your own to watch them from the start).
 */
export async function mountInApp<C extends Component>(
  component: C,
  options: {
    session?: Session | null
    route?: string
    props?: ComponentMountingOptions<C>['props']
    sockets?: ReturnType<typeof fakeSockets>
  } = {},
) {
  const sockets = options.sockets ?? fakeSockets()
  sessionStorage.clear()
  const pinia = createPinia()
  setActivePinia(pinia)
  const session = useSessionStore(pinia)
  if (options.session) session.start(options.session)
  const router = createAppRouter(createMemoryHistory())
  void router.push(options.route ?? (options.session ? '/' : '/sign-in'))
  await router.isReady()
  const wrapper = mount(component as Component, {
    attachTo: document.body,
    props: options.props as Record<string, unknown>,
    global: {
      plugins: [{ install: (app) => setupApp(app, router, pinia, { socket: sockets.open }) }],
    },
  })
  await settle()
  return { wrapper, router, session, sockets }
}

/** Lets every pending fetch and re-render finish, and every lazily loaded panel's code arrive. */
export async function settle(): Promise<void> {
  await vi.dynamicImportSettled()
  for (let i = 0; i < 5; i++) await flushPromises()
}
