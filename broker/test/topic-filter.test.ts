import { anyFilterCovers, filterCovers } from '@fm/broker'
import { describe, expect, it } from 'vitest'

describe('filterCovers', () => {
  it.each([
    // identical filters and topic names
    ['a/b', 'a/b', true],
    ['a/b', 'a/c', false],
    ['a/b', 'a/b/c', false],
    ['a/b/c', 'a/b', false],
    // `+` is exactly one level, possibly empty
    ['a/+', 'a/b', true],
    ['a/+', 'a/+', true],
    ['a/+', 'a/', true],
    ['a/+', 'a', false],
    ['a/+', 'a/b/c', false],
    ['a/+', 'a/#', false],
    ['a/b', 'a/+', false],
    ['+/+', 'a/+', true],
    ['fm/v1/+/+/+/cmd', 'fm/v1/cuihu/gate/gate-1/cmd', true],
    ['fm/v1/+/+/+/cmd', 'fm/v1/cuihu/gate/gate-1/ack', false],
    ['fm/v1/+/+/+/cmd', 'fm/v1/+/+/+/cmd', true],
    ['fm/v1/+/+/+/cmd', 'fm/v1/#', false],
    // `#` is any depth, its parent level included
    ['a/#', 'a', true],
    ['a/#', 'a/b', true],
    ['a/#', 'a/b/c', true],
    ['a/#', 'a/#', true],
    ['a/#', 'a/+/c', true],
    ['a/#', 'b/a', false],
    ['a/#', '#', false],
    ['a/b/#', 'a', false],
    ['a/b/#', 'a/#', false],
    ['a/b/#', 'a/+/#', false],
    ['#', 'a/b/#', true],
    ['#', '#', true],
    ['+/#', 'a', true],
    ['+/#', '#', false],
    ['fm/v1/#', 'fm/v1/+/+/+/telemetry', true],
    ['fm/v1/#', 'fm/v2/x', false],
    ['fm/services/#', 'fm/services/+/status', true],
    // wildcards in the first level never reach `$` topics [MQTT-4.7.2-1]
    ['#', '$SYS/broker/uptime', false],
    ['#', '$SYS/#', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
  ])('%s covers %s: %s', (allowed, requested, expected) => {
    expect(filterCovers(allowed, requested)).toBe(expected)
  })

  it('covers a request when any allowed filter does', () => {
    expect(anyFilterCovers(['x/#', 'fm/+/status'], 'fm/api/status')).toBe(true)
    expect(anyFilterCovers(['x/#', 'fm/+/status'], 'fm/api/state')).toBe(false)
    expect(anyFilterCovers([], 'a')).toBe(false)
  })
})
