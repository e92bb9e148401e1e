import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Tests run from source: point the `#crypto-backend` import (which
  // resolves to dist/ at run time) at the Node backend's source.
  resolve: {
    alias: { '#crypto-backend': fileURLToPath(new URL('./src/crypto/node-backend.ts', import.meta.url)) },
  },
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 },
})
