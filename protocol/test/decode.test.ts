import { decodeMessage, MAX_PAYLOAD_BYTES, numericValue, telemetryFields } from '@fm/protocol'
import { describe, expect, it } from 'vitest'

const NOW = Date.UTC(2026, 10, 27, 8, 0, 0)
const tankTopic = 'fm/v1/cuihu/water-tank/tank-1/telemetry'

describe('decodeMessage', () => {
  it('decodes telemetry into a Reading stamped with the device time', () => {
    const result = decodeMessage(
      tankTopic,
      JSON.stringify({ ts: NOW - 1000, level_pct: 72.5, inlet_valve: 'open' }),
      NOW,
    )
    expect(result).toEqual({
      ok: true,
      message: {
        channel: 'telemetry',
        reading: {
          siteId: 'cuihu',
          kind: 'water-tank',
          deviceId: 'tank-1',
          ts: NOW - 1000,
          values: { level_pct: 72.5, inlet_valve: 'open' },
        },
      },
    })
  })

  it('stamps the receive time when the device sends no ts', () => {
    const result = decodeMessage(tankTopic, new TextEncoder().encode('{"level_pct":50}'), NOW)
    expect(result.ok && result.message.channel === 'telemetry' && result.message.reading.ts).toBe(NOW)
  })

  it.each([
    ['fm/v1/cuihu/water-tank/tank-1', '{"level_pct":1}', 'FM_ERR_MQTT_TOPIC_INVALID'],
    ['fm/v1/cuihu/water-tank/tank-1/event', '{"type":"plate"}', 'FM_ERR_MQTT_CHANNEL_UNEXPECTED'],
    ['fm/v1/cuihu/water-tank/tank-1/cmd', '{}', 'FM_ERR_MQTT_CHANNEL_UNEXPECTED'],
    [tankTopic, '{"level_pct":', 'FM_ERR_MQTT_JSON_INVALID'],
    [tankTopic, new Uint8Array([0xff, 0xfe, 0x7b]), 'FM_ERR_MQTT_JSON_INVALID'],
    [tankTopic, '[]', 'FM_ERR_MQTT_SCHEMA_INVALID'],
    [tankTopic, '{}', 'FM_ERR_MQTT_SCHEMA_INVALID'],
    [tankTopic, '{"level_pct":"high"}', 'FM_ERR_MQTT_SCHEMA_INVALID'],
    [tankTopic, '{"level_pct":140}', 'FM_ERR_MQTT_SCHEMA_INVALID'],
    [tankTopic, '{"inlet_valve":"ajar"}', 'FM_ERR_MQTT_SCHEMA_INVALID'],
    [tankTopic, '{"levelpct":40}', 'FM_ERR_MQTT_SCHEMA_INVALID'],
    [tankTopic, `{"level_pct":1,"ts":${NOW + 3_600_000}}`, 'FM_ERR_MQTT_TS_IN_FUTURE'],
    [tankTopic, '{"level_pct":1,"ts":0}', 'FM_ERR_MQTT_TS_TOO_OLD'],
    [tankTopic, `{"ts":${NOW}}`, 'FM_ERR_MQTT_SCHEMA_INVALID'],
    ['fm/v1/cuihu/gate/gate-1/event', `{"type":"scan","ts":${NOW}}`, 'FM_ERR_MQTT_SCHEMA_INVALID'],
    [tankTopic, `{"level_pct":1,"pad":"${'x'.repeat(MAX_PAYLOAD_BYTES)}"}`, 'FM_ERR_MQTT_PAYLOAD_TOO_LARGE'],
  ])('rejects %s %s as %s', (topic, payload, code) => {
    const result = decodeMessage(topic, payload, NOW)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.code).toBe(code)
      expect(result.error.length).toBeGreaterThan(0)
    }
  })

  it('names an unknown field in the reason', () => {
    const result = decodeMessage(tankTopic, '{"levelpct":40}', NOW)
    expect(!result.ok && result.error).toBe('unknown field "levelpct"')
  })

  it('decodes a plate event, a fire point event and a scan', () => {
    const plate = decodeMessage(
      'fm/v1/cuihu/gate/gate-n-in/event',
      '{"type":"plate","plate":"鄂A12345","plate_color":"blue","confidence_pct":96.5,"direction":"in"}',
      NOW,
    )
    expect(plate.ok && plate.message.channel === 'event' && plate.message.event.event).toMatchObject({
      type: 'plate',
      plate: '鄂A12345',
      ts: NOW,
    })
    const point = decodeMessage(
      'fm/v1/cuihu/fire-alarm-panel/fap-1/event',
      '{"type":"point","loop":2,"point":17,"states":["fire"]}',
      NOW,
    )
    expect(point.ok).toBe(true)
    const badPoint = decodeMessage(
      'fm/v1/cuihu/fire-alarm-panel/fap-1/event',
      '{"type":"point","loop":2,"point":17,"states":["burning"]}',
      NOW,
    )
    expect(badPoint.ok).toBe(false)
    const scan = decodeMessage(
      'fm/v1/cuihu/patrol-checkpoint/cp-1/event',
      '{"type":"scan","guard_id":"g7","method":"nfc"}',
      NOW,
    )
    expect(scan.ok).toBe(true)
  })

  it('decodes status and its last-will form', () => {
    const online = decodeMessage('fm/v1/cuihu/pump/pump-b1/status', '{"online":true,"report_interval_sec":5}', NOW)
    expect(online.ok && online.message.channel === 'status' && online.message.status).toMatchObject({
      online: true,
      reportIntervalSec: 5,
    })
    const will = decodeMessage('fm/v1/cuihu/pump/pump-b1/status', '{"online":false}', NOW)
    expect(will.ok && will.message.channel === 'status' && will.message.status.online).toBe(false)
  })
})

describe('numericValue', () => {
  it('stores booleans as 0/1 and enums as their index', () => {
    const fields = telemetryFields('electrical-panel')
    const breaker = fields.find((field) => field.key === 'breaker')
    expect(breaker && numericValue(breaker, 'tripped')).toBe(2)
    const tank = telemetryFields('water-tank')
    const overflow = tank.find((field) => field.key === 'overflow')
    expect(overflow && numericValue(overflow, true)).toBe(1)
  })

  it('describes every kind with units on numeric fields', () => {
    for (const field of telemetryFields('pump')) {
      if (field.type === 'number') expect(field.unit).toBeDefined()
    }
  })
})
