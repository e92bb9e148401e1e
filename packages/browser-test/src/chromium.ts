import { mkdirSync, readFileSync } from 'node:fs'
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
 * the first time, instant afterwards).
 */
async function executablePath(): Promise<string> {
  const dir = join(tmpdir(), `demls-sparticuz-chromium-${chromiumVersion()}`)
  mkdirSync(dir, { recursive: true })
  const saved = process.env.TMPDIR
  process.env.TMPDIR = dir
  try {
    return await chromium.executablePath()
  } finally {
    if (saved === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = saved
  }
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
 * `pnpm install` brings everything.
 */
export async function launchChromium(options: { signal?: AbortSignal } = {}): Promise<Browser> {
  options.signal?.throwIfAborted()
  return puppeteer.launch({
    executablePath: await executablePath(),
    headless: 'shell',
    args: ARGS,
    timeout: 30_000,
  })
}
