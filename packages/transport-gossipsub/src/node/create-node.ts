import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, type GossipsubOpts, StrictNoSign, gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { sha256 } from '@noble/hashes/sha2.js'
import { createLibp2p } from 'libp2p'

/** The services a libp2p node needs for a {@link GossipsubTransport}: gossipsub under `pubsub`. */
export interface GossipsubServices {
  /** The gossipsub router (`@libp2p/gossipsub` 17). */
  pubsub: GossipSub
  [name: string]: unknown
}

/** A libp2p node usable by a {@link GossipsubTransport}. */
export type GossipsubNode = Libp2p<GossipsubServices>

/** Options of {@link createGossipsubNode}. */
export interface GossipsubNodeInit {
  /**
   * Addresses to listen on.
   * @default ['/ip4/127.0.0.1/tcp/0']
   */
  listen?: string[]
  /**
   * The node's identity key.
   * @default a fresh Ed25519 key (a new peer id per node)
   */
  privateKey?: PrivateKey
  /**
   * Extra gossipsub options (heartbeat interval, mesh degrees, …). The
   * options demls relies on always win: `globalSignaturePolicy:
   * 'StrictNoSign'`, a sha256 `msgIdFn`, `emitSelf: false`,
   * `allowPublishToZeroTopicPeers: false`, `ignoreDuplicatePublishError: true`.
   * @default {}
   */
  gossipsub?: Partial<GossipsubOpts>
  /**
   * Inbound connection attempts accepted per second from one host. libp2p's
   * default of 5 refuses (ECONNRESET) the 6th peer dialling from the same
   * IP within a second, which every loopback network or NAT'd office hits.
   * @default 100
   */
  inboundConnectionThreshold?: number
}

/** The default listen address: TCP on loopback, any free port. */
export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0']

/**
 * The gossipsub options every demls node uses: unsigned messages
 * (`StrictNoSign`; MLS authenticates content) whose id is the sha256 of the
 * bytes, so the same packet is delivered once however many paths it takes.
 */
export function demlsGossipsubOptions(extra: Partial<GossipsubOpts> = {}): Partial<GossipsubOpts> {
  return {
    ...extra,
    globalSignaturePolicy: StrictNoSign,
    msgIdFn: (msg) => sha256(msg.data),
    emitSelf: false,
    allowPublishToZeroTopicPeers: false,
    ignoreDuplicatePublishError: true,
  }
}

/**
 * Create (without starting) the libp2p node the transport uses when none
 * is passed in: TCP, noise, yamux, identify and gossipsub, with the
 * connection monitor's abort-on-ping-failure turned off (under load, pings
 * time out and libp2p would close every connection, and nothing redials).
 *
 * @example
 * ```ts
 * import { createGossipsubNode, gossipsubTransport } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode({ gossipsub: { heartbeatInterval: 500 } })
 * const transport = gossipsubTransport({ node, ownNode: true })
 * ```
 */
export async function createGossipsubNode(init: GossipsubNodeInit = {}): Promise<GossipsubNode> {
  const node = await createLibp2p<{ identify: Identify; pubsub: GossipSub }>({
    start: false,
    ...(init.privateKey ? { privateKey: init.privateKey } : {}),
    addresses: { listen: init.listen ?? DEFAULT_LISTEN },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { abortConnectionOnPingFailure: false },
    connectionManager: { inboundConnectionThreshold: init.inboundConnectionThreshold ?? 100 },
    services: {
      identify: identify(),
      pubsub: gossipsub(demlsGossipsubOptions(init.gossipsub)),
    },
  })
  return node as unknown as GossipsubNode
}
