/**
 * Vitest global setup: the tests run the built bin (`dist/main.js`, what
 * `npm install @demls/node` installs), so build it first when some `src`
 * file is newer than its output (or there is none), the way
 * `pnpm run build` does: tsc, then the executable bit on the bin.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PKG = fileURLToPath(new URL('..', import.meta.url))
export const BIN = join(PKG, 'dist', 'main.js')

function distIsStale(): boolean {
  for (const name of readdirSync(join(PKG, 'src'))) {
    if (!name.endsWith('.ts')) continue
    const out = join(PKG, 'dist', name.replace(/\.ts$/, '.js'))
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(join(PKG, 'src', name)).mtimeMs) return true
  }
  return false
}

export default function setup(): void {
  if (!distIsStale()) return
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: PKG, stdio: 'inherit' })
  chmodSync(BIN, 0o755)
}
