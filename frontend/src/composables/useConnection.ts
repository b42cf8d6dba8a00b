import { getCurrentScope, onScopeDispose, readonly, ref, watch } from 'vue'

import { api, reachability } from '@/api'

import { useRealtime } from './useRealtime'

/*
 * Whether the server can be reached, for the whole page: every API answer tells (the client's
 * reachability middleware: a failed fetch or a 502/503/504 means lost, any other answer means
 * back), and so does the live connection, whose failed handshakes ask the API (setupApp's
 * onRefused). While it is lost, GET /health/ready is asked again until the server answers.
 */

const lost = ref(false)
let retryAfter: number | undefined
let attempt = 0
let timer: ReturnType<typeof setTimeout> | undefined
/** How many components follow the connection (the app's banner); nobody probes for none. */
let watchers = 0

/**
 * The wait before the next probe: the server's Retry-After (kept within 0.5 s to 60 s) when it
 * sent one, else 0.5 s doubling up to 4 s.
 */
export function retryDelay(attempt: number, retryAfter?: number): number {
  if (retryAfter !== undefined) return Math.min(60_000, Math.max(500, retryAfter * 1000))
  return Math.min(4000, 500 * 2 ** attempt)
}

function schedule(): void {
  if (watchers === 0 || timer !== undefined || !lost.value) return
  timer = setTimeout(probe, retryDelay(attempt++, retryAfter))
}

/** Asks whether the server is ready; the middleware reads the answer (or the failure). */
function probe(): void {
  clearTimeout(timer)
  timer = undefined
  api.GET('/health/ready').catch(() => {})
}

function markLost(seconds?: number): void {
  lost.value = true
  retryAfter = seconds
  schedule()
}

function markBack(): void {
  clearTimeout(timer)
  timer = undefined
  attempt = 0
  retryAfter = undefined
  lost.value = false
}

api.use(reachability({ lost: markLost, back: markBack }))

const onOffline = () => markLost()
const onOnline = () => {
  if (lost.value) probe()
}

/**
 * The connection to the server as the page sees it: `lost` while the server cannot be reached.
 * Called in a component (the app's ConnectionBanner), it also keeps probing while lost and, once
 * the server answers again, has the live connection refetch what the screen shows.
 */
export function useConnection() {
  if (getCurrentScope()) {
    const realtime = useRealtime()
    if (watchers++ === 0) {
      addEventListener('offline', onOffline)
      addEventListener('online', onOnline)
    }
    schedule()
    watch(lost, (now, before) => {
      if (before && !now) realtime.resync?.()
    })
    onScopeDispose(() => {
      if (--watchers > 0) return
      removeEventListener('offline', onOffline)
      removeEventListener('online', onOnline)
      markBack()
    })
  }
  return { lost: readonly(lost) }
}
