import type { DOMWrapper, VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'

import type { ChatMessage } from '@/api'
import ChatPanel from '@/components/ChatPanel.vue'
import { mountInApp, settle } from '@/test/app'
import { session, UNIT } from '@/test/fixtures'
import { fakeNetwork } from '@/test/network'
import type { FakeSocket } from '@/test/socket'

const LOBBY = 'lobby.default'

function said(id: number, msg: string, room = LOBBY, from = 'Charles Babbage'): ChatMessage {
  return { type: 'message', unit: UNIT, id, room, from, msg, at: `2027-05-20T10:${String(id).padStart(2, '0')}:00Z` }
}

async function chat(team: number | null = null) {
  fakeNetwork()
  const mounted = await mountInApp(ChatPanel, { session, props: { unit: UNIT, team } })
  const socket = mounted.sockets.last
  socket.accept()
  await settle()
  return { ...mounted, socket }
}

async function push(w: VueWrapper, socket: FakeSocket, ...frames: Parameters<FakeSocket['push']>[0][]) {
  for (const f of frames) socket.push(f)
  await settle()
  void w
}

const tabs = (w: VueWrapper) => w.findAll('[role="tab"]')
const lines = (w: VueWrapper) => w.findAll('.lines > li')
const texts = (w: VueWrapper) => w.findAll('.lines .text').map((t) => t.text())
const sendButton = (w: VueWrapper) =>
  w.findAll('button').find((b) => b.text() === 'Send') as DOMWrapper<HTMLButtonElement>
const input = (w: VueWrapper) => w.get<HTMLInputElement>('input[name="message"]')

describe('ChatPanel', () => {
  afterEach(() => void vi.useRealTimers())

  it('is a region named Chat with a Message input and a Send button', async () => {
    const { wrapper } = await chat()
    const section = wrapper.get('section')
    const heading = document.getElementById(section.attributes('aria-labelledby') ?? '')
    expect(heading?.textContent).toBe('Chat')
    const id = input(wrapper).attributes('id')
    // A visible label (issue 3), the input's only name: no aria-label, no placeholder.
    const label = wrapper.get(`label[for="${id}"]`)
    expect(label.text()).toBe('Message')
    expect(label.classes()).not.toContain('visually-hidden')
    expect(input(wrapper).attributes('aria-label')).toBeUndefined()
    expect(input(wrapper).attributes('placeholder')).toBeUndefined()
    expect(sendButton(wrapper).exists()).toBe(true)
    // Nothing else is labelled "Message" (the log is "Lobby conversation"): see also e2e/chat.spec.ts.
    expect(wrapper.findAll('[aria-label]').filter((e) => /message/i.test(e.attributes('aria-label') ?? ''))).toEqual([])
  })

  it('offers the lobby alone without a team, and the team room with one', async () => {
    const alone = await chat()
    expect(tabs(alone.wrapper).map((t) => t.text())).toEqual(['Lobby'])
    alone.wrapper.unmount()
    const paired = await chat(7)
    expect(tabs(paired.wrapper).map((t) => t.text())).toEqual(['Lobby', 'Team'])
    expect(tabs(paired.wrapper)[0]?.attributes('aria-selected')).toBe('true')
  })

  it('joins the lobby once live and shows its history, then what is said, as text', async () => {
    const { wrapper, socket } = await chat()
    expect(socket.sent).toEqual([{ type: 'join', room: LOBBY }])
    expect(wrapper.text()).toContain('Joining the lobby…')
    expect(sendButton(wrapper).element.disabled).toBe(true)

    await push(wrapper, socket, {
      type: 'history',
      unit: UNIT,
      room: LOBBY,
      messages: [said(1, 'Hello'), said(2, '<b>hi</b>')],
    })
    await push(wrapper, socket, { type: 'status', unit: UNIT, room: LOBBY, msg: 'Ada Lovelace has entered the room.' })
    await push(wrapper, socket, said(3, 'Welcome, Ada', LOBBY, 'Grace Hopper'))
    const items = wrapper.findAll('.lines > li')
    expect(items.map((l) => l.classes())).toEqual([['message'], ['message'], ['status'], ['message']])
    expect(items[0]?.get('.from').text()).toBe('Charles Babbage')
    expect(items[0]?.get('time').attributes('datetime')).toBe('2027-05-20T10:01:00Z')
    expect(items[1]?.get('.text').text()).toBe('<b>hi</b>')
    expect(wrapper.find('.lines b').exists()).toBe(false)
    expect(items[2]?.text()).toBe('Ada Lovelace has entered the room.')
    expect(items[3]?.text()).toContain('Grace Hopper')
    // The log is a live region of its own, named after the room.
    expect(wrapper.get('[role="log"]').attributes('aria-label')).toBe('Lobby conversation')
  })

  it('drops repeated messages, including those that arrived before the history', async () => {
    const { wrapper, socket } = await chat()
    await push(wrapper, socket, said(3, 'early'))
    await push(wrapper, socket, {
      type: 'history',
      unit: UNIT,
      room: LOBBY,
      messages: [said(2, 'two'), said(3, 'early')],
    })
    await push(wrapper, socket, said(3, 'early'), said(4, 'four'))
    expect(texts(wrapper)).toEqual(['two', 'early', 'four'])
  })

  it('sends with Enter (the form) and clears the input; not while empty or not joined', async () => {
    const { wrapper, socket } = await chat()
    await input(wrapper).setValue('Too soon')
    await wrapper.get('form').trigger('submit')
    expect(socket.sent).toHaveLength(1) // only the join
    await push(wrapper, socket, { type: 'history', unit: UNIT, room: LOBBY, messages: [] })
    expect(wrapper.text()).toContain('No messages yet.')
    await input(wrapper).setValue('   ')
    expect(sendButton(wrapper).element.disabled).toBe(true)
    await input(wrapper).setValue('Hello\tthere ')
    expect(sendButton(wrapper).element.disabled).toBe(false)
    await input(wrapper).trigger('keydown', { key: 'Enter' })
    await wrapper.get('form').trigger('submit')
    expect(socket.sent.at(-1)).toEqual({ type: 'text', room: LOBBY, msg: 'Hello there' })
    expect(input(wrapper).element.value).toBe('')
  })

  it('shows an error frame inline and gives a refused message back', async () => {
    const { wrapper, socket } = await chat()
    await push(wrapper, socket, { type: 'history', unit: UNIT, room: LOBBY, messages: [] })
    await input(wrapper).setValue('spam')
    await wrapper.get('form').trigger('submit')
    await push(wrapper, socket, { type: 'error', code: 'rate_limited', message: 'slow down' })
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'You are sending messages too quickly. Wait a moment, then send again.',
    )
    expect(input(wrapper).element.value).toBe('spam')
    expect(input(wrapper).attributes('aria-describedby')).toBe(wrapper.get('[role="alert"]').attributes('id'))
    await input(wrapper).setValue('spam!')
    expect(wrapper.get('[role="alert"]').text()).toBe('')
  })

  it('leaves the lobby and joins the team room when its tab is chosen, and back', async () => {
    const { wrapper, socket } = await chat(7)
    await push(wrapper, socket, { type: 'history', unit: UNIT, room: LOBBY, messages: [said(1, 'in the lobby')] })
    await tabs(wrapper)[1]?.trigger('click')
    expect(socket.sent.slice(1)).toEqual([
      { type: 'leave', room: LOBBY },
      { type: 'join', room: 'team-7' },
    ])
    expect(tabs(wrapper)[1]?.attributes('aria-selected')).toBe('true')
    expect(lines(wrapper)).toEqual([])
    // A late lobby message is not shown in the team room.
    await push(wrapper, socket, said(2, 'late lobby'))
    await push(wrapper, socket, {
      type: 'history',
      unit: UNIT,
      room: 'team-7',
      messages: [said(5, 'team talk', 'team-7')],
    })
    expect(lines(wrapper)).toHaveLength(1)
    expect(wrapper.get('[role="log"]').attributes('aria-label')).toBe('Team conversation')
    await input(wrapper).setValue('Psst')
    await wrapper.get('form').trigger('submit')
    expect(socket.sent.at(-1)).toEqual({ type: 'text', room: 'team-7', msg: 'Psst' })

    // Arrow keys move between the tabs and choose the room.
    await tabs(wrapper)[1]?.trigger('keydown', { key: 'ArrowLeft' })
    await settle()
    expect(socket.sent.slice(-2)).toEqual([
      { type: 'leave', room: 'team-7' },
      { type: 'join', room: LOBBY },
    ])
    expect(document.activeElement?.textContent?.trim()).toBe('Lobby')
  })

  it('goes back to the lobby when the team is dissolved', async () => {
    const { wrapper, socket } = await chat(7)
    await tabs(wrapper)[1]?.trigger('click')
    await push(wrapper, socket, { type: 'history', unit: UNIT, room: 'team-7', messages: [] })
    ;(tabs(wrapper)[1]?.element as HTMLElement).focus()
    await wrapper.setProps({ team: null })
    await settle()
    expect(tabs(wrapper).map((t) => t.text())).toEqual(['Lobby'])
    // The focused Team tab went: the focus moves to the Lobby tab, not to the page's body.
    expect(document.activeElement).toBe(tabs(wrapper)[0]?.element)
    expect(tabs(wrapper)[0]?.attributes('aria-selected')).toBe('true')
    // The server has emptied the dissolved room already: no leave, just a join.
    expect(socket.sent.at(-1)).toEqual({ type: 'join', room: LOBBY })
    expect(socket.sent.filter((m) => m.type === 'leave')).toEqual([{ type: 'leave', room: LOBBY }])
  })

  it('rejoins the room after a reconnect, whose history replaces the view', async () => {
    const { wrapper, socket, sockets } = await chat()
    await push(wrapper, socket, { type: 'history', unit: UNIT, room: LOBBY, messages: [said(1, 'one')] })
    await push(wrapper, socket, { type: 'status', unit: UNIT, room: LOBBY, msg: 'Grace Hopper has left the room.' })
    // The first retry comes after 0.5 s (with nothing taken off at random).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    vi.spyOn(Math, 'random').mockReturnValue(0)
    socket.drop(1001)
    await settle()
    expect(wrapper.text()).toContain('Reconnecting to the chat…')
    expect(sendButton(wrapper).element.disabled).toBe(true)
    await vi.advanceTimersByTimeAsync(499)
    expect(sockets.all).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(sockets.all).toHaveLength(2)
    const again = sockets.last
    expect(again).not.toBe(socket)
    again.accept()
    await settle()
    expect(again.sent).toEqual([{ type: 'join', room: LOBBY }])
    await push(wrapper, again, { type: 'history', unit: UNIT, room: LOBBY, messages: [said(1, 'one'), said(2, 'two')] })
    expect(texts(wrapper)).toEqual(['one', 'two'])
    expect(wrapper.text()).not.toContain('has left the room')
  })

  it('follows new messages at the bottom, but not a reader who scrolled up', async () => {
    const { wrapper, socket } = await chat()
    const log = wrapper.get('[role="log"]').element as HTMLElement
    let scrollTop = 0
    Object.defineProperty(log, 'scrollHeight', { configurable: true, get: () => 1000 })
    Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => 200 })
    Object.defineProperty(log, 'scrollTop', {
      configurable: true,
      get: () => scrollTop,
      set: (v: number) => (scrollTop = Math.min(v, 800)),
    })
    await push(wrapper, socket, { type: 'history', unit: UNIT, room: LOBBY, messages: [said(1, 'one')] })
    expect(scrollTop).toBe(800)
    await push(wrapper, socket, said(2, 'two'))
    expect(scrollTop).toBe(800)
    expect(wrapper.findAll('button').some((b) => b.text() === 'New messages')).toBe(false)

    scrollTop = 100 // the reader scrolls up
    await wrapper.get('[role="log"]').trigger('scroll')
    await push(wrapper, socket, said(3, 'three'))
    expect(scrollTop).toBe(100)
    const button = wrapper.findAll('button').find((b) => b.text() === 'New messages')
    expect(button?.exists()).toBe(true)
    ;(button?.element as HTMLElement).focus()
    await button?.trigger('click')
    expect(scrollTop).toBe(800)
    expect(wrapper.findAll('button').some((b) => b.text() === 'New messages')).toBe(false)
    // The button went with its focus: the reader is in the log, at its end.
    expect(document.activeElement).toBe(log)
  })

  it('ignores what is said in other units’ rooms', async () => {
    const { wrapper, socket } = await chat()
    await push(wrapper, socket, { type: 'history', unit: UNIT, room: LOBBY, messages: [said(1, 'here')] })
    // The socket carries every unit of the student's; a frame about another is not for this page.
    await push(
      wrapper,
      socket,
      { ...said(2, 'elsewhere'), unit: 'trio' },
      { type: 'status', unit: 'trio', room: LOBBY, msg: 'Someone has entered the room.' },
      { type: 'history', unit: 'trio', room: LOBBY, messages: [said(3, 'old elsewhere')] },
    )
    expect(texts(wrapper)).toEqual(['here'])
    expect(lines(wrapper)).toHaveLength(1)
  })

  it('joins its unit’s lobby as soon as it is shown on a live connection, and leaves it when it goes', async () => {
    fakeNetwork()
    const Shell = defineComponent({
      props: { show: Boolean },
      setup: (props) => () => (props.show ? h(ChatPanel, { unit: 'trio', team: null }) : null),
    })
    const { wrapper, sockets } = await mountInApp(Shell, { session, props: { show: false } })
    const socket = sockets.last
    socket.accept()
    await settle()
    expect(socket.sent).toEqual([])
    await wrapper.setProps({ show: true })
    expect(socket.sent).toEqual([{ type: 'join', room: 'lobby.trio' }])
    await push(wrapper, socket, { type: 'history', unit: 'trio', room: 'lobby.trio', messages: [] })
    await wrapper.setProps({ show: false })
    expect(socket.sent.at(-1)).toEqual({ type: 'leave', room: 'lobby.trio' })
  })
})
