// Copies the patched ts-mls (installed by pnpm with patches/ts-mls@1.6.4.patch
// applied, root package.json → pnpm.patchedDependencies) into vendor/ts-mls,
// where @demls/mls imports it through its `#ts-mls` subpath imports. The
// published package carries this copy, so a consumer installs no ts-mls and
// applies no patch. Fails unless every line the patch adds is in the copy.
// Runs at the workspace's postinstall and before every build of the package.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const VERSION = '1.6.4'
const OPTIONAL_PEERS = ['@hpke/chacha20poly1305', '@hpke/dhkem-x448', '@hpke/hybridkem-x-wing', '@hpke/ml-kem', '@noble/post-quantum']
const EXPECTED_OPTIONAL_IMPORTS = 8
const patchFile = join(pkgDir, 'patches', `ts-mls@${VERSION}.patch`)
const require = createRequire(join(pkgDir, 'package.json'))

let tsMlsDir
try {
  tsMlsDir = join(dirname(require.resolve('ts-mls')), '..', '..') // dist/src/index.js
} catch {
  console.error('vendor-ts-mls: ts-mls is not installed (run pnpm install in the workspace)')
  process.exit(1)
}
const manifest = JSON.parse(readFileSync(join(tsMlsDir, 'package.json'), 'utf8'))
if (manifest.version !== VERSION) {
  console.error(`vendor-ts-mls: ts-mls ${manifest.version} is installed, the patch is for ${VERSION}`)
  process.exit(1)
}
const srcDir = join(tsMlsDir, 'dist', 'src')

// Every line the patch adds must be in the installed file it patches.
const patch = readFileSync(patchFile, 'utf8')
const missing = []
let file
for (const line of patch.split('\n')) {
  const header = /^\+\+\+ b\/(.*)$/.exec(line)
  if (header) {
    file = readFileSync(join(tsMlsDir, header[1]), 'utf8')
    continue
  }
  if (!line.startsWith('+') || line.startsWith('+++')) continue
  const added = line.slice(1).trim()
  if (added !== '' && !file.includes(added)) missing.push(added)
}
if (missing.length > 0) {
  console.error(`vendor-ts-mls: the installed ts-mls (${tsMlsDir}) lacks ${missing.length} line(s) of ${relative(pkgDir, patchFile)}, e.g.\n  ${missing[0]}`)
  process.exit(1)
}

const vendorRoot = join(pkgDir, 'vendor')
const target = join(vendorRoot, 'ts-mls')
const stamp = `ts-mls ${VERSION} + ${relative(pkgDir, patchFile)} sha:${hash(patch)} script:${hash(readFileSync(fileURLToPath(import.meta.url), 'utf8'))}`
const stampFile = join(target, 'VENDORED')
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp) process.exit(0)

// Write next to the target, then swap, so a concurrent reader never sees half a copy.
mkdirSync(vendorRoot, { recursive: true })
const tmp = join(vendorRoot, `.ts-mls-${process.pid}`)
rmSync(tmp, { recursive: true, force: true })
cpSync(srcDir, tmp, { recursive: true, filter: (p) => !p.endsWith('.map') })
dropSourceMapComments(tmp)
cpSync(join(tsMlsDir, 'LICENSE'), join(tmp, 'LICENSE'))
hideOptionalPeers(tmp)
writeFileSync(
  join(tmp, 'README.md'),
  `# ts-mls ${VERSION}, patched (vendored into @demls/mls)

This folder is the compiled output (\`dist/src\`) of [ts-mls](https://github.com/LukaJCB/ts-mls)
${VERSION} by Luka Jacobowitz, MIT licensed (see \`LICENSE\` here), with the demls patch
\`patches/ts-mls@${VERSION}.patch\` of this package applied. \`@demls/mls\` imports it through
its \`#ts-mls\` subpath imports, so installing \`@demls/mls\` needs no patch step. What the patch
fixes, and the reports meant for upstream: \`UPSTREAM.md\` in the demls repository
(packages/mls). Source maps are left out. One change beyond the patch: the dynamic imports of
ts-mls's optional peers for ciphersuites demls does not use (${OPTIONAL_PEERS.join(', ')})
go through \`optionalPeer.js\` with a computed specifier, so bundlers do not fail on packages
that are not installed; in Node they still load when installed.
`,
)
writeFileSync(join(tmp, 'VENDORED'), `${stamp}\n`)
rmSync(target, { recursive: true, force: true })
try {
  renameSync(tmp, target)
} catch (err) {
  // Another run swapped its copy in first: same content, keep it.
  rmSync(tmp, { recursive: true, force: true })
  if (!existsSync(stampFile)) throw err
}
const count = readdirSync(target, { recursive: true }).length
console.log(`vendor-ts-mls: ${count} files of patched ts-mls ${VERSION} in ${relative(process.cwd(), target) || '.'}`)

/**
 * ts-mls imports these optional peers (ciphersuites other than 0x0001, the
 * only one demls uses) with literal dynamic imports, which a bundler must
 * resolve and cannot when they are not installed. Route each through a
 * computed specifier instead; the catch around each keeps ts-mls's
 * DependencyError when the peer is absent.
 */
function hideOptionalPeers(dir) {
  writeFileSync(
    join(dir, 'optionalPeer.js'),
    '// Added by @demls/mls: a computed specifier, so bundlers leave optional peers alone.\n' +
      'export const optionalPeer = (name) => import(/* @vite-ignore */ /* webpackIgnore: true */ name);\n',
  )
  writeFileSync(join(dir, 'optionalPeer.d.ts'), 'export declare const optionalPeer: (name: string) => Promise<any>;\n')
  const literal = new RegExp(`await import\\("(${OPTIONAL_PEERS.map((p) => p.replace(/[/.-]/g, (c) => `\\${c}`)).join('|')})([^"]*)"\\)`, 'g')
  let replaced = 0
  for (const rel of readdirSync(dir, { recursive: true })) {
    if (!String(rel).endsWith('.js') || rel === 'optionalPeer.js') continue
    const path = join(dir, String(rel))
    const text = readFileSync(path, 'utf8')
    let count = 0
    const out = text.replace(literal, (_, name, rest) => {
      count++
      return `await optionalPeer("${name}${rest}")`
    })
    if (count === 0) continue
    const up = relative(dirname(path), dir) || '.'
    writeFileSync(path, `import { optionalPeer } from "${up.startsWith('.') ? up : `./${up}`}/optionalPeer.js";\n${out}`)
    replaced += count
  }
  if (replaced !== EXPECTED_OPTIONAL_IMPORTS) {
    console.error(`vendor-ts-mls: expected ${EXPECTED_OPTIONAL_IMPORTS} optional-peer imports in ts-mls ${VERSION}, rewrote ${replaced}`)
    process.exit(1)
  }
}

/** The maps are left out, so their `//# sourceMappingURL=` comments go too (tools would look for them). */
function dropSourceMapComments(dir) {
  for (const rel of readdirSync(dir, { recursive: true })) {
    const path = join(dir, String(rel))
    if (!path.endsWith('.js') && !path.endsWith('.d.ts')) continue
    const text = readFileSync(path, 'utf8')
    const out = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
    if (out !== text) writeFileSync(path, out)
  }
}

function hash(text) {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h.toString(16).padStart(8, '0')
}
