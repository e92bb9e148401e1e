// Checks that a release would publish what `pnpm run pack` packs, without
// publishing anything and without touching this tree:
//
//   pnpm run pack            # first: builds and packs every package into packs/
//   pnpm run publish-check   # or `pnpm run publish-check --pack` to run it first
//
// In a throwaway copy of the workspace (every workspace package without its
// node_modules, the root manifests and the pending .changeset files, committed
// or not) it runs `changeset version`, then `pnpm -r publish --dry-run
// --no-git-checks`, and checks for every publishable package (not private,
// under packages/):
//   - the dry run publishes it (pnpm -r publish skips versions the registry
//     already has: it reads each package's registry entry for that, and
//     publishes nothing), with the version `changeset version` gave it, not 0.0.0;
//   - the dry run's file list is the file list of its tarball in packs/ (same paths);
//   - the package.json inside that tarball has no `workspace:` specifier left.
// It prints a table and exits 1 on any problem. Metadata a registry page
// shows (description, license, repository with directory, engines.node,
// keywords) is checked too, as warnings.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'

const root = resolve(import.meta.dirname, '..')
const packsDir = join(root, 'packs')
const args = new Set(process.argv.slice(2))
const started = Date.now()

/** pnpm as this script was started by (`pnpm run publish-check`), else the one on PATH. */
function pnpm(argv, opts) {
  const execPath = process.env.npm_execpath
  const viaNode = execPath !== undefined && /pnpm/.test(execPath) && /\.c?js$/.test(execPath)
  const r = viaNode
    ? spawnSync(process.execPath, [execPath, ...argv], { encoding: 'utf8', maxBuffer: 64 << 20, ...opts })
    : spawnSync('pnpm', argv, { encoding: 'utf8', maxBuffer: 64 << 20, shell: process.platform === 'win32', ...opts })
  if (r.error) throw new Error(`cannot run pnpm ${argv.join(' ')}: ${r.error.message} (run this script through pnpm: pnpm run publish-check)`)
  return r
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

/** The entries of a .tgz: path (without the leading `package/`) → contents. */
function readTarball(file) {
  const tar = gunzipSync(readFileSync(file))
  const entries = new Map()
  let longName
  let paxPath
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512)
    if (header.every((b) => b === 0)) break
    const field = (start, length) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '')
    const size = Number.parseInt(field(124, 12).trim() || '0', 8)
    const type = field(156, 1) || '0'
    const body = tar.subarray(at + 512, at + 512 + size)
    at += 512 + Math.ceil(size / 512) * 512
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '')
      continue
    }
    if (type === 'x') {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1]
      continue
    }
    const prefix = field(345, 155)
    const name = paxPath ?? longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100))
    longName = undefined
    paxPath = undefined
    if (type === '0' || type === '\0') entries.set(name.replace(/^[^/]+\//, ''), body)
  }
  return entries
}

const problems = []
const warnings = []
const problem = (pkg, text) => problems.push(`${pkg}: ${text}`)

// 0. The tarballs `pnpm run pack` made.
if (args.has('--pack')) {
  const r = pnpm(['run', 'pack'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
if (!existsSync(packsDir) || !readdirSync(packsDir).some((f) => f.endsWith('.tgz'))) {
  console.error('publish-check: no tarballs in packs/: run `pnpm run pack` first (or pass --pack)')
  process.exit(1)
}
const packed = new Map() // name → { file, version, files, manifest text }
for (const f of readdirSync(packsDir).filter((f) => f.endsWith('.tgz'))) {
  const entries = readTarball(join(packsDir, f))
  const text = entries.get('package.json')?.toString('utf8')
  if (text === undefined) {
    problems.push(`packs/${f}: no package.json inside`)
    continue
  }
  const manifest = JSON.parse(text)
  packed.set(manifest.name, { file: f, version: manifest.version, files: [...entries.keys()].sort(), text, manifest })
}

// 1. The workspace and its publishable packages.
const workspaceDirs = ['packages', 'examples']
  .filter((d) => existsSync(join(root, d)))
  .flatMap((d) => readdirSync(join(root, d)).map((p) => join(d, p)))
  .filter((d) => existsSync(join(root, d, 'package.json')))
const workspace = workspaceDirs.map((dir) => ({ dir, manifest: readJson(join(root, dir, 'package.json')) }))
const publishable = workspace.filter((p) => !p.manifest.private && p.dir.startsWith('packages'))
const byName = new Map(workspace.map((p) => [p.manifest.name, p.dir]))

// 2. A throwaway copy: publishable packages whole (what `files` picks is in
// there: dist, vendor…) without node_modules; private ones by their manifest only.
const tmp = mkdtempSync(join(tmpdir(), 'demls-publish-check-'))
const copy = join(tmp, 'repo')
let dryRunOut = ''
let dryRunErr = ''
try {
  mkdirSync(copy)
  for (const f of ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml', '.npmrc']) if (existsSync(join(root, f))) cpSync(join(root, f), join(copy, f))
  cpSync(join(root, '.changeset'), join(copy, '.changeset'), { recursive: true })
  for (const { dir, manifest } of workspace) {
    if (manifest.private) {
      mkdirSync(join(copy, dir), { recursive: true })
      cpSync(join(root, dir, 'package.json'), join(copy, dir, 'package.json'))
    } else {
      cpSync(join(root, dir), join(copy, dir), {
        recursive: true,
        filter: (src) => !/[\\/](node_modules|\.turbo)$/.test(src),
      })
    }
  }
  // pnpm resolves `workspace:` ranges from the linked packages in node_modules:
  // link each workspace dependency to its copy (so it reads the new versions).
  for (const { dir, manifest } of workspace) {
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
        if (!String(spec).startsWith('workspace:') || !byName.has(name)) continue
        const link = join(copy, dir, 'node_modules', name)
        if (existsSync(link)) continue
        mkdirSync(dirname(link), { recursive: true })
        symlinkSync(relative(dirname(link), join(copy, byName.get(name))), link, 'dir')
      }
    }
  }

  // 3. changeset version, with this workspace's @changesets/cli.
  const changeset = join(root, 'node_modules', '@changesets', 'cli', 'bin.js')
  const version = spawnSync(process.execPath, [changeset, 'version'], { cwd: copy, encoding: 'utf8', timeout: 60_000 })
  if (version.status !== 0) {
    console.error(version.stdout, version.stderr)
    throw new Error(`changeset version failed (${version.status ?? version.signal})`)
  }

  // 4. The dry run. npm prints each package's file list as notices on stderr.
  const dry = pnpm(['-r', 'publish', '--dry-run', '--no-git-checks'], { cwd: copy, timeout: 100_000 })
  dryRunOut = dry.stdout
  dryRunErr = dry.stderr
  if (dry.status !== 0) {
    console.error(dry.stdout, dry.stderr)
    problems.push(`pnpm -r publish --dry-run failed (${dry.status ?? dry.signal})`)
  }
  for (const p of publishable) p.bumped = readJson(join(copy, p.dir, 'package.json')).version
} finally {
  if (args.has('--keep')) console.log(`copy kept in ${copy}`)
  else rmSync(tmp, { recursive: true, force: true })
}

// npm notice 📦  @demls/wire@0.1.0 / Tarball Contents / <size> <path>… / Tarball Details / … total files: N
const dryRun = new Map() // name → { version, files, total }
let current
for (const line of dryRunErr.split('\n')) {
  const head = /^npm notice 📦\s+(@?[^@\s]+)@(\S+)$/.exec(line)
  if (head) {
    current = { version: head[2], files: [], total: undefined, listing: false }
    dryRun.set(head[1], current)
    continue
  }
  if (current === undefined) continue
  if (line === 'npm notice Tarball Contents') current.listing = true
  else if (line === 'npm notice Tarball Details') current.listing = false
  else if (current.listing) {
    const file = /^npm notice [\d.]+[kMG]?B (.+)$/.exec(line)
    if (file) current.files.push(file[1])
  } else {
    const total = /^npm notice total files: (\d+)$/.exec(line)
    if (total) current.total = Number(total[1])
  }
}
const announced = new Set([...dryRunOut.matchAll(/^\+ (@?[^@\s]+)@\S+$/gm)].map((m) => m[1]))

// 5. Compare.
const rows = []
for (const { dir, manifest, bumped } of publishable) {
  const name = manifest.name
  const dry = dryRun.get(name)
  const pack = packed.get(name)
  let ok = true
  const fail = (text) => {
    ok = false
    problem(name, text)
  }
  if (dry === undefined || !announced.has(name)) fail('not published by the dry run (pnpm -r publish skips a version the registry already has)')
  else {
    if (dry.version === '0.0.0') fail('would publish version 0.0.0: no changeset bumps it')
    if (bumped !== undefined && dry.version !== bumped) fail(`dry run publishes ${dry.version}, changeset version wrote ${bumped}`)
    if (dry.total !== undefined && dry.total !== dry.files.length) fail(`read ${dry.files.length} files of the dry run's ${dry.total}`)
  }
  let filesCell = '-'
  let workspaceCell = '-'
  if (pack === undefined) fail(`no tarball in packs/ (run pnpm run pack)`)
  else {
    const leftover = pack.text.match(/"[^"]+":\s*"workspace:[^"]*"/g)
    workspaceCell = leftover ? `${leftover.length} left` : 'none'
    if (leftover) fail(`packs/${pack.file} package.json keeps ${leftover.join(', ')}`)
    if (dry !== undefined) {
      const dryFiles = [...dry.files].sort()
      const onlyDry = dryFiles.filter((f) => !pack.files.includes(f))
      const onlyPack = pack.files.filter((f) => !dryFiles.includes(f))
      filesCell = `${dryFiles.length}/${pack.files.length}`
      if (onlyDry.length > 0) fail(`only in the dry run: ${onlyDry.slice(0, 5).join(', ')}${onlyDry.length > 5 ? ` (+${onlyDry.length - 5})` : ''}`)
      if (onlyPack.length > 0) fail(`only in packs/${pack.file}: ${onlyPack.slice(0, 5).join(', ')}${onlyPack.length > 5 ? ` (+${onlyPack.length - 5})` : ''}`)
    }
    const m = pack.manifest
    const missing = []
    if (!m.description) missing.push('description')
    if (!m.license) missing.push('license')
    if (m.repository?.url !== 'git+https://github.com/demls/demls.git' || m.repository?.directory !== dir) missing.push('repository (with directory)')
    if (m.engines?.node !== '>=20.19') missing.push('engines.node >=20.19')
    if (!Array.isArray(m.keywords) || m.keywords.length === 0) missing.push('keywords')
    if (missing.length > 0) warnings.push(`${name}: package.json lacks ${missing.join(', ')}`)
  }
  rows.push([name, dry?.version ?? '-', dry !== undefined && announced.has(name) ? 'yes' : 'NO', filesCell, workspaceCell, ok ? 'ok' : 'PROBLEM'])
}
for (const name of packed.keys()) if (!publishable.some((p) => p.manifest.name === name)) problem(name, `packs/${packed.get(name).file} is not a publishable workspace package (stale tarball?)`)
for (const name of dryRun.keys()) if (!publishable.some((p) => p.manifest.name === name)) problem(name, 'the dry run publishes it, but it is not a publishable package under packages/')

const header = ['package', 'version', 'publishes', 'files (dry run/tarball)', 'workspace: left', 'result']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
console.log(line(header))
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
for (const r of rows) console.log(line(r))
for (const w of warnings) console.log(`warning: ${w}`)
for (const p of problems) console.log(`problem: ${p}`)
const seconds = ((Date.now() - started) / 1000).toFixed(1)
console.log(problems.length === 0 ? `publish-check: ${rows.length} packages would publish as packed (${seconds} s)` : `publish-check: ${problems.length} problem(s) (${seconds} s)`)
process.exit(problems.length === 0 ? 0 : 1)
