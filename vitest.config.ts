import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'docs/test/**/*.test.ts',
      'docs/snippets/**/*.test.ts',
    ],
    testTimeout: 20_000,
    passWithNoTests: true,
  },
})
