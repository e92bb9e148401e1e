import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Tests run from source: point the `#bls-platform` import (which resolves
  // to dist/ at run time) at the Node platform's source.
  resolve: {
    alias: { '#bls-platform': fileURLToPath(new URL('./src/backend/platform-node.ts', import.meta.url)) },
  },
  test: { include: ['test/**/*.test.ts'], testTimeout: 60_000 },
})
