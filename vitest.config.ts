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

export default defineConfig({
  test: {
    projects: [
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
