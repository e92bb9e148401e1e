import { spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import chromium from '@sparticuz/chromium'
import puppeteer, { type Browser } from 'puppeteer-core'

/**
 * Chromium's flags here: headless shell, no sandbox (tests run as root),
 * no GPU, and none of the background connections to Google's hosts that
 * a closed network refuses (each one retried, many at a time).
 */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--no-pings',
  '--mute-audio',
]

/**
 * Where the binary is: `@sparticuz/chromium` carries Chromium brotli-packed
 * inside the npm package and unpacks it on first use into `$TMPDIR/chromium`.
 * Other projects on the machine may unpack another version there, so it is
 * unpacked into a directory of its own per version instead (a few seconds
 * the first time, instant afterwards). The package also carries the three
 * shared libraries the binary needs beyond glibc (NSS, NSPR, expat), packed
 * for Amazon Linux; it unpacks them only where it detects that system, so
 * we ask for them too (`al2023/lib` beside the binary, about 3 MB).
 */
async function unpackUnlocked(dir: string): Promise<{ executable: string; libDir: string }> {
  mkdirSync(dir, { recursive: true })
  const saved = { TMPDIR: process.env.TMPDIR, AWS_EXECUTION_ENV: process.env.AWS_EXECUTION_ENV }
  process.env.TMPDIR = dir
  process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs20.x' // makes executablePath() unpack al2023.tar.br as well
  try {
    return { executable: await chromium.executablePath(), libDir: join(dir, 'al2023', 'lib') }
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}

/**
 * Unpack under a lock file beside the directory: test files and packages
 * run in parallel processes, and `@sparticuz/chromium` takes a binary that
 * exists for a complete one, so a second process must not see it while the
 * first is still writing it. A lock older than 60 s is taken for stale.
 */
async function unpack(): Promise<{ executable: string; libDir: string }> {
  const dir = join(tmpdir(), `demls-sparticuz-chromium-${chromiumVersion()}`)
  const lock = `${dir}.lock`
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'))
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { force: true })
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new Error(`${lock} held for over 120 s`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  try {
    return await unpackUnlocked(dir)
  } finally {
    rmSync(lock, { force: true })
  }
}

/**
 * Libraries to add for the binary: none when the system has NSS, NSPR and
 * expat (as Debian machines with a desktop stack do), else the package's
 * own copies.
 */
function libraryPath(executable: string, libDir: string): string | undefined {
  const ldd = spawnSync('ldd', [executable], { encoding: 'utf8' })
  if (ldd.status !== 0 || !ldd.stdout.includes('not found')) return undefined
  return [libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':')
}

/** The installed `@sparticuz/chromium` version (its Chromium major). */
function chromiumVersion(): string {
  const main = createRequire(import.meta.url).resolve('@sparticuz/chromium') // <pkg>/build/cjs/index.cjs
  const pkg = JSON.parse(readFileSync(join(dirname(main), '..', '..', 'package.json'), 'utf8')) as { version: string }
  return pkg.version
}

/**
 * Launch headless Chromium from the `@sparticuz/chromium` npm package,
 * driven by `puppeteer-core`. No browser download and no system Chromium:
 * `pnpm install` brings everything. `DEMLS_CHROMIUM_OWN_LIBS=1` forces the
 * package's own NSS/NSPR/expat even where the system has them.
 */
export async function launchChromium(options: { signal?: AbortSignal } = {}): Promise<Browser> {
  options.signal?.throwIfAborted()
  const { executable, libDir } = await unpack()
  const ldPath = process.env.DEMLS_CHROMIUM_OWN_LIBS === '1' ? libDir : libraryPath(executable, libDir)
  return puppeteer.launch({
    executablePath: executable,
    headless: 'shell',
    args: ARGS,
    timeout: 30_000,
    ...(ldPath !== undefined ? { env: { ...process.env, LD_LIBRARY_PATH: ldPath } } : {}),
  })
}
