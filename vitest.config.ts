import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'docs/test/**/*.test.ts',
      'docs/snippets/**/*.test.ts',
    ],
    // The soak tests measure a server under load: they run on their own, after the rest (pnpm soak:ci).
    exclude: ['**/node_modules/**', ...(process.env.FLAGON_SOAK ? [] : ['packages/framework/test/soak/**'])],
    // Debian packages (redis-server, memcached, Flask, chromium) are installed once, before the files run.
    globalSetup: ['scripts/test-setup.ts'],
    testTimeout: 20_000,
    passWithNoTests: true,
  },
})
