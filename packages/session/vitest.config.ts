import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Tests run from source: point the `#session-hash` import (which resolves
  // to dist/ at run time) at the Node platform's source.
  resolve: {
    alias: { '#session-hash': fileURLToPath(new URL('./src/util/hash-node.ts', import.meta.url)) },
  },
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 },
})
