import { createHash } from 'node:crypto'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { type GossipsubNode, type GossipsubNodeInit, type NodePlatform, buildGossipsubNode } from '../node/create-node.js'
import { GossipsubTransport } from '../transport/gossipsub-transport.js'
import type { GossipsubTransportInit } from '../transport/init.js'

/**
 * The default listen addresses in Node: TCP and WebSockets on loopback,
 * any free ports. The WebSocket address is the one browsers dial.
 */
export const DEFAULT_LISTEN: readonly string[] = Object.freeze(['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'])

/** Node: TCP and WebSockets (listening and dialling), and a circuit relay server with `relay: true`. */
export const nodePlatform: NodePlatform = {
  transports: () => [tcp(), webSockets()],
  defaultListen: () => [...DEFAULT_LISTEN],
  sha256: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
  services: (init) => {
    const services: ReturnType<NodePlatform['services']> = {}
    if (init.relay === true) services.relay = circuitRelayServer()
    return services
  },
}

/**
 * Create (without starting) the libp2p node the transport uses when none
 * is passed in: TCP and WebSockets, noise, yamux, identify and gossipsub
 * (and a circuit relay server for browsers with `relay: true`),
 * with the connection monitor's abort-on-ping-failure turned off (under
 * load, pings time out and libp2p would close every connection, and
 * nothing redials). In browsers the package's browser entry makes a
 * WebSockets-only node instead.
 *
 * @example
 * ```ts
 * import { createGossipsubNode, gossipsubTransport } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode({ gossipsub: { heartbeatInterval: 500 } })
 * const transport = gossipsubTransport({ node, ownNode: true })
 * ```
 */
export function createGossipsubNode(init: GossipsubNodeInit = {}): Promise<GossipsubNode> {
  return buildGossipsubNode(nodePlatform, init)
}

/**
 * Create a demls `Transport` (from `@demls/wire`) over js-libp2p gossipsub.
 *
 * @example
 * ```ts
 * import { gossipsubTransport } from '@demls/transport-gossipsub'
 * const transport = gossipsubTransport({ bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…'] })
 * await transport.start()
 * ```
 */
export function gossipsubTransport(init: GossipsubTransportInit = {}): GossipsubTransport {
  return new GossipsubTransport(init, createGossipsubNode)
}
