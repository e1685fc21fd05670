/**
 * Delivery of the live view to the sockets, so that a slow or stuck browser holds a bounded amount of the api's memory
 * and never delays the others.
 *
 * engine.io queues whatever is emitted to a socket, without limit, while the socket's transport is not writable: a
 * websocket from a write until the kernel has taken it, which a client that stops reading makes forever. So at each
 * flush every socket is either *in step* or *lagging*:
 * - a socket is in step while its transport is writable and engine.io holds fewer than MAX_QUEUED_FRAMES frames for
 *   it; the sockets in step get the batch in one broadcast, encoded once;
 * - a lagging socket gets nothing queued. It keeps a `Backlog` instead: at most one delta per device (folded with
 *   `mergeDelta`, so bounded by the device count) or, once the registry changed, only a mark that it needs a new
 *   snapshot, plus at most MAX_HELD_EVENTS events, the oldest dropped and counted;
 * - alarm changes are held too, one per alarm (its latest, which carries the alarm's latest state), and the latest
 *   flood status of each site: bounded by the alarms and sites there are;
 * - at the next flush where it takes frames again, it gets its backlog in one `deltas` (or `snapshot`), one
 *   `events` and one `alarms` frame, and a `flood` per site whose flood began or ended, and is in step: its state is
 *   the one a socket that never lagged has;
 * - a socket lagging for longer than `stuckTimeoutMs` is closed; socket.io reconnects it, to a fresh snapshot.
 *
 * A lagging socket is looked at on every flush rather than on engine.io's `drain`: `drain` fires when queued frames
 * are handed to the transport, so it says nothing about a socket for which nothing was queued. A recovered socket waits
 * one flush interval at most.
 *
 * Each socket belongs to an *audience*: the sockets of users with the same scope (`live-sessions.ts` signs them in at
 * the handshake). A batch is cut to each audience's sites and buildings once and broadcast to its socket.io room, so
 * a guard of one compound never receives a value, an event, an alarm or even the id of a device of another; a socket
 * nobody signed in gets nothing at all.
 */
import {
  type AlarmChange,
  type ClientToServerEvents,
  type DeviceDelta,
  type DeviceEvent,
  type FloodStatus,
  type LiveSnapshot,
  type ServerToClientEvents,
  scopeCovers,
  scopeIncludesSite,
  type UserRole,
  type UserScope,
  type WorkOrderChange,
} from '@fm/protocol'
import type { Logger } from 'pino'
import type { Server, Socket } from 'socket.io'
import { mergeDelta } from './live-state.ts'

/** Who holds a live socket, set at the handshake (`live-sessions.ts`). */
export interface LiveViewer {
  userId: string
  username: string
  role: UserRole
  scope: UserScope
  /** The session's token, to find out later whether the session still holds; never sent anywhere. */
  token: string
}

export interface LiveSocketData {
  viewer?: LiveViewer
}

// biome-ignore lint/complexity/noBannedTypes: the api runs a single process, with no events between servers
type InterServerEvents = {}
export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, LiveSocketData>
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, LiveSocketData>

/** Where a device is, to tell whom its deltas and events are for; undefined for a device the view does not know. */
export type PlaceOf = (deviceId: string) => { siteId: string; buildingId?: string | undefined } | undefined

/** The same text for the same scope, whatever the order its lists were saved in. */
export function audienceKey(scope: UserScope): string {
  if (scope.allSites && scope.buildingIds.length === 0) return 'all'
  const sites = scope.allSites ? '*' : [...scope.siteIds].sort().join(',')
  return `${sites}|${[...scope.buildingIds].sort().join(',')}`
}

/**
 * Frames engine.io may hold, unsent, for a socket that still gets more. One flush queues at most three (deltas or a
 * snapshot, events, alarms) plus a `flood` per site whose flood began or ended, which is rare; so engine.io holds
 * about MAX_QUEUED_FRAMES + 2 of ours for a socket at most, plus its own heartbeat every 25 s. A socket in step holds
 * none between two flushes: its transport takes them at once.
 */
export const MAX_QUEUED_FRAMES = 3
/** Events held for one lagging socket; beyond it the oldest are dropped (and counted). */
export const MAX_HELD_EVENTS = 1_000
/** A socket lagging this long is closed; it reconnects and starts again from a snapshot. */
export const STUCK_TIMEOUT_MS = 30_000

/**
 * What one flush sends: either a snapshot (the registry changed) or deltas; the events since the last flush; the
 * alarms that changed, one change per alarm; and the sites whose flood began or ended.
 */
export interface FeedBatch {
  snapshot: boolean
  deltas: DeviceDelta[]
  events: DeviceEvent[]
  alarms: AlarmChange[]
  floods: FloodStatus[]
}

/** Gauges now, counters since start; `/metrics` shows them as `fm_api_live_*`. */
export interface LiveClientStats {
  clients: number
  lagging: number
  /** Frames engine.io holds for all sockets, not handed to their transport yet. */
  queuedFrames: number
  /** Deltas held for the lagging sockets, at most one per device and socket. */
  heldDeltas: number
  /** Events held for the lagging sockets, at most MAX_HELD_EVENTS per socket. */
  heldEvents: number
  /** Events a lagging socket never got: the oldest beyond MAX_HELD_EVENTS. */
  droppedEvents: number
  /** Sockets closed after lagging for longer than the stuck timeout. */
  stuckDisconnects: number
  /** Events clients sent, which the api does not take (ClientToServerEvents has none): ignored. */
  refusedClientEvents: number
}

/**
 * What a lagging socket has missed, coalesced: bounded by the device count, MAX_HELD_EVENTS events, the alarm count
 * and the site count.
 */
export class Backlog {
  /** When the socket started lagging, epoch ms. */
  readonly since: number
  #snapshot = false
  readonly #deltas = new Map<string, DeviceDelta>()
  #events: DeviceEvent[] = []
  #dropped = 0
  /** The latest change of each alarm, in the order of their latest changes. */
  readonly #alarms = new Map<number, AlarmChange>()
  readonly #floods = new Map<string, FloodStatus>()

  constructor(since: number) {
    this.since = since
  }

  get heldDeltas(): number {
    return this.#deltas.size
  }

  get heldEvents(): number {
    return this.#events.length
  }

  /** Events dropped since the socket started lagging. */
  get dropped(): number {
    return this.#dropped
  }

  /** Adds one flush's batch; returns how many events it dropped to stay within MAX_HELD_EVENTS. */
  add(batch: FeedBatch): number {
    if (batch.snapshot) {
      // the snapshot is taken when the socket catches up, and holds every delta until then
      this.#snapshot = true
      this.#deltas.clear()
    } else if (!this.#snapshot) {
      for (const delta of batch.deltas) {
        const held = this.#deltas.get(delta.id)
        this.#deltas.set(delta.id, held ? mergeDelta(held, delta) : delta)
      }
    }
    for (const change of batch.alarms) {
      this.#alarms.delete(change.alarm.id)
      this.#alarms.set(change.alarm.id, change)
    }
    for (const flood of batch.floods) this.#floods.set(flood.siteId, flood)
    this.#events = this.#events.concat(batch.events)
    const overflow = this.#events.length - MAX_HELD_EVENTS
    if (overflow <= 0) return 0
    this.#events.splice(0, overflow)
    this.#dropped += overflow
    return overflow
  }

  /** What to send to catch up. */
  contents(): FeedBatch {
    return {
      snapshot: this.#snapshot,
      deltas: [...this.#deltas.values()],
      events: this.#events,
      alarms: [...this.#alarms.values()],
      floods: [...this.#floods.values()],
    }
  }
}

interface Subscriber {
  socket: LiveSocket
  /** The socket.io room of the sockets with the same scope; see `audienceKey`. */
  audience: string
  scope: UserScope
  /** engine.io's queue for this socket: every packet is queued (`packetCreate`), all are handed over at once (`flush`). */
  queuedFrames: number
  backlog: Backlog | undefined
}

function takesFrames(subscriber: Subscriber): boolean {
  return subscriber.socket.conn.transport.writable && subscriber.queuedFrames < MAX_QUEUED_FRAMES
}

export interface LiveFeedOptions {
  logger: Logger
  /** The current state, for a socket that connects or needs to start again; cut to its scope here. */
  snapshot: () => LiveSnapshot
  placeOf: PlaceOf
  stuckTimeoutMs?: number
}

/** The part of a batch a scope covers; the batch itself when the scope covers everything. */
export function batchFor(batch: FeedBatch, scope: UserScope, placeOf: PlaceOf): FeedBatch {
  if (audienceKey(scope) === 'all') return batch
  const covers = (deviceId: string) => {
    const place = placeOf(deviceId)
    return place !== undefined && scopeCovers(scope, place.siteId, place.buildingId)
  }
  return {
    snapshot: batch.snapshot,
    deltas: batch.deltas.filter((delta) => covers(delta.id)),
    events: batch.events.filter((event) => covers(event.deviceId)),
    alarms: batch.alarms.filter(({ alarm }) => scopeCovers(scope, alarm.siteId, alarm.buildingId)),
    floods: batch.floods.filter((flood) => scopeIncludesSite(scope, flood.siteId)),
  }
}

/** The devices, alarms and flood states of a snapshot a scope covers. */
export function snapshotFor(snapshot: LiveSnapshot, scope: UserScope): LiveSnapshot {
  if (audienceKey(scope) === 'all') return snapshot
  return {
    ts: snapshot.ts,
    devices: snapshot.devices.filter((device) => scopeCovers(scope, device.siteId, device.buildingId)),
    alarms: snapshot.alarms.filter((alarm) => scopeCovers(scope, alarm.siteId, alarm.buildingId)),
    floods: snapshot.floods.filter((flood) => scopeIncludesSite(scope, flood.siteId)),
  }
}

const roomOf = (audience: string) => `audience:${audience}`

export class LiveFeed {
  readonly #log: Logger
  readonly #snapshot: () => LiveSnapshot
  readonly #placeOf: PlaceOf
  readonly #stuckTimeoutMs: number
  readonly #subscribers = new Map<string, Subscriber>()
  #io: LiveServer | undefined
  #droppedEvents = 0
  #stuckDisconnects = 0
  #refusedClientEvents = 0

  constructor(options: LiveFeedOptions) {
    this.#log = options.logger
    this.#snapshot = options.snapshot
    this.#placeOf = options.placeOf
    this.#stuckTimeoutMs = options.stuckTimeoutMs ?? STUCK_TIMEOUT_MS
  }

  /**
   * A socket that connects gets a snapshot first, so that deltas only ever apply to a known state. One without a
   * viewer (the handshake guard did not run) is closed: nothing is sent to nobody in particular.
   */
  attach(io: LiveServer): void {
    this.#io = io
    io.on('connection', (socket) => {
      const viewer = socket.data.viewer
      if (!viewer) {
        this.#log.error({ socket: socket.id }, 'a live socket without a signed-in viewer: closed')
        socket.disconnect(true)
        return
      }
      const audience = audienceKey(viewer.scope)
      const subscriber: Subscriber = { socket, audience, scope: viewer.scope, queuedFrames: 0, backlog: undefined }
      this.#subscribers.set(socket.id, subscriber)
      socket.join(roomOf(audience))
      socket.conn.on('packetCreate', () => {
        subscriber.queuedFrames += 1
      })
      socket.conn.on('flush', () => {
        subscriber.queuedFrames = 0
      })
      socket.on('disconnect', () => this.#subscribers.delete(socket.id))
      this.#refuseClientEvents(socket, viewer)
      socket.emit('snapshot', snapshotFor(this.#snapshot(), viewer.scope))
    })
  }

  /**
   * Sends one flush's batch: to each audience its part, broadcast to its sockets in step, held for its lagging ones.
   * Each part is cut once per audience, not once per socket.
   */
  send(batch: FeedBatch, now: number): void {
    const io = this.#io
    if (!io) return
    const lagging: Subscriber[] = []
    const audiences = new Map<string, UserScope>()
    for (const subscriber of this.#subscribers.values()) {
      audiences.set(subscriber.audience, subscriber.scope)
      if (!subscriber.backlog && !takesFrames(subscriber)) {
        subscriber.backlog = new Backlog(now)
        this.#log.debug({ socket: subscriber.socket.id }, 'a live socket lags: holding its deltas')
      }
      if (subscriber.backlog) lagging.push(subscriber)
    }
    // before any socket catches up below, so that none gets this batch twice
    const laggingIds = lagging.map((subscriber) => subscriber.socket.id)
    const snapshot = batch.snapshot ? this.#snapshot() : undefined
    const parts = new Map<string, FeedBatch>()
    for (const [audience, scope] of audiences) {
      const part = batchFor(batch, scope, this.#placeOf)
      parts.set(audience, part)
      const inStep = io.to(roomOf(audience)).except(laggingIds)
      if (snapshot) inStep.emit('snapshot', snapshotFor(snapshot, scope))
      else if (part.deltas.length > 0) inStep.emit('deltas', part.deltas)
      if (part.events.length > 0) inStep.emit('events', part.events)
      if (part.alarms.length > 0) inStep.emit('alarms', part.alarms)
      for (const flood of part.floods) inStep.emit('flood', flood)
    }
    for (const subscriber of lagging) {
      try {
        this.#serveLagging(subscriber, parts.get(subscriber.audience) ?? batch, now)
      } catch (error) {
        // one socket's failure must not keep the others behind
        this.#log.error({ err: error, socket: subscriber.socket.id }, 'serving a lagging live socket failed')
      }
    }
  }

  /**
   * A work order changed: sent at once to the sockets whose scope covers its place. Rare and small, so it is not
   * batched; lagging sockets get it too (a work order is not superseded by the next delta).
   */
  sendWorkOrder(change: WorkOrderChange): void {
    const io = this.#io
    if (!io) return
    const { workOrder } = change
    const resident = workOrder.resident && { name: workOrder.resident.name }
    const sent: WorkOrderChange = { ...change, workOrder: { ...workOrder, ...(resident ? { resident } : {}) } }
    const audiences = new Map<string, UserScope>()
    for (const subscriber of this.#subscribers.values()) audiences.set(subscriber.audience, subscriber.scope)
    for (const [audience, scope] of audiences) {
      if (scopeCovers(scope, workOrder.siteId, workOrder.buildingId)) io.to(roomOf(audience)).emit('workOrder', sent)
    }
  }

  stats(): LiveClientStats {
    const stats: LiveClientStats = {
      clients: this.#subscribers.size,
      lagging: 0,
      queuedFrames: 0,
      heldDeltas: 0,
      heldEvents: 0,
      droppedEvents: this.#droppedEvents,
      stuckDisconnects: this.#stuckDisconnects,
      refusedClientEvents: this.#refusedClientEvents,
    }
    for (const { queuedFrames, backlog } of this.#subscribers.values()) {
      stats.queuedFrames += queuedFrames
      if (!backlog) continue
      stats.lagging += 1
      stats.heldDeltas += backlog.heldDeltas
      stats.heldEvents += backlog.heldEvents
    }
    return stats
  }

  /**
   * The dashboard sends nothing over the live socket, so every event a client sends is refused: counted, logged once
   * per socket (a buggy or hostile client must not flood the log), and answered with a coded error when the client
   * asked for an acknowledgement. The socket stays open: what it receives is unaffected.
   */
  #refuseClientEvents(socket: LiveSocket, viewer: LiveViewer): void {
    let logged = false
    socket.onAny((event: unknown, ...args: unknown[]) => {
      this.#refusedClientEvents += 1
      const name = String(event).slice(0, 64)
      const ack = args.at(-1)
      if (typeof ack === 'function') {
        ack({ statusCode: 400, code: 'FM_ERR_VALIDATION', message: `the live socket takes no "${name}" events` })
      }
      if (logged) return
      logged = true
      this.#log.warn({ socket: socket.id, user: viewer.username, event: name }, 'a live socket sent an event: ignored')
    })
  }

  #serveLagging(subscriber: Subscriber, batch: FeedBatch, now: number): void {
    const { socket, backlog } = subscriber
    if (!backlog) return
    this.#droppedEvents += backlog.add(batch)
    const laggedMs = now - backlog.since
    if (takesFrames(subscriber)) {
      subscriber.backlog = undefined
      const { snapshot, deltas, events, alarms, floods } = backlog.contents()
      if (snapshot) socket.emit('snapshot', snapshotFor(this.#snapshot(), subscriber.scope))
      else if (deltas.length > 0) socket.emit('deltas', deltas)
      if (events.length > 0) socket.emit('events', events)
      if (alarms.length > 0) socket.emit('alarms', alarms)
      for (const flood of floods) socket.emit('flood', flood)
      const context = { socket: socket.id, laggedMs, droppedEvents: backlog.dropped }
      if (backlog.dropped > 0) this.#log.warn(context, 'a lagging live socket caught up without its oldest events')
      else this.#log.debug(context, 'a lagging live socket caught up')
    } else if (laggedMs > this.#stuckTimeoutMs) {
      this.#subscribers.delete(socket.id)
      this.#stuckDisconnects += 1
      this.#log.warn(
        { socket: socket.id, laggedMs, droppedEvents: backlog.dropped, address: socket.handshake.address },
        'closed a live socket that took no data for too long; it reconnects to a fresh snapshot',
      )
      // Closing the transport, not `socket.disconnect()`: socket.io clients reconnect after a transport close but not
      // after a server disconnect; `true` discards what engine.io holds instead of waiting for a drain that never comes.
      socket.conn.close(true)
    }
  }
}
