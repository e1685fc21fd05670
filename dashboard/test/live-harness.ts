/** A live client wired to a transport and animation frames that the test drives by hand. */
import { act } from '@testing-library/react'
import { createLiveClient, type LiveHandlers } from '../src/live/client.ts'
import { createLiveStore } from '../src/live/store.ts'

export function createFakeLive() {
  let handlers: LiveHandlers | undefined
  const frames: (() => void)[] = []
  const store = createLiveStore()
  const client = createLiveClient(
    store,
    (h) => {
      handlers = h
      return () => {}
    },
    (callback) => {
      frames.push(callback)
      return () => frames.splice(frames.indexOf(callback), 1)
    },
  )
  client.start()
  const server = handlers
  if (!server) throw new Error('transport not opened')
  return {
    store,
    server,
    /** Runs the pending animation frame, as the browser would before the next paint. */
    nextFrame() {
      act(() => {
        for (const frame of frames.splice(0)) frame()
      })
    },
  }
}
