/**
 * Where the steps hand their work: readings to the time series (or the spool), device state and events to the
 * operational store, each through its own batching queue.
 */
import type { DeviceEvent } from '@fm/protocol'
import type { DeviceStateUpdate, Store, TimeSeriesStore } from '@fm/store'
import type { Logger } from 'pino'
import type { IngestConfig } from './config.ts'
import type { Spool } from './spool.ts'
import { createTimeSeriesWriter, type TimeSeriesWriter } from './timeseries-writer.ts'
import { createWriteQueue, type WriteQueue } from './write-queue.ts'

/** A queue this many batches long means the store has not kept up for a while. */
const QUEUE_WARN_BATCHES = 100

export interface IngestSinks {
  readings: TimeSeriesWriter
  states: WriteQueue<DeviceStateUpdate>
  events: WriteQueue<DeviceEvent>
}

export interface SinkDeps {
  store: Store
  timeseries: TimeSeriesStore
  logger: Logger
}

export function createSinks(config: IngestConfig, deps: SinkDeps, spool: Spool, now: () => number): IngestSinks {
  const { logger } = deps
  const common = { maxBatch: config.maxBatch, warnAt: config.maxBatch * QUEUE_WARN_BATCHES, logger, now }
  return {
    readings: createTimeSeriesWriter({
      timeseries: deps.timeseries,
      spool,
      maxBatch: config.maxBatch,
      logger,
      now,
      latencyWindowMs: config.statusIntervalMs,
    }),
    states: createWriteQueue<DeviceStateUpdate>({
      ...common,
      name: 'states',
      write: (batch) => deps.store.updateDeviceStates(batch),
    }),
    events: createWriteQueue<DeviceEvent>({
      ...common,
      name: 'events',
      write: (batch) => deps.store.appendEvents(batch),
    }),
  }
}
