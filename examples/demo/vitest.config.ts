import { defineConfig } from 'vitest/config'

// One file at a time: the demo and the crash test each run several peer processes against real-time deadlines.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 200_000, fileParallelism: false },
})
