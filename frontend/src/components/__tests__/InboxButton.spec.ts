import { afterEach, describe, expect, it, vi } from 'vitest'

import InboxButton from '@/components/InboxButton.vue'
import type { Notice } from '@/composables/useNotices'
import { mountInApp, settle } from '@/test/app'
import { button } from '@/test/dom'
import { session, UNIT } from '@/test/fixtures'
import { fakeNetwork, problem, type Handler } from '@/test/network'

const LIST = `/api/units/${UNIT}/notices`
const READ = `/api/units/${UNIT}/notices/read`

function notice(id: number, text: string, extra: Partial<Notice> = {}): Notice {
  return {
    id,
    unit: UNIT,
    kind: 'team.moved',
    text,
    data: { pid: 7 },
    created_at: '2027-05-10T09:00:00Z',
    read_at: null,
    ...extra,
  }
}

function network(routes: Record<string, Handler> = {}) {
  return fakeNetwork({
    [`GET ${LIST}`]: {
      status: 200,
      body: {
        notices: [
          notice(12, 'A coordinator moved your team to CSSE 2.01.'),
          notice(10, 'Older one', { read_at: '2027-05-09T00:00:00Z' }),
        ],
        unread: 1,
        next: null,
      },
    },
    [`POST ${READ}`]: { status: 200, body: { unread: 0 } },
    ...routes,
  })
}

/** A stand-in for the browser's Notification (not ours): records what was shown. */
function stubNotification(permission: NotificationPermission, answer: NotificationPermission = permission) {
  const shown: { title: string; body: string | undefined }[] = []
  class FakeNotification {
    static permission: NotificationPermission = permission
    static requestPermission = vi.fn(async () => {
      FakeNotification.permission = answer
      return answer
    })
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body })
    }
  }
  vi.stubGlobal('Notification', FakeNotification)
  return { shown, N: FakeNotification }
}

afterEach(() => void vi.unstubAllGlobals())

async function mountInbox() {
  const r = await mountInApp(InboxButton, { session, props: { unit: UNIT }, route: `/u/${UNIT}` })
  r.sockets.last.accept()
  await settle()
  return r
}

describe('the inbox', () => {
  it('shows the unread count as text, lists the notices newest first when opened, and marks them read', async () => {
    stubNotification('default')
    const net = network()
    const { wrapper } = await mountInbox()
    const toggle = button(wrapper, 'Notices (1 unread)')
    expect(toggle.attributes('aria-expanded')).toBe('false')

    await toggle.trigger('click')
    await settle()
    expect(toggle.attributes('aria-expanded')).toBe('true')
    const items = wrapper.findAll('.inbox-item')
    expect(items.map((i) => i.get('.text').text())).toEqual([
      'A coordinator moved your team to CSSE 2.01.',
      'Older one',
    ])
    expect(net.calls(`POST ${READ}`).map((c) => c.body)).toEqual([{ up_to: 12 }])
    expect(button(wrapper, 'Notices').text()).toBe('Notices')
    expect(wrapper.findAll('.inbox-item.unread')).toHaveLength(0)

    // Escape closes it and gives the focus back to the button.
    await wrapper.get('.inbox').trigger('keydown', { key: 'Escape' })
    expect(wrapper.find('.inbox-panel').exists()).toBe(false)
    expect(document.activeElement).toBe(button(wrapper, 'Notices').element)
  })

  it('says when there is nothing, and renders notices as text', async () => {
    stubNotification('default')
    const net = network({
      [`GET ${LIST}`]: { status: 200, body: { notices: [], unread: 0, next: null } },
    })
    const { wrapper } = await mountInbox()
    await button(wrapper, 'Notices').trigger('click')
    await settle()
    expect(wrapper.get('.inbox-panel').text()).toContain('No notices yet.')
    expect(net.calls(`POST ${READ}`)).toHaveLength(0)
  })

  it('loads older notices page by page', async () => {
    stubNotification('default')
    const net = network({
      [`GET ${LIST}`]: (request) =>
        new URL(request.url).searchParams.get('cursor') === '12'
          ? {
              status: 200,
              body: { notices: [notice(5, 'Oldest', { read_at: '2027-05-01T00:00:00Z' })], unread: 0, next: null },
            }
          : { status: 200, body: { notices: [notice(12, 'Newest')], unread: 1, next: '12' } },
    })
    const { wrapper } = await mountInbox()
    await button(wrapper, 'Notices (1 unread)').trigger('click')
    await settle()
    await button(wrapper, 'Show older notices').trigger('click')
    await settle()
    expect(wrapper.findAll('.inbox-item .text').map((t) => t.text())).toEqual(['Newest', 'Oldest'])
    expect(wrapper.findAll('button').some((b) => b.text() === 'Show older notices')).toBe(false)
    expect(net.calls(`GET ${LIST}`).at(-1)?.query).toEqual({ cursor: '12', limit: '50' })
  })

  it('shows a failed load with a way to try again', async () => {
    stubNotification('default')
    const net = network({ [`GET ${LIST}`]: problem(503, 'the database does not answer') })
    const { wrapper } = await mountInbox()
    await button(wrapper, 'Notices').trigger('click')
    await settle()
    expect(wrapper.get('[role="alert"]').text()).toMatch(/^Could not load your notices\. /)
    net.routes[`GET ${LIST}`] = { status: 200, body: { notices: [notice(3, 'Back')], unread: 1, next: null } }
    await button(wrapper, 'Try again').trigger('click')
    await settle()
    expect(wrapper.get('.inbox-item .text').text()).toContain('Back')
  })

  it('takes live pushes: the count grows, the notice is announced, and other units’ stay out of the list', async () => {
    stubNotification('default')
    network()
    const { wrapper, sockets } = await mountInbox()
    sockets.last.push({
      type: 'notice',
      unit: UNIT,
      notice: notice(13, 'Ada invited you to her team.', { kind: 'invite.received' }),
    })
    await settle()
    expect(button(wrapper, 'Notices (2 unread)').exists()).toBe(true)
    expect(wrapper.get('.inbox > [role="status"]').text()).toBe('New notice: Ada invited you to her team.')

    // The same notice again (a reconnect) counts once; another unit's is not this unit's list.
    sockets.last.push({ type: 'notice', unit: UNIT, notice: notice(13, 'Ada invited you to her team.') })
    sockets.last.push({ type: 'notice', unit: 'trio', notice: notice(14, 'Other unit', { unit: 'trio' }) })
    await settle()
    expect(button(wrapper, 'Notices (2 unread)').exists()).toBe(true)
    await button(wrapper, 'Notices (2 unread)').trigger('click')
    await settle()
    expect(wrapper.findAll('.inbox-item .text').map((t) => t.text().replace('Unread: ', ''))).toEqual([
      'Ada invited you to her team.',
      'A coordinator moved your team to CSSE 2.01.',
      'Older one',
    ])
  })

  it('marks a notice pushed while open read at once', async () => {
    stubNotification('default')
    const net = network()
    const { wrapper, sockets } = await mountInbox()
    await button(wrapper, 'Notices (1 unread)').trigger('click')
    await settle()
    sockets.last.push({ type: 'notice', unit: UNIT, notice: notice(20, 'Your hold lapsed.', { kind: 'hold.lapsed' }) })
    await settle()
    expect(net.calls(`POST ${READ}`).map((c) => c.body)).toEqual([{ up_to: 12 }, { up_to: 20 }])
    expect(button(wrapper, 'Close').exists()).toBe(true)
    expect(button(wrapper, 'Notices').text()).toBe('Notices')
  })
})

describe('browser notifications', () => {
  it('asks for permission only when the student clicks, then shows each pushed notice as text', async () => {
    const { shown, N } = stubNotification('default', 'granted')
    network()
    const { wrapper, sockets } = await mountInbox()
    sockets.last.push({ type: 'notice', unit: UNIT, notice: notice(30, 'Before permission') })
    await settle()
    expect(shown).toEqual([])
    expect(N.requestPermission).not.toHaveBeenCalled()

    await button(wrapper, 'Notices (2 unread)').trigger('click')
    await settle()
    await button(wrapper, 'Show notices as browser notifications').trigger('click')
    await settle()
    expect(N.requestPermission).toHaveBeenCalledTimes(1)
    expect(wrapper.get('.browser').text()).toBe('New notices also show as browser notifications.')

    sockets.last.push({
      type: 'notice',
      unit: 'trio',
      notice: notice(31, '<b>Held</b> place for you', { unit: 'trio', kind: 'hold.offered' }),
    })
    await settle()
    expect(shown).toEqual([{ title: 'Pair-Up', body: '<b>Held</b> place for you' }])
  })

  it('says so when the browser blocks them, and shows none', async () => {
    const { shown } = stubNotification('denied')
    network()
    const { wrapper, sockets } = await mountInbox()
    await button(wrapper, 'Notices (1 unread)').trigger('click')
    await settle()
    expect(wrapper.get('.browser').text()).toContain('Your browser blocks notifications')
    expect(wrapper.findAll('button').some((b) => b.text().includes('browser notifications'))).toBe(false)
    sockets.last.push({ type: 'notice', unit: UNIT, notice: notice(40, 'Quiet') })
    await settle()
    expect(shown).toEqual([])
  })
})
