import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { defaultSecp256k1Backend, nativeBackendUnavailableReason, nativeSecp256k1Backend, signatureBackend } from '../src/index.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
// Platforms the secp256k1 package ships a prebuilt binary for.
const PREBUILT = ['linux-x64', 'darwin-arm64', 'win32-x64'] // secp256k1's prebuilds

describe('backend selection', () => {
  it('Node with a prebuilt binary uses native libsecp256k1', () => {
    const here = `${process.platform}-${process.arch}`
    if (PREBUILT.includes(here) && process.env.DEMLS_SECP256K1_BACKEND !== 'noble') {
      expect(nativeBackendUnavailableReason()).toBeUndefined()
      expect(nativeSecp256k1Backend()?.name).toBe('native')
      expect(signatureBackend()).toBe('native')
      // The keccak package ships a linux-x64 prebuild too (not darwin-arm64: noble keccak there).
      if (here === 'linux-x64') expect(nativeSecp256k1Backend()?.keccak).toBe('native')
    } else {
      expect(signatureBackend()).toBe('noble')
    }
    expect(defaultSecp256k1Backend().name).toBe(signatureBackend())
  })

  it('the import map sends Node to the native selector and everything else to noble only', () => {
    const map = pkg.imports['#secp256k1-platform']
    expect(map.node).toBe('./dist/backend/platform-node.js')
    expect(map.default).toBe('./dist/backend/platform-default.js')
    expect(Object.keys(map)).toEqual(['types', 'node', 'default'])
  })

  it('the non-Node import graph never references the native addon or Node built-ins', () => {
    // Walk the sources from the entry, resolving #secp256k1-platform as a
    // browser bundler would (no "node" condition); type-only imports are erased.
    const map = pkg.imports['#secp256k1-platform']
    const toSrc = (distPath: string): string => join(root, distPath.replace('./dist/', 'src/').replace(/\.js$/, '.ts'))
    const seen = new Set<string>()
    const bare = new Set<string>()
    const visit = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      const src = readFileSync(file, 'utf8')
      for (const m of src.matchAll(/^(?:import|export)\s(?!type\s)[^'"();]*?from\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/gm)) {
        const spec = (m[1] ?? m[2])!
        if (spec === '#secp256k1-platform') visit(toSrc(map.default))
        else if (spec.startsWith('.')) visit(resolve(dirname(file), spec).replace(/\.js$/, '.ts'))
        else bare.add(spec)
      }
    }
    visit(join(root, 'src/index.ts'))
    expect(seen.has(join(root, 'src/backend/platform-default.ts'))).toBe(true)
    expect(seen.has(join(root, 'src/backend/native.ts'))).toBe(false)
    expect(seen.has(join(root, 'src/backend/platform-node.ts'))).toBe(false)
    expect([...bare].sort()).toEqual(['@noble/curves/secp256k1.js', '@noble/hashes/sha3.js'])
    // And the Node selector is where the addon is reached.
    expect(readFileSync(toSrc(map.node), 'utf8')).toMatch(/from '\.\/native\.js'/)
    expect(readFileSync(join(root, 'src/backend/native.ts'), 'utf8')).toMatch(/'secp256k1\/bindings'/)
    expect(readFileSync(join(root, 'src/backend/native.ts'), 'utf8')).toMatch(/'keccak\/package\.json'/)
  })
})
