/**
 * Holding each QoS 1 PUBACK until the message is durable (written to its store, or spooled), so that a message is
 * either stored or still the broker's to deliver again, whatever happens to ingest.
 *
 * How, with mqtt.js 5.16 and an MQTT 3.1.1 broker:
 * - `customHandleAcks` is honoured only for MQTT 5 (`build/lib/client.js`: `protocolVersion === 5 &&
 *   options.customHandleAcks`, otherwise every message is acknowledged at once), and Aedes refuses MQTT 5 CONNECTs.
 * - Holding the callback of `handleMessage` (the 3.1.1 hook) holds the whole packet pump: mqtt.js parses the next
 *   packet only after the previous PUBACK was written (`handlers/publish.js` → `_sendPacket(puback, done)`). Ingest
 *   would then take one message per store write, stop reading its socket, and Aedes, which has no outgoing in-flight
 *   window for QoS 1 (`lib/client.js` `deliverQoS` writes at once and waits for `drain`), would block its delivery
 *   slots on us (`concurrency`, until `drainTimeout` drops us): every subscriber would stall.
 * So the pump runs freely and only the PUBACK packets wait: mqtt.js' packet writer is wrapped, a PUBACK it wants to
 * send is kept with its message, and PUBACKs leave in the order their PUBLISHes came [MQTT-4.6.0-2], each once its
 * message is durable. The wrapped method is private to mqtt.js; `installAckGate` fails at start-up if it is missing,
 * and `ingest/test/held-acks.test.ts` proves the behaviour against a real broker.
 *
 * Neither Aedes nor mqtt.js bounds the unacknowledged messages, so the gate does: past `maxHeld` it refuses. A
 * refused message is never acknowledged, nor any after it on this connection (order); the broker keeps them all and
 * delivers them again when ingest reconnects (`MqttSession.restart`). Staying far below 65 535 also keeps the
 * broker's 16-bit message ids unique among the messages we hold.
 */
import type { MqttClient, Packet } from 'mqtt'

/**
 * Most QoS 1 messages ingest holds unacknowledged (received, not yet written or spooled). They pile up only while a
 * write hangs (an InfluxDB that accepts connections but does not answer, until its timeout). Under the broker's
 * 16-bit message ids, so that the ids of the messages we hold stay unique.
 */
export const MAX_HELD_ACKS = 50_000

/** Call once: with nothing when the work is durable, with the error when it is not. */
export type Completion = (error?: unknown) => void

export interface AckTicket {
  /** False when this connection already refuses: drop the message unprocessed, the broker delivers it again. */
  readonly accepted: boolean
  /** Adds one piece of work the acknowledgement waits for. */
  wait(): Completion
  /** No more work will be added; the PUBACK leaves once the work added so far is done. */
  seal(): void
  /** Never acknowledges this message, nor any received after it on this connection. */
  refuse(reason: string): void
}

export interface AckGate {
  /** Tracks a QoS 1 PUBLISH just received, in receive order. Call it from mqtt.js' `message` event. */
  open(messageId: number): AckTicket
  /** Messages received on this connection and not yet acknowledged. */
  readonly held: number
  /** Why this connection refuses messages, once it does. */
  readonly refusal: string | undefined
  /** A new connection: what was held on the old one is forgotten (the broker delivers it again). */
  reset(): void
}

export interface AckGateOptions {
  /** Refuse once this many messages are held. */
  maxHeld: number
  /** Called once per connection, when it starts refusing. */
  onRefused: (reason: string) => void
}

interface Entry {
  readonly messageId: number
  readonly generation: number
  pending: number
  sealed: boolean
  /** mqtt.js asked to send its PUBACK (it does so right after the `message` event). */
  puback: Packet | undefined
  failed: boolean
}

type SendPacket = (packet: Packet, callback?: (error?: Error) => void, ...rest: unknown[]) => void

/** The private mqtt.js method every outgoing packet goes through, typed for the one use made of it. */
interface PacketWriter {
  _sendPacket: SendPacket
}

function noop(): void {}

const COMPACT_AT = 1024

export function installAckGate(client: MqttClient, options: AckGateOptions): AckGate {
  const writer = client as unknown as PacketWriter
  if (typeof writer._sendPacket !== 'function') {
    throw new Error('this mqtt.js has no _sendPacket: held acknowledgements need mqtt.js 5.x (see held-acks.ts)')
  }
  const send: SendPacket = writer._sendPacket.bind(client)
  let entries: Entry[] = []
  let head = 0
  let generation = 0
  let refusal: string | undefined
  /** The message whose PUBACK mqtt.js asks for next: it asks synchronously after emitting the message. */
  let latest: Entry | undefined

  function release(): void {
    while (head < entries.length) {
      const entry = entries[head]
      if (!entry || entry.failed || entry.pending > 0 || !entry.sealed || !entry.puback) break
      head += 1
      if (client.connected) send(entry.puback, noop)
    }
    if (head >= COMPACT_AT && head * 2 >= entries.length) {
      entries = entries.slice(head)
      head = 0
    }
  }

  function refuse(reason: string): void {
    if (refusal !== undefined) return
    refusal = reason
    options.onRefused(reason)
  }

  writer._sendPacket = (packet, callback, ...rest) => {
    if (packet.cmd !== 'puback') return send(packet, callback, ...rest)
    const entry = latest
    latest = undefined
    if (entry && entry.messageId === packet.messageId && entry.generation === generation) {
      entry.puback = packet
      callback?.()
      release()
      return
    }
    // A message dropped at the door of a refusing connection: its PUBACK is never sent.
    if (refusal !== undefined) return callback?.()
    send(packet, callback, ...rest)
  }

  const refused: AckTicket = { accepted: false, wait: () => noop, seal: noop, refuse: noop }

  function ticket(entry: Entry): AckTicket {
    const current = () => entry.generation === generation
    return {
      accepted: true,
      wait() {
        entry.pending += 1
        let called = false
        return (error) => {
          if (called) return
          called = true
          entry.pending -= 1
          if (!current()) return
          if (error === undefined) release()
          else {
            entry.failed = true
            refuse(error instanceof Error ? error.message : String(error))
          }
        }
      },
      seal() {
        entry.sealed = true
        if (current()) release()
      },
      refuse(reason) {
        entry.failed = true
        if (current()) refuse(reason)
      },
    }
  }

  return {
    open(messageId) {
      latest = undefined
      if (refusal !== undefined) return refused
      if (entries.length - head >= options.maxHeld) {
        refuse(`${options.maxHeld} messages are waiting for their store: the time series is too slow`)
        return refused
      }
      const entry: Entry = { messageId, generation, pending: 0, sealed: false, puback: undefined, failed: false }
      entries.push(entry)
      latest = entry
      return ticket(entry)
    },
    get held() {
      return entries.length - head
    },
    get refusal() {
      return refusal
    },
    reset() {
      generation += 1
      entries = []
      head = 0
      latest = undefined
      refusal = undefined
    },
  }
}
