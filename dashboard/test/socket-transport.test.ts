/**
 * How the socket.io transport reports what the server says about the session. socket.io-client is not ours, so it is
 * replaced by a socket the test drives; its `active` flag is what socket.io sets: false after a refusal by the
 * server's middleware and after a disconnect the server chose, true while it retries by itself.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type LiveHandlers, type LiveRefusal, socketTransport } from '../src/live/client.ts'

const socket = vi.hoisted(() => {
  const listeners = new Map<string, (...args: unknown[]) => void>()
  return {
    active: true,
    listeners,
    on(event: string, listener: (...args: unknown[]) => void) {
      listeners.set(event, listener)
    },
    emit(event: string, ...args: unknown[]) {
      listeners.get(event)?.(...args)
    },
    removeAllListeners: () => listeners.clear(),
    disconnect() {},
  }
})

vi.mock('socket.io-client', () => ({ io: () => socket }))

function open() {
  const refusals: LiveRefusal[] = []
  const states: string[] = []
  const handlers: LiveHandlers = {
    connection: (state) => states.push(state),
    snapshot: () => {},
    deltas: () => {},
    events: () => {},
    alarms: () => {},
    flood: () => {},
    workOrders: () => {},
    refused: (refusal) => refusals.push(refusal),
  }
  const close = socketTransport()(handlers)
  return { refusals, states, close }
}

/** An error as socket.io-client makes it from the server's CONNECT_ERROR packet. */
function refusal(message: string, data?: unknown): Error & { data?: unknown } {
  return Object.assign(new Error(message), data === undefined ? {} : { data })
}

describe('socketTransport', () => {
  afterEach(() => {
    socket.active = true
    socket.listeners.clear()
  })

  it('reports a handshake refused by the server with its code, from data.code or else the message', () => {
    const { refusals, states } = open()
    socket.active = false
    socket.emit('connect_error', refusal('FM_ERR_AUTH_REQUIRED', { code: 'FM_ERR_AUTH_REQUIRED' }))
    socket.emit('connect_error', refusal('FM_ERR_PASSWORD_CHANGE_REQUIRED'))
    expect(refusals).toEqual([
      { kind: 'refused', code: 'FM_ERR_AUTH_REQUIRED' },
      { kind: 'refused', code: 'FM_ERR_PASSWORD_CHANGE_REQUIRED' },
    ])
    expect(states).toEqual(['connecting', 'offline', 'offline'])
  })

  it('leaves a network error to socket.io, which keeps retrying', () => {
    const { refusals, states } = open()
    socket.emit('connect_error', refusal('xhr poll error'))
    socket.emit('disconnect', 'transport close')
    expect(refusals).toEqual([])
    expect(states).toEqual(['connecting', 'offline', 'offline'])
  })

  it('reports a disconnect the server chose: the session ended or changed, and socket.io will not reconnect', () => {
    const { refusals } = open()
    socket.active = false
    socket.emit('disconnect', 'io server disconnect')
    expect(refusals).toEqual([{ kind: 'closed' }])
  })

  it('reports nothing after it was closed', () => {
    const { refusals, close } = open()
    close()
    socket.emit('disconnect', 'io server disconnect')
    expect(refusals).toEqual([])
  })
})
