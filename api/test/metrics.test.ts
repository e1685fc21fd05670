import { BROKER_DROP_REASONS, type IngestStatus, MQTT_REJECTIONS } from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { brokerStatus, closeAll, connectRecorder, scrape, startApi } from './fixtures.ts'

afterEach(closeAll)

describe('GET /metrics', () => {
  it("serves Prometheus text with the api's process metrics, and no broker or ingest figures before they report", async () => {
    const api = await startApi()

    const response = await api.inject('/metrics')

    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(response.body).toContain('# TYPE fm_broker_messages_received_total counter')
    const samples = await scrape(api)
    expect(samples.get('fm_api_process_resident_memory_bytes')).toBeGreaterThan(0)
    expect(samples.get('fm_api_nodejs_heap_size_used_bytes')).toBeGreaterThan(0)
    expect(samples.get('fm_api_live_clients')).toBe(0)
    expect(samples.get('fm_broker_up')).toBe(0)
    expect(samples.get('fm_ingest_up')).toBe(0)
    const reported = [...samples.keys()].filter(
      (name) => /^fm_(broker|ingest)_/.test(name) && name !== 'fm_broker_up' && name !== 'fm_ingest_up',
    )
    expect(reported).toEqual([])
  })

  it("exposes the broker's latest status, with every drop reason", async () => {
    const api = await startApi()
    const status = brokerStatus({ ts: Date.now() - 2_000 })
    await api.broker.publish('fm/services/broker/status', JSON.stringify(status), { retain: true })
    await expect.poll(() => api.live.brokerStatus()).toEqual(status)

    const samples = await scrape(api)

    expect(samples.get('fm_broker_up')).toBe(1)
    expect(samples.get('fm_broker_connections{kind="clients"}')).toBe(42)
    expect(samples.get('fm_broker_connections{kind="devices"}')).toBe(39)
    expect(samples.get('fm_broker_connections_max')).toBe(10_000)
    expect(samples.get('fm_broker_auth_pending')).toBe(1)
    expect(samples.get('fm_broker_messages_received_total')).toBe(120_000)
    expect(samples.get('fm_broker_messages_sent_total')).toBe(240_500)
    expect(samples.get('fm_broker_messages_received_per_second')).toBe(33.5)
    expect(samples.get('fm_broker_messages_sent_per_second')).toBe(67)
    expect(samples.get('fm_broker_throttled_clients')).toBe(0)
    expect(samples.get('fm_broker_throttled_publishes_total')).toBe(17)
    expect(samples.get('fm_broker_outgoing_bytes')).toBe(2_048)
    expect(samples.get('fm_broker_largest_outgoing_bytes')).toBe(1_024)
    expect(samples.get('fm_broker_slow_consumer_limit_bytes')).toBe(8 * 1024 * 1024)
    expect(samples.get('fm_broker_resident_memory_bytes')).toBe(95_000_000)
    expect(samples.get('fm_broker_heap_used_bytes')).toBe(41_000_000)
    expect(samples.get('fm_broker_status_age_seconds')).toBeGreaterThanOrEqual(2)
    const dropped = Object.fromEntries(
      BROKER_DROP_REASONS.map((reason) => [reason, samples.get(`fm_broker_dropped_total{reason="${reason}"}`)]),
    )
    expect(dropped).toEqual({
      'auth-failed': 4,
      'admission-full': 0,
      'connection-limit': 0,
      'publish-denied': 0,
      'oversized-packet': 0,
      'rate-limit': 0,
      'slow-consumer': 1,
    })
  })

  it.each([
    ['offline', { online: false }],
    ['stale', { ts: Date.now() - 60_000, intervalMs: 5_000 }],
  ])('reports fm_broker_up 0 for a broker status that is %s, with its last figures', async (_, overrides) => {
    const api = await startApi()
    const status = brokerStatus(overrides)
    await api.broker.publish('fm/services/broker/status', JSON.stringify(status), { retain: true })
    await expect.poll(() => api.live.brokerStatus()).toEqual(status)

    const samples = await scrape(api)

    expect(samples.get('fm_broker_up')).toBe(0)
    expect(samples.get('fm_broker_messages_received_total')).toBe(120_000)
  })

  it("exposes ingest's latest status, with every rejection code", async () => {
    const api = await startApi()
    const status: IngestStatus = {
      online: true,
      ts: Date.now(),
      intervalMs: 10_000,
      accepted: 98_765,
      rejected: 5,
      rejectedByCode: { FM_ERR_MQTT_SCHEMA_INVALID: 3, FM_ERR_MQTT_DEVICE_UNKNOWN: 2 },
      ratePerSec: 12.5,
      timeseries: { name: 'influxdb', status: 'ok', writeLagMs: 1_500, pendingPoints: 40 },
      spool: { depth: 300, bytes: 65_536, limitBytes: 512 * 1024 * 1024 },
      latency: { samples: 125, p50Ms: 20, p99Ms: 250, maxMs: 900 },
    }
    await api.broker.publish('fm/services/ingest/status', JSON.stringify(status), { retain: true })
    await expect.poll(() => api.live.ingestStatus()).toEqual(status)

    const samples = await scrape(api)

    expect(samples.get('fm_ingest_up')).toBe(1)
    expect(samples.get('fm_ingest_accepted_total')).toBe(98_765)
    expect(samples.get('fm_ingest_rate_per_second')).toBe(12.5)
    expect(samples.get('fm_ingest_spool_depth')).toBe(300)
    expect(samples.get('fm_ingest_spool_bytes')).toBe(65_536)
    expect(samples.get('fm_ingest_write_lag_seconds')).toBe(1.5)
    expect(samples.get('fm_ingest_latency_p99_seconds')).toBe(0.25)
    expect(samples.get('fm_ingest_status_age_seconds')).toBeGreaterThanOrEqual(0)
    for (const code of MQTT_REJECTIONS) {
      expect(samples.get(`fm_ingest_rejected_total{code="${code}"}`), code).toBe(status.rejectedByCode[code] ?? 0)
    }
  })

  it('leaves out what an older ingest does not report', async () => {
    const api = await startApi()
    const status: IngestStatus = {
      online: true,
      ts: Date.now(),
      accepted: 10,
      rejected: 0,
      rejectedByCode: {},
      ratePerSec: 1,
    }
    await api.broker.publish('fm/services/ingest/status', JSON.stringify(status), { retain: true })
    await expect.poll(() => api.live.ingestStatus()).toEqual(status)

    const samples = await scrape(api)

    expect(samples.get('fm_ingest_up')).toBe(1)
    expect(samples.get('fm_ingest_accepted_total')).toBe(10)
    for (const absent of ['spool_depth', 'spool_bytes', 'write_lag_seconds', 'latency_p99_seconds']) {
      expect(samples.has(`fm_ingest_${absent}`), absent).toBe(false)
    }
  })

  it('counts the connected live sockets', async () => {
    const api = await startApi()
    const recorder = await connectRecorder(api)
    await recorder.next('snapshot')

    const samples = await scrape(api)

    expect(samples.get('fm_api_live_clients')).toBe(1)
    expect(samples.get('fm_api_live_lagging_clients')).toBe(0)
    expect(samples.get('fm_api_live_dropped_events_total{reason="lagging"}')).toBe(0)
  })

  it('is not part of the OpenAPI document of the REST API', async () => {
    const api = await startApi()

    const doc = (await api.inject('/api/docs/json')).json<{ paths: Record<string, unknown> }>()

    expect(Object.keys(doc.paths)).not.toContain('/metrics')
    expect(Object.keys(doc.paths)).toContain('/api/health')
  })
})
