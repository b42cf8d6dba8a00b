import { createPinia, type Pinia } from 'pinia'
import type { App } from 'vue'
import type { Router } from 'vue-router'

import { connectSession } from '@/api'
import { useSessionStore } from '@/stores/session'

export const SESSION_ENDED = 'Your session has ended. Please sign in again.'

/**
 * Installs the session store and the router, and tells the API client where the token is and
 * what a refused token does: end the session and go back to sign-in with a message.
 */
export function setupApp(app: App, router: Router, pinia: Pinia = createPinia()): void {
  app.use(pinia)
  const session = useSessionStore(pinia)
  connectSession({
    token: () => session.token,
    onUnauthorized: () => {
      session.end(SESSION_ENDED)
      void router.replace({ name: 'sign-in' })
    },
  })
  app.use(router)
}
