import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const vendor = join(import.meta.dirname, '..', 'vendor', 'ts-mls')
const files = readdirSync(vendor, { recursive: true }).map(String).filter((f) => f.endsWith('.js'))

describe('vendored ts-mls (vendor/ts-mls, what the package ships)', () => {
  it('imports, statically or with a literal dynamic import, only packages @demls/mls depends on', () => {
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    const require = createRequire(join(vendor, 'index.js'))
    const bare = new Set<string>()
    for (const f of files) {
      const text = readFileSync(join(vendor, f), 'utf8')
      for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*)"([^".][^"]*)"/g)) bare.add(m[1] as string)
    }
    expect(bare.size).toBeGreaterThan(3)
    for (const spec of bare) {
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string)
      expect(Object.keys(manifest.dependencies), `${spec} is imported by the vendored ts-mls`).toContain(name)
      expect(() => require.resolve(spec), spec).not.toThrow()
    }
  })

  it('carries the patch and the license notice', () => {
    expect(readFileSync(join(vendor, 'LICENSE'), 'utf8')).toMatch(/MIT License[\s\S]*Luka Jacobowitz/)
    expect(readFileSync(join(vendor, 'clientState.js'), 'utf8')).toContain('demls patch')
  })

  it('loads an unused ciphersuite\'s optional peer at run time and fails with ts-mls\'s DependencyError', async () => {
    const { makeDhKem } = (await import(join(vendor, 'crypto', 'implementation', 'default', 'makeDhKem.js'))) as { makeDhKem: (alg: string) => Promise<unknown> }
    await expect(makeDhKem('ML-KEM-512')).rejects.toThrow(/Optional dependency '@hpke\/ml-kem' is not installed/)
  })
})
