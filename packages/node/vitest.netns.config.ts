import { defineConfig } from 'vitest/config'

// The network namespace test (root only; `pnpm --filter @demls/node netns`, and
// last in `pnpm test` unless DEMLS_NETNS_TEST=0): test/netns.real.ts.
export default defineConfig({
  test: { include: ['test/netns.real.ts'], globalSetup: ['test/build-setup.ts'], testTimeout: 180_000, hookTimeout: 120_000, fileParallelism: false },
})
