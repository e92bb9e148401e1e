import { spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import chromium from '@sparticuz/chromium'
import puppeteer, { type Browser } from 'puppeteer-core'

// Headless Chromium from the npm package @sparticuz/chromium, driven by
// puppeteer-core: the same approach as packages/browser-test/src/chromium.ts
// (see there for the reasons behind each step). No browser download, no
// system Chromium.

/** Headless shell, no sandbox (tests run as root), no GPU, no background connections to Google's hosts. */
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

/** The installed `@sparticuz/chromium` version. */
function chromiumVersion(): string {
  const main = createRequire(import.meta.url).resolve('@sparticuz/chromium') // <pkg>/build/cjs/index.cjs
  return (JSON.parse(readFileSync(join(dirname(main), '..', '..', 'package.json'), 'utf8')) as { version: string }).version
}

/**
 * Unpack the binary (and the package's NSS/NSPR/expat, in `al2023/lib`) into
 * a directory of our own per version, the directory browser-test uses too.
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

/** Launch headless Chromium; the package's own libraries are used when the system lacks them. */
export async function launchChromium(): Promise<Browser> {
  const { executable, libDir } = await unpack()
  const ldd = spawnSync('ldd', [executable], { encoding: 'utf8' })
  const ownLibs = process.env.DEMLS_CHROMIUM_OWN_LIBS === '1' || (ldd.status === 0 && ldd.stdout.includes('not found'))
  const ldPath = [libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':')
  return puppeteer.launch({
    executablePath: executable,
    headless: 'shell',
    args: ARGS,
    timeout: 30_000,
    ...(ownLibs ? { env: { ...process.env, LD_LIBRARY_PATH: ldPath } } : {}),
  })
}
