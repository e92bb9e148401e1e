// The consumer test (issue 52): what a project outside this repository
// gets from the packed tarballs alone. For npm, pnpm and yarn, a fresh
// project installs every tarball of packs/ and runs the @demls/session
// README example and the @demls/transport-gossipsub two-node example on
// Node 20, 22 and 24 (binaries from the npm registry); the npm project
// also builds a page with Vite (@demls/session, the gossipsub browser
// entry, IndexedDB storage) that joins a group of a Node peer in headless
// Chromium; publint and attw (node16 ESM and bundler resolution) check
// every tarball. Exits non-zero on any failure.
//
//   tsx packages/consumer-test/src/run.ts [--pm npm,pnpm,yarn] [--node 20,22,24] [--no-browser] [--keep]
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, realpathSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '../../browser-test/src/chromium.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..', '..', '..')
const fixtures = resolve(here, '..', 'fixtures')
const packs = join(root, 'packs')
const bin = (name: string) => join(here, '..', 'node_modules', '.bin', name)

// A fresh project sees a person's shell, not the environment `pnpm run` gives this script
// (npm_config_* and npm_package_* variables change what npm, npx, pnpm and yarn do there).
for (const key of Object.keys(process.env)) {
  if (/^(npm_|pnpm_|PNPM_|INIT_CWD$|NODE_OPTIONS$)/i.test(key)) delete process.env[key]
}
// …nor this workspace's node_modules/.bin folders, which `pnpm run` puts first on PATH.
process.env.PATH = (process.env.PATH ?? '').split(':').filter((d) => !d.startsWith(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'))).join(':')

const PNPM = 'pnpm@10.34.9'
const YARN = '@yarnpkg/cli-dist@4.18.1'
const VITE = '8.3.8'
const RXJS = '7.8.2'

const args = process.argv.slice(2)
const opt = (name: string, fallback: string) => {
  const value = args[args.indexOf(name) + 1]
  return args.includes(name) && value !== undefined ? value : fallback
}
const managers = opt('--pm', 'npm,pnpm,yarn').split(',') as Array<'npm' | 'pnpm' | 'yarn'>
const nodeMajors = opt('--node', '20,22,24').split(',')
const browser = !args.includes('--no-browser')
const keep = args.includes('--keep')

interface Row {
  check: string
  ok: boolean
  ms: number
  detail: string
}
const rows: Row[] = []

async function step(check: string, fn: () => Promise<string> | string): Promise<boolean> {
  const start = Date.now()
  try {
    const detail = await fn()
    rows.push({ check, ok: true, ms: Date.now() - start, detail })
    console.log(`ok   ${check} (${((Date.now() - start) / 1000).toFixed(1)} s) ${detail}`)
    return true
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err)
    rows.push({ check, ok: false, ms: Date.now() - start, detail })
    console.log(`FAIL ${check}: ${detail}`)
    return false
  }
}

/** Run a command to completion; throw with its output's tail on a non-zero exit. */
function run(cmd: string, argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): string {
  const r = spawnSync(cmd, argv, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.status !== 0) {
    const why = r.error !== undefined ? r.error.message : `exit ${r.status ?? r.signal}`
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`
    throw new Error(`${cmd} ${argv.join(' ')}: ${why}\n${out.split('\n').slice(-25).join('\n')}`)
  }
  return r.stdout ?? ''
}

/** The directory of a Node binary of this major version, from the npm registry's `node` package. */
function nodeDir(major: string): string {
  const out = run('npx', ['-y', '-p', `node@${major}`, '-c', 'dirname "$(command -v node)"'], { cwd: tmpdir() })
  return out.trim().split('\n').at(-1) ?? ''
}

const tarballs = existsSync(packs) ? readdirSync(packs).filter((f) => f.endsWith('.tgz')) : []
if (tarballs.length === 0) {
  console.error(`no tarballs in ${packs}: run \`pnpm run pack\` first`)
  process.exit(1)
}
/** `@demls/session` for `demls-session-0.0.0.tgz`, from the package.json inside. */
const packageOf = new Map<string, string>()
for (const t of tarballs) {
  const manifest = JSON.parse(run('tar', ['-xzOf', join(packs, t), 'package/package.json'], { cwd: root })) as { name: string }
  packageOf.set(manifest.name, join(packs, t))
}

/**
 * A fresh project depending on every tarball. The tarballs depend on each
 * other by version (0.0.0), which only a registry could serve, so the
 * project also pins each @demls package to its tarball (`overrides` for
 * npm, `pnpm.overrides`, yarn `resolutions`): that pin is the only thing a
 * registry install will not need.
 */
function createProject(pm: 'npm' | 'pnpm' | 'yarn'): string {
  const dir = mkdtempSync(join(tmpdir(), `demls-consumer-${pm}-`))
  const deps: Record<string, string> = { rxjs: RXJS }
  for (const [name, file] of packageOf) deps[name] = `file:${file}`
  const pins = Object.fromEntries([...packageOf].map(([name, file]) => [name, `file:${file}`]))
  const manifest: Record<string, unknown> = { name: `demls-consumer-${pm}`, version: '1.0.0', private: true, type: 'module', dependencies: deps }
  if (pm === 'npm') manifest.overrides = pins
  if (pm === 'pnpm') manifest.pnpm = { overrides: pins }
  if (pm === 'yarn') manifest.resolutions = pins
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  // Yarn's default install: Plug'n'Play, no node_modules (scripts run through `yarn node`).
  if (pm === 'yarn') writeFileSync(join(dir, '.yarnrc.yml'), 'enableTelemetry: false\n')
  if (pm === 'yarn') writeFileSync(join(dir, 'yarn.lock'), '')
  for (const f of ['session-example.mjs', 'gossipsub-example.mjs']) cpSync(join(fixtures, f), join(dir, f))
  return dir
}

function install(pm: 'npm' | 'pnpm' | 'yarn', dir: string): string {
  const env = { CI: 'true', npm_config_audit: 'false', npm_config_fund: 'false' }
  if (pm === 'npm') run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, env })
  if (pm === 'pnpm') run('npx', ['-y', PNPM, 'install'], { cwd: dir, env })
  if (pm === 'yarn') run('npx', ['-y', '-p', YARN, 'yarn', 'install'], { cwd: dir, env: { ...env, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' } })
  if (existsSync(join(dir, 'node_modules', 'ts-mls'))) throw new Error('ts-mls was installed: @demls/mls should carry its own patched copy')
  return `${packageOf.size} tarballs installed${pm === 'yarn' ? " (Plug'n'Play)" : ''}`
}

/** The yarn CLI script (from the npm registry's @yarnpkg/cli-dist), run with the Node under test. */
let yarnJs: string | undefined
function yarnCli(): string {
  yarnJs ??= realpathSync(run('npx', ['-y', '-p', YARN, '-c', 'command -v yarn'], { cwd: tmpdir() }).trim().split('\n').at(-1) ?? '')
  return yarnJs ?? ''
}

/** Run a script of the project with this Node: plainly, or through `yarn node` under Plug'n'Play. */
function runExample(pm: 'npm' | 'pnpm' | 'yarn', dir: string, file: string, nodeBin: string): string {
  const env = { PATH: `${nodeBin}:${process.env.PATH}` }
  const out = pm === 'yarn' ? run(join(nodeBin, 'node'), [yarnCli(), 'node', file], { cwd: dir, env, timeoutMs: 120_000 }) : run(join(nodeBin, 'node'), [file], { cwd: dir, env, timeoutMs: 120_000 })
  return out.trim().split('\n').at(-1) ?? ''
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      s.close(() => resolvePort(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

/** Lines of a child's stdout as they come. */
function lineReader(child: ChildProcess): (match: (line: string) => boolean, timeoutMs: number) => Promise<string> {
  const seen: string[] = []
  const waiters: Array<() => void> = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    seen.push(line)
    for (const w of waiters.splice(0)) w()
  })
  return (match, timeoutMs) =>
    new Promise((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching line in ${timeoutMs} ms; got: ${seen.join(' | ')}`)), timeoutMs)
      const check = () => {
        const line = seen.find(match)
        if (line !== undefined) {
          clearTimeout(timer)
          resolveLine(line)
        } else waiters.push(check)
      }
      check()
    })
}

/** Build the page with the project's own Vite and have it join a Node peer's group in Chromium. */
async function browserCheck(dir: string, nodeBin: string): Promise<string> {
  for (const f of ['index.html', 'main.js', 'peer.mjs']) cpSync(join(fixtures, 'browser', f), join(dir, f))
  run('npm', ['install', '--no-audit', '--no-fund', '-D', `vite@${VITE}`], { cwd: dir })
  const env = { PATH: `${nodeBin}:${process.env.PATH}` }
  run(join(dir, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: dir, env })
  const port = await freePort()
  const children: ChildProcess[] = []
  const browserApp = await launchChromium()
  try {
    const preview = spawn(join(dir, 'node_modules', '.bin', 'vite'), ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
    children.push(preview)
    await lineReader(preview)((l) => l.includes(String(port)), 30_000)
    const peer = spawn(join(nodeBin, 'node'), ['peer.mjs'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] })
    children.push(peer)
    const peerLine = lineReader(peer)
    const ws = (await peerLine((l) => l.startsWith('ws '), 30_000)).slice(3)
    const page = await browserApp.newPage()
    page.on('pageerror', (err) => console.log(`page error: ${String(err)}`))
    await page.goto(`http://127.0.0.1:${port}/?peer=${encodeURIComponent(ws)}`)
    await page.waitForFunction('window.demls?.memberId !== undefined || window.demls?.error !== undefined', { timeout: 60_000 })
    const error = await page.evaluate('window.demls.error')
    if (error !== undefined) throw new Error(`page: ${String(error)}`)
    const memberId = String(await page.evaluate('window.demls.memberId'))
    peer.stdin!.write(`${memberId}\n`)
    await peerLine((l) => l === 'invited', 30_000)
    await page.evaluate('void window.demls.join()')
    await peerLine((l) => l === 'answered', 120_000)
    const phases = (await page.evaluate('window.demls.phases')) as string[]
    const stored = (await page.evaluate(STORED_RECORDS)) as { name: string; records: number; plaintext: number }
    if (stored.records === 0) throw new Error('the page kept nothing in IndexedDB')
    if (stored.plaintext > 0) throw new Error(`${stored.plaintext} IndexedDB record(s) of ${stored.name} hold the member id or the conversation name in plaintext`)
    return `page joined (${phases.join(' > ')}), read "hello browser", answered; ${stored.records} records in IndexedDB ${stored.name}, none in plaintext`
  } finally {
    await browserApp.close()
    for (const c of children) c.kill('SIGTERM')
  }
}

/**
 * Run in the page: the IndexedDB database levelStorage made for
 * `demls-consumer/state`, how many records it holds, and how many of them
 * carry the member id (20 raw bytes or hex) or the conversation name
 * ("web" next to the key separator) in their key or value.
 */
const STORED_RECORDS = `(async () => {
  const dbs = await indexedDB.databases()
  const name = dbs.map((d) => d.name).find((n) => n !== undefined && n.includes('demls-consumer/state'))
  if (name === undefined) return { name: 'none', records: 0, plaintext: 0 }
  const db = await new Promise((ok, no) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error) })
  const hex = window.demls.memberId.replace(/^0x/, '').toLowerCase()
  const raw = new Uint8Array(hex.match(/../g).map((b) => parseInt(b, 16)))
  const bytes = (v) => v instanceof Uint8Array ? v : v instanceof ArrayBuffer ? new Uint8Array(v) : new TextEncoder().encode(String(v))
  const has = (b, needle) => { outer: for (let i = 0; i + needle.length <= b.length; i++) { for (let j = 0; j < needle.length; j++) if (b[i + j] !== needle[j]) continue outer; return true } return false }
  const text = (b) => new TextDecoder('latin1').decode(b).toLowerCase()
  let records = 0, plaintext = 0
  for (const storeName of db.objectStoreNames) {
    const rows = await new Promise((ok, no) => { const out = []; const c = db.transaction(storeName).objectStore(storeName).openCursor(); c.onsuccess = () => { const cur = c.result; if (!cur) return ok(out); out.push([cur.key, cur.value]); cur.continue() }; c.onerror = () => no(c.error) })
    for (const [k, v] of rows) {
      records++
      const kb = bytes(k), vb = bytes(v)
      if (has(kb, raw) || has(vb, raw) || text(kb).includes(hex) || text(vb).includes(hex) || /\\bweb\\b/.test(text(kb))) plaintext++
    }
  }
  db.close()
  return { name, records, plaintext }
})()`

async function lint(): Promise<void> {
  for (const [name, file] of packageOf) {
    await step(`publint ${name}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'demls-publint-'))
      try {
        run('tar', ['-xzf', file, '-C', dir], { cwd: dir })
        const out = run(bin('publint'), ['--strict', join(dir, 'package')], { cwd: dir })
        return out.trim().split('\n').at(-1) ?? ''
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
    await step(`attw ${name}`, () => {
      // JSON, filtered here: the CLI's --profile esm-only hides node10 and
      // node16-cjs problems from its table but still exits 1 on some of them.
      const r = spawnSync(bin('attw'), [file, '--format', 'json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      const report = JSON.parse(r.stdout) as { analysis: { problems?: Array<{ kind: string; resolutionKind?: string; resolutionOption?: string }> } }
      const all = report.analysis.problems ?? []
      const esm = all.filter((p) => !['node10', 'node16-cjs'].includes(p.resolutionKind ?? '') && p.resolutionOption !== 'node10')
      if (esm.length > 0) throw new Error(`${esm.length} problem(s) in node16 ESM or bundler resolution: ${[...new Set(esm.map((p) => p.kind))].join(', ')}`)
      return `node16 ESM and bundler: no problems (${all.length} for CommonJS or node10 only)`
    })
  }
}

const started = Date.now()
await lint()
const nodes = new Map<string, string>()
for (const major of nodeMajors) {
  await step(`node ${major} from the npm registry`, () => {
    const dir = nodeDir(major)
    nodes.set(major, dir)
    return run(join(dir, 'node'), ['--version'], { cwd: root }).trim()
  })
}
const made: string[] = []
for (const pm of managers) {
  const dir = createProject(pm)
  made.push(dir)
  if (!(await step(`${pm}: fresh project installs the tarballs`, () => install(pm, dir)))) continue
  for (const [major, nodeBin] of nodes) {
    await step(`${pm}, node ${major}: session example`, () => runExample(pm, dir, 'session-example.mjs', nodeBin))
    await step(`${pm}, node ${major}: gossipsub two-node example`, () => runExample(pm, dir, 'gossipsub-example.mjs', nodeBin))
    // The bins of @demls/chat and @demls/node.
    for (const bin of ['demls-chat', 'demls-node']) {
      await step(`${pm}, node ${major}: ${pm === 'npm' ? `npx ${bin}` : pm === 'yarn' ? `yarn ${bin}` : `pnpm ${bin} (node_modules/.bin)`} --help`, () => {
        const env = { PATH: `${nodeBin}:${process.env.PATH}` }
        const out =
          pm === 'npm'
            ? run('npx', ['--no', '--', bin, '--help'], { cwd: dir, env })
            : pm === 'yarn'
              ? run(join(nodeBin, 'node'), [yarnCli(), bin, '--help'], { cwd: dir, env })
              : run(join(dir, 'node_modules', '.bin', bin), ['--help'], { cwd: dir, env })
        if (!new RegExp(`^usage: ${bin} `, 'm').test(out)) throw new Error(`not ${bin}'s usage: ${out.slice(0, 200)}`)
        return out.trim().split('\n')[0] ?? ''
      })
    }
  }
  if (pm === 'npm' && browser) {
    const newest = nodes.get(nodeMajors.at(-1) ?? '24')
    if (newest !== undefined) await step('npm: Vite page in headless Chromium (session, gossipsub browser entry, IndexedDB)', () => browserCheck(dir, newest))
  }
}
if (!keep) for (const d of made) rmSync(d, { recursive: true, force: true })
else console.log(`kept: ${made.join(' ')}`)

const failed = rows.filter((r) => !r.ok)
console.log(`\nconsumer test: ${rows.length - failed.length} of ${rows.length} checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`)
for (const r of failed) console.log(`  failed: ${r.check}`)
process.exit(failed.length === 0 ? 0 : 1)
