import { defineConfig } from 'vitest/config'

// For running the docs' tests on their own: `npx vitest run --root docs`. The root config runs them too.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'snippets/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
