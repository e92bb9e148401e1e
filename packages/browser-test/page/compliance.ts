/**
 * The transport compliance suite (`@demls-dev/transport-compliance`, the
 * one `@demls/transport-gossipsub` runs in Node) run inside Chromium
 * against the browser entry of the transport. The bundle maps `vitest` to
 * `./vitest-shim.ts`, which collects the suite's tests and runs them here.
 *
 * Pages cannot listen, so each test's transports reach each other the way
 * pages do: every one dials a Node circuit relay over WebSockets (a fresh
 * relay per test, from `window.demlsRelay()`, since a relay keeps a
 * reservation per peer long after it is gone), reserves a slot there, and
 * the transports dial each other's `…/p2p-circuit/webrtc/…` address, so
 * every pair of them is connected directly over WebRTC. Results are
 * published as `window.compliance`.
 */
import { type TransportHarness, transportComplianceTests } from '@demls-dev/transport-compliance'
import { type GossipsubTransport, gossipsubTransport } from '@demls/transport-gossipsub'
import type { Transport } from '@demls/wire'
import { webRTC } from '@libp2p/webrtc'
import { type TestResult, runAll } from './vitest-shim.js'

/** What the page reports to the Node side of the test. */
export interface ComplianceReport {
  done: boolean
  results: TestResult[]
}

declare global {
  interface Window {
    compliance: ComplianceReport
    /** Provided by the test (`page.exposeFunction`): start a Node relay, resolve its `/ws` address. */
    demlsRelay(): Promise<string>
    /** Provided by the test: stop the relay at that address. */
    demlsRelayStop(addr: string): Promise<void>
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await sleep(10)
  }
}

/**
 * Dial a relayed WebRTC address, up to 3 attempts: the harness's setup,
 * not what the suite tests (on a loaded machine a WebRTC handshake through
 * the relay now and then outlasts one dial timeout).
 */
async function dialWithRetry(t: GossipsubTransport, addr: Parameters<GossipsubTransport['dial']>[0]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await t.dial(addr, { signal: AbortSignal.timeout(10_000) })
      return
    } catch (err) {
      if (attempt >= 3) throw err
      await sleep(200)
    }
  }
}

function harness(): TransportHarness {
  const all: GossipsubTransport[] = []
  let relay: string | undefined
  return {
    async create(n, { started = true } = {}) {
      relay ??= await window.demlsRelay()
      const made: GossipsubTransport[] = []
      for (let i = 0; i < n; i++) {
        const t = gossipsubTransport({ dialInsecure: true, bootstrap: [relay], webRTC: webRTC(), dialTimeoutMs: 10_000 })
        all.push(t)
        made.push(t)
        if (!started) continue
        await t.start()
        await waitUntil(() => t.multiaddrs().some((a) => a.toString().includes('/p2p-circuit/webrtc/')), 10_000, 'a relayed WebRTC address')
        for (const prev of made.slice(0, -1)) {
          const addr = prev.multiaddrs().find((a) => a.toString().includes('/p2p-circuit/webrtc/'))!
          await dialWithRetry(t, addr)
        }
      }
      return made
    },
    settle: (ms = 300) => sleep(ms),
    waitFor: (predicate, timeoutMs = 15_000) => waitUntil(predicate, timeoutMs, 'condition'),
    async injectRaw(to: Transport, topic: string, bytes: Uint8Array) {
      const from = all.find((t) => t !== to && t.isStarted && t.node !== undefined)
      if (from === undefined) throw new Error('injectRaw needs another started transport')
      await from.node!.services.pubsub.publish(topic, bytes)
    },
    async teardown() {
      await Promise.allSettled(all.map((t) => t.stop()))
      all.length = 0
      if (relay !== undefined) await window.demlsRelayStop(relay)
    },
  }
}

transportComplianceTests('gossipsub, browser entry in Chromium (pages connected over WebRTC through a Node relay)', harness)

window.compliance = { done: false, results: [] }
void runAll(30_000, (r) => window.compliance.results.push(r)).then(() => {
  window.compliance.done = true
})
