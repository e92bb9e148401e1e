import type { Browser, BrowserContext, Page } from 'puppeteer-core'
import type { PageApi, PageStatus } from '../page/api.js'

type Async<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never

/**
 * One browser peer: a page in its own browser context (own storage, own
 * renderer), with typed calls into the page's `window.demls`. Console
 * errors and uncaught page errors are kept in `log` for diagnostics.
 */
export class BrowserPeer {
  readonly log: string[] = []

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') this.log.push(`${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => this.log.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`))
  }

  /** Open `url` in a fresh browser context and wait until the bundle has installed `window.demls`. */
  static async open(browser: Browser, url: string): Promise<BrowserPeer> {
    const context = await browser.createBrowserContext()
    const page = await context.newPage()
    const peer = new BrowserPeer(context, page)
    await page.goto(url, { waitUntil: 'load' })
    await page.waitForFunction(() => typeof window.demls === 'object', { timeout: 15_000 })
    return peer
  }

  /**
   * Reload the page (everything in its JavaScript heap is gone; its
   * IndexedDB stays) and wait for the bundle again.
   */
  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: 'load' })
    await this.page.waitForFunction(() => typeof window.demls === 'object', { timeout: 15_000 })
  }

  /** Call `window.demls[name](...args)` in the page. */
  call<K extends keyof PageApi>(name: K, ...args: Parameters<PageApi[K]>): ReturnType<Async<PageApi[K]>> {
    return this.page.evaluate((n, a) => (window.demls[n] as (...x: unknown[]) => unknown)(...a), name, args as unknown[]) as ReturnType<
      Async<PageApi[K]>
    >
  }

  /** The page's view of `conversationId`. */
  status(conversationId: string): Promise<PageStatus> {
    return this.call('status', conversationId)
  }

  /** Close the page's browser context. */
  async close(): Promise<void> {
    await this.context.close()
  }
}
