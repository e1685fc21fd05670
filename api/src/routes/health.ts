/**
 * `GET /api/health`: one answer for the control room's status bar and for load balancers. Each part is probed
 * on its own with a deadline; the overall status is the worst part. 200 when ok or degraded, 503 when down.
 *
 * The time series has two sides: the api reads it (probed here), ingest writes it (its retained status says how
 * that goes, and how many readings wait in its spool on disk). `timeseries` is the worse of the two, `spool` is
 * ingest's spool, and the `ingest` section carries the figures: write lag, pending readings, spool depth.
 *
 * The broker is seen twice: `mqtt` is the api's own connection to it, `broker` is what the broker says of itself in
 * its retained status (connections, throttling, queues), carried whole in the `broker` section.
 *
 * The parts, their details and the figures are for users with `system.read` (the System page). Anyone else, a load
 * balancer included, gets the status and the version only: the details name the stores, the ports' state and the
 * device count, which an anonymous caller has no business knowing.
 */
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  type BrokerStatus,
  Health,
  HealthSummary,
  type IngestSpoolStatus,
  type IngestStatus,
  type PartHealth,
  roleCan,
} from '@fm/protocol'
import type { FastifyBaseLogger } from 'fastify'
import { Type } from 'typebox'
import type { RouteDeps } from '../app.ts'
import { INGEST_STATUS_INTERVAL_MS, isStale, statusAgeMs } from '../service-status.ts'

type Status = PartHealth['status']

/** A probe that has not answered by then counts as down: a hung database must not hang the health check. */
const PROBE_TIMEOUT_MS = 2_000
const SEVERITY: Record<Status, number> = { ok: 0, degraded: 1, down: 2 }

export function worstStatus(parts: readonly PartHealth[]): Status {
  let worst: Status = 'ok'
  for (const part of parts) if (SEVERITY[part.status] > SEVERITY[worst]) worst = part.status
  return worst
}

export function ingestHealth(status: IngestStatus | undefined, now: number): PartHealth {
  if (!status) return { status: 'degraded', detail: 'no status received from ingest: is it running?' }
  if (!status.online) return { status: 'down', detail: 'ingest is offline: readings are not stored, alarms not raised' }
  if (isStale(status, status.intervalMs ?? INGEST_STATUS_INTERVAL_MS, now)) {
    const ageSec = Math.round(statusAgeMs(status, now) / 1000)
    return { status: 'degraded', detail: `ingest status is stale: last one ${ageSec} s ago` }
  }
  return { status: 'ok' }
}

/**
 * A subscriber with this share of the broker's slow-consumer limit unread is about to be disconnected: usually ingest
 * or an api falling behind, which then loses what the broker dropped with the connection.
 */
const OUTGOING_WARN_RATIO = 0.5

/** What the broker says of itself; stale after three refresh intervals without one, like ingest's. */
export function brokerHealth(status: BrokerStatus | undefined, now: number): PartHealth {
  if (!status) {
    return { status: 'degraded', detail: 'no status received from the broker yet (fm/services/broker/status)' }
  }
  if (!status.online)
    return { status: 'down', detail: 'the broker announced it went offline: devices and services cannot connect' }
  if (isStale(status, status.intervalMs, now)) {
    const ageSec = Math.round(statusAgeMs(status, now) / 1000)
    return { status: 'degraded', detail: `broker status is stale: last one ${ageSec} s ago` }
  }
  const problems: string[] = []
  const { throttled, queues } = status
  if (throttled.clients > 0) {
    problems.push(`${throttled.clients} client(s) publishing over their rate limit are being throttled`)
  }
  if (queues.largestOutgoingBytes > queues.slowConsumerLimitBytes * OUTGOING_WARN_RATIO) {
    const percent = Math.round((queues.largestOutgoingBytes / queues.slowConsumerLimitBytes) * 100)
    problems.push(
      `a subscriber has ${queues.largestOutgoingBytes} bytes unread, ${percent} % of the limit at which it is disconnected`,
    )
  }
  return problems.length > 0 ? { status: 'degraded', detail: problems.join('; ') } : { status: 'ok' }
}

/** Spool fill from which the part is degraded; ingest logs a warning from the same level (SPOOL_WARN_RATIO). */
const SPOOL_WARN_RATIO = 0.8

/** The worse of the api's read probe and ingest's view of its writes; both details when both are bad. */
export function timeseriesHealth(reads: PartHealth, ingest: IngestStatus | undefined): PartHealth {
  const writes = ingest?.timeseries
  if (!writes || writes.status === 'ok') return reads
  const detail = `writes (${writes.name}, seen by ingest): ${writes.detail ?? writes.status}`
  const status = SEVERITY[writes.status] >= SEVERITY[reads.status] ? writes.status : reads.status
  return { status, detail: reads.detail ? `${detail}; reads: ${reads.detail}` : detail }
}

function percentOf(spool: IngestSpoolStatus): number {
  return Math.round((spool.bytes / spool.limitBytes) * 100)
}

/** Ingest's spool: undefined for an ingest too old to report one. */
export function spoolHealth(ingest: IngestStatus | undefined): PartHealth | undefined {
  const spool = ingest?.spool
  if (!spool) return undefined
  if (spool.detail !== undefined || spool.bytes >= spool.limitBytes) {
    const why = spool.detail ?? 'spool full: readings are not acknowledged; the broker keeps them until it drains'
    return { status: 'down', detail: `${why} (${spool.depth} readings, ${percentOf(spool)} % of the limit)` }
  }
  if (spool.bytes >= spool.limitBytes * SPOOL_WARN_RATIO) {
    return {
      status: 'degraded',
      detail: `spool at ${percentOf(spool)} % of its limit (${spool.depth} readings): at 100 % ingest stops taking readings`,
    }
  }
  return { status: 'ok' }
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** Runs one probe; its error is logged, and only a generic detail is answered (the endpoint is public). */
async function probe(log: FastifyBaseLogger, name: string, check: () => unknown): Promise<PartHealth> {
  try {
    await withDeadline(Promise.resolve().then(check), PROBE_TIMEOUT_MS)
    return { status: 'ok' }
  } catch (error) {
    log.warn({ err: error, part: name }, 'health probe failed')
    return { status: 'down', detail: `${name} does not answer; see the api log` }
  }
}

async function dashboardHealth(dashboardDir: string): Promise<PartHealth> {
  try {
    await access(join(dashboardDir, 'index.html'))
    return { status: 'ok' }
  } catch {
    return { status: 'degraded', detail: 'dashboard not built: run `npm run build -w dashboard`' }
  }
}

export async function checkHealth(deps: RouteDeps, log: FastifyBaseLogger): Promise<Health> {
  const { config, live, store, timeseries } = deps
  const now = Date.now()
  const [storePart, timeseriesPart, dashboardPart] = await Promise.all([
    probe(log, 'store', () => store.listSites()),
    // Any query proves the store answers; a device that does not exist keeps it trivial.
    probe(log, 'timeseries', () => timeseries.history({ deviceId: '-', kind: 'pump', from: now - 1, to: now })),
    dashboardHealth(config.dashboardDir),
  ])
  const ingest = live.ingestStatus()
  const broker = live.brokerStatus()
  const spoolPart = spoolHealth(ingest)
  const parts: Record<string, PartHealth> = {
    mqtt: live.mqttHealth(),
    broker: brokerHealth(broker, now),
    store: storePart,
    timeseries: timeseriesHealth(timeseriesPart, ingest),
    ...(spoolPart ? { spool: spoolPart } : {}),
    ingest: ingestHealth(ingest, now),
    dashboard: dashboardPart,
  }
  const devices = live.devices()
  const health: Health = {
    status: worstStatus(Object.values(parts)),
    version: deps.version,
    uptimeSec: Math.round(process.uptime()),
    parts,
    devices: { total: devices.length, online: devices.filter((device) => device.online).length },
  }
  if (ingest) {
    const { accepted, rejected, ratePerSec, timeseries: writes, spool } = ingest
    health.ingest = {
      accepted,
      rejected,
      ratePerSec,
      ...(writes ? { timeseries: writes } : {}),
      ...(spool ? { spool } : {}),
    }
  }
  if (broker) health.broker = broker
  return health
}

export const healthRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  app.get(
    '/health',
    {
      // Polled every few seconds by monitors: keep it out of the info log.
      logLevel: 'warn',
      schema: {
        tags: ['health'],
        summary: 'Health of the api and of the parts it depends on',
        description:
          'The status is the worst of its parts: 200 when ok or degraded, 503 when down. The parts and figures ' +
          'only for a signed-in user with `system.read`; the status and version for anyone else.',
        response: { 200: Type.Union([Health, HealthSummary]), 503: Type.Union([Health, HealthSummary]) },
      },
    },
    async (request, reply) => {
      const health = await checkHealth(deps, request.log)
      const code = health.status === 'down' ? 503 : 200
      const user = request.user
      const detailed = user !== undefined && !user.mustChangePassword && roleCan(user.role, 'system.read')
      return reply.code(code).send(detailed ? health : { status: health.status, version: health.version })
    },
  )
}
