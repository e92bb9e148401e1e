import { type Plugin, defineConfig } from 'vite'

/**
 * `@hpke/common` (under ts-mls) has a Node fallback, `await import("crypto")`,
 * that it takes only where `globalThis.crypto` is missing. In the page that
 * import resolves to a module giving the browser's own WebCrypto, instead of
 * Vite's "externalized for browser compatibility" stub and its warning.
 */
const browserCrypto: Plugin = {
  name: 'demls-browser-crypto',
  enforce: 'pre',
  resolveId: (id) => (id === 'crypto' ? '\0demls-browser-crypto' : undefined),
  load: (id) => (id === '\0demls-browser-crypto' ? 'export const webcrypto = globalThis.crypto\nexport default { webcrypto }' : undefined),
}

// The page is index.html with src/page/main.ts; `vite build` writes dist/.
// Packages' `browser` export conditions are honoured (the WebSockets entry
// of @demls/transport-gossipsub, IndexedDB for @demls/storage, WebCrypto
// for @demls/mls).
export default defineConfig({
  plugins: [browserCrypto],
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  logLevel: 'warn',
})
