import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMemoryHistory } from 'vue-router'

import { createAppRouter } from '@/router'
import { useSessionStore } from '@/stores/session'
import { session } from '@/test/fixtures'

beforeEach(() => setActivePinia(createPinia()))

describe('the router', () => {
  it('sends a signed-out visitor to sign-in', async () => {
    const router = createAppRouter(createMemoryHistory())
    await router.push('/')
    expect(router.currentRoute.value.name).toBe('sign-in')
    expect(document.title).toBe('Sign in · Pair-Up')
  })

  it('sends a signed-in student from sign-in to their units', async () => {
    useSessionStore().start(session)
    const router = createAppRouter(createMemoryHistory())
    await router.push('/sign-in')
    expect(router.currentRoute.value.name).toBe('home')
    expect(document.title).toBe('Your units · Pair-Up')
  })

  it('has a page per unit, its code in the URL', async () => {
    useSessionStore().start(session)
    const router = createAppRouter(createMemoryHistory())
    await router.push('/u/trio')
    expect(router.currentRoute.value.name).toBe('unit')
    expect(router.currentRoute.value.params.unit).toBe('trio')
  })

  it('treats unknown paths as the home page', async () => {
    useSessionStore().start(session)
    const router = createAppRouter(createMemoryHistory())
    await router.push('/no/such/page')
    expect(router.currentRoute.value.name).toBe('home')
  })
})
