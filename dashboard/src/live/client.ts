/**
 * The one live connection of the dashboard (windfront's single WebSocketManager, STYLE §2.2 step 6).
 *
 * `snapshot` replaces the store at once. `deltas`, `events`, `alarms` and `flood` are queued and committed together
 * once per animation frame, so a burst of messages costs one store update and one render, not one per message. The
 * queue is flushed at once when it grows past `MAX_QUEUED_ITEMS`: a hidden tab gets no animation frames, and memory
 * must stay bounded.
 */
import type {
  AlarmChange,
  ClientToServerEvents,
  DeviceDelta,
  DeviceEvent,
  FloodStatus,
  LiveSnapshot,
  ServerToClientEvents,
  WorkOrderView,
} from '@fm/protocol'
import { io, type Socket } from 'socket.io-client'
import {
  appendEvents,
  applyAlarmChanges,
  applyDeltas,
  applyFloods,
  applySnapshot,
  applyWorkOrders,
  type ConnectionState,
  type LiveStore,
  setConnection,
} from './store.ts'

export const MAX_QUEUED_ITEMS = 500
/** socket.io retries forever; the cap keeps a guard's screen from waiting a minute after the api restarts. */
export const RECONNECT_DELAY_MAX_MS = 5_000

/**
 * Why the server will not give, or stopped giving, live data to this session. socket.io retries neither by itself, so
 * whoever runs the client must find out what became of the session and start again.
 */
export type LiveRefusal =
  /** The handshake was refused: `code` is the api's, e.g. `FM_ERR_AUTH_REQUIRED` or `FM_ERR_PASSWORD_CHANGE_REQUIRED`. */
  | { kind: 'refused'; code: string }
  /** The server closed the link: the session ended, or the user's role or scope changed. */
  | { kind: 'closed' }

/** What a transport reports; the client turns it into store updates. */
export interface LiveHandlers {
  connection(state: ConnectionState): void
  snapshot(snapshot: LiveSnapshot): void
  deltas(deltas: DeviceDelta[]): void
  events(events: DeviceEvent[]): void
  alarms(changes: AlarmChange[]): void
  flood(status: FloodStatus): void
  workOrders(views: WorkOrderView[]): void
  refused(refusal: LiveRefusal): void
}

/** Opens a connection that reports to `handlers` until the returned function closes it. */
export type LiveTransport = (handlers: LiveHandlers) => () => void

/** Runs `callback` before the next paint; returns a function that cancels it. */
export type FrameScheduler = (callback: () => void) => () => void

export const animationFrame: FrameScheduler = (callback) => {
  const handle = requestAnimationFrame(callback)
  return () => cancelAnimationFrame(handle)
}

/** The api's code in a refused handshake: in `data.code`, and as the message for clients that read no data. */
function refusalCode(error: Error & { data?: unknown }): string {
  const { data } = error
  const code = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).code : undefined
  return typeof code === 'string' ? code : error.message
}

/**
 * socket.io at the page's origin (the Vite dev server proxies it); the browser sends the session cookie with the
 * handshake. The state is `live` only after a snapshot, because before it the screen would show stale values;
 * `connecting` while the first attempt runs; `offline` whenever the link is down, reconnect attempts included.
 */
export function socketTransport(url?: string): LiveTransport {
  return (handlers) => {
    // `forceNew`: every link handshakes anew, with the cookie of the session it is for; socket.io would otherwise
    // reuse a cached connection, whose handshake carried the previous session's cookie.
    const options = { reconnectionDelayMax: RECONNECT_DELAY_MAX_MS, forceNew: true }
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = url ? io(url, options) : io(options)
    handlers.connection('connecting')
    socket.on('snapshot', (snapshot) => {
      handlers.snapshot(snapshot)
      handlers.connection('live')
    })
    socket.on('deltas', (deltas) => handlers.deltas(deltas))
    socket.on('events', (events) => handlers.events(events))
    socket.on('alarms', (changes) => handlers.alarms(changes))
    socket.on('flood', (status) => handlers.flood(status))
    socket.on('workOrder', (change) => handlers.workOrders([change.workOrder]))
    socket.on('disconnect', (reason) => {
      handlers.connection('offline')
      // socket.io reconnects by itself after a lost network, never after the server chose to close the link.
      if (reason === 'io server disconnect') handlers.refused({ kind: 'closed' })
    })
    socket.on('connect_error', (error) => {
      handlers.connection('offline')
      // A refusal by the server's middleware ends socket.io's retries (`active` turns false); a network error does not.
      if (!socket.active) handlers.refused({ kind: 'refused', code: refusalCode(error) })
    })
    return () => {
      socket.removeAllListeners()
      socket.disconnect()
    }
  }
}

export interface LiveClient {
  start(): void
  stop(): void
  /** Commits queued deltas, events, alarm changes, flood states and work orders now. */
  flush(): void
}

/**
 * A client that commits what `transport` reports into `store`. `onRefused` hears when the server refused or closed
 * the link for the session's sake; the client does not try again by itself.
 */
export function createLiveClient(
  store: LiveStore,
  transport: LiveTransport = socketTransport(),
  scheduleFrame: FrameScheduler = animationFrame,
  onRefused: (refusal: LiveRefusal) => void = () => {},
): LiveClient {
  let deltaQueue: DeviceDelta[] = []
  let eventQueue: DeviceEvent[] = []
  let alarmQueue: AlarmChange[] = []
  let floodQueue: FloodStatus[] = []
  let workOrderQueue: WorkOrderView[] = []
  let cancelFrame: (() => void) | undefined
  let close: (() => void) | undefined

  const queued = () =>
    deltaQueue.length + eventQueue.length + alarmQueue.length + floodQueue.length + workOrderQueue.length

  function flush(): void {
    cancelFrame?.()
    cancelFrame = undefined
    if (queued() === 0) return
    const [deltas, events, changes, floods, workOrders] = [
      deltaQueue,
      eventQueue,
      alarmQueue,
      floodQueue,
      workOrderQueue,
    ]
    deltaQueue = []
    eventQueue = []
    alarmQueue = []
    floodQueue = []
    workOrderQueue = []
    store.update((state) =>
      applyWorkOrders(
        applyFloods(applyAlarmChanges(appendEvents(applyDeltas(state, deltas), events), changes), floods),
        workOrders,
      ),
    )
  }

  function schedule(): void {
    if (queued() >= MAX_QUEUED_ITEMS) flush()
    else cancelFrame ??= scheduleFrame(flush)
  }

  const handlers: LiveHandlers = {
    connection: (state) => store.update((s) => setConnection(s, state)),
    snapshot(snapshot) {
      // Queued deltas, alarm changes and flood states are older than the snapshot, which already contains them.
      deltaQueue = []
      alarmQueue = []
      floodQueue = []
      store.update((state) => applySnapshot(state, snapshot))
    },
    deltas(deltas) {
      deltaQueue.push(...deltas)
      schedule()
    },
    events(events) {
      eventQueue.push(...events)
      schedule()
    },
    alarms(changes) {
      alarmQueue.push(...changes)
      schedule()
    },
    flood(status) {
      floodQueue.push(status)
      schedule()
    },
    workOrders(views) {
      workOrderQueue.push(...views)
      schedule()
    },
    refused: (refusal) => onRefused(refusal),
  }

  return {
    start() {
      close ??= transport(handlers)
    },
    stop() {
      flush()
      close?.()
      close = undefined
    },
    flush,
  }
}
