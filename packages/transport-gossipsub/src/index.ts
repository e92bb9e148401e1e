/**
 * The de-MLS `Transport` (from `@demls/wire`) over js-libp2p gossipsub (libp2p 3, TCP,
 * noise, yamux, identify; `StrictNoSign` messages whose id is the sha256
 * of their bytes). Topics are `topicFor(conversationId, subtopic)` from
 * `@demls/wire`; our own packets are dropped by app id; packets over
 * `MAX_MESSAGE_BYTES` are refused before publishing; publishing with nobody
 * subscribed rejects with `NoPeersError` (or resolves `recipients: 0` with
 * `allowNoPeers`). Peers we dialled are redialled with backoff after a
 * disconnect. Gossipsub keeps no history: a peer that was offline never
 * receives what it missed (catch-up is the session's job).
 *
 * Importing this package installs a `Promise.withResolvers` polyfill when
 * missing (Node 20), before libp2p loads.
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

export { DialFailedError, InvalidNodeError, PublishFailedError } from './errors.js'
export {
  DEFAULT_LISTEN,
  DEMLS_SCORING,
  type DemlsScoringInit,
  type GossipsubNode,
  type GossipsubNodeInit,
  type GossipsubServices,
  type PeerScoreParamsInit,
  createGossipsubNode,
  demlsGossipsubOptions,
  demlsScoreParams,
} from './node/create-node.js'
export type { RedialInit } from './redial/redialer.js'
export { GossipsubTransport, gossipsubTransport } from './transport/gossipsub-transport.js'
export type { GossipsubTransportInit } from './transport/init.js'
