import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The bundled page script and what went into it. */
export interface PageBundle {
  /** The ES module, minified. */
  js: Uint8Array
  /** Every input file esbuild read, relative to the package (for checks on what a browser build pulls in). */
  inputs: string[]
}

const entry = fileURLToPath(new URL('../page/entry.ts', import.meta.url))

/**
 * Bundle `page/entry.ts` for browsers with esbuild, the way a web app
 * would: `platform: 'browser'`, so packages' `browser` export conditions
 * and `browser` fields are honoured and any Node built-in fails the build.
 */
export async function bundlePage(options: { signal?: AbortSignal } = {}): Promise<PageBundle> {
  options.signal?.throwIfAborted()
  const result = await build({
    entryPoints: [entry],
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
