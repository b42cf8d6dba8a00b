import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it } from 'vitest'

import { useSessionStore } from '@/stores/session'
import { session } from '@/test/fixtures'

/** A fresh store, as after a page reload in the same tab. */
function reload() {
  setActivePinia(createPinia())
  return useSessionStore()
}

describe('the session store', () => {
  it('starts signed out', () => {
    const s = reload()
    expect(s.signedIn).toBe(false)
    expect(s.token).toBeNull()
  })

  it('keeps a session across a reload through sessionStorage', () => {
    reload().start(session)
    const s = reload()
    expect(s.signedIn).toBe(true)
    expect(s.token).toBe('token-ada')
    expect(s.studentNumber).toBe('21234567')
    expect(s.name).toBe('Ada Lovelace')
  })

  it('forgets the session and says why when it ends', () => {
    const s = reload()
    s.start(session)
    s.end('You have signed out.')
    expect(s.signedIn).toBe(false)
    expect(s.notice).toBe('You have signed out.')
    expect(sessionStorage.getItem('pairup.session')).toBeNull()
    expect(reload().signedIn).toBe(false)
  })

  it('drops a stored session whose token has expired', () => {
    sessionStorage.setItem('pairup.session', JSON.stringify({ ...session, expiry: '2000-01-01T00:00:00Z' }))
    expect(reload().signedIn).toBe(false)
    expect(sessionStorage.getItem('pairup.session')).toBeNull()
  })

  it('ignores stored junk', () => {
    sessionStorage.setItem('pairup.session', '{not json')
    expect(reload().signedIn).toBe(false)
    sessionStorage.setItem('pairup.session', JSON.stringify({ token: 1 }))
    expect(reload().signedIn).toBe(false)
  })

  it('clears the notice when a new session starts', () => {
    const s = reload()
    s.end('Your session has ended. Please sign in again.')
    s.start(session)
    expect(s.notice).toBe('')
  })

  it('keeps the person’s units, updated from GET /api/me, across a reload', () => {
    const s = reload()
    s.start({ ...session, units: undefined })
    expect(s.units).toEqual([])
    s.update({ name: 'Ada King', units: [{ code: 'trio', title: 'CITS3200', role: 'student' }] })
    const again = reload()
    expect(again.name).toBe('Ada King')
    expect(again.units.map((u) => u.code)).toEqual(['trio'])
  })
})
