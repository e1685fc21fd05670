/**
 * A bound on the size of every MQTT packet a connection may send, enforced before the packet is buffered.
 *
 * mqtt-packet, the parser inside aedes, has no size limit: it collects a whole packet in memory, up to the
 * 256 MiB the Remaining Length field can announce (MQTT 3.1.1 §2.2.3), before aedes' `authorizePublish` ever sees
 * it. So a few clients announcing huge packets could exhaust the broker's memory. This scanner reads only the
 * fixed headers as the bytes stream past, and reports the first packet that announces more than the limit.
 */
import type { Duplex } from 'node:stream'
import { MAX_PAYLOAD_BYTES } from '@fm/protocol'

/**
 * Largest Remaining Length (variable header + payload) accepted: a device payload of MAX_PAYLOAD_BYTES plus room
 * for the topic (six levels of at most 64 characters), the packet id, and a CONNECT's client id, credentials and
 * will topic. Exact payload limits per principal are checked in `access.ts`.
 */
export const MAX_PACKET_BYTES = MAX_PAYLOAD_BYTES + 4 * 1024

/** Remaining Length is 1 to 4 bytes of 7 bits each [MQTT-2.2.3]. */
const MAX_LENGTH_BYTES = 4

type ScanState = 'header' | 'length' | 'body'

export class PacketSizeScanner {
  readonly #limit: number
  #state: ScanState = 'header'
  #length = 0
  #lengthBytes = 0
  #remaining = 0

  constructor(limit: number) {
    this.#limit = limit
  }

  /**
   * Consumes the next bytes of the stream. Returns the announced size of the first packet over the limit
   * (Infinity for a malformed length), or undefined while every packet is within it.
   */
  push(chunk: Uint8Array): number | undefined {
    let offset = 0
    while (offset < chunk.length) {
      if (this.#state === 'body') {
        const skipped = Math.min(this.#remaining, chunk.length - offset)
        this.#remaining -= skipped
        offset += skipped
        if (this.#remaining === 0) this.#state = 'header'
        continue
      }
      const byte = chunk[offset++] ?? 0
      if (this.#state === 'header') {
        this.#state = 'length'
        this.#length = 0
        this.#lengthBytes = 0
        continue
      }
      const exceeded = this.#pushLengthByte(byte)
      if (exceeded !== undefined) return exceeded
    }
    return undefined
  }

  #pushLengthByte(byte: number): number | undefined {
    this.#length += (byte & 0x7f) * 128 ** this.#lengthBytes
    this.#lengthBytes++
    if (byte & 0x80) return this.#lengthBytes >= MAX_LENGTH_BYTES ? Number.POSITIVE_INFINITY : undefined
    if (this.#length > this.#limit) return this.#length
    this.#remaining = this.#length
    this.#state = this.#remaining === 0 ? 'header' : 'body'
    return undefined
  }
}

/**
 * Watches a connection that aedes is reading and destroys it on the first packet over `limit`.
 *
 * Aedes reads with a `readable` listener and `read()`. Node documents that when both `readable` and `data`
 * listeners exist, `readable` controls the flow and `data` is emitted for each chunk `read()` returns, before the
 * caller gets it. So this listener, added after `aedes.handle()`, observes every chunk without changing flow or
 * backpressure, and aedes buffers at most the one chunk in which the oversized header arrived.
 */
export function limitPacketSize(conn: Duplex, limit: number, onExceeded: (announcedBytes: number) => void): void {
  const scanner = new PacketSizeScanner(limit)
  const watch = (chunk: Buffer): void => {
    const exceeded = scanner.push(chunk)
    if (exceeded === undefined) return
    conn.off('data', watch)
    onExceeded(exceeded)
    conn.destroy()
  }
  conn.on('data', watch)
}
