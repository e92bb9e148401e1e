/**
 * The de-MLS `Transport` (from `@demls/wire`) over js-libp2p gossipsub (libp2p 3, TCP
 * and WebSockets, noise, yamux, identify; `StrictNoSign` messages whose id is the sha256
 * of their bytes). Topics are `topicFor(conversationId, subtopic)` from
 * `@demls/wire`; our own packets are dropped by app id; packets over
 * `MAX_MESSAGE_BYTES` are refused before publishing; publishing with nobody
 * subscribed rejects with `NoPeersError` (or resolves `recipients: 0` with
 * `allowNoPeers`). Peers we dialled are redialled with backoff after a
 * disconnect. Gossipsub keeps no history: a peer that was offline never
 * receives what it missed (catch-up is the session's job).
 *
 * This is the Node entry: nodes listen on TCP and WebSockets on 127.0.0.1.
 * With `relay: true` a Node peer also runs a circuit relay v2 server, so
 * that pages can connect to each other over WebRTC through it. Bundlers
 * that honour the `browser` export condition get the browser entry instead
 * (WebSockets, dialling; optionally WebRTC; no Node built-ins), with the
 * same API.
 *
 * Importing this package installs a `Promise.withResolvers` polyfill when
 * missing (Node 20), before libp2p loads, and, for dialling `/ws`
 * addresses, the `ws` package's client as `globalThis.WebSocket` when
 * there is none (Node 20).
 *
 * @example
 * ```ts
 * import { gossipsubTransport } from '@demls/transport-gossipsub'
 * import { topicFor, waitForReadiness } from '@demls/wire'
 *
 * const alice = gossipsubTransport()
 * await alice.start()
 * const bob = gossipsubTransport({ bootstrap: alice.multiaddrs() })
 * await bob.start()
 *
 * const topic = topicFor('chat', 'app')
 * alice.subscribe(topic)
 * bob.subscribe(topic)
 * bob.addEventListener('message', (e) => console.log('bob got', new TextDecoder().decode(e.detail.envelope.payload)))
 * await waitForReadiness(alice, topic, { signal: AbortSignal.timeout(5_000) })
 * await alice.publish({ conversationId: 'chat', subtopic: 'app', payload: new TextEncoder().encode('hi') })
 *
 * await new Promise((r) => setTimeout(r, 200))
 * await bob.stop()
 * await alice.stop()
 * ```
 *
 * @packageDocumentation
 */
import './polyfill/with-resolvers.js'
import './polyfill/websocket.js'

export * from './shared.js'
export { DEFAULT_LISTEN, createGossipsubNode, gossipsubTransport } from './platform/node.js'
export { STORE_LIMITS, type StoreLimits, StoreService, type StoreServiceInit, type StoreStats } from './store/service.js'
