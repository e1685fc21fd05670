/**
 * The embedded store against the time-series contract: as it runs, and with every write followed by a full
 * compaction, so that replays and late samples also meet rows that already moved to the series-clustered tables.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dataFiles } from '../../src/index.ts'
import { openTimeSeries, type SqliteTimeSeriesStore } from '../../src/telemetry/sqlite.ts'
import { type ContractSubject, describeTimeSeriesContract } from './contract.ts'

function openInTempDir(): { store: SqliteTimeSeriesStore; cleanup(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'fm-ts-contract-'))
  const store = openTimeSeries({ file: dataFiles(dir).timeseries })
  return {
    store,
    async cleanup() {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

describeTimeSeriesContract('sqlite', async () => openInTempDir())

describeTimeSeriesContract('sqlite, compacted after every write', async (): Promise<ContractSubject> => {
  const { store, cleanup } = openInTempDir()
  return {
    cleanup,
    store: {
      name: store.name,
      async write(readings) {
        await store.write(readings)
        await store.maintain()
      },
      history: (query) => store.history(query),
      health: () => store.health(),
      close: () => store.close(),
    },
  }
})
