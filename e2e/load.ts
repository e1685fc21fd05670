/**
 * Runs scripts/bench-load.ts in a child process: `devices` connections (`bench-NNNN`, password `bench-<id>-secret`)
 * publishing QoS 1 room-environment readings, each waiting for its PUBACK, for `durationMs`, flat out (`rate` 0) or
 * paced to `rate` readings/s in all. Resolves with what the broker acknowledged and how long it took.
 */
import { fork } from 'node:child_process'
import { join, resolve } from 'node:path'

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
