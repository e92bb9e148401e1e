import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type GossipsubTransport, gossipsubTransport } from '@demls/transport-gossipsub'
import type { Browser, Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ComplianceReport } from '../page/compliance.js'
import { bundlePage } from '../src/bundle.js'
import { launchChromium } from '../src/chromium.js'
import { type PageServer, servePage } from '../src/server.js'

/** How many `it(…)` the compliance suite declares (read from its build). */
const declared = (
  readFileSync(fileURLToPath(import.meta.resolve('@demls-dev/transport-compliance').replace(/index\.js$/, 'suite.js')), 'utf8').match(/\bit\(/g) ?? []
).length

/**
 * The transport compliance suite, the one `@demls/transport-gossipsub`
 * passes in Node over TCP and over WebSockets, run inside headless Chromium
 * against the transport's browser entry (`page/compliance.ts`). The Node
 * side only provides circuit relays (one per test) and reads the results.
 */
describe('transport compliance suite inside Chromium (browser entry of @demls/transport-gossipsub)', () => {
  let server: PageServer
  let browser: Browser
  let page: Page
  let inputs: string[] = []
  const relays = new Map<string, GossipsubTransport>()
  const pageErrors: string[] = []

  beforeAll(async () => {
    const bundle = await bundlePage({ page: 'compliance' })
    inputs = bundle.inputs
    server = await servePage(bundle.js)
    browser = await launchChromium()
    page = await (await browser.createBrowserContext()).newPage()
    page.on('pageerror', (e) => pageErrors.push(e instanceof Error ? e.message : String(e)))
    await page.exposeFunction('demlsRelay', async () => {
      const relay = gossipsubTransport({ relay: true, listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
      await relay.start()
      const addr = relay.multiaddrs().map(String).find((a) => a.includes('/ws/'))!
      relays.set(addr, relay)
      return addr
    })
    await page.exposeFunction('demlsRelayStop', async (addr: string) => {
      await relays.get(addr)?.stop()
      relays.delete(addr)
    })
  })

  afterAll(async () => {
    await browser?.close()
    await Promise.allSettled([...relays.values()].map((r) => r.stop()))
    await server?.close()
  })

  it('bundles the suite with the browser entry and no Node transport or built-in', () => {
    expect(inputs.some((i) => i.includes('transport-compliance/dist/suite.js'))).toBe(true)
    expect(inputs.some((i) => i.includes('transport-gossipsub/dist/browser.js'))).toBe(true)
    expect(inputs.some((i) => i.includes('transport-gossipsub/dist/index.js'))).toBe(false)
    expect(inputs.filter((i) => /@libp2p\/tcp|\/ws@|node:|polyfill\/websocket|vitest@/.test(i))).toEqual([])
  })

  it('every test of the suite passes in the page', async () => {
    await page.goto(server.url, { waitUntil: 'load' })
    const read = () => page.evaluate(() => (window as { compliance?: ComplianceReport }).compliance ?? { done: false, results: [] })
    // Poll (not waitForFunction) so that a run cut short still reports what failed so far.
    let report = await read()
    for (const deadline = Date.now() + 170_000; !report.done && Date.now() < deadline; report = await read()) await new Promise((r) => setTimeout(r, 250))
    const failed = report.results.filter((r) => !r.ok)
    expect(report.done, `the suite did not finish; failed so far: ${failed.map((r) => r.name).join('; ')}`).toBe(true)
    console.log(`compliance in Chromium: ${report.results.length - failed.length}/${report.results.length} passed in ${report.results.reduce((s, r) => s + r.ms, 0)} ms`)
    expect(failed.map((r) => `${r.name}: ${r.error}`)).toEqual([])
    // The whole suite ran (every case it declares, as in Node), not a part of it.
    expect(report.results.length).toBe(declared)
    expect(declared).toBeGreaterThanOrEqual(19)
    expect(report.results.map((r) => r.name)).toContain(
      'Transport compliance: gossipsub, browser entry in Chromium (pages connected over WebRTC through a Node relay) > publish/subscribe > delivers a packet to every other subscriber with the sender app id',
    )
    expect(pageErrors).toEqual([])
  }, 180_000)
})
