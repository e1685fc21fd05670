import { defineProject, mergeConfig } from 'vitest/config'
import viteConfig from './vite.config.ts'

export default mergeConfig(
  viteConfig,
  defineProject({
    test: {
      name: 'dashboard',
      environment: 'happy-dom',
      include: ['test/**/*.test.tsx', 'test/**/*.test.ts'],
    },
  }),
)
