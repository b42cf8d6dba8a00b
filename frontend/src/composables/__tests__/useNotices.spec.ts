import { describe, expect, it } from 'vitest'
import { effectScope, readonly, ref } from 'vue'

import type { ServerMessage } from '@/api'
import { addNotice, markedRead, matches, useNoticeEvents, type Notice } from '@/composables/useNotices'
import type { Realtime } from '@/composables/useRealtime'

function notice(id: number, extra: Partial<Notice> = {}): Notice {
  return {
    id,
    unit: 'u',
    kind: 'invite.received',
    text: `n${id}`,
    data: {},
    created_at: '2027-01-01T00:00:00Z',
    read_at: null,
    ...extra,
  }
}

/** A live connection the test pushes frames into. */
function fakeRealtime() {
  const handlers = new Set<(m: ServerMessage) => void>()
  const rt: Realtime = {
    status: readonly(ref('live' as const)),
    subscribe: (h) => {
      handlers.add(h)
      return () => void handlers.delete(h)
    },
    send: () => false,
    sync: () => {},
    stop: () => {},
  }
  return { rt, push: (m: ServerMessage) => handlers.forEach((h) => h(m)), handlers }
}

describe('the inbox helpers', () => {
  it('adds a pushed notice once, newest first, counting it unread', () => {
    const page = { notices: [notice(2)], unread: 1, next: null }
    const once = addNotice(page, notice(5))
    expect(once.notices.map((n) => n.id)).toEqual([5, 2])
    expect(once.unread).toBe(2)
    expect(addNotice(once, notice(5))).toBe(once)
    expect(addNotice(once, notice(3)).notices.map((n) => n.id)).toEqual([5, 3, 2])
  })

  it('marks notices up to an id read, keeping earlier read times', () => {
    const page = { notices: [notice(5), notice(3), notice(1, { read_at: 'then' })], unread: 2, next: null }
    const after = markedRead(page, 3, 1, 'now')
    expect(after.notices.map((n) => n.read_at)).toEqual([null, 'now', 'then'])
    expect(after.unread).toBe(1)
  })

  it('filters by unit and kind, a trailing dot meaning a prefix', () => {
    expect(matches(notice(1), { unit: 'u', kinds: ['invite.'] })).toBe(true)
    expect(matches(notice(1), { unit: 'v' })).toBe(false)
    expect(matches(notice(1, { kind: 'hold.offered' }), { kinds: ['invite.', 'hold.lapsed'] })).toBe(false)
    expect(matches(notice(1, { kind: 'hold.lapsed' }), { kinds: ['invite.', 'hold.lapsed'] })).toBe(true)
  })
})

describe('useNoticeEvents', () => {
  it('hands other features their own notices until their scope ends', () => {
    const { rt, push, handlers } = fakeRealtime()
    const seen: number[] = []
    const scope = effectScope()
    scope.run(() => useNoticeEvents((n) => seen.push(n.id), { unit: 'u', kinds: ['invite.'] }, rt))
    push({ type: 'notice', unit: 'u', notice: notice(1) })
    push({ type: 'notice', unit: 'u', notice: notice(2, { kind: 'team.moved' }) })
    push({ type: 'notice', unit: 'v', notice: notice(3, { unit: 'v' }) })
    push({ type: 'resync' })
    expect(seen).toEqual([1])
    scope.stop()
    expect(handlers.size).toBe(0)
  })
})
