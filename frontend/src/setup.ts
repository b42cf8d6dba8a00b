import { createPinia, type Pinia } from 'pinia'
import { watch, type App } from 'vue'
import type { Router } from 'vue-router'

import { api, call, connectSession } from '@/api'
import { createRealtime, REALTIME, type SocketFactory } from '@/composables/useRealtime'
import { useSessionStore } from '@/stores/session'

export const SESSION_ENDED = 'Your session has ended. Please sign in again.'

export interface SetupOptions {
  /** Opens the live connection's WebSocket; tests pass a fake. */
  socket?: SocketFactory
}

/**
 * Installs the session store and the router, and tells the API client where the token is and
 * what a refused token does: end the session and go back to sign-in with a message. Opens the
 * one live connection (useRealtime) while a session exists: a 4401 close from it ends the session
 * the same way.
 */
export function setupApp(app: App, router: Router, pinia: Pinia = createPinia(), options: SetupOptions = {}): void {
  app.use(pinia)
  const session = useSessionStore(pinia)
  const onUnauthorized = () => {
    session.end(SESSION_ENDED)
    void router.replace({ name: 'sign-in' })
  }
  connectSession({ token: () => session.token, onUnauthorized })

  const realtime = createRealtime({
    token: () => session.token,
    onUnauthorized,
    // A refused handshake looks like a network failure to the page: a REST call tells which.
    onRefused: () => void call(api.GET('/me')),
    open: options.socket,
  })
  app.provide(REALTIME, realtime)
  const unwatch = watch(
    () => session.token,
    () => realtime.sync(),
    { immediate: true },
  )
  app.onUnmount(() => {
    unwatch()
    realtime.stop()
  })
  app.use(router)
}
