import { defineConfig } from 'vitest/config'

// The real-network run (`pnpm --filter @demls-dev/demo network`, and last in
// `pnpm test`, which sets NET_SIZE=20 and NET_BURST=10): NET_SIZE peer
// processes (default 10) over gossipsub on 127.0.0.1 (docs/fault-runs.md,
// "Real network").
export default defineConfig({
  test: { include: ['test/network.real.ts'], testTimeout: 300_000, hookTimeout: 240_000, fileParallelism: false },
})
