import { type TransportHarness, transportComplianceTests } from '@demls-dev/transport-compliance'
import { Nodes, injectRaw, sleep, waitUntil } from './helpers.js'

/**
 * Real libp2p nodes on 127.0.0.1: `create` full-meshes them, `settle` and
 * `waitFor` are real waits (gossipsub heartbeats are 1 s; loopback
 * delivery takes a few ms), `injectRaw` publishes raw bytes from another
 * node of the test on the topic.
 */
function harness(): TransportHarness {
  const nodes = new Nodes()
  return {
    create: (n, { started = true } = {}) => nodes.create(n, { started }),
    settle: (ms = 300) => sleep(ms),
    waitFor: (predicate, timeoutMs = 15_000) => waitUntil(predicate, timeoutMs),
    injectRaw: (to, topic, bytes) => injectRaw(nodes.all, to, topic, bytes),
    teardown: () => nodes.stopAll(),
  }
}

transportComplianceTests('gossipsub (loopback TCP)', harness)
