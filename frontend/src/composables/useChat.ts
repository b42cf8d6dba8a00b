import { computed, onScopeDispose, ref, watch, type Ref } from 'vue'

import { sentence, type ChatMessage, type Push, type ServerMessage } from '@/api'

import { concerns } from './live'
import { useRealtimeEvents } from './useRealtime'

export interface ChatRoom {
  /** The protocol's name: lobby.<unit> or team-<pid>. */
  id: string
  /** What the student reads: Lobby, Team. */
  name: string
}

/** One line of a room's conversation: a message, or a status line ("… has entered the room."). */
export type ChatLine =
  | { kind: 'message'; key: string; id: number; from: string; msg: string; at: string }
  | { kind: 'status'; key: string; msg: string }

/** The unit's lobby, for its people only. */
export function lobbyOf(unit: string): string {
  return `lobby.${unit}`
}
export const MAX_MESSAGE = 1000

let statusKeys = 0

function messageLine(m: ChatMessage): ChatLine {
  return { kind: 'message', key: `m${m.id}`, id: m.id, from: m.from, msg: m.msg, at: m.at }
}

function statusLine(msg: string): ChatLine {
  return { kind: 'status', key: `s${++statusKeys}`, msg }
}

/** The server's error codes in words for the student. */
export function errorText(m: Push<'error'>): string {
  switch (m.code) {
    case 'rate_limited':
      return 'You are sending messages too quickly. Wait a moment, then send again.'
    case 'invalid':
      return `A message has 1 to ${MAX_MESSAGE} characters and no control characters.`
    case 'not_joined':
      return 'You are not in this room yet. Wait a moment, then send again.'
    case 'forbidden':
      return 'Only the members of a team may join its room.'
    case 'internal':
      return 'The chat could not do that just now. Try again.'
    default:
      return sentence(m.message)
  }
}

/** Control characters (a pasted tab, say) are not allowed in a message: turn them into spaces. */
export function normalizedMessage(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim()
}

/**
 * The chat rooms of the unit over the live connection: the rooms the student may join, the
 * selected room's lines (its history, then what is said live, without repeats), a draft and its
 * sending. The selected room is joined on every (re)connect and left when another is selected.
 * Frames about other units (the socket carries all the person's units) are ignored.
 */
export function useChat(team: Ref<number | null>, unit: string) {
  const LOBBY = lobbyOf(unit)
  const rooms = computed<ChatRoom[]>(() => [
    { id: LOBBY, name: 'Lobby' },
    ...(team.value ? [{ id: `team-${team.value}`, name: 'Team' }] : []),
  ])
  const room = ref(LOBBY)
  /** The room whose history has arrived: lines are its conversation and sending works. */
  const joined = ref<string | null>(null)
  const lines = ref<ChatLine[]>([])
  const draft = ref('')
  const error = ref('')
  /** A join sent, its history awaited; what the room says meanwhile waits in `early`. */
  let pending: string | null = null
  let early: ChatLine[] = []
  let lastSent = ''

  const realtime = useRealtimeEvents(receive)

  function join(id: string) {
    joined.value = null
    pending = id
    early = []
    if (!realtime.send({ type: 'join', room: id })) pending = null // joined on the next `ready`
  }

  /** Shows another room: leaves the current one and joins that. */
  function select(id: string) {
    if (id === room.value || !rooms.value.some((r) => r.id === id)) return
    const left = joined.value ?? pending
    if (left) realtime.send({ type: 'leave', room: left })
    room.value = id
    lines.value = []
    error.value = ''
    join(id)
  }

  function history(m: Push<'history'>) {
    const byId = new Map<number, ChatLine>()
    for (const c of m.messages) byId.set(c.id, messageLine(c))
    for (const l of early) if (l.kind === 'message') byId.set(l.id, l)
    const messages = [...byId.entries()].sort(([a], [b]) => a - b).map(([, l]) => l)
    lines.value = [...messages, ...early.filter((l) => l.kind === 'status')]
    joined.value = m.room
    pending = null
    early = []
  }

  function add(target: string, line: ChatLine) {
    if (target === joined.value) {
      if (line.kind === 'message') {
        if (lines.value.some((l) => l.kind === 'message' && l.id === line.id)) return
        if (line.msg === lastSent) lastSent = '' // it arrived: nothing to give back
      }
      lines.value = [...lines.value, line]
    } else if (target === pending) {
      early.push(line)
    }
  }

  function receive(m: ServerMessage) {
    if (!concerns(m, unit)) return
    switch (m.type) {
      case 'ready':
        join(room.value)
        break
      case 'history':
        if (m.room === pending) history(m)
        break
      case 'message':
        add(m.room, messageLine(m))
        break
      case 'status':
        add(m.room, statusLine(m.msg))
        break
      case 'error':
        error.value = errorText(m)
        // A refused message is given back to be sent again.
        if (m.code !== 'forbidden' && draft.value === '' && lastSent !== '') draft.value = lastSent
        lastSent = ''
        break
    }
  }

  // Disconnected: nothing can be sent until the room is joined again on the next `ready`.
  watch(realtime.status, (s) => {
    if (s !== 'live') {
      joined.value = null
      pending = null
    }
  })

  // The team room went away (the team was dissolved): the server has emptied it; go to the lobby.
  watch(rooms, (now) => {
    if (now.some((r) => r.id === room.value)) return
    room.value = LOBBY
    lines.value = []
    error.value = ''
    join(LOBBY)
  })

  // Shown after the connection came up (another unit's page was on screen before): join now.
  if (realtime.status.value === 'live') join(LOBBY)

  // The page goes (another unit is chosen): leave its room, which the connection outlives.
  onScopeDispose(() => {
    const left = joined.value ?? pending
    if (left) realtime.send({ type: 'leave', room: left })
  })

  const message = computed(() => normalizedMessage(draft.value))
  const canSend = computed(() => joined.value !== null && message.value !== '')

  function send(): boolean {
    if (!canSend.value || joined.value === null) return false
    const msg = [...message.value].slice(0, MAX_MESSAGE).join('')
    if (!realtime.send({ type: 'text', room: joined.value, msg })) return false
    lastSent = msg
    draft.value = ''
    error.value = ''
    return true
  }

  return { rooms, room, joined, lines, draft, error, canSend, status: realtime.status, select, send }
}
