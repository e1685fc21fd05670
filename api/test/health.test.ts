import type { BrokerStatus, Health, IngestStatus } from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { type Api, brokerStatus, builtDashboard, closeAll, connectClient, startApi } from './fixtures.ts'

afterEach(closeAll)

function ingestStatus(overrides: Partial<IngestStatus> = {}): IngestStatus {
  return {
    online: true,
    ts: Date.now(),
    accepted: 1200,
    rejected: 3,
    rejectedByCode: { FM_ERR_MQTT_SCHEMA_INVALID: 3 },
    ratePerSec: 4.5,
    ...overrides,
  }
}

async function publishIngestStatus(brokerUrl: string, status: IngestStatus): Promise<void> {
  const ingest = await connectClient(brokerUrl)
  await ingest.publishAsync('fm/services/ingest/status', JSON.stringify(status), { qos: 1, retain: true })
}

/** As the broker does: from inside, retained; then waits until the api has it. */
async function publishBrokerStatus(api: Api, status: BrokerStatus): Promise<void> {
  await api.broker.publish('fm/services/broker/status', JSON.stringify(status), { retain: true })
  await expect.poll(() => api.live.brokerStatus()).toEqual(status)
}

describe('GET /api/health', () => {
  it('is ok when every part is, with device and ingest counters', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })
    await publishIngestStatus(api.brokerUrl, ingestStatus())
    await expect.poll(() => api.live.ingestStatus()).toBeDefined()
    await publishBrokerStatus(api, brokerStatus())

    const response = await api.inject('/api/health')

    expect(response.statusCode).toBe(200)
    const health = response.json<Health>()
    expect(health.status).toBe('ok')
    for (const part of ['mqtt', 'broker', 'store', 'timeseries', 'ingest', 'dashboard']) {
      expect(health.parts[part]).toEqual({ status: 'ok' })
    }
    expect(health.devices).toEqual({ total: 3, online: 0 })
    // an ingest too old to report its writes and spool: no spool part, the time series from the api's probe alone
    expect(health.parts.spool).toBeUndefined()
    expect(health.ingest).toEqual({ accepted: 1200, rejected: 3, ratePerSec: 4.5 })
    expect(health.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('shows the time series down while ingest cannot write, with write lag and spool depth', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })
    const since = '2026-11-27T08:00:00.000Z'
    const timeseries = {
      name: 'influxdb' as const,
      status: 'down' as const,
      detail: `writes failing since ${since}: connect ECONNREFUSED 127.0.0.1:8086`,
      writeLagMs: 95_000,
      pendingPoints: 4200,
    }
    const spool = { depth: 4200, bytes: 512_000, limitBytes: 512 * 1024 * 1024, oldestTs: Date.parse(since) }
    await publishIngestStatus(api.brokerUrl, ingestStatus({ timeseries, spool }))
    await expect.poll(() => api.live.ingestStatus()?.spool).toBeDefined()

    const response = await api.inject('/api/health')

    expect(response.statusCode).toBe(503)
    const health = response.json<Health>()
    expect(health.status).toBe('down')
    expect(health.parts.timeseries).toEqual({
      status: 'down',
      detail: `writes (influxdb, seen by ingest): writes failing since ${since}: connect ECONNREFUSED 127.0.0.1:8086`,
    })
    expect(health.parts.spool).toEqual({ status: 'ok' })
    expect(health.parts.store).toEqual({ status: 'ok' })
    expect(health.ingest).toEqual({ accepted: 1200, rejected: 3, ratePerSec: 4.5, timeseries, spool })
  })

  it.each([
    [{ bytes: 79, limitBytes: 100 }, { status: 'ok' }],
    [
      { bytes: 80, limitBytes: 100 },
      { status: 'degraded', detail: expect.stringContaining('spool at 80 % of its limit') },
    ],
    [
      { bytes: 100, limitBytes: 100 },
      { status: 'down', detail: expect.stringContaining('spool full') },
    ],
    [
      { bytes: 97, limitBytes: 100, detail: 'spool full: readings are not acknowledged' },
      { status: 'down', detail: expect.stringContaining('readings are not acknowledged (7 readings, 97 %') },
    ],
  ])('reports a spool of %j as %j', async (fill, part) => {
    const api = await startApi({ dashboardDir: builtDashboard() })
    await publishIngestStatus(api.brokerUrl, ingestStatus({ spool: { depth: 7, ...fill } }))
    await expect.poll(() => api.live.ingestStatus()?.spool).toBeDefined()

    const health = (await api.inject('/api/health')).json<Health>()

    expect(health.parts.spool).toEqual(part)
    expect(health.ingest?.spool).toMatchObject({ depth: 7, ...fill })
  })

  it('is degraded, still 200, while no ingest status has been received', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })

    const response = await api.inject('/api/health')

    expect(response.statusCode).toBe(200)
    const health = response.json<Health>()
    expect(health.status).toBe('degraded')
    expect(health.parts.ingest).toMatchObject({ status: 'degraded', detail: expect.stringContaining('ingest') })
    expect(health.parts.mqtt).toEqual({ status: 'ok' })
    expect(health.ingest).toBeUndefined()
  })

  it('is degraded when the ingest status is older than three intervals', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })
    await publishIngestStatus(api.brokerUrl, ingestStatus({ ts: Date.now() - 10 * 60_000 }))
    await expect.poll(() => api.live.ingestStatus()).toBeDefined()

    const health = (await api.inject('/api/health')).json<Health>()

    expect(health.parts.ingest).toMatchObject({ status: 'degraded', detail: expect.stringContaining('stale') })
  })

  it('answers 503 when ingest announced it is offline', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })
    await publishIngestStatus(api.brokerUrl, ingestStatus({ online: false }))
    await expect.poll(() => api.live.ingestStatus()?.online).toBe(false)

    const response = await api.inject('/api/health')

    expect(response.statusCode).toBe(503)
    expect(response.json<Health>()).toMatchObject({ status: 'down', parts: { ingest: { status: 'down' } } })
  })

  it('answers 503 when the api has no MQTT connection', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })
    await api.live.stop()

    const response = await api.inject('/api/health')

    expect(response.statusCode).toBe(503)
    expect(response.json<Health>().parts.mqtt).toMatchObject({ status: 'down' })
  })

  it('shows a subscription the broker refused, and is ok again once a reconnect subscribes', async () => {
    let refuse = true
    const api = await startApi({
      dashboardDir: builtDashboard(),
      aedes: {
        // a null subscription answers SUBACK 0x80 for that filter only [MQTT-3.9.3]; the connection stays
        authorizeSubscribe: (_client, subscription, callback) =>
          callback(null, refuse && subscription.topic.endsWith('/telemetry') ? null : subscription),
      },
    })
    await expect.poll(() => api.live.mqttHealth().status).toBe('degraded')

    const health = (await api.inject('/api/health')).json<Health>()
    expect(health.parts.mqtt).toEqual({
      status: 'degraded',
      detail: expect.stringContaining('refused the subscription to fm/v1/+/+/+/telemetry'),
    })

    refuse = false
    api.broker.dropClients('svc-api-')
    await expect.poll(() => api.live.mqttHealth(), { timeout: 10_000 }).toEqual({ status: 'ok' })
  })

  it('reports a dashboard that is not built as degraded, with how to build it', async () => {
    const api = await startApi()

    const health = (await api.inject('/api/health')).json<Health>()

    expect(health.parts.dashboard).toMatchObject({
      status: 'degraded',
      detail: expect.stringContaining('npm run build'),
    })
  })
})

describe('GET /api/health, the broker', () => {
  it('is ok, with the broker section, when the broker reports online and fresh', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })
    const status = brokerStatus()
    await publishBrokerStatus(api, status)

    const health = (await api.inject('/api/health')).json<Health>()

    expect(health.parts.broker).toEqual({ status: 'ok' })
    expect(health.parts.mqtt).toEqual({ status: 'ok' })
    expect(health.broker).toEqual(status)
  })

  it('is degraded, saying so, while no broker status has been received', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })

    const response = await api.inject('/api/health')

    expect(response.statusCode).toBe(200)
    const health = response.json<Health>()
    expect(health.parts.broker).toEqual({
      status: 'degraded',
      detail: expect.stringContaining('no status received from the broker'),
    })
    expect(health.broker).toBeUndefined()
  })

  it('is degraded when the broker status is older than three of its intervals', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })
    await publishBrokerStatus(api, brokerStatus({ ts: Date.now() - 60_000, intervalMs: 5_000 }))

    const health = (await api.inject('/api/health')).json<Health>()

    expect(health.parts.broker).toEqual({ status: 'degraded', detail: expect.stringContaining('stale') })
    expect(health.status).toBe('degraded')
  })

  it('answers 503 once the broker announced it is going offline', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })
    await publishBrokerStatus(api, brokerStatus({ online: false }))

    const response = await api.inject('/api/health')

    expect(response.statusCode).toBe(503)
    const health = response.json<Health>()
    expect(health).toMatchObject({ status: 'down', parts: { broker: { status: 'down' } } })
    expect(health.broker?.online).toBe(false)
  })

  it('is degraded while the broker throttles clients, saying how many', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })
    await publishBrokerStatus(api, brokerStatus({ throttled: { clients: 2, total: 380 } }))

    const health = (await api.inject('/api/health')).json<Health>()

    expect(health.parts.broker).toEqual({
      status: 'degraded',
      detail: expect.stringContaining('2 client(s) publishing over their rate limit are being throttled'),
    })
  })

  it.each([
    [500_000, { status: 'ok' }],
    [
      500_001,
      {
        status: 'degraded',
        detail: 'a subscriber has 500001 bytes unread, 50 % of the limit at which it is disconnected',
      },
    ],
  ] as const)(
    'counts a subscriber %i bytes behind, of a 1 MB slow-consumer limit, as %o',
    async (largestOutgoingBytes, part) => {
      const api = await startApi({ dashboardDir: builtDashboard() })
      const queues = {
        outgoingBytes: largestOutgoingBytes + 10_000,
        largestOutgoingBytes,
        slowConsumerLimitBytes: 1_000_000,
      }
      await publishBrokerStatus(api, brokerStatus({ queues }))

      const health = (await api.inject('/api/health')).json<Health>()

      expect(health.parts.broker).toEqual(part)
    },
  )

  it('keeps the last good status when an invalid one arrives, and forgets it when the retained status is cleared', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })
    const status = brokerStatus()
    await publishBrokerStatus(api, status)

    await api.broker.publish('fm/services/broker/status', JSON.stringify({ online: 'yes' }), { retain: true })
    // one publisher, delivered in order: once the marker shows, the invalid status was handled
    await api.broker.publish('fm/services/ingest/status', JSON.stringify(ingestStatus()), { retain: true })
    await expect.poll(() => api.live.ingestStatus()).toBeDefined()
    expect(api.live.brokerStatus()).toEqual(status)

    await api.broker.publish('fm/services/broker/status', '', { retain: true })
    await expect.poll(() => api.live.brokerStatus()).toBeUndefined()
  })
})
