/**
 * Walks the public entry points of every published package with the
 * TypeScript compiler API and collects, for each exported class, function,
 * interface and type alias, the TypeScript code blocks of its TSDoc
 * `@example` tags.
 */
import { readdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

/** The repository root (this file is packages/api-examples/src/collect.ts). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** One public entry point: the specifier users import and its source file. */
export interface EntryPoint {
  /** The specifier users import, e.g. `@demls/session/rules`. */
  readonly specifier: string
  /** The entry's source file, relative to the repository root. */
  readonly file: string
  /** How reports name the entry when the specifier is shared (the browser entry). */
  readonly label?: string
}

/** Every published package's public entry points (private `@demls-dev/*` packages are not published). */
export const ENTRY_POINTS: readonly EntryPoint[] = [
  { specifier: '@demls/wire', file: 'packages/wire/src/index.ts' },
  { specifier: '@demls/eip191', file: 'packages/eip191/src/index.ts' },
  { specifier: '@demls/bls', file: 'packages/bls/src/index.ts' },
  { specifier: '@demls/mls', file: 'packages/mls/src/index.ts' },
  { specifier: '@demls/consensus', file: 'packages/consensus/src/index.ts' },
  { specifier: '@demls/steward', file: 'packages/steward/src/index.ts' },
  { specifier: '@demls/scoring', file: 'packages/scoring/src/index.ts' },
  { specifier: '@demls/storage', file: 'packages/storage/src/index.ts' },
  { specifier: '@demls/session', file: 'packages/session/src/index.ts' },
  { specifier: '@demls/session/rules', file: 'packages/session/src/rules/index.ts' },
  { specifier: '@demls/transport-memory', file: 'packages/transport-memory/src/index.ts' },
  { specifier: '@demls/transport-gossipsub', file: 'packages/transport-gossipsub/src/index.ts' },
  // The browser entry (the `browser` export condition): same types, its own declarations.
  { specifier: '@demls/transport-gossipsub', file: 'packages/transport-gossipsub/src/browser.ts', label: '@demls/transport-gossipsub (browser)' },
]

/** The kinds of export that must carry an `@example`. */
export type ExportKind = 'class' | 'function' | 'interface' | 'type'

/** A documented thing and the TypeScript code blocks of its `@example` tags. */
export interface DocExamples {
  /** The entry it belongs to, e.g. `@demls/consensus` or `@demls/transport-gossipsub (browser)`. */
  readonly specifier: string
  /** Its name: an export (`createProposal`), a member (`ConsensusService.castVote`) or `(package)`. */
  readonly name: string
  /** Where it is declared: `path:line`, relative to the repository root. */
  readonly location: string
  /** The TypeScript code blocks of its `@example` tags, in order. */
  readonly examples: readonly ExampleBlock[]
}

/** One exported declaration and the examples found in its TSDoc. */
export interface PublicExport extends DocExamples {
  readonly kind: ExportKind
  /** `@example` tags that hold no ```ts block (they count as missing). */
  readonly examplesWithoutCode: number
}

/** One ```ts block of an `@example` tag. */
export interface ExampleBlock {
  readonly code: string
  /** The line of the source file where the code starts (1-based). */
  readonly line: number
}

function kindOf(decl: ts.Declaration): ExportKind | undefined {
  if (ts.isClassDeclaration(decl)) return 'class'
  if (ts.isFunctionDeclaration(decl)) return 'function'
  if (ts.isInterfaceDeclaration(decl)) return 'interface'
  if (ts.isTypeAliasDeclaration(decl)) return 'type'
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    const init = decl.initializer
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return 'function'
  }
  return undefined
}

/** Splits a raw `/** ... *\/` comment into its lines without the leading ` * `. */
function commentLines(raw: string): string[] {
  return raw
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
}

/**
 * Finds the `@example` tags of one raw doc comment and the ```ts blocks in
 * each. A tag runs until the next line starting with `@` outside a fence.
 */
export function examplesOfComment(raw: string, firstLine: number): { blocks: ExampleBlock[]; tags: number; tagsWithoutCode: number } {
  const lines = commentLines(raw)
  const blocks: ExampleBlock[] = []
  let tags = 0
  let tagsWithoutCode = 0
  let inExample = false
  let fence: 'ts' | 'other' | undefined
  let code: string[] = []
  let codeLine = 0
  let tagHasCode = false
  const closeTag = () => {
    if (inExample && !tagHasCode) tagsWithoutCode++
    inExample = false
  }
  lines.forEach((line, i) => {
    const trimmed = line.trim()
    if (fence) {
      if (trimmed.startsWith('```')) {
        if (fence === 'ts' && inExample) {
          blocks.push({ code: code.join('\n'), line: codeLine })
          tagHasCode = true
        }
        fence = undefined
      } else code.push(line)
      return
    }
    if (trimmed.startsWith('```')) {
      const lang = trimmed.slice(3).trim().toLowerCase()
      fence = lang === 'ts' || lang === 'typescript' ? 'ts' : 'other'
      code = []
      codeLine = firstLine + i + 1
      return
    }
    if (/^@\w+/.test(trimmed)) {
      closeTag()
      if (/^@example\b/.test(trimmed)) {
        inExample = true
        tagHasCode = false
        tags++
      }
    }
  })
  closeTag()
  return { blocks, tags, tagsWithoutCode }
}

function isInternal(decl: ts.Declaration): boolean {
  return ts.getJSDocTags(decl).some((t) => t.tagName.text === 'internal')
}

/**
 * Collects every public export of {@link ENTRY_POINTS} with its examples
 * (`exports`), and the examples of their members and of each entry's
 * package documentation (`others`: optional, but type-checked too).
 */
export function collectExamples(entries: readonly EntryPoint[] = ENTRY_POINTS): { exports: PublicExport[]; others: DocExamples[] } {
  // Every source file of the packages, and nothing else (`noResolve`): the
  // exports and their doc comments are all here, and leaving out the
  // dependencies (libp2p, ts-mls, other packages' builds) keeps this fast.
  const srcDirs = [...new Set(entries.map((e) => join(REPO_ROOT, e.file.slice(0, e.file.indexOf('/src/') + '/src'.length))))]
  const files = srcDirs.flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f)),
  )
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noResolve: true,
    allowJs: false,
    skipLibCheck: true,
    types: [],
  })
  const checker = program.getTypeChecker()
  const seen = new Set<ts.Declaration>()
  const out: PublicExport[] = []
  const others: DocExamples[] = []
  for (const entry of entries) {
    const sf = program.getSourceFile(join(REPO_ROOT, entry.file))
    if (!sf) throw new Error(`entry point not found: ${entry.file}`)
    const packageSrc = join(REPO_ROOT, entry.file.slice(0, entry.file.indexOf('/src/') + '/src/'.length))
    const mod = checker.getSymbolAtLocation(sf)
    if (!mod) throw new Error(`entry point is not a module: ${entry.file}`)
    for (const exported of checker.getExportsOfModule(mod)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      for (const decl of symbol.declarations ?? []) {
        const kind = kindOf(decl)
        if (!kind || seen.has(decl) || isInternal(decl)) continue
        // Re-exports of another package's declarations are documented (and checked) there.
        if (!decl.getSourceFile().fileName.startsWith(packageSrc)) continue
        seen.add(decl)
        const { blocks, withoutCode } = examplesOfNode(decl)
        out.push({
          specifier: entry.label ?? entry.specifier,
          name: exported.name,
          kind,
          location: locationOf(decl),
          examples: blocks,
          examplesWithoutCode: withoutCode,
        })
        // Examples on members (methods, properties) are not required, but checked when present.
        if (ts.isClassDeclaration(decl) || ts.isInterfaceDeclaration(decl)) {
          for (const member of decl.members) {
            const memberExamples = examplesOfNode(member).blocks
            if (memberExamples.length === 0) continue
            const memberName = member.name && ts.isIdentifier(member.name) ? member.name.text : 'constructor'
            others.push({ specifier: entry.label ?? entry.specifier, name: `${exported.name}.${memberName}`, location: locationOf(member), examples: memberExamples })
          }
        }
      }
    }
    // The entry's `@packageDocumentation` comment (its README-like overview).
    const packageDoc = sf.statements.length ? ts.getJSDocCommentsAndTags(sf.statements[0]!).find((d) => ts.isJSDoc(d) && d.getText(sf).includes('@packageDocumentation')) : undefined
    if (packageDoc) {
      const raw = sf.text.slice(packageDoc.getStart(sf), packageDoc.end)
      const blocks = examplesOfComment(raw, sf.getLineAndCharacterOfPosition(packageDoc.getStart(sf)).line + 1).blocks
      if (blocks.length) others.push({ specifier: entry.label ?? entry.specifier, name: '(package)', location: `${entry.file}:1`, examples: blocks })
    }
  }
  return { exports: out, others }
}

function locationOf(node: ts.Node): string {
  const sf = node.getSourceFile()
  return `${relative(REPO_ROOT, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`
}

function examplesOfNode(node: ts.Node): { blocks: ExampleBlock[]; withoutCode: number } {
  const sf = node.getSourceFile()
  const blocks: ExampleBlock[] = []
  let withoutCode = 0
  for (const doc of ts.getJSDocCommentsAndTags(node)) {
    if (!ts.isJSDoc(doc)) continue
    const found = examplesOfComment(sf.text.slice(doc.getStart(sf), doc.end), sf.getLineAndCharacterOfPosition(doc.getStart(sf)).line + 1)
    blocks.push(...found.blocks)
    withoutCode += found.tagsWithoutCode
  }
  return { blocks, withoutCode }
}

/** The key an export is listed under in `remaining.json`: `specifier#name`. */
export function exportKey(e: Pick<PublicExport, 'specifier' | 'name'>): string {
  return `${e.specifier}#${e.name}`
}
