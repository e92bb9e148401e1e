import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseCircular, parseDependencyTree } from 'dpdm'

/** Every `.ts` file under `dir`, recursively (declaration files aside). */
function tsFiles(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...tsFiles(p))
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p)
  }
  return out
}

/** What {@link importGraph} found. */
export interface ImportGraphReport {
  /** Files parsed. */
  files: number
  /** Import cycles, each a list of paths relative to the project folder. */
  cycles: string[][]
  /** Relative imports dpdm could not resolve (a check that resolves nothing finds no cycle). */
  unresolved: string[]
}

/**
 * The import graph of the files of `srcDir`, parsed by dpdm with type-only
 * imports kept (`transform: false`) and resolved through the project's
 * `tsconfig.json` (the folder above `srcDir`). Imports that leave `srcDir`
 * (other packages, node modules) are not followed.
 */
export async function importGraph(srcDir: string): Promise<ImportGraphReport> {
  const project = dirname(srcDir)
  const files = tsFiles(srcDir)
  const escaped = srcDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const tree = await parseDependencyTree(files, {
    context: project,
    tsconfig: join(project, 'tsconfig.json'),
    transform: false,
    skipDynamicImports: false,
    include: new RegExp(`^${escaped}/`),
    exclude: /node_modules/,
  })
  const unresolved: string[] = []
  for (const deps of Object.values(tree)) {
    for (const d of deps ?? []) if (d.id === null && d.request.startsWith('.')) unresolved.push(`${d.issuer}: ${d.request}`)
  }
  return { files: files.length, cycles: parseCircular(tree), unresolved }
}

/** The `src` folder of every workspace package and example. */
export function workspaceSources(root: string): string[] {
  return ['packages', 'examples']
    .map((d) => join(root, d))
    .filter((d) => existsSync(d))
    .flatMap((d) => readdirSync(d).map((p) => join(d, p, 'src')))
    .filter((p) => existsSync(p) && statSync(p).isDirectory())
}
