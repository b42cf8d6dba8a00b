import { getCurrentInstance, getCurrentScope, onScopeDispose, ref, shallowRef, type Ref } from 'vue'

import type { Failure, ServerMessage } from '@/api'

import { concerns, journal, mustRefetch } from './live'
import type { LoadStatus } from './status'
import { useRealtime, type Realtime } from './useRealtime'

/** What a resource's fetch answers: a Result, or anything shaped like one. */
export type Loaded<T> = { ok: true; data: T } | { ok: false; failure: Failure }

export interface LiveResourceOptions<T> {
  /** The unit on screen: pushes about other units are ignored; a resync about it refetches. */
  unit: string
  /** The value until the first load answers. */
  initial: T
  /** Loads the value over REST. */
  fetch: () => Promise<Loaded<T>>
  /** The value after a push; by default pushes change nothing (the value is only refetched). */
  merge?: (value: T, m: ServerMessage) => T
  /** The start of the error text: "Could not load the projects." */
  failure: string
  /**
   * Pushes that make the value stale without saying what it is now (a summary such as the
   * console's overview): each schedules a quiet refetch, `debounce` ms after the last of a burst.
   */
  stale?: (m: ServerMessage) => boolean
  /** How long a burst of stale pushes is waited out before the refetch (ms; default 300). */
  debounce?: number
  /** Called when a push changed the value, with the value before it. */
  onPush?: (before: T, after: T) => void
  /**
   * The live connection to follow. Inside a component it defaults to the app's one; outside one
   * (a test), pass null and call `apply` yourself.
   */
  realtime?: Realtime | null
}

/**
 * A value loaded over REST and kept current by the live connection (elk's usePaginator shape):
 * `idle | loading | done | error`, pushes merged in place (and replayed onto a load in flight,
 * see `journal`), and a quiet refetch on every (re)connect and resync, since pushes may have been
 * missed. Only the latest of overlapping loads decides. One realtime subscription per resource.
 */
export function useLiveResource<T>(options: LiveResourceOptions<T>) {
  const value = shallowRef(options.initial) as Ref<T>
  const status = ref<LoadStatus>('idle')
  const error = ref('')
  /** The last load's failure, or null after a success. */
  const failure = shallowRef<Failure | null>(null)
  const merge = options.merge ?? ((v: T) => v)
  const pushes = journal<T>(merge)
  let latest = 0

  /** Loads the value; `quiet` keeps a shown value shown as it is while the new one loads. */
  async function load(quiet = false): Promise<void> {
    const mine = ++latest
    if (!(quiet && status.value === 'done')) status.value = 'loading'
    pushes.start()
    const r = await options.fetch()
    if (mine !== latest) return // a newer load is under way
    if (r.ok) {
      value.value = pushes.finish(r.data)
      error.value = ''
      failure.value = null
      status.value = 'done'
    } else {
      pushes.abandon()
      error.value = `${options.failure} ${r.failure.message}`
      failure.value = r.failure
      status.value = 'error'
    }
  }

  let refetch: ReturnType<typeof setTimeout> | undefined
  function cancelRefetch() {
    clearTimeout(refetch)
    refetch = undefined
  }

  /** Merges a frame about this unit, or refetches when pushes may have been missed. */
  function apply(m: ServerMessage): void {
    if (!concerns(m, options.unit)) return
    if (mustRefetch(m, options.unit)) {
      cancelRefetch()
      void load(true)
      return
    }
    if (options.stale?.(m)) {
      cancelRefetch()
      refetch = setTimeout(() => {
        refetch = undefined
        void load(true)
      }, options.debounce ?? 300)
    }
    const before = value.value
    value.value = pushes.push(before, m)
    if (value.value !== before) options.onPush?.(before, value.value)
  }

  /** Replaces the value with what the student's own request answered. */
  function set(v: T): void {
    value.value = v
  }

  const realtime = options.realtime !== undefined ? options.realtime : getCurrentInstance() ? useRealtime() : null
  if (realtime) onScopeDispose(realtime.subscribe(apply))
  if (getCurrentScope()) onScopeDispose(cancelRefetch)

  return { value, status, error, failure, load, apply, set }
}
