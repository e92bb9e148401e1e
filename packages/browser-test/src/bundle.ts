import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

/** The bundled page script and what went into it. */
export interface PageBundle {
  /** The ES module, minified. */
  js: Uint8Array
  /** Every input file esbuild read, relative to the package (for checks on what a browser build pulls in). */
  inputs: string[]
}

const entry = fileURLToPath(new URL('../page/entry.ts', import.meta.url))
const complianceEntry = fileURLToPath(new URL('../page/compliance.ts', import.meta.url))
const vitestShim = fileURLToPath(new URL('../page/vitest-shim.ts', import.meta.url))

/** Resolves `vitest` (imported by the compliance suite) to `page/vitest-shim.ts`. */
const vitestInPage: Plugin = {
  name: 'vitest-in-page',
  setup(b) {
    b.onResolve({ filter: /^vitest$/ }, () => ({ path: vitestShim }))
  },
}

/**
 * Bundle `page/entry.ts` for browsers with esbuild, the way a web app
 * would: `platform: 'browser'`, so packages' `browser` export conditions
 * and `browser` fields are honoured and any Node built-in fails the build.
 * `page: 'compliance'` bundles `page/compliance.ts` instead: the transport
 * compliance suite, with `vitest` mapped to `page/vitest-shim.ts`.
 */
export async function bundlePage(options: { signal?: AbortSignal; page?: 'demls' | 'compliance' } = {}): Promise<PageBundle> {
  options.signal?.throwIfAborted()
  const compliance = options.page === 'compliance'
  const result = await build({
    entryPoints: [compliance ? complianceEntry : entry],
    plugins: compliance ? [vitestInPage] : [],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'silent',
  })
  const out = result.outputFiles[0]
  if (out === undefined) throw new Error('esbuild produced no output')
  return { js: out.contents, inputs: Object.keys(result.metafile.inputs) }
}
