import { api, basicAuth, call, type Failure } from '@/api'
import { useSessionStore } from '@/stores/session'

/** Signing in and out. */
export function useAuth() {
  const session = useSessionStore()

  /**
   * Exchanges student number and PIN for a token and starts the session; returns null on success
   * or the failure to show. The request omits credentials so that the API's
   * `WWW-Authenticate: Basic` answer to a wrong PIN cannot raise the browser's own login prompt.
   */
  async function signIn(studentNumber: string, pin: string): Promise<Failure | null> {
    const r = await call(
      api.POST('/tokens', {
        headers: { Authorization: basicAuth(studentNumber, pin) },
        credentials: 'omit',
      }),
    )
    if (!r.ok) {
      if (r.failure.status === 401) {
        return { ...r.failure, message: 'Wrong student number or PIN.' }
      }
      if (r.failure.status === 400) {
        return { ...r.failure, message: 'Enter an 8-digit student number and a PIN of 4 to 8 digits.' }
      }
      return r.failure
    }
    const { token, expiry } = r.data
    // Who they are and their units; a failure here does not stop the sign-in (the page asks again).
    const who = await call(api.GET('/me', { headers: { Authorization: `Bearer ${token}` } }))
    session.start({
      token,
      expiry,
      studentNumber,
      name: who.ok ? who.data.name : '',
      ...(who.ok ? { units: who.data.units, siteAdmin: who.data.site_admin } : {}),
    })
    return null
  }

  /** Revokes the token on the server (best effort) and forgets it here. */
  async function signOut(): Promise<void> {
    if (session.token) await call(api.DELETE('/tokens'))
    session.end('You have signed out.')
  }

  return { signIn, signOut }
}
