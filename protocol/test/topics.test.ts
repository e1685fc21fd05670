import { channelFilter, devicePrefix, deviceTopic, parseTopic } from '@fm/protocol'
import { describe, expect, it } from 'vitest'

describe('topic grammar', () => {
  it('round-trips a device topic', () => {
    const address = { siteId: 'cuihu', kind: 'pump', deviceId: 'pump-b1' } as const
    const topic = deviceTopic(address, 'telemetry')
    expect(topic).toBe('fm/v1/cuihu/pump/pump-b1/telemetry')
    expect(parseTopic(topic)).toEqual({ ok: true, topic: { ...address, channel: 'telemetry' } })
    expect(topic.startsWith(devicePrefix(address))).toBe(true)
  })

  it.each([
    ['fm/v1/cuihu/pump/pump-b1', 'expected 6 levels'],
    ['fm/v1/cuihu/pump/pump-b1/telemetry/extra', 'expected 6 levels'],
    ['xx/v1/cuihu/pump/pump-b1/telemetry', 'must start with fm/'],
    ['fm/v2/cuihu/pump/pump-b1/telemetry', 'unsupported protocol version'],
    ['fm/v1/Cuihu/pump/pump-b1/telemetry', 'invalid site id'],
    ['fm/v1/cuihu/boiler/b1/telemetry', 'unknown device kind'],
    ['fm/v1/cuihu/pump/+/telemetry', 'invalid device id'],
    ['fm/v1/cuihu/pump/pump-b1/metrics', 'unknown channel'],
    ['fm/v1//pump/pump-b1/telemetry', 'invalid site id'],
  ])('refuses %s', (topic, reason) => {
    const result = parseTopic(topic)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toContain(reason)
  })

  it('builds subscription filters per channel', () => {
    expect(channelFilter('status')).toBe('fm/v1/+/+/+/status')
  })
})
