import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { blsBackendName, defaultBlsBackend, nativeBlsBackend, nativeBlsBackendUnavailableReason } from '../src/index.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
// Platforms @chainsafe/blst 2.2.0 ships a prebuilt binary for.
const PREBUILT = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64']

describe('backend selection', () => {
  it('Node with a prebuilt binary uses native blst (unless DEMLS_BLS_BACKEND=noble)', () => {
    const here = `${process.platform}-${process.arch}`
    if (PREBUILT.includes(here) && process.env.DEMLS_BLS_BACKEND !== 'noble') {
      expect(nativeBlsBackendUnavailableReason()).toBeUndefined()
      expect(nativeBlsBackend()?.name).toBe('native')
      expect(blsBackendName()).toBe('native')
    } else {
      expect(blsBackendName()).toBe('noble')
    }
    expect(defaultBlsBackend().name).toBe(blsBackendName())
  })

  it('the import map sends browsers and non-Node targets to noble only, Node to the native selector', () => {
    const map = pkg.imports['#bls-platform']
    expect(map.browser).toBe('./dist/backend/platform-default.js')
    expect(map.node).toBe('./dist/backend/platform-node.js')
    expect(map.default).toBe('./dist/backend/platform-default.js')
    expect(Object.keys(map)).toEqual(['types', 'browser', 'node', 'default'])
    expect(Object.keys(pkg.exports['.'])).toEqual(['types', 'browser', 'import', 'default'])
    expect(pkg.optionalDependencies['@chainsafe/blst']).toBe('2.2.0')
    expect(pkg.dependencies['@chainsafe/blst']).toBeUndefined()
  })

  it('the non-Node import graph never references the native addon or Node built-ins', () => {
    const map = pkg.imports['#bls-platform']
    const toSrc = (distPath: string): string => join(root, distPath.replace('./dist/', 'src/').replace(/\.js$/, '.ts'))
    const seen = new Set<string>()
    const bare = new Set<string>()
    const visit = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      const src = readFileSync(file, 'utf8')
      for (const m of src.matchAll(/^(?:import|export)\s(?!type\s)[^'"();]*?from\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/gm)) {
        const spec = (m[1] ?? m[2])!
        if (spec === '#bls-platform') visit(toSrc(map.browser))
        else if (spec.startsWith('.')) visit(resolve(dirname(file), spec).replace(/\.js$/, '.ts'))
        else bare.add(spec)
      }
    }
    visit(join(root, 'src/index.ts'))
    expect(seen.has(join(root, 'src/backend/platform-default.ts'))).toBe(true)
    expect(seen.has(join(root, 'src/backend/native.ts'))).toBe(false)
    expect(seen.has(join(root, 'src/backend/platform-node.ts'))).toBe(false)
    expect([...bare].filter((s) => s.startsWith('node:') || s.includes('blst'))).toEqual([])
    expect(readFileSync(join(root, 'src/backend/native.ts'), 'utf8')).toMatch(/'@chainsafe\/blst'/)
  })
})
