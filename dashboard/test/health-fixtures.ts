/** `/api/health` reports typed with the protocol's schema, so a contract change breaks these tests at compile time. */
import type { BrokerStatus, Health } from '@fm/protocol'
import { NOW } from './fixtures.ts'

export const BROKER_INTERVAL_MS = 5_000

export function brokerStatus(overrides: Partial<BrokerStatus> = {}): BrokerStatus {
  return {
    online: true,
    ts: NOW - 2_000,
    intervalMs: BROKER_INTERVAL_MS,
    startedAt: NOW - (3 * 86_400 + 4 * 3600 + 120) * 1000,
    connections: { clients: 412, devices: 409, max: 500, authPending: 0 },
    messages: { inTotal: 12_345_678, outTotal: 24_691_356, inPerSec: 81.6, outPerSec: 163.2 },
    throttled: { clients: 0, total: 17 },
    dropped: { 'auth-failed': 3, 'slow-consumer': 1 },
    queues: { outgoingBytes: 12_800, largestOutgoingBytes: 4_096, slowConsumerLimitBytes: 8 * 1024 * 1024 },
    memory: { rssBytes: 327_576_371, heapUsedBytes: 96_468_992 },
    ...overrides,
  }
}

export function healthReport(overrides: Partial<Health> = {}): Health {
  return {
    status: 'ok',
    version: '0.1.0',
    uptimeSec: 7_260,
    parts: {
      // Deliberately not in pipeline order, with one part this dashboard has no label for.
      dashboard: { status: 'ok' },
      store: { status: 'ok' },
      queue: { status: 'ok', detail: 'a part added by a newer api' },
      mqtt: { status: 'ok' },
      timeseries: { status: 'ok' },
      spool: { status: 'ok' },
      ingest: { status: 'ok' },
    },
    devices: { total: 9, online: 8 },
    ingest: {
      accepted: 1_234_567,
      rejected: 0,
      ratePerSec: 41.25,
      timeseries: { name: 'sqlite', status: 'ok', writeLagMs: 38, pendingPoints: 12 },
      spool: { depth: 0, bytes: 0, limitBytes: 512 * 1024 * 1024 },
    },
    broker: brokerStatus(),
    ...overrides,
  }
}

/** The report of a platform whose time series is down: what the api answers with a 503. */
export function downReport(): Health {
  const report = healthReport()
  return {
    ...report,
    status: 'down',
    parts: {
      ...report.parts,
      timeseries: { status: 'down', detail: 'timeseries does not answer; see the api log' },
      spool: { status: 'degraded', detail: 'spool at 85 % of its limit (120000 readings)' },
    },
  }
}
