import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import type { Enrolment } from '@/api'

/** A signed-in student: kept in memory and in sessionStorage, so a reload keeps it and closing the tab ends it. */
export interface Session {
  token: string
  /** ISO time at which the token stops working. */
  expiry: string
  studentNumber: string
  name: string
  /** The units the person is enrolled in, from GET /api/me (refreshed on every visit). */
  units?: Enrolment[]
  /** Whether the person is a site admin (may act in every unit), from GET /api/me. */
  siteAdmin?: boolean
}

const KEY = 'pairup.session'

function isSession(v: unknown): v is Session {
  if (typeof v !== 'object' || v === null) return false
  const s = v as Record<string, unknown>
  return (
    typeof s.token === 'string' &&
    typeof s.expiry === 'string' &&
    typeof s.studentNumber === 'string' &&
    typeof s.name === 'string' &&
    (s.units === undefined || Array.isArray(s.units)) &&
    (s.siteAdmin === undefined || typeof s.siteAdmin === 'boolean')
  )
}

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY)
    if (raw === null) return null
    const s: unknown = JSON.parse(raw)
    if (!isSession(s) || !(Date.parse(s.expiry) > Date.now())) {
      sessionStorage.removeItem(KEY)
      return null
    }
    return s
  } catch {
    return null
  }
}

function save(s: Session | null): void {
  try {
    if (s === null) sessionStorage.removeItem(KEY)
    else sessionStorage.setItem(KEY, JSON.stringify(s))
  } catch {
    // Storage may be unavailable (private mode, quota): the session then lives in memory only.
  }
}

/**
 * The only shared state of the app: who is signed in (and in which units), and a message for the
 * sign-in screen.
 */
export const useSessionStore = defineStore('session', () => {
  const current = ref<Session | null>(load())
  /** Shown on the sign-in screen: why the student is there (signed out, session ended). */
  const notice = ref('')

  const signedIn = computed(() => current.value !== null)
  const token = computed(() => current.value?.token ?? null)
  const studentNumber = computed(() => current.value?.studentNumber ?? '')
  const name = computed(() => current.value?.name ?? '')
  const units = computed<readonly Enrolment[]>(() => current.value?.units ?? [])
  const siteAdmin = computed(() => current.value?.siteAdmin === true)

  /** The person's role in a unit, or null when they are not enrolled in it. */
  function roleIn(code: string): Enrolment['role'] | null {
    return units.value.find((u) => u.code === code)?.role ?? null
  }

  /** Whether the person may use the unit's console: its coordinators and site admins. */
  function mayCoordinate(code: string): boolean {
    return siteAdmin.value || roleIn(code) === 'coordinator'
  }

  function start(s: Session): void {
    current.value = s
    notice.value = ''
    save(s)
  }

  /** What GET /api/me said about the signed-in person. */
  function update(who: { name: string; units: Enrolment[]; site_admin?: boolean }): void {
    if (!current.value) return
    current.value = {
      ...current.value,
      name: who.name,
      units: who.units,
      ...(who.site_admin === undefined ? {} : { siteAdmin: who.site_admin }),
    }
    save(current.value)
  }

  function end(message = ''): void {
    current.value = null
    notice.value = message
    save(null)
  }

  return {
    current,
    notice,
    signedIn,
    token,
    studentNumber,
    name,
    units,
    siteAdmin,
    roleIn,
    mayCoordinate,
    start,
    update,
    end,
  }
})
