import { inject, onScopeDispose, readonly, ref, type InjectionKey, type Ref } from 'vue'

import type { ClientMessage, ServerMessage } from '@/api'

/**
 * The live connection: 'idle' while signed out, 'connecting' until the first `ready`, 'live'
 * while pushes arrive, 'reconnecting' between a lost connection and the next `ready`.
 */
export type RealtimeStatus = 'idle' | 'connecting' | 'live' | 'reconnecting'

/** The part of a browser WebSocket the app uses; tests pass a fake. */
export interface SocketLike {
  readonly readyState: number
  onopen: ((ev: Event) => unknown) | null
  onmessage: ((ev: MessageEvent) => unknown) | null
  onclose: ((ev: CloseEvent) => unknown) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

/** Opens a socket: `new WebSocket(url, protocols)` in the browser. */
export type SocketFactory = (url: string, protocols: string[]) => SocketLike

export interface RealtimeOptions {
  /** The token of the current session, or null when signed out. */
  token: () => string | null
  /** The session is over (close code 4401): the app's single 401 handler. */
  onUnauthorized: () => void
  /**
   * A handshake failed before the socket opened. Browsers hide the HTTP status of a refused
   * upgrade, so the app asks the REST API, whose 401 ends the session the usual way.
   */
  onRefused?: () => void
  open?: SocketFactory
  /** Defaults to /api/ws on the page's own origin. */
  url?: string
}

export interface Realtime {
  status: Readonly<Ref<RealtimeStatus>>
  /** Calls the handler with every server frame until the returned function is called. */
  subscribe(handler: (message: ServerMessage) => void): () => void
  /** Sends a frame when live; false when it could not be sent. */
  send(message: ClientMessage): boolean
  /** Connects (or reconnects with a new token) while a session exists; closes otherwise. */
  sync(): void
  /** Closes the connection for good (sign-out, app unmounted). */
  stop(): void
  /**
   * The server answers again after an outage (useConnection): live, it tells every subscriber to
   * refetch (a `resync` about everything); waiting to reconnect, it reconnects now, and `ready` does.
   * Optional for connections that never connect (test fakes).
   */
  resync?(): void
}

/** The WebSocket close code for a revoked or expired token. */
export const CLOSE_UNAUTHORIZED = 4401
const SUBPROTOCOL = 'pairup.v1'
const OPEN = 1

/** Reconnect delays: 0.5 s doubling up to 15 s, each with up to half of it taken off at random. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const full = Math.min(15_000, 500 * 2 ** attempt)
  return Math.round(full * (1 - random() / 2))
}

function defaultUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/api/ws`
}

function parse(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null
  try {
    const v: unknown = JSON.parse(data)
    if (typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string') {
      return v as ServerMessage
    }
  } catch {
    // A frame that is not JSON is ignored.
  }
  return null
}

/**
 * One WebSocket per signed-in session (see setupApp): it authenticates with the subprotocols
 * `pairup.v1` and `bearer.<token>`, hands every frame to the subscribers, and reconnects with
 * backoff after any close but 4401, which ends the session.
 */
export function createRealtime(options: RealtimeOptions): Realtime {
  const status = ref<RealtimeStatus>('idle')
  const handlers = new Set<(m: ServerMessage) => void>()
  const open = options.open ?? ((url, protocols) => new WebSocket(url, protocols))
  let socket: SocketLike | null = null
  let socketToken: string | null = null
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  function emit(m: ServerMessage) {
    for (const h of [...handlers]) h(m)
  }

  function drop() {
    clearTimeout(timer)
    timer = undefined
    if (socket) {
      const s = socket
      socket = null
      s.onopen = s.onmessage = s.onclose = null
      s.close(1000, 'bye')
    }
  }

  function connect(token: string) {
    socketToken = token
    const s = open(options.url ?? defaultUrl(), [SUBPROTOCOL, `bearer.${token}`])
    socket = s
    let opened = false
    s.onopen = () => {
      opened = true
    }
    s.onmessage = (ev) => {
      const m = parse(ev.data)
      if (!m) return
      if (m.type === 'ready') {
        attempt = 0
        status.value = 'live'
      }
      emit(m)
    }
    s.onclose = (ev) => {
      if (socket !== s) return
      socket = null
      if (ev.code === CLOSE_UNAUTHORIZED) {
        status.value = 'idle'
        if (options.token() === token) options.onUnauthorized()
        return
      }
      status.value = 'reconnecting'
      if (!opened) options.onRefused?.()
      timer = setTimeout(() => {
        timer = undefined
        const t = options.token()
        if (t) connect(t)
        else status.value = 'idle'
      }, backoff(attempt++))
    }
  }

  function sync() {
    const token = options.token()
    if (token === null) return stop()
    if (token === socketToken && (socket || timer)) return
    drop()
    attempt = 0
    status.value = 'connecting'
    connect(token)
  }

  function stop() {
    drop()
    socketToken = null
    status.value = 'idle'
  }

  function resync() {
    if (status.value === 'live') return emit({ type: 'resync' })
    const token = options.token()
    if (timer && token) {
      clearTimeout(timer)
      timer = undefined
      connect(token)
    }
  }

  function send(message: ClientMessage): boolean {
    if (!socket || socket.readyState !== OPEN || status.value !== 'live') return false
    socket.send(JSON.stringify(message))
    return true
  }

  function subscribe(handler: (m: ServerMessage) => void) {
    handlers.add(handler)
    return () => void handlers.delete(handler)
  }

  return { status: readonly(status), subscribe, send, sync, stop, resync }
}

export const REALTIME: InjectionKey<Realtime> = Symbol('realtime')

/** A connection that never connects: for components used outside the app (and their tests). */
const offline: Realtime = {
  status: readonly(ref<RealtimeStatus>('idle')),
  subscribe: () => () => {},
  send: () => false,
  sync: () => {},
  stop: () => {},
}

/** The app's live connection. */
export function useRealtime(): Realtime {
  return inject(REALTIME, offline)
}

/** Subscribes to server frames for as long as the calling component (or scope) lives. */
export function useRealtimeEvents(handler: (message: ServerMessage) => void): Realtime {
  const realtime = useRealtime()
  onScopeDispose(realtime.subscribe(handler))
  return realtime
}
