import { getCurrentScope, onScopeDispose, watch } from 'vue'

import { api, call, type Enrolment, type Me, type Result, type Unit } from '@/api'
import { useSessionStore } from '@/stores/session'

import { useLiveResource } from './useLiveResource'
import type { Realtime } from './useRealtime'

/** GET /api/me into the session: the person's name and the units they are enrolled in. */
export function useMe() {
  const session = useSessionStore()

  async function load(): Promise<Result<Me>> {
    const r = await call(api.GET('/me'))
    if (r.ok) session.update({ name: r.data.name, units: r.data.units, site_admin: r.data.site_admin })
    return r
  }

  return { load }
}

/**
 * The unit `/` opens: the default unit when the person is enrolled in it, else their first unit;
 * null without any unit. `units` (GET /api/units) tells which unit is the default one.
 */
export function pickUnit(enrolments: readonly Enrolment[], units: readonly Unit[] = []): string | null {
  const mine = new Set(enrolments.map((e) => e.code))
  const fallback = units.find((u) => u.default && mine.has(u.code))
  return fallback?.code ?? enrolments[0]?.code ?? null
}

/** setTimeout's longest delay (about 24.8 days); a later phase change waits for a reload. */
const LONGEST = 2 ** 31 - 1

/**
 * One unit with its policy and phase, refetched on every (re)connect and on a resync about it
 * (a coordinator may have changed its policy), and again when its phase is due to change: when
 * sign-up opens or closes while the page is open.
 */
export function useUnit(code: string, realtime?: Realtime | null) {
  const r = useLiveResource<Unit | null>({
    unit: code,
    initial: null,
    realtime,
    failure: 'Could not load the unit.',
    fetch: () => call(api.GET('/units/{unit}', { params: { path: { unit: code } } })),
  })

  let timer: ReturnType<typeof setTimeout> | undefined
  /** The boundary that a refetch was last made for: a server that disagrees is not asked again. */
  let fired = ''
  function schedule(unit: Unit | null) {
    clearTimeout(timer)
    timer = undefined
    if (!unit) return
    const next = unit.phase === 'upcoming' ? unit.policy.opens_at : unit.phase === 'open' ? unit.policy.closes_at : null
    if (next === null) return
    const due = Date.parse(next) - Date.now() + 1000 // a moment after, so that the server agrees
    const key = `${unit.phase} ${next}`
    if (Number.isNaN(due) || due > LONGEST || (due <= 0 && fired === key)) return
    timer = setTimeout(
      () => {
        timer = undefined
        fired = key
        void r.load(true)
      },
      Math.max(0, due),
    )
  }
  watch(r.value, schedule)
  if (getCurrentScope()) onScopeDispose(() => clearTimeout(timer))

  return { unit: r.value, status: r.status, error: r.error, failure: r.failure, load: r.load, apply: r.apply }
}
