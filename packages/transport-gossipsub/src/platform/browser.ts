import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webSockets } from '@libp2p/websockets'
import { type GossipsubNode, type GossipsubNodeInit, type NodePlatform, buildGossipsubNode } from '../node/create-node.js'
import { GossipsubTransport } from '../transport/gossipsub-transport.js'
import type { GossipsubTransportInit } from '../transport/init.js'

/**
 * The default listen addresses in browsers: none (a page cannot accept
 * connections; it dials Node peers). With a `webRTC` transport the default
 * is {@link WEBRTC_LISTEN} instead.
 */
export const DEFAULT_LISTEN: readonly string[] = Object.freeze([])

/** The default listen addresses of a page given a `webRTC` transport: a relayed address, and WebRTC through it. */
export const WEBRTC_LISTEN: readonly string[] = Object.freeze(['/p2p-circuit', '/webrtc'])

/**
 * Browsers: WebSockets (dial only), plus the app's WebRTC transport and
 * the circuit relay transport when `webRTC` is given. Never imports a Node
 * built-in.
 */
export const browserPlatform: NodePlatform = {
  transports: (init) => (init.webRTC === undefined ? [webSockets()] : [webSockets(), init.webRTC, circuitRelayTransport()]),
  defaultListen: (init) => [...(init.webRTC === undefined ? DEFAULT_LISTEN : WEBRTC_LISTEN)],
  services: () => ({}),
}

/**
 * Create (without starting) the libp2p node the transport uses when none
 * is passed in, in a browser: WebSockets (dialling only), noise, yamux,
 * identify and gossipsub with the demls options. To reach peers on
 * loopback or a LAN over plain `ws://`, pass `dialInsecure: true`. To reach
 * other pages directly, pass `webRTC: webRTC()` from `@libp2p/webrtc`.
 *
 * @example
 * ```ts
 * import { createGossipsubNode, gossipsubTransport } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode({ dialInsecure: true })
 * const transport = gossipsubTransport({ node, ownNode: true, bootstrap: ['/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3Koo…'] })
 * ```
 */
export function createGossipsubNode(init: GossipsubNodeInit = {}): Promise<GossipsubNode> {
  return buildGossipsubNode(browserPlatform, init)
}

/**
 * Create a demls `Transport` (from `@demls/wire`) over js-libp2p gossipsub.
 *
 * @example
 * ```ts
 * import { gossipsubTransport } from '@demls/transport-gossipsub'
 * const transport = gossipsubTransport({ dialInsecure: true, bootstrap: ['/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3Koo…'] })
 * await transport.start()
 * ```
 */
export function gossipsubTransport(init: GossipsubTransportInit = {}): GossipsubTransport {
  return new GossipsubTransport(init, createGossipsubNode)
}
