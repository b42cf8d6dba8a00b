import { createRouter, createWebHistory, type RouterHistory } from 'vue-router'

import { useSessionStore } from '@/stores/session'
import SignInView from '@/views/SignInView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    title: string
  }
}

export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)) {
  const router = createRouter({
    history,
    routes: [
      {
        path: '/sign-in',
        name: 'sign-in',
        component: SignInView,
        meta: { public: true, title: 'Sign in' },
      },
      // The first load is the sign-in page: the pages behind it come in chunks of their own,
      // fetched on the way to them.
      // Opens the person's unit (the default one when they are in it).
      {
        path: '/',
        name: 'home',
        component: () => import('@/views/HomeView.vue'),
        meta: { title: 'Your units' },
      },
      {
        path: '/u/:unit',
        name: 'unit',
        component: () => import('@/views/UnitView.vue'),
        props: (to) => ({ code: String(to.params.unit) }),
        meta: { title: 'Projects' },
      },
      // The coordinator's console, loaded only when opened: students never download it.
      {
        path: '/u/:unit/admin',
        name: 'console',
        component: () => import('@/views/admin/ConsoleView.vue'),
        props: (to) => ({ code: String(to.params.unit) }),
        meta: { title: 'Console' },
      },
      {
        path: '/admin',
        name: 'site-admin',
        component: () => import('@/views/admin/SiteAdminView.vue'),
        meta: { title: 'Site admin' },
      },
      { path: '/:unknown(.*)*', redirect: '/' },
    ],
  })

  router.beforeEach((to) => {
    const session = useSessionStore()
    if (!to.meta.public && !session.signedIn) return { name: 'sign-in' }
    if (to.name === 'sign-in' && session.signedIn) return { name: 'home' }
    return true
  })
  router.afterEach((to) => {
    document.title = `${to.meta.title} · Pair-Up`
  })
  return router
}
