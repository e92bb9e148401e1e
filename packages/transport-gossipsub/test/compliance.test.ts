import { type TransportHarness, transportComplianceTests } from '@demls-dev/transport-compliance'
import '../src/polyfill/websocket.js' // Node 20 has no global WebSocket; the browser entry does not install one
import { gossipsubTransport as browserEntryTransport } from '../src/browser.js'
import { Nodes, injectRaw, sleep, waitUntil } from './helpers.js'

/**
 * Real libp2p nodes on 127.0.0.1: `create` full-meshes them, `settle` and
 * `waitFor` are real waits (gossipsub heartbeats are 1 s; loopback
 * delivery takes a few ms), `injectRaw` publishes raw bytes from another
 * node of the test on the topic.
 */
function harness(nodes: Nodes): TransportHarness {
  return {
    create: (n, { started = true } = {}) => nodes.create(n, { started }),
    settle: (ms = 300) => sleep(ms),
    waitFor: (predicate, timeoutMs = 15_000) => waitUntil(predicate, timeoutMs),
    injectRaw: (to, topic, bytes) => injectRaw(nodes.all, to, topic, bytes),
    teardown: () => nodes.stopAll(),
  }
}

// The Node entry with its default listen addresses; peers dial each other's TCP address.
transportComplianceTests('gossipsub (loopback TCP)', () => harness(new Nodes()))

// The browser entry's node (js-libp2p WebSockets is its only transport)
// run in Node, listening on a WebSocket address only, so every connection
// is a WebSocket; `dialInsecure` as a page dialling loopback needs it.
transportComplianceTests('gossipsub (loopback WebSockets only, browser entry)', () =>
  harness(new Nodes(browserEntryTransport, { listen: ['/ip4/127.0.0.1/tcp/0/ws'], dialInsecure: true })),
)
