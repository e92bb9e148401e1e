import { webSockets } from '@libp2p/websockets'
import { type GossipsubNode, type GossipsubNodeInit, type NodePlatform, buildGossipsubNode } from '../node/create-node.js'
import { GossipsubTransport } from '../transport/gossipsub-transport.js'
import type { GossipsubTransportInit } from '../transport/init.js'

/** The default listen addresses in browsers: none (a page cannot accept connections; it dials Node peers). */
export const DEFAULT_LISTEN: readonly string[] = Object.freeze([])

/** Browsers: WebSockets, dial only. Never imports a Node built-in. */
export const browserPlatform: NodePlatform = {
  transports: () => [webSockets()],
  defaultListen: DEFAULT_LISTEN,
}

/**
 * Create (without starting) the libp2p node the transport uses when none
 * is passed in, in a browser: WebSockets (dialling only), noise, yamux,
 * identify and gossipsub with the demls options. To reach peers on
 * loopback or a LAN over plain `ws://`, pass `dialInsecure: true`.
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
 * const transport = gossipsubTransport({ bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…'] })
 * await transport.start()
 * ```
 */
export function gossipsubTransport(init: GossipsubTransportInit = {}): GossipsubTransport {
  return new GossipsubTransport(init, createGossipsubNode)
}
