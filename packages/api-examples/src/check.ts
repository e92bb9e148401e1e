/**
 * Writes every collected `@example` code block to its own module under
 * `.tmp-examples/` in this package (so `@demls/*` resolve through this
 * package's `node_modules`, to the built packages, exactly as for a user)
 * and type-checks them all in one TypeScript program.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import type { DocExamples } from './collect.js'

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..')
/** Where the example modules are written (gitignored, recreated on every run). */
export const EXAMPLES_DIR = join(PACKAGE_DIR, '.tmp-examples')

/** One example that does not type-check. */
export interface ExampleFailure {
  /** `specifier#name example N`. */
  readonly example: string
  /** Where the code is: `path:line` of the doc comment line. */
  readonly location: string
  readonly messages: readonly string[]
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_')
}

/**
 * Type-checks the examples of `exports`; returns the examples that fail
 * (empty when all compile) and how many were checked.
 */
export function typecheckExamples(exports: readonly DocExamples[]): { failures: ExampleFailure[]; checked: number } {
  rmSync(EXAMPLES_DIR, { recursive: true, force: true })
  mkdirSync(EXAMPLES_DIR, { recursive: true })
  const files = new Map<string, { example: string; location: string; codeLine: number }>()
  for (const e of exports) {
    e.examples.forEach((block, i) => {
      const file = join(EXAMPLES_DIR, `${safe(e.specifier)}__${safe(e.name)}__${i + 1}.ts`)
      // `export {}` makes every example its own module (its own scope, top-level await allowed).
      writeFileSync(file, `${block.code}\nexport {}\n`)
      const [path] = e.location.split(':')
      files.set(file, { example: `${e.specifier}#${e.name} example ${i + 1}`, location: `${path}`, codeLine: block.line })
    })
  }
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [join(PACKAGE_DIR, '..', '..', 'node_modules', '@types')],
    noUnusedLocals: false,
  }
  // Examples are self-contained: each imports what it uses, and declares
  // (`declare const x: T`) the values it only consumes.
  const program = ts.createProgram([...files.keys()], options)
  const failures: ExampleFailure[] = []
  for (const [file, where] of files) {
    const sf = program.getSourceFile(file)
    if (!sf) throw new Error(`example file not in program: ${file}`)
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]
    if (diags.length === 0) continue
    const messages = diags.map((d) => {
      const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line
      return `${where.location}:${where.codeLine + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
    })
    failures.push({ example: where.example, location: `${where.location}:${where.codeLine}`, messages })
  }
  const global = program.getGlobalDiagnostics()
  if (global.length) {
    failures.push({ example: 'program', location: '', messages: global.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) })
  }
  return { failures, checked: files.size }
}

/** Reads `remaining.json`: the exports still without an example (shrinking only). */
export function readRemaining(): string[] {
  const file = join(PACKAGE_DIR, 'remaining.json')
  if (!existsSync(file)) return []
  return JSON.parse(readFileSync(file, 'utf8')) as string[]
}

/** Writes `remaining.json` (used by `pnpm check --write-remaining`). */
export function writeRemaining(keys: readonly string[]): void {
  writeFileSync(join(PACKAGE_DIR, 'remaining.json'), `${JSON.stringify([...keys].sort(), null, 2)}\n`)
}
