import { defineConfig } from 'vitest/config'

const service = (name: string, testTimeout = 20_000) => ({
  test: {
    name,
    root: `./${name}`,
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout,
    hookTimeout: 60_000,
  },
})

// The InfluxDB contract needs a real InfluxDB 2.x, which cannot be installed here: its project exists only when
// INFLUX_URL points at one (docs/storage.md), so CI neither runs nor skips it.
const influx = process.env.INFLUX_URL
  ? [
      {
        test: {
          name: 'store-influx',
          root: './store',
          include: ['test/**/*.influx-test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ]
  : []

export default defineConfig({
  test: {
    projects: [
      ...influx,
      service('protocol'),
      service('store'),
      service('broker'),
      service('ingest'),
      service('api'),
      service('simulators'),
      './dashboard/vitest.config.ts',
      {
        test: {
          name: 'e2e',
          root: './e2e',
          include: ['**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
