/**
 * The broker's own status, retained on `fm/services/broker/status` so that the api (health, `/metrics`, the system
 * page) and any monitoring subscriber see connections, traffic, throttling, drops, queues and memory without a
 * second port. Published by the broker itself, so no client credentials are involved; `online: false` goes out on
 * shutdown, and a broker that died leaves a status whose `ts` stops moving, which readers treat as stale.
 */
import { type BrokerStatus, serviceStatusTopic } from '@fm/protocol'
import type { Aedes } from 'aedes'
import type { Logger } from 'pino'

export const BROKER_STATUS_TOPIC = serviceStatusTopic('broker')

/** Everything of the status but the clock-derived fields, sampled when it is published. */
export type BrokerSample = Omit<BrokerStatus, 'online' | 'ts' | 'intervalMs' | 'startedAt' | 'messages' | 'memory'> & {
  messages: { inTotal: number; outTotal: number }
}

export interface StatusPublisher {
  /** The status as it would be published now. */
  current(): BrokerStatus
  /** Stops the timer and publishes `online: false`. */
  stop(): Promise<void>
}

export function publishStatus(
  aedes: Aedes,
  sample: () => BrokerSample,
  options: { intervalMs: number; logger: Logger; now?: () => number },
): StatusPublisher {
  const now = options.now ?? Date.now
  const startedAt = now()
  let previous = { at: startedAt, inTotal: 0, outTotal: 0 }
  let rates = { inPerSec: 0, outPerSec: 0 }

  function build(online: boolean): BrokerStatus {
    const at = now()
    const { messages, ...rest } = sample()
    const memory = process.memoryUsage()
    return {
      online,
      ts: at,
      intervalMs: options.intervalMs,
      startedAt,
      ...rest,
      messages: { ...messages, ...rates },
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    }
  }

  function send(status: BrokerStatus): Promise<void> {
    const packet = {
      cmd: 'publish' as const,
      topic: BROKER_STATUS_TOPIC,
      payload: Buffer.from(JSON.stringify(status)),
      qos: 1 as const,
      retain: true,
      dup: false,
    }
    return new Promise((resolve) => {
      aedes.publish(packet, (error) => {
        if (error) options.logger.warn({ err: error }, 'could not publish the broker status')
        resolve()
      })
    })
  }

  function tick(): void {
    const at = now()
    const { messages } = sample()
    const seconds = Math.max((at - previous.at) / 1000, 0.001)
    rates = {
      inPerSec: Math.round(((messages.inTotal - previous.inTotal) / seconds) * 10) / 10,
      outPerSec: Math.round(((messages.outTotal - previous.outTotal) / seconds) * 10) / 10,
    }
    previous = { at, ...messages }
    void send(build(true))
  }

  const timer = setInterval(tick, options.intervalMs)
  timer.unref()
  void send(build(true))

  return {
    current: () => build(true),
    async stop() {
      clearInterval(timer)
      await send(build(false))
    },
  }
}
