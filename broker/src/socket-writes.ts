/**
 * What the broker does with the bytes it owes each client.
 *
 * Coalescing. mqtt-packet corks a socket for each packet it writes and uncorks it on the next tick, so every PUBLISH
 * to ingest or the api becomes its own `writev`, and on loopback that call also does the receiver's TCP work: a third
 * of the broker's CPU at 13 k msg/s (`npm run bench`, CPU profile). Holding the cork until the end of the event-loop
 * turn (`setImmediate`) sends everything produced for one socket in that turn in one call. The delay is bounded by
 * the turn itself, well under a millisecond at load, and nothing is reordered.
 *
 * Slow consumers. Aedes waits for a subscriber's socket to drain before it acknowledges the publisher, so one client
 * that stops reading (a dashboard tab on a dead Wi-Fi, a hung script) would hold every device that publishes to it.
 * Here a write reports success whatever the socket says, so nobody waits for that client, and a client that lets
 * more than `limitBytes` pile up unread is disconnected and reported: its memory is bounded and the others never
 * notice. The one exception is a subscriber that must not lose anything and keeps a persistent session (ingest,
 * `mayBlock`): its socket's real answer is passed on, so when it falls behind the devices are slowed down instead,
 * by their own TCP windows, which is how MQTT is meant to push back. If it stops reading altogether, Aedes' drain
 * timeout or the byte limit ends the connection and its session keeps the messages until it is back.
 */
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'

export interface WriteGuard {
  /** Bytes written and not yet sent, beyond which the connection is closed. */
  limitBytes: number
  /** Whether this client's slowness may hold the publishers (asked on every write: it is known after CONNECT). */
  mayBlock: () => boolean
  /** Called once, when the connection is closed for being too slow. */
  onSlow: (pendingBytes: number) => void
}

/** Sends what one event-loop turn wrote to a TCP socket in one system call. */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write
  let held = false
  const release = (): void => {
    held = false
    // on a socket destroyed in this turn the buffer is gone already and uncork does nothing
    socket.uncork()
  }
  socket.write = function coalescingWrite(this: Socket, ...args: Parameters<Socket['write']>) {
    if (!held) {
      held = true
      this.cork()
      setImmediate(release)
    }
    return write.apply(this, args)
  } as Socket['write']
}

export function guardWrites(conn: Duplex, guard: WriteGuard): void {
  const write = conn.write
  let closed = false
  conn.write = function guardedWrite(this: Duplex, ...args: Parameters<Duplex['write']>) {
    const sent = write.apply(this, args)
    if (closed) return true
    if (this.writableLength > guard.limitBytes) {
      closed = true
      guard.onSlow(this.writableLength)
      this.destroy()
      // nothing more will drain: Aedes must not wait for it
      return true
    }
    return sent || !guard.mayBlock()
  } as Duplex['write']
}
