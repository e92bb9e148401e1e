import { transportComplianceTests } from '@demls-dev/transport-compliance'
import type { TransportHarness } from '@demls-dev/transport-compliance'
import { type FaultsInit, MemoryNetwork, type MemoryTransport } from '../src/index.js'

function harness(faults: FaultsInit = {}): () => TransportHarness {
  return () => {
    const net = new MemoryNetwork({ seed: 9, faults })
    let next = 0
    return {
      async create(n, { started = true } = {}) {
        const out: MemoryTransport[] = []
        for (let i = 0; i < n; i++) {
          const t = net.createTransport(`peer-${next++}`)
          if (started) await t.start()
          out.push(t)
        }
        return out
      },
      settle: (ms = 500) => net.advance(ms),
      async waitFor(predicate, timeoutMs = 10_000) {
        await net.runUntil(predicate, { maxMs: timeoutMs })
      },
      async injectRaw(to, topic, bytes) {
        net.deliverRaw((to as MemoryTransport).peerId, topic, bytes)
      },
      async teardown() {
        for (const p of net.peers()) net.removeTransport(p)
      },
    }
  }
}

transportComplianceTests('MemoryNetwork (perfect links)', harness())
// The duplicate fault's extra copies are dropped by the receivers' seen
// caches (as on gossipsub), so every packet is still delivered exactly once.
transportComplianceTests('MemoryNetwork (jitter, reordering, duplicates)', harness({ delayMs: 20, jitterMs: 80, reorder: 0.3, duplicate: 0.3 }))
