import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import * as consensus from '@demls/consensus'
import * as mls from '@demls/mls'
import * as scoring from '@demls/scoring'
import * as steward from '@demls/steward'
import * as memory from '@demls/transport-memory'
import * as wire from '@demls/wire'
import { describe, expect, it } from 'vitest'
import * as session from '../src/index.js'

/**
 * The repository-wide conventions the root README and docs/architecture.md
 * state: ESM only, no Node built-ins in protocol packages, a package graph
 * whose arrows point down only, every error a named DemlsError subclass.
 */

const packagesDir = new URL('../../', import.meta.url).pathname
const PROTOCOL = ['wire', 'eip191', 'mls', 'consensus', 'steward', 'scoring', 'session']
/** A package's source file of a `dist/…js` path in its package.json. */
const sourceOf = (pkg: string, target: string) => join(packagesDir, pkg, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'))
/** The modules a source file imports by relative path, as source files. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => join(file, '..', m[1]!.replace(/\.js$/, '.ts')))
}
/**
 * Node-only modules, derived rather than listed: the targets of each
 * package's "node" import condition (package.json `imports`, each with a
 * non-Node twin under `default`), and every module imported only by
 * Node-only modules (the node backend's helpers). A new Node-only file
 * needs no entry here.
 */
function nodeOnlyModules(): Set<string> {
  const nodeOnly = new Set<string>()
  const importers = new Map<string, Set<string>>()
  for (const pkg of PROTOCOL) {
    for (const entry of Object.values(manifest(pkg).imports ?? {})) if (entry.node !== undefined) nodeOnly.add(sourceOf(pkg, entry.node))
    for (const file of sources(join(packagesDir, pkg, 'src'))) {
      for (const dep of relativeImports(file)) importers.set(dep, (importers.get(dep) ?? new Set()).add(file))
    }
  }
  for (let grew = true; grew; ) {
    grew = false
    for (const [dep, by] of importers) {
      if (!nodeOnly.has(dep) && [...by].every((f) => nodeOnly.has(f))) {
        nodeOnly.add(dep)
        grew = true
      }
    }
  }
  return nodeOnly
}

function sources(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...sources(p))
    else if (p.endsWith('.ts') || p.endsWith('.js')) out.push(p)
  }
  return out
}

function manifest(pkg: string): { type?: string; dependencies?: Record<string, string>; imports?: Record<string, { node?: string; default?: string }> } {
  return JSON.parse(readFileSync(join(packagesDir, pkg, 'package.json'), 'utf8'))
}

describe('conventions (README "Conventions", architecture.md)', () => {
  it('no Node built-ins in protocol packages (the Node-only backends of mls and eip191 aside, which have non-Node twins)', () => {
    const builtins = new Set(builtinModules)
    const offenders: string[] = []
    const nodeOnly = nodeOnlyModules()
    // The derivation finds the Node entries and their helpers, and never a module the other platforms load.
    expect([...nodeOnly].map((f) => f.slice(packagesDir.length)).sort()).toEqual(
      expect.arrayContaining(['eip191/src/backend/native.ts', 'eip191/src/backend/platform-node.ts', 'mls/src/crypto/node-backend.ts', 'mls/src/crypto/node-libsodium.ts']),
    )
    for (const pkg of PROTOCOL) {
      for (const entry of Object.values(manifest(pkg).imports ?? {})) if (entry.default !== undefined) expect(nodeOnly.has(sourceOf(pkg, entry.default))).toBe(false)
    }
    for (const pkg of PROTOCOL) {
      for (const file of sources(join(packagesDir, pkg, 'src'))) {
        if (nodeOnly.has(file)) continue
        const text = readFileSync(file, 'utf8')
        for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)) {
          const spec = m[1]!
          if (spec.startsWith('node:') || builtins.has(spec.split('/')[0]!)) offenders.push(`${file}: ${spec}`)
        }
        if (/\bprocess\.|\bBuffer\./.test(text)) offenders.push(`${file}: process/Buffer global`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('time is a parameter: no protocol package but mls reads the system clock (wire only in its system Clock)', () => {
    const offenders: string[] = []
    for (const pkg of PROTOCOL.filter((p) => p !== 'mls')) {
      for (const file of sources(join(packagesDir, pkg, 'src'))) {
        if (file.endsWith(join('wire', 'src', 'transport', 'clock.ts'))) continue
        const code = readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l))
        for (const l of code) if (/\b(Date\.now|performance\.now|new Date)\s*\(/.test(l)) offenders.push(`${file}: ${l.trim()}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('ESM only: every published package is "type": "module"', () => {
    for (const pkg of [...PROTOCOL, 'transport-memory', 'transport-gossipsub']) expect(manifest(pkg).type, pkg).toBe('module')
  })

  it('the package graph points down only: wire and eip191 depend on no @demls package, mls and consensus on eip191 and wire, the other plug-in layers, transports and storage on wire only', () => {
    const deps = (pkg: string) => Object.keys(manifest(pkg).dependencies ?? {}).filter((d) => d.startsWith('@demls/')).sort()
    expect(deps('wire')).toEqual([])
    expect(deps('eip191')).toEqual([])
    for (const pkg of ['mls', 'consensus']) expect(deps(pkg), pkg).toEqual(['@demls/eip191', '@demls/wire'])
    for (const pkg of ['steward', 'scoring', 'storage', 'transport-memory', 'transport-gossipsub']) expect(deps(pkg), pkg).toEqual(['@demls/wire'])
    expect(deps('session')).toEqual(['@demls/consensus', '@demls/mls', '@demls/scoring', '@demls/steward', '@demls/storage', '@demls/wire'])
  })

  it("the session's folders point down: the flows, core/, state/ and rules/ never import conversation/ (only user/ and the index do), and core/ imports no flow but its two leaf modules", () => {
    const src = join(packagesDir, 'session', 'src')
    const folder = (file: string) => file.slice(src.length + 1).split('/')[0]!
    const offenders: string[] = []
    for (const file of sources(src)) {
      const from = folder(file)
      for (const dep of relativeImports(file)) {
        const to = folder(dep)
        if (to === 'conversation' && !['conversation', 'user', 'index.ts'].includes(from)) offenders.push(`${file.slice(src.length)} → ${dep.slice(src.length)}`)
        if (from === 'core' && !['core', 'state', 'rules', 'util', 'errors.ts'].includes(to)) {
          const leaf = dep.slice(src.length)
          if (leaf !== '/freeze/candidate-buffer.ts' && leaf !== '/join/signing.ts') offenders.push(`${file.slice(src.length)} → ${leaf}`)
        }
      }
    }
    expect(offenders).toEqual([])
  })

  it('every exported error class is a named DemlsError subclass', () => {
    const modules: Record<string, Record<string, unknown>> = { wire, mls, consensus, steward, scoring, session, memory }
    const classes: string[] = []
    for (const [pkg, mod] of Object.entries(modules)) {
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue
        classes.push(`${pkg}.${name}`)
        expect(value === wire.DemlsError || value.prototype instanceof wire.DemlsError, `${pkg}.${name} extends DemlsError`).toBe(true)
        expect(value.name, `${pkg}.${name}`).toBe(name)
      }
    }
    // Sanity: the scan found the error classes of every package.
    for (const pkg of ['wire', 'mls', 'consensus', 'steward', 'scoring', 'session']) {
      expect(classes.some((c) => c.startsWith(`${pkg}.`)), pkg).toBe(true)
    }
  })
})
