/**
 * What happens to an accepted message: a fixed, named list of steps per channel. Each step runs on its own, so a
 * throw in one is reported and the next still runs. Steps only queue work; the queues write in batches.
 *
 * Rule evaluation, alarms and work orders (ARCHITECTURE, the walk of one reading) join these lists as further steps.
 */
import type { DeviceEvent, DeviceMessage, FieldValue, Reading } from '@fm/protocol'
import type { DeviceStateUpdate } from '@fm/store'
import type { Logger } from 'pino'
import type { WriteQueue } from './write-queue.ts'

export interface Sinks {
  readings: WriteQueue<Reading>
  states: WriteQueue<DeviceStateUpdate>
  events: WriteQueue<DeviceEvent>
}

export interface Step<M> {
  readonly name: string
  /** `receivedAt` is ingest's clock; the message carries the device's. */
  run(message: M, receivedAt: number): void
}

type MessageOf<C extends DeviceMessage['channel']> = Extract<DeviceMessage, { channel: C }>

export type Pipelines = { readonly [C in DeviceMessage['channel']]: readonly Step<MessageOf<C>>[] }

export type StepFailure = (step: string, error: unknown) => void

/**
 * `seen` is stamped with the receive time, not the message's `ts`: it tracks when the device last talked to us,
 * and a plate a camera cached while offline may carry a time hours old.
 */
function markSeen(sinks: Sinks, deviceId: string, receivedAt: number): void {
  sinks.states.push({ deviceId, type: 'seen', ts: receivedAt })
}

export function createPipelines(sinks: Sinks, logger: Logger): Pipelines {
  return {
    telemetry: [
      { name: 'queueTimeSeries', run: ({ reading }) => sinks.readings.push(reading) },
      {
        name: 'queueLatestValues',
        run: ({ reading }) =>
          sinks.states.push({
            deviceId: reading.deviceId,
            type: 'reading',
            ts: reading.ts,
            // Decoded from JSON and checked against the kind's schema: every present key holds a FieldValue.
            values: reading.values as Record<string, FieldValue>,
          }),
      },
    ],
    status: [
      {
        name: 'queueAvailability',
        run: ({ status }) =>
          sinks.states.push({ deviceId: status.deviceId, type: 'status', ts: status.ts, online: status.online }),
      },
    ],
    event: [
      { name: 'queueEvent', run: ({ event }) => sinks.events.push(event) },
      { name: 'markSeen', run: ({ event }, receivedAt) => markSeen(sinks, event.deviceId, receivedAt) },
    ],
    ack: [
      // Command tracking arrives with the commands issue; until then an ack only proves the device is alive.
      { name: 'logAck', run: ({ ack }) => logger.debug({ ack }, 'command acknowledged') },
      { name: 'markSeen', run: ({ ack }, receivedAt) => markSeen(sinks, ack.deviceId, receivedAt) },
    ],
  }
}

function runAll<M extends DeviceMessage>(steps: readonly Step<M>[], message: M, at: number, fail: StepFailure): void {
  for (const step of steps) {
    try {
      step.run(message, at)
    } catch (error) {
      fail(step.name, error)
    }
  }
}

/** Runs the steps of the message's channel, each isolated. */
export function runSteps(pipelines: Pipelines, message: DeviceMessage, receivedAt: number, fail: StepFailure): void {
  switch (message.channel) {
    case 'telemetry':
      runAll(pipelines.telemetry, message, receivedAt, fail)
      break
    case 'status':
      runAll(pipelines.status, message, receivedAt, fail)
      break
    case 'event':
      runAll(pipelines.event, message, receivedAt, fail)
      break
    case 'ack':
      runAll(pipelines.ack, message, receivedAt, fail)
      break
  }
}
