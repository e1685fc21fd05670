import { readFileSync } from 'node:fs'
import { DEVICE_KINDS, MQTT_REJECTIONS, telemetryFields } from '@fm/protocol'
import { describe, expect, it } from 'vitest'

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8')

/** The rows of the markdown table that follows a heading, as arrays of cells. */
function tableAfter(heading: string): string[][] {
  const start = doc.indexOf(`${heading}\n`)
  if (start < 0) return []
  const lines = doc.slice(start + heading.length + 1).split('\n')
  const rows: string[][] = []
  let inTable = false
  for (const line of lines) {
    if (line.startsWith('|')) {
      inTable = true
      rows.push(
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      )
    } else if (inTable) break
  }
  return rows.slice(2)
}

const unquote = (cell: string | undefined) => cell?.replace(/`/g, '') ?? ''

describe('docs/protocol.md', () => {
  it.each(DEVICE_KINDS)('documents every telemetry field of %s with its type and unit', (kind) => {
    const rows = tableAfter(`### \`${kind}\``)
    const documented = rows.map(([key, type, unit]) => ({ key: unquote(key), type: unquote(type), unit: unit ?? '' }))
    const expected = telemetryFields(kind).map((field) => ({
      key: field.key,
      type: field.type === 'enum' ? `enum: ${field.values?.join(' ')}` : field.type,
      unit: field.unit ?? '',
    }))
    expect(documented).toEqual(expected)
  })

  it('lists every MQTT rejection code and no other', () => {
    const codes = tableAfter('## Rejected messages').map(([code]) => unquote(code))
    expect(codes.sort()).toEqual([...MQTT_REJECTIONS].sort())
  })

  it('shows a mosquitto_pub example on a telemetry topic', () => {
    expect(doc).toMatch(/mosquitto_pub .*\\\n(.*\\\n)*\s*-t fm\/v1\/[a-z0-9-]+\/[a-z-]+\/[a-z0-9-]+\/telemetry/)
  })
})
