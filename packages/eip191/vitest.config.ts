import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Tests run from source: point the `#secp256k1-platform` import (which
  // resolves to dist/ at run time) at the Node platform's source.
  resolve: {
    alias: { '#secp256k1-platform': fileURLToPath(new URL('./src/backend/platform-node.ts', import.meta.url)) },
  },
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 },
})
