/** A small compound and temp data directories for the store tests. Each opener closes what it opens. */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SiteManifest } from '@fm/protocol'
import { afterAll, onTestFinished } from 'vitest'
import {
  type CredentialCacheOptions,
  dataFiles,
  openStore,
  openTimeSeries,
  type PasswordCost,
  type Store,
  type TimeSeriesStore,
} from '../src/index.ts'

export const PUMP_PASSWORD = 'pump-demo-password-1'

/** 幸福里小区: one building, a pump room and a gatehouse, four devices. */
export function compound(): SiteManifest {
  return {
    site: { id: 'xingfuli', name: '幸福里小区', name_en: 'Xingfuli Compound', timezone: 'Asia/Shanghai', city: '武汉' },
    buildings: [{ id: 'b1', name: '1栋', name_en: 'Building 1', floors: 33 }],
    rooms: [
      { id: 'pump-room', name: '生活泵房', name_en: 'Domestic pump room', type: 'domestic-pump-room', building: 'b1' },
      { id: 'gatehouse', name: '东门岗亭', type: 'gatehouse' },
    ],
    devices: [
      { id: 'tank-1', kind: 'water-tank', name: '生活水箱', room: 'pump-room', attributes: { capacity_m3: 36 } },
      { id: 'pump-1', kind: 'pump', name: '1#加压泵', room: 'pump-room', password: PUMP_PASSWORD },
      { id: 'gate-east', kind: 'gate', name: '东门道闸', room: 'gatehouse', attributes: { lane: 'in' } },
      { id: 'fap-1', kind: 'fire-alarm-panel', name: '火灾报警控制器', building: 'b1' },
    ],
  }
}

/** A fresh temp directory, removed when the test finishes (after the stores it holds are closed). */
export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fm-store-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

type TestStoreOptions = Omit<Parameters<typeof openStore>[0], 'file'>

export function openTestStore(dir = tempDataDir(), options: TestStoreOptions = {}): Store {
  const store = openStore({ file: dataFiles(dir).operational, ...options })
  onTestFinished(() => store.close())
  return store
}

/** scrypt at 64 KiB: a user test hashes dozens of passwords, the production cost would take seconds. */
export const CHEAP_PASSWORD_COST: PasswordCost = { N: 64, r: 8, p: 1 }

/** 2025-03-01 08:00 in Wuhan: a start for test clocks. */
export const T0 = Date.UTC(2025, 2, 1, 0, 0, 0)

/** A clock that only moves when the test says so. */
export interface TestClock {
  now: () => number
  advance(ms: number): void
}

export function testClock(start = T0): TestClock {
  let current = start
  return {
    now: () => current,
    advance(ms) {
      current += ms
    },
  }
}

/** A fresh store with cheap password hashing and a clock the test moves. */
export function openUserStore(): { store: Store; clock: TestClock; dir: string } {
  const clock = testClock()
  const dir = tempDataDir()
  const store = openTestStore(dir, { passwordCost: CHEAP_PASSWORD_COST, now: clock.now })
  return { store, clock, dir }
}

export function openTestTimeSeries(dir = tempDataDir()): TimeSeriesStore {
  const series = openTimeSeries({ file: dataFiles(dir).timeseries })
  onTestFinished(() => series.close())
  return series
}

let template: Promise<string> | undefined
const templateDirs: string[] = []
afterAll(() => {
  for (const dir of templateDirs) rmSync(dir, { recursive: true, force: true })
})

/** The compound provisioned once per test file: hashing its passwords (scrypt) is the slow part. */
function provisionedTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-store-template-'))
    templateDirs.push(dir)
    const file = dataFiles(dir).operational
    const store = openStore({ file })
    try {
      await store.provisionSite(compound())
    } finally {
      store.close() // checkpoints the WAL: the file alone holds everything
    }
    return file
  })()
  return template
}

/** A data directory of its own holding the provisioned compound. */
export async function provisionedDataDir(): Promise<string> {
  const dir = tempDataDir()
  copyFileSync(await provisionedTemplate(), dataFiles(dir).operational)
  return dir
}

/** A store of its own holding the provisioned compound. */
export async function provisionedStore(options: { credentialCache?: CredentialCacheOptions } = {}): Promise<Store> {
  return openTestStore(await provisionedDataDir(), options)
}
