/**
 * What happens to an accepted message: a fixed, named list of steps per channel. Each step runs on its own, so a
 * throw in one is reported and the next still runs. Steps queue the writes, which the queues make in batches; the
 * alarm steps come last and write only on a transition (alarm-engine.ts), so a failing alarm engine never keeps a
 * reading, a status or an event from being stored.
 *
 * Work orders (ARCHITECTURE, the walk of one reading) join these lists as further steps.
 */
import type { DeviceEvent, DeviceMessage, FieldValue, Reading } from '@fm/protocol'
import type { DeviceStateUpdate } from '@fm/store'
import type { Logger } from 'pino'
import type { AlarmEngine } from './alarm-engine.ts'
import type { AckTicket, Completion } from './held-acks.ts'

/** Where a step hands its work; `done` is called once the item is durable. */
export interface Sink<T> {
  push(item: T, done?: Completion): void
}

export interface Sinks {
  readings: Sink<Reading>
  states: Sink<DeviceStateUpdate>
  events: Sink<DeviceEvent>
}

/** How a message reached ingest. */
export interface Receipt {
  /** Ingest's clock when the message arrived, epoch ms. */
  receivedAt: number
  /** Replayed from the broker's retained store on subscribe, so it says nothing about when the device talked. */
  retained: boolean
  /** The held PUBACK of a QoS 1 message; a step whose write it must wait for adds that write to it. */
  ack?: AckTicket
}

/**
 * Pushes an item whose write the message's PUBACK waits for. If the push itself throws (a bug, logged by the step
 * runner), the PUBACK is released anyway: holding it would have the broker deliver the same message again and again.
 */
function pushDurably<T>(sink: Sink<T>, item: T, { ack }: Receipt): void {
  const done = ack?.wait()
  try {
    sink.push(item, done)
  } catch (error) {
    done?.()
    throw error
  }
}

export interface Step<M> {
  readonly name: string
  run(message: M, receipt: Receipt): void
}

type MessageOf<C extends DeviceMessage['channel']> = Extract<DeviceMessage, { channel: C }>

export type Pipelines = { readonly [C in DeviceMessage['channel']]: readonly Step<MessageOf<C>>[] }

export type StepFailure = (step: string, error: unknown) => void

/**
 * Two clocks meet here. The device's `ts` says when a value was measured: it is the sample time in the time series,
 * and it orders the latest values. Ingest's receive time says when the device last talked to us and orders its
 * availability: device clocks drift (one running 10 minutes slow would otherwise look silent, and its `online` would
 * lose against a last will, which carries no `ts` and so gets the server's time), and a plate a camera cached while
 * offline may carry a time hours old.
 */
function markSeen(sinks: Sinks, deviceId: string, { receivedAt }: Receipt): void {
  sinks.states.push({ deviceId, type: 'seen', ts: receivedAt })
}

/**
 * Where a reading ranks among the latest values. A `ts` up to 5 minutes ahead of the server clock is accepted
 * (MAX_CLOCK_SKEW_MS), but merged as is it would outrank every correct reading that follows for those minutes and
 * freeze the values shown; ranked at the receive time instead, the next reading replaces it. A late reading keeps its
 * own, older `ts` and only fills fields not reported since.
 */
function mergeTs(reading: Reading, { receivedAt }: Receipt): number {
  return Math.min(reading.ts, receivedAt)
}

/** What the alarm engine is told of each message. */
export type AlarmSteps = Pick<AlarmEngine, 'reading' | 'status' | 'sighting'>

/** What the maintenance side takes from each reading (maintenance.ts). */
export type MaintenanceSteps = { reading(reading: Reading): void }

export function createPipelines(
  sinks: Sinks,
  alarms: AlarmSteps,
  maintenance: MaintenanceSteps,
  logger: Logger,
): Pipelines {
  return {
    telemetry: [
      // The PUBACK waits for the time series (or the spool); the latest values below do not hold it: the next
      // reading refreshes them, and a reading the broker delivers again merges as a late one.
      { name: 'queueTimeSeries', run: ({ reading }, receipt) => pushDurably(sinks.readings, reading, receipt) },
      {
        name: 'queueLatestValues',
        run: ({ reading }, receipt) =>
          sinks.states.push({
            deviceId: reading.deviceId,
            type: 'reading',
            ts: mergeTs(reading, receipt),
            // Decoded from JSON and checked against the kind's schema: every present key holds a FieldValue.
            values: reading.values as Record<string, FieldValue>,
          }),
      },
      { name: 'markSeen', run: ({ reading }, receipt) => markSeen(sinks, reading.deviceId, receipt) },
      { name: 'evaluateAlarms', run: ({ reading }, { receivedAt }) => alarms.reading(reading, receivedAt) },
      { name: 'followUsage', run: ({ reading }) => maintenance.reading(reading) },
    ],
    status: [
      {
        name: 'queueAvailability',
        // Ordered by arrival: the broker delivers one device's messages in order, a will after the status it ends.
        run: ({ status }, { receivedAt }) =>
          sinks.states.push({ deviceId: status.deviceId, type: 'status', ts: receivedAt, online: status.online }),
      },
      {
        name: 'markSeen',
        // An offline status is usually the last will, sent by the broker once the device went silent, and a retained
        // one is a replay: neither is a sighting of the device.
        run: ({ status }, receipt) => {
          if (status.online && !receipt.retained) markSeen(sinks, status.deviceId, receipt)
        },
      },
      {
        name: 'watchLiveness',
        run: ({ status }, { receivedAt, retained }) => alarms.status(status, receivedAt, retained),
      },
    ],
    event: [
      { name: 'queueEvent', run: ({ event }, receipt) => pushDurably(sinks.events, event, receipt) },
      { name: 'markSeen', run: ({ event }, receipt) => markSeen(sinks, event.deviceId, receipt) },
      { name: 'watchLiveness', run: ({ event }, { receivedAt }) => alarms.sighting(event.deviceId, receivedAt) },
    ],
    ack: [
      // Command tracking arrives with the commands issue; until then an ack only proves the device is alive.
      { name: 'logAck', run: ({ ack }) => logger.debug({ ack }, 'command acknowledged') },
      { name: 'markSeen', run: ({ ack }, receipt) => markSeen(sinks, ack.deviceId, receipt) },
      { name: 'watchLiveness', run: ({ ack }, { receivedAt }) => alarms.sighting(ack.deviceId, receivedAt) },
    ],
  }
}

function runAll<M extends DeviceMessage>(
  steps: readonly Step<M>[],
  message: M,
  receipt: Receipt,
  fail: StepFailure,
): void {
  for (const step of steps) {
    try {
      step.run(message, receipt)
    } catch (error) {
      fail(step.name, error)
    }
  }
}

/** Runs the steps of the message's channel, each isolated. */
export function runSteps(pipelines: Pipelines, message: DeviceMessage, receipt: Receipt, fail: StepFailure): void {
  switch (message.channel) {
    case 'telemetry':
      runAll(pipelines.telemetry, message, receipt, fail)
      break
    case 'status':
      runAll(pipelines.status, message, receipt, fail)
      break
    case 'event':
      runAll(pipelines.event, message, receipt, fail)
      break
    case 'ack':
      runAll(pipelines.ack, message, receipt, fail)
      break
  }
}
