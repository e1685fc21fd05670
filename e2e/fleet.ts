/**
 * A fleet of simulated devices in a process of its own, so that thousands of MQTT connections do not share an event
 * loop with the broker or the test that watches it. Driven over IPC by e2e/overload.test.ts and `npm run bench`:
 *
 *   { type: 'connect' }                    every device connects with its own credentials and publishes `online`
 *   { type: 'drop' }                       every socket is cut at once (a power cut); devices reconnect on their own
 *                                          after `reconnectMs`, all in the same second, and each reports once
 *   { type: 'flood', durationMs }          every device publishes QoS 0 readings in a tight loop (a firmware bug),
 *                                          as fast as its socket takes them, reconnecting whenever it is cut off
 *   { type: 'stop' }                       ends every connection and exits
 *
 * Replies `{ type: 'connected' | 'recovered' | 'flooded', ... }` with counts and times. Argument: a JSON
 * `FleetOptions`.
 */
import { DEVICE_KINDS } from '@fm/protocol'
import mqtt, { type MqttClient } from 'mqtt'
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'

export const FleetOptions = Type.Object({
  url: Type.String(),
  site: Type.String(),
  kind: Type.Enum(DEVICE_KINDS),
  ids: Type.Array(Type.String()),
  /** The password of device `id` is `${passwordPrefix}${id}`. */
  passwordPrefix: Type.String(),
  reconnectMs: Type.Integer({ minimum: 0 }),
})
export type FleetOptions = Static<typeof FleetOptions>

export type FleetCommand =
  | { type: 'connect' }
  | { type: 'drop' }
  | { type: 'flood'; durationMs: number }
  | { type: 'stop' }

export type FleetReply =
  | { type: 'connected'; devices: number; elapsedMs: number }
  | { type: 'recovered'; devices: number; elapsedMs: number; errors: number }
  | { type: 'flooded'; attempted: number; reconnects: number }

function readOptions(argument: string | undefined): FleetOptions {
  const value: unknown = JSON.parse(argument ?? '{}')
  const check = Compile(FleetOptions)
  if (check.Check(value)) return value
  const [first] = check.Errors(value)
  throw new Error(`fleet options ${first ? `${first.instancePath} ${first.message}` : 'do not match the schema'}`)
}

const options = readOptions(process.argv[2])
const reply = (message: FleetReply): void => {
  process.send?.(message)
}

function topicOf(id: string, channel: 'telemetry' | 'status'): string {
  return `fm/v1/${options.site}/${options.kind}/${id}/${channel}`
}

class Device {
  readonly id: string
  readonly client: MqttClient
  connects = 0
  errors = 0
  #onConnect: (() => void) | undefined

  constructor(id: string) {
    this.id = id
    this.client = mqtt.connect(options.url, {
      clientId: id,
      username: id,
      password: `${options.passwordPrefix}${id}`,
      reconnectPeriod: options.reconnectMs,
      connectTimeout: 30_000,
      will: { topic: topicOf(id, 'status'), payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    })
    this.client.on('connect', () => {
      this.connects++
      ;(this.client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true)
      this.client.publish(topicOf(id, 'status'), JSON.stringify({ online: true, ts: Date.now() }), {
        qos: 1,
        retain: true,
      })
      this.#onConnect?.()
    })
    // refusals (CONNACK 3 while logins queue up) and cut connections are retried by mqtt.js itself
    this.client.on('error', () => {
      this.errors++
    })
  }

  /** Resolves after the next successful connect. */
  nextConnect(): Promise<void> {
    return new Promise((resolve) => {
      this.#onConnect = () => {
        this.#onConnect = undefined
        resolve()
      }
    })
  }

  report(): Promise<unknown> {
    const reading = { ts: Date.now(), temperature_c: 21.5, humidity_pct: 50 }
    return this.client.publishAsync(topicOf(this.id, 'telemetry'), JSON.stringify(reading), { qos: 1 })
  }
}

let devices: Device[] = []

async function flood(durationMs: number): Promise<{ attempted: number; reconnects: number }> {
  const deadline = Date.now() + durationMs
  let attempted = 0
  const before = devices.reduce((sum, device) => sum + device.connects, 0)
  await Promise.all(
    devices.map(async (device) => {
      while (Date.now() < deadline) {
        if (!device.client.connected) {
          await new Promise((resolve) => setTimeout(resolve, 20))
          continue
        }
        const reading = { ts: Date.now(), temperature_c: 99, humidity_pct: 99 }
        device.client.publish(topicOf(device.id, 'telemetry'), JSON.stringify(reading), { qos: 0 })
        attempted++
        const stream = device.client.stream
        // as fast as the socket takes them: once the broker stops reading, the device's own buffer fills; a socket
        // the broker cuts never drains, so its close ends the wait too
        if (stream.writableNeedDrain) {
          await new Promise<void>((resolve) => {
            const done = (): void => {
              stream.off('drain', done)
              stream.off('close', done)
              resolve()
            }
            stream.once('drain', done)
            stream.once('close', done)
          })
        } else if (attempted % 100 === 0) await new Promise((resolve) => setImmediate(resolve))
      }
    }),
  )
  const reconnects = devices.reduce((sum, device) => sum + device.connects, 0) - before
  return { attempted, reconnects }
}

process.on('message', async (command: FleetCommand) => {
  const started = Date.now()
  switch (command.type) {
    case 'connect': {
      devices = options.ids.map((id) => new Device(id))
      await Promise.all(devices.map((device) => device.nextConnect()))
      reply({ type: 'connected', devices: devices.length, elapsedMs: Date.now() - started })
      return
    }
    case 'drop': {
      const errorsBefore = devices.reduce((sum, device) => sum + device.errors, 0)
      const back = devices.map((device) => device.nextConnect().then(() => device.report()))
      // no DISCONNECT: the broker sees the sockets die and publishes every will
      for (const device of devices) device.client.stream.destroy()
      await Promise.all(back)
      const errors = devices.reduce((sum, device) => sum + device.errors, 0) - errorsBefore
      reply({ type: 'recovered', devices: devices.length, elapsedMs: Date.now() - started, errors })
      return
    }
    case 'flood': {
      reply({ type: 'flooded', ...(await flood(command.durationMs)) })
      return
    }
    case 'stop': {
      await Promise.all(devices.map((device) => device.client.endAsync(true)))
      process.exit(0)
    }
  }
})
