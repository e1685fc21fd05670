import { MQTT_REJECTIONS } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { createIngestCounters } from '../src/stats.ts'

describe('ingest counters', () => {
  it('counts accepted and rejected messages, with every code present from the start', () => {
    const counters = createIngestCounters(0, 2000)
    expect(Object.keys(counters.status(true, 0).rejectedByCode)).toEqual([...MQTT_REJECTIONS])
    counters.accept()
    counters.reject('FM_ERR_MQTT_JSON_INVALID')
    counters.reject('FM_ERR_MQTT_JSON_INVALID')
    counters.reject('FM_ERR_MQTT_DEVICE_UNKNOWN')
    const status = counters.status(true, 42)
    expect(status).toMatchObject({ online: true, ts: 42, accepted: 1, rejected: 3, ratePerSec: 0 })
    expect(status.rejectedByCode).toMatchObject({ FM_ERR_MQTT_JSON_INVALID: 2, FM_ERR_MQTT_DEVICE_UNKNOWN: 1 })
  })

  it('reports the accepted rate over the last interval only', () => {
    const counters = createIngestCounters(1000, 2000)
    for (let i = 0; i < 50; i++) counters.accept()
    counters.sampleRate(3000)
    expect(counters.status(true, 3000).ratePerSec).toBe(25)
    for (let i = 0; i < 3; i++) counters.accept()
    counters.sampleRate(5000)
    expect(counters.status(true, 5000).ratePerSec).toBe(1.5)
    counters.sampleRate(5000) // an empty interval keeps the last rate rather than dividing by zero
    expect(counters.status(true, 5000).ratePerSec).toBe(1.5)
  })

  it('hands out copies, so a published status does not change afterwards', () => {
    const counters = createIngestCounters(0, 2000)
    const before = counters.status(true, 0)
    counters.reject('FM_ERR_MQTT_SCHEMA_INVALID')
    expect(before.rejectedByCode.FM_ERR_MQTT_SCHEMA_INVALID).toBe(0)
  })
})
