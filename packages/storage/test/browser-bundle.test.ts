/**
 * The browser build pulls IndexedDB (browser-level) and nothing of Node:
 * no classic-level, no native addon loader, no `node:` built-ins.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { expect, it } from 'vitest'

it('bundles for the browser without Node code', async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const inputs = Object.keys(result.metafile.inputs)
  expect(inputs.some((i) => i.includes('browser-level'))).toBe(true)
  expect(inputs.filter((i) => /classic-level|node-gyp-build|^node:/.test(i))).toEqual([])
  const code = result.outputFiles[0]!.text
  expect(code).not.toMatch(/require\(["'](fs|path|os|crypto|node:)/)
})
