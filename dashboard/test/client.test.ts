import { describe, expect, it, vi } from 'vitest'
import { createLiveClient, type LiveHandlers, MAX_QUEUED_ITEMS } from '../src/live/client.ts'
import { createLiveStore } from '../src/live/store.ts'
import { NOW, PLATE_EVENT, SNAPSHOT, TANK_DELTA } from './fixtures.ts'

/** A transport the test drives by hand, and an animation frame that runs only when the test says so. */
function setup() {
  let handlers: LiveHandlers | undefined
  const close = vi.fn()
  const opened = vi.fn()
  const refused = vi.fn()
  const frames: (() => void)[] = []
  const store = createLiveStore()
  const client = createLiveClient(
    store,
    (h) => {
      handlers = h
      opened()
      return close
    },
    (callback) => {
      frames.push(callback)
      return () => frames.splice(frames.indexOf(callback), 1)
    },
    refused,
  )
  client.start()
  if (!handlers) throw new Error('transport not opened')
  const listener = vi.fn()
  store.subscribe(listener)
  return { server: handlers, store, client, frames, close, opened, refused, listener }
}

describe('live client', () => {
  it('is live only after the snapshot and offline when the link drops', () => {
    const { server, store } = setup()
    server.connection('connecting')
    expect(store.getState().connection).toBe('connecting')
    server.snapshot(SNAPSHOT)
    server.connection('live')
    expect(store.getState()).toMatchObject({ connection: 'live', snapshotTs: NOW })
    server.connection('offline')
    expect(store.getState().connection).toBe('offline')
  })

  it('commits a burst of deltas and events in one store update per animation frame', () => {
    const { server, store, frames, listener } = setup()
    server.snapshot(SNAPSHOT)
    listener.mockClear()
    for (let i = 0; i < 20; i++) server.deltas([{ ...TANK_DELTA, values: { level_pct: 50 + i } }])
    server.events([PLATE_EVENT])
    expect(listener).not.toHaveBeenCalled()
    expect(frames).toHaveLength(1)
    frames.shift()?.()
    expect(listener).toHaveBeenCalledTimes(1)
    expect(store.getState().devices.get('tank-1')?.values.level_pct).toBe(69)
    expect(store.getState().events).toEqual([PLATE_EVENT])
  })

  it('flushes at once when the queue is large, without waiting for a frame', () => {
    const { server, store, frames } = setup()
    server.snapshot(SNAPSHOT)
    const burst = Array.from({ length: MAX_QUEUED_ITEMS }, (_, i) => ({ ...TANK_DELTA, values: { level_pct: i } }))
    server.deltas(burst)
    expect(frames).toHaveLength(0)
    expect(store.getState().devices.get('tank-1')?.values.level_pct).toBe(MAX_QUEUED_ITEMS - 1)
  })

  it('drops deltas queued before a snapshot, which already holds their values', () => {
    const { server, store, frames } = setup()
    server.snapshot(SNAPSHOT)
    server.deltas([TANK_DELTA])
    server.snapshot(SNAPSHOT)
    for (const frame of frames.splice(0)) frame()
    expect(store.getState().devices.get('tank-1')?.values.level_pct).toBe(72.4)
  })

  it('flushes what is queued and closes the transport on stop', () => {
    const { server, store, client, close } = setup()
    server.snapshot(SNAPSHOT)
    server.deltas([TANK_DELTA])
    client.stop()
    expect(close).toHaveBeenCalledOnce()
    expect(store.getState().devices.get('tank-1')?.values.level_pct).toBe(14.2)
  })

  it('passes on what the server said about the session, and commits nothing for it', () => {
    const { server, store, refused, listener } = setup()
    server.refused({ kind: 'refused', code: 'FM_ERR_AUTH_REQUIRED' })
    server.refused({ kind: 'closed' })
    expect(refused.mock.calls).toEqual([[{ kind: 'refused', code: 'FM_ERR_AUTH_REQUIRED' }], [{ kind: 'closed' }]])
    expect(listener).not.toHaveBeenCalled()
    expect(store.getState().snapshotTs).toBeNull()
  })

  it('opens one link however often it is started, and a new one when started again after stop', () => {
    const { client, opened, close } = setup()
    client.start()
    expect(opened).toHaveBeenCalledOnce()
    client.stop()
    client.stop()
    expect(close).toHaveBeenCalledOnce()
    client.start()
    expect(opened).toHaveBeenCalledTimes(2)
  })
})
