/**
 * Load generators in child processes of their own, so that they do not share an event loop with what they load.
 *
 * `runLoad` runs scripts/bench-load.ts: `devices` connections (`bench-NNNN`, password `bench-<id>-secret`)
 * publishing QoS 1 room-environment readings, each waiting for its PUBACK, for `durationMs`, flat out (`rate` 0) or
 * paced to `rate` readings/s in all. Resolves with what the broker acknowledged and how long it took.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { once } from 'node:events'
import { join, resolve } from 'node:path'
import type { FleetCommand, FleetOptions, FleetReply } from './fleet.ts'

const ROOT = resolve(import.meta.dirname, '..')

export interface LoadRun {
  url: string
  site: string
  devices: number
  durationMs: number
  rate: number
}

export function runLoad(run: LoadRun): Promise<{ published: number; elapsedMs: number }> {
  return new Promise((resolvePromise, reject) => {
    const args = [run.url, run.site, String(run.devices), String(run.durationMs), String(run.rate)]
    const child = fork(join(ROOT, 'scripts', 'bench-load.ts'), args, { execArgv: ['--import', 'tsx'] })
    let startedAt = 0
    child.on('message', (message: { type: string; published?: number }) => {
      if (message.type === 'ready') startedAt = Date.now()
      if (message.type === 'done')
        resolvePromise({ published: message.published ?? 0, elapsedMs: Date.now() - startedAt })
    })
    child.once('error', reject)
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)))
  })
}

/** A fleet of devices (e2e/fleet.ts) driven over IPC. */
export class Fleet {
  readonly child: ChildProcess

  constructor(options: FleetOptions) {
    this.child = fork(join(ROOT, 'e2e', 'fleet.ts'), [JSON.stringify(options)], { execArgv: ['--import', 'tsx'] })
  }

  send<T extends FleetReply['type']>(command: FleetCommand, reply: T): Promise<Extract<FleetReply, { type: T }>> {
    return new Promise((resolvePromise, reject) => {
      const onMessage = (message: FleetReply) => {
        if (message.type !== reply) return
        this.child.off('message', onMessage)
        this.child.off('exit', onExit)
        resolvePromise(message as Extract<FleetReply, { type: T }>)
      }
      const onExit = (code: number | null) => reject(new Error(`fleet exited with ${code}`))
      this.child.on('message', onMessage)
      this.child.once('exit', onExit)
      this.child.send(command)
    })
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = once(this.child, 'exit')
    this.child.send({ type: 'stop' } satisfies FleetCommand)
    await exited
  }
}
