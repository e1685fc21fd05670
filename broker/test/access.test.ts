import {
  checkClientId,
  checkPublish,
  checkSubscribe,
  checkWill,
  MAX_PACKET_BYTES,
  type Principal,
  SERVICE_ROLES,
} from '@fm/broker'
import { MAX_PAYLOAD_BYTES } from '@fm/protocol'
import type { DeviceRecord } from '@fm/store'
import { describe, expect, it } from 'vitest'
import { mayRetain } from '../src/access.ts'

const TANK: DeviceRecord = {
  id: 'tank-1',
  siteId: 'cuihu',
  kind: 'water-tank',
  name: '1#生活水箱',
  attributes: {},
  reportIntervalSec: 10,
}
const device: Principal = { type: 'device', device: TANK }
const ingest: Principal = { type: 'service', role: 'ingest', username: 'svc-ingest' }
const api: Principal = { type: 'service', role: 'api', username: 'svc-api' }
const own = (channel: string) => `fm/v1/cuihu/water-tank/tank-1/${channel}`

describe('checkClientId', () => {
  it.each([
    ['tank-1', 'tank-1', true],
    ['tank-1', 'tank-2', false],
    ['tank-1', 'tank-1-b', false],
    ['tank-1', '', false],
    ['svc-api', 'svc-api', true],
    ['svc-api', 'svc-api-2', true],
    ['svc-api', 'svc-api2', false],
    ['svc-api', 'svc-ingest', false],
    ['svc-api', 'tank-1', false],
  ])('user %s with client id "%s": %s', (username, clientId, expected) => {
    expect(checkClientId(username, clientId).ok).toBe(expected)
  })
})

describe('checkPublish', () => {
  it.each([
    [device, own('telemetry'), true],
    [device, own('event'), true],
    [device, own('status'), true],
    [device, own('ack'), true],
    [device, own('cmd'), false],
    [device, own('unknown'), false],
    [device, 'fm/v1/cuihu/water-tank/tank-2/telemetry', false],
    [device, 'fm/v1/other/water-tank/tank-1/telemetry', false],
    [device, 'fm/v1/cuihu/pump/tank-1/telemetry', false],
    [device, 'fm/v1/cuihu/water-tank/tank-1/telemetry/x', false],
    [device, 'fm/services/ingest/status', false],
    [device, '$SYS/x', false],
    [api, 'fm/v1/cuihu/gate/gate-1/cmd', true],
    [api, 'fm/v1/cuihu/gate/gate-1/telemetry', false],
    [api, 'fm/services/api/status', true],
    [api, 'fm/services/ingest/status', false],
    [api, '$SYS/x', false],
    [ingest, 'fm/services/ingest/status', true],
    [ingest, 'fm/services/ingest/alarms/a-1', true],
    [ingest, 'fm/v1/cuihu/gate/gate-1/cmd', false],
    [ingest, own('status'), false],
    // credential notices, which make the broker drop a device: the api's alone
    [api, 'fm/services/api/devices/tank-1/credentials', true],
    [ingest, 'fm/services/api/devices/tank-1/credentials', false],
    [device, 'fm/services/api/devices/tank-1/credentials', false],
  ])('%# %s on %s: %s', (principal, topic, expected) => {
    expect(checkPublish(principal, topic, 10).ok).toBe(expected)
  })

  it('holds a device to MAX_PAYLOAD_BYTES, and leaves services to the packet limit', () => {
    expect(checkPublish(device, own('telemetry'), MAX_PAYLOAD_BYTES).ok).toBe(true)
    expect(checkPublish(device, own('telemetry'), MAX_PAYLOAD_BYTES + 1)).toEqual({
      ok: false,
      reason: `payload of ${MAX_PAYLOAD_BYTES + 1} bytes > ${MAX_PAYLOAD_BYTES}`,
    })
    expect(checkPublish(ingest, 'fm/services/ingest/status', MAX_PACKET_BYTES).ok).toBe(true)
  })
})

describe('checkSubscribe', () => {
  it.each([
    [device, own('cmd'), true],
    [device, own('telemetry'), false],
    [device, 'fm/v1/cuihu/water-tank/+/cmd', false],
    [device, 'fm/v1/cuihu/water-tank/tank-2/cmd', false],
    [device, '#', false],
    [device, 'fm/#', false],
    [ingest, 'fm/v1/+/+/+/telemetry', true],
    [ingest, 'fm/v1/+/+/+/ack', true],
    [ingest, 'fm/v1/#', true],
    [ingest, 'fm/services/#', true],
    [ingest, 'fm/services/+/status', true],
    [ingest, '#', false],
    [ingest, 'fm/#', false],
    [ingest, '$SYS/#', false],
    [api, 'fm/v1/#', true],
    [api, 'fm/services/ingest/status', true],
    [api, '+/v1/#', false],
  ])('%# %s to %s: %s', (principal, filter, expected) => {
    expect(checkSubscribe(principal, filter).ok).toBe(expected)
  })
})

describe('checkWill', () => {
  it.each([
    [device, own('status'), true],
    [device, own('telemetry'), false],
    [device, 'fm/v1/cuihu/water-tank/tank-2/status', false],
    [device, 'fm/services/api/status', false],
    [api, 'fm/services/api/status', true],
    [api, 'fm/services/ingest/status', false],
    [ingest, 'fm/services/ingest/status', true],
  ])('%# %s leaving a will on %s: %s', (principal, topic, expected) => {
    expect(checkWill(principal, { topic, payloadBytes: 16 }).ok).toBe(expected)
  })

  it('refuses a device will larger than MAX_PAYLOAD_BYTES', () => {
    expect(checkWill(device, { topic: own('status'), payloadBytes: MAX_PAYLOAD_BYTES + 1 }).ok).toBe(false)
  })
})

describe('mayRetain', () => {
  it.each([
    [own('status'), true],
    [own('telemetry'), false],
    [own('event'), false],
    [own('ack'), false],
    [own('cmd'), false],
    ['fm/services/ingest/status', true],
    ['fm/v1/alarms/a-1', true],
  ])('%s: %s', (topic, expected) => {
    expect(mayRetain(topic)).toBe(expected)
  })
})

describe('SERVICE_ROLES', () => {
  it('never grants a service a filter that reaches $ topics or the whole tree', () => {
    for (const grant of Object.values(SERVICE_ROLES)) {
      for (const filter of [...grant.subscribe, ...grant.publish]) {
        expect(filter).toMatch(/^fm\//)
      }
    }
  })
})
