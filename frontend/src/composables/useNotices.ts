import { computed, onScopeDispose, ref, type Ref } from 'vue'

import { api, call, type Result, type ServerMessage } from '@/api'
import type { components } from '@/api/schema'

import { useLiveResource } from './useLiveResource'
import { useRealtime, type Realtime } from './useRealtime'

/** Something that concerned the signed-in person in a unit: an invitation, a hold, a move... */
export type Notice = components['schemas']['Notice']
export type NoticeKind = Notice['kind']
export type NoticePage = components['schemas']['NoticePage']

/** The notice a frame carries, if it is a notice frame. */
export function noticeOf(m: ServerMessage): Notice | null {
  return m.type === 'notice' ? m.notice : null
}

/** The inbox after a pushed notice: newest first, each notice once, one more unread. */
export function addNotice(page: NoticePage, n: Notice): NoticePage {
  if (page.notices.some((x) => x.id === n.id)) return page
  const notices = [n, ...page.notices].sort((a, b) => b.id - a.id)
  return { ...page, notices, unread: page.unread + (n.read_at === null ? 1 : 0) }
}

/** The inbox once every notice up to `upTo` is read, at `at`. */
export function markedRead(page: NoticePage, upTo: number, unread: number, at: string): NoticePage {
  return {
    ...page,
    unread,
    notices: page.notices.map((n) => (n.id <= upTo && n.read_at === null ? { ...n, read_at: at } : n)),
  }
}

export interface NoticeFilter {
  /** Only notices of this unit. */
  unit?: string
  /** Only these kinds, or kinds starting with a prefix ending in '.' ('invite.'). */
  kinds?: readonly (NoticeKind | `${string}.`)[]
}

/** Whether a notice passes the filter. */
export function matches(n: Notice, filter: NoticeFilter = {}): boolean {
  if (filter.unit !== undefined && n.unit !== filter.unit) return false
  if (!filter.kinds) return true
  return filter.kinds.some((k) => (k.endsWith('.') ? n.kind.startsWith(k) : n.kind === k))
}

/**
 * Calls the handler with every notice pushed to the signed-in person (optionally of one unit, of
 * some kinds) for as long as the calling component lives: other features react to their own
 * notices with it, e.g. `useNoticeEvents(() => invitations.load(), { unit, kinds: ['invite.'] })`.
 */
export function useNoticeEvents(
  handler: (n: Notice) => void,
  filter: NoticeFilter = {},
  realtime: Realtime = useRealtime(),
): Realtime {
  onScopeDispose(
    realtime.subscribe((m) => {
      const n = noticeOf(m)
      if (n && matches(n, filter)) handler(n)
    }),
  )
  return realtime
}

/**
 * The signed-in person's inbox in a unit: their notices, newest first, with the unread count,
 * loaded over REST and kept current by `notice` pushes (refetched on every reconnect). `more`
 * loads older pages; `markRead` marks everything shown read.
 */
export function useNotices(unit: string, options: { realtime?: Realtime | null; pageSize?: number } = {}) {
  const limit = options.pageSize ?? 50
  const empty: NoticePage = { notices: [], unread: 0, next: null }
  const resource = useLiveResource<NoticePage>({
    unit,
    initial: empty,
    failure: 'Could not load your notices.',
    realtime: options.realtime,
    fetch: () => call(api.GET('/units/{unit}/notices', { params: { path: { unit }, query: { limit } } })),
    merge: (page, m) => {
      const n = noticeOf(m)
      return n && n.unit === unit ? addNotice(page, n) : page
    },
  })
  const page = resource.value as Ref<NoticePage>
  const notices = computed(() => page.value.notices)
  const unread = computed(() => page.value.unread)
  const hasMore = computed(() => page.value.next !== null)
  const moreError = ref('')
  const marking = ref(false)

  /** Loads the next (older) page onto the list. */
  async function more(): Promise<void> {
    const cursor = page.value.next
    if (cursor === null) return
    moreError.value = ''
    const r = await call(api.GET('/units/{unit}/notices', { params: { path: { unit }, query: { cursor, limit } } }))
    if (!r.ok) {
      moreError.value = `Could not load older notices. ${r.failure.message}`
      return
    }
    const known = new Set(page.value.notices.map((n) => n.id))
    resource.set({
      notices: [...page.value.notices, ...r.data.notices.filter((n) => !known.has(n.id))],
      unread: r.data.unread,
      next: r.data.next,
    })
  }

  /** Marks every notice shown read (nothing to do when none is unread). */
  async function markRead(): Promise<Result<unknown> | null> {
    const newest = page.value.notices[0]
    if (!newest || page.value.unread === 0 || marking.value) return null
    marking.value = true
    const r = await call(
      api.POST('/units/{unit}/notices/read', { params: { path: { unit } }, body: { up_to: newest.id } }),
    )
    marking.value = false
    if (r.ok) resource.set(markedRead(page.value, newest.id, r.data.unread, new Date().toISOString()))
    return r
  }

  return {
    notices,
    unread,
    hasMore,
    status: resource.status,
    error: resource.error,
    moreError,
    load: resource.load,
    apply: resource.apply,
    more,
    markRead,
  }
}

/** Whether the browser may show notifications: 'unsupported' when it has no Notification API. */
export type NotificationPermissionState = NotificationPermission | 'unsupported'

function notificationApi(): typeof Notification | undefined {
  return typeof globalThis.Notification === 'function' ? globalThis.Notification : undefined
}

/**
 * The browser's notifications: the permission, asking for it (only ever on the person's click),
 * and showing a notice as one (its text only) once granted.
 */
export function useBrowserNotifications() {
  const permission = ref<NotificationPermissionState>(notificationApi()?.permission ?? 'unsupported')

  async function request(): Promise<NotificationPermissionState> {
    const N = notificationApi()
    if (!N) return (permission.value = 'unsupported')
    try {
      permission.value = await N.requestPermission()
    } catch {
      permission.value = N.permission
    }
    return permission.value
  }

  /** Shows the notice as a browser notification when permitted; false when it was not shown. */
  function show(n: Notice, title = 'Pair-Up'): boolean {
    const N = notificationApi()
    if (!N || N.permission !== 'granted') return false
    permission.value = 'granted'
    try {
      new N(title, { body: n.text, tag: `pairup-notice-${n.id}` })
      return true
    } catch {
      return false // some browsers only allow notifications from a service worker
    }
  }

  return { permission, request, show }
}
