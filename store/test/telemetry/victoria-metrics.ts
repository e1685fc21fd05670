/**
 * A real VictoriaMetrics (Debian's `victoria-metrics`) on a free loopback port with its own data directory, for the
 * InfluxDB write-path tests: it accepts the InfluxDB v2 write endpoint (TOOLCHAIN.md §4). The test owns it:
 * `useVictoriaMetrics()` stops it and deletes its data when the test finishes.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'

const BINARY = 'victoria-metrics'
const START_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 10_000
const POLL_INTERVAL_MS = 50

/** One series of `/api/v1/export`: labels (with `__name__`), values and their timestamps (epoch ms). */
export interface ExportedSeries {
  metric: Record<string, string>
  values: number[]
  timestamps: number[]
}

export interface VictoriaMetrics {
  /** Base URL, e.g. http://127.0.0.1:41234: what INFLUX_URL would be. */
  readonly url: string
  /** Starts it again on the same port and data directory (after `stop`). */
  start(): Promise<void>
  /** SIGTERM (VictoriaMetrics flushes its data to disk), then waits for the process to exit. */
  stop(): Promise<void>
  /**
   * SIGSTOP, then waits until every thread has stopped (a multi-threaded process stops asynchronously, and until it
   * has, a request on a kept-alive connection is still answered). The port still accepts connections (the kernel
   * queues them) but nothing answers.
   */
  pause(): Promise<void>
  resume(): Promise<void>
  /** Series matching a selector such as `{device="pump-1"}`, after making fresh rows searchable (force_flush). */
  exportSeries(selector: string): Promise<ExportedSeries[]>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))))
    })
  })
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
    return response.ok && (await response.text()).trim() === 'OK'
  } catch {
    // not listening yet: the caller polls again
    return false
  }
}

async function get(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) })
  const body = await response.text()
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${body}`)
  return body
}

export async function startVictoriaMetrics(): Promise<VictoriaMetrics & { dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fm-vm-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let child: ChildProcess | undefined
  let stderr = ''

  async function start(): Promise<void> {
    if (child) throw new Error('VictoriaMetrics is already running')
    const args = [`-storageDataPath=${dataDir}`, `-httpListenAddr=127.0.0.1:${port}`, '-search.latencyOffset=0s']
    const started = spawn(BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    child = started
    let exited = false
    started.once('exit', () => {
      exited = true
      if (child === started) child = undefined
    })
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000)
    })
    const deadline = Date.now() + START_TIMEOUT_MS
    while (!(await isHealthy(url))) {
      if (exited) throw new Error(`VictoriaMetrics exited during start-up:\n${stderr}`)
      if (Date.now() > deadline) throw new Error(`VictoriaMetrics did not become healthy on ${url}:\n${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS))
    }
  }

  async function stop(): Promise<void> {
    const running = child
    if (!running) return
    const exited = once(running, 'exit')
    running.kill('SIGCONT') // a paused process handles SIGTERM only once it runs again
    running.kill('SIGTERM')
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }

  /** Whether every thread of the process is stopped, from /proc (Linux; its third stat field is the state). */
  function stopped(pid: number): boolean {
    return readdirSync(`/proc/${pid}/task`).every((task) => {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8')
      return /^[tT]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3))
    })
  }

  async function signal(name: 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const pid = child?.pid
    if (!child || pid === undefined) throw new Error('VictoriaMetrics is not running')
    child.kill(name)
    const deadline = Date.now() + STOP_TIMEOUT_MS
    while (stopped(pid) !== (name === 'SIGSTOP')) {
      if (Date.now() > deadline) throw new Error(`VictoriaMetrics did not react to ${name}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  await start()
  return {
    url,
    start,
    stop,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async exportSeries(selector) {
      await get(`${url}/internal/force_flush`)
      const body = await get(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': selector })}`)
      return body
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as ExportedSeries)
    },
    async dispose() {
      await stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A VictoriaMetrics for the current test, stopped and deleted when the test finishes. */
export async function useVictoriaMetrics(): Promise<VictoriaMetrics> {
  const vm = await startVictoriaMetrics()
  onTestFinished(() => vm.dispose())
  return vm
}
