/**
 * `npm start` as a newcomer runs it: every service in its own process, the demo compound simulated, the dashboard
 * served; Ctrl-C (SIGINT) stops everything cleanly.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DeviceView, HealthSummary } from '@fm/protocol'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { signIn } from './platform.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

let child: ChildProcess | undefined
const dataDir = mkdtempSync(join(tmpdir(), 'fm-start-'))

afterAll(() => {
  // The services are grandchildren (tsx → concurrently → tsx → node): kill the whole process group so a failed
  // test cannot leave a broker or an api holding its ports.
  if (child?.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

describe('npm start', () => {
  it('runs the platform with the demo compound and stops cleanly on Ctrl-C', async () => {
    const [mqtt, ws, api] = [await freePort(), await freePort(), await freePort()]
    const started = Date.now()
    const output: string[] = []
    child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        FM_DATA_DIR: dataDir,
        FM_BROKER_HOST: '127.0.0.1',
        FM_BROKER_PORT: String(mqtt),
        FM_BROKER_WS_PORT: String(ws),
        FM_API_HOST: '127.0.0.1',
        FM_API_PORT: String(api),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)))

    const base = `http://127.0.0.1:${api}`
    let cookie: string | undefined
    await vi.waitFor(
      async () => {
        const health = (await (await fetch(`${base}/api/health`)).json()) as HealthSummary
        expect(health.status).toBe('ok')
        // the demo compound's admin, as README.md names it
        cookie ??= await signIn(base, 'demo.admin', 'cuihu-admin-demo')
        const devices = (await (await fetch(`${base}/api/devices`, { headers: { cookie } })).json()) as DeviceView[]
        expect(devices.length).toBeGreaterThanOrEqual(40)
        expect(devices.filter((device) => !device.online || device.valuesTs === null).map((d) => d.id)).toEqual([])
      },
      { timeout: 60_000, interval: 250 },
    )
    // Measured, not asserted: the issue asks for 15 s on a developer machine; the note reports the figure.
    console.log(`npm start: healthy with every demo device online after ${Date.now() - started} ms`)

    const page = await fetch(base)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="root">')

    child.kill('SIGINT')
    const code = await exited
    expect(code, output.join('').slice(-4000)).toBe(0)
    await expect(fetch(`${base}/api/health`)).rejects.toThrow()
  })
})
