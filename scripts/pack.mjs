// Packs every publishable @demls/* package into ./packs as npm tarballs, so
// another project can install them before they are on the registry:
//   npm install /path/to/demls/packs/*.tgz
// (install the tarballs of the packages you use together, in one command:
// npm resolves their @demls/* dependencies among them). Run `pnpm build` first.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const out = resolve('packs')
rmSync(out, { recursive: true, force: true })
mkdirSync(out)
const packed = []
// Every publishable package lives under packages/ (the libraries and the
// terminal chat `@demls/chat`); examples/ holds only private ones.
for (const dir of readdirSync('packages')) {
  if (!existsSync(join('packages', dir, 'package.json'))) continue
  const manifest = JSON.parse(readFileSync(join('packages', dir, 'package.json'), 'utf8'))
  if (manifest.private) continue
  const r = spawnSync('pnpm', ['pack', '--pack-destination', out], { cwd: join('packages', dir), stdio: ['ignore', 'pipe', 'inherit'] })
  if (r.error) console.error(`cannot run pnpm pack in packages/${dir}: ${r.error.message} (run this script through pnpm: pnpm run pack)`)
  if (r.status !== 0) process.exit(r.status ?? 1)
  packed.push(manifest.name)
}
console.log(`packed ${packed.length} packages into ${out}:`)
for (const f of readdirSync(out)) console.log(`  ${f}`)
