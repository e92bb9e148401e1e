import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importGraph, workspaceSources } from './import-cycles.js'

const root = new URL('../../../', import.meta.url).pathname

describe('import cycles (dpdm, type-only imports included)', () => {
  it('no package or example has an import cycle in its src, and every relative import resolves', async () => {
    const dirs = workspaceSources(root)
    // Sanity: the scan sees every protocol package, the transports and the demo.
    for (const p of ['packages/wire', 'packages/mls', 'packages/session', 'packages/transport-memory', 'examples/demo']) {
      expect(dirs.some((d) => d.endsWith(join(p, 'src'))), p).toBe(true)
    }
    const found: string[] = []
    const unresolved: string[] = []
    for (const dir of dirs) {
      const report = await importGraph(dir)
      expect(report.files, dir).toBeGreaterThan(0)
      for (const cycle of report.cycles) found.push(`${dir}: ${cycle.join(' -> ')}`)
      unresolved.push(...report.unresolved.map((u) => `${dir}: ${u}`))
    }
    expect(found).toEqual([])
    expect(unresolved).toEqual([])
  }, 120_000)

  it('the check finds a cycle made of type-only imports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demls-cycles-'))
    try {
      mkdirSync(join(dir, 'src'))
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }))
      writeFileSync(join(dir, 'src', 'a.ts'), "import type { B } from './b.js'\nexport interface A { b?: B }\n")
      writeFileSync(join(dir, 'src', 'b.ts'), "import type { A } from './a.js'\nexport interface B { a?: A }\n")
      writeFileSync(join(dir, 'src', 'c.ts'), "import type { A } from './a.js'\nexport type C = A\n")
      const report = await importGraph(join(dir, 'src'))
      expect(report.unresolved).toEqual([])
      expect(report.cycles).toHaveLength(1)
      expect([...report.cycles[0]!].sort()).toEqual(['src/a.ts', 'src/b.ts'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
