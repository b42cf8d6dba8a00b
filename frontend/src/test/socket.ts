import type { ClientMessage, ServerMessage } from '@/api'
import type { SocketFactory, SocketLike } from '@/composables/useRealtime'

/** A WebSocket that the test drives: open it, push frames into it, close it; read what it sent. */
export class FakeSocket implements SocketLike {
  readyState = 0
  onopen: ((ev: Event) => unknown) | null = null
  onmessage: ((ev: MessageEvent) => unknown) | null = null
  onclose: ((ev: CloseEvent) => unknown) | null = null
  /** The frames the app sent, parsed. */
  readonly sent: ClientMessage[] = []
  /** The code the app closed it with, if it did. */
  closedWith: number | undefined

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open')
    this.sent.push(JSON.parse(data) as ClientMessage)
  }

  close(code = 1000): void {
    this.closedWith = code
    this.readyState = 3
  }

  /** The server accepts the connection and says `ready`. */
  accept(): void {
    this.readyState = 1
    this.onopen?.(new Event('open'))
    this.push({ type: 'ready' })
  }

  /** The server sends a frame (any object, so tests can send malformed ones too). */
  push(frame: ServerMessage | Record<string, unknown> | string): void {
    const data = typeof frame === 'string' ? frame : JSON.stringify(frame)
    this.onmessage?.(new MessageEvent('message', { data }))
  }

  /** The connection ends from the server's side (or the network's). */
  drop(code = 1006): void {
    this.readyState = 3
    this.onclose?.(new CloseEvent('close', { code }))
  }
}

/** Every socket the app opened, newest last, with the factory to give setupApp. */
export function fakeSockets() {
  const all: FakeSocket[] = []
  const open: SocketFactory = (url, protocols) => {
    const s = new FakeSocket(url, protocols)
    all.push(s)
    return s
  }
  return {
    all,
    open,
    /** The newest socket. */
    get last(): FakeSocket {
      const s = all[all.length - 1]
      if (!s) throw new Error('no socket was opened')
      return s
    },
  }
}
