import { describe, expect, it } from 'vitest'
import { PacketSizeScanner } from '../src/packet-size.ts'

/** A fixed header: the type byte, then the Remaining Length as a variable byte integer (MQTT 3.1.1 §2.2.3). */
function fixedHeader(remainingLength: number, type = 0x30): Uint8Array {
  const length: number[] = []
  let rest = remainingLength
  do {
    const digit = rest % 128
    rest = Math.floor(rest / 128)
    length.push(rest > 0 ? digit | 0x80 : digit)
  } while (rest > 0)
  return Uint8Array.from([type, ...length])
}

/** A whole packet: its fixed header and that many bytes. */
function packet(remainingLength: number, type = 0x30): Uint8Array {
  return concat(fixedHeader(remainingLength, type), new Uint8Array(remainingLength))
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]))
}

describe('PacketSizeScanner', () => {
  it('lets through a stream of packets within the limit, however it is chunked', () => {
    const stream = concat(packet(0, 0xc0), packet(100), packet(127), packet(128), packet(1000), packet(0, 0xe0))
    for (const chunkSize of [1, 2, 3, 7, 64, stream.length]) {
      const scanner = new PacketSizeScanner(1000)
      for (let offset = 0; offset < stream.length; offset += chunkSize) {
        expect(scanner.push(stream.subarray(offset, offset + chunkSize))).toBeUndefined()
      }
    }
  })

  it('reports the announced size of the first packet over the limit, as soon as its header is complete', () => {
    const scanner = new PacketSizeScanner(1000)
    expect(scanner.push(packet(10))).toBeUndefined()
    // header and the first of two length bytes: not yet known
    expect(scanner.push(Uint8Array.from([0x30, 0xe9]))).toBeUndefined()
    expect(scanner.push(Uint8Array.from([0x07]))).toBe(1001)
  })

  it.each([
    [16_384, 16_384, undefined],
    [16_385, 16_384, 16_385],
    [268_435_455, 16_384, 268_435_455],
  ])('announced %i bytes against a limit of %i → %s', (size, limit, expected) => {
    expect(new PacketSizeScanner(limit).push(fixedHeader(size))).toBe(expected)
  })

  it('treats a Remaining Length of more than four bytes as malformed', () => {
    expect(new PacketSizeScanner(1000).push(Uint8Array.from([0x30, 0x80, 0x80, 0x80, 0x80]))).toBe(Infinity)
  })
})
