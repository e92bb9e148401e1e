import type { GossipsubOpts } from '@libp2p/gossipsub'
import type { PrivateKey } from '@libp2p/interface'
import type { Clock } from '@demls/wire'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { RendezvousInit } from '../discovery/rendezvous.js'
import type { DemlsScoringInit, DhtInit, DhtMode, GossipsubNode, Libp2pTransportFactory, MdnsInit, NatInit, RelayServerInit } from '../node/create-node.js'
import type { RedialInit } from '../redial/redialer.js'

/**
 * Options of {@link gossipsubTransport}.
 *
 * @example
 * ```ts
 * import { type GossipsubTransportInit, gossipsubTransport } from '@demls/transport-gossipsub'
 * const init: GossipsubTransportInit = {
 *   listen: ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws'],
 *   bootstrap: ['/ip4/192.0.2.7/tcp/4001/p2p/12D3Koo…'],
 *   dialTimeoutMs: 5_000,
 * }
 * const transport = gossipsubTransport(init)
 * ```
 */
export interface GossipsubTransportInit {
  /**
   * An existing libp2p node with gossipsub under `services.pubsub` (for
   * example one shared with other protocols). Its gossipsub should use the
   * demls options (see {@link demlsGossipsubOptions}): with another
   * signature policy or message id, duplicates are not collapsed.
   * @default a node made by {@link createGossipsubNode} from `listen`, `privateKey`, `gossipsub`, `scoring` and `dialInsecure`
   */
  node?: GossipsubNode
  /**
   * Whether `start`/`stop` also start and stop the libp2p node.
   * @default true for a node the transport creates, false for one passed in `node`
   */
  ownNode?: boolean
  /**
   * Addresses to listen on (ignored when `node` is given).
   * @default {@link DEFAULT_LISTEN}: in Node TCP and WebSockets on 127.0.0.1; in browsers none
   */
  listen?: string[]
  /**
   * Browsers only (ignored when `node` is given): also dial plain `ws://`
   * and private or loopback addresses, which libp2p's browser defaults
   * refuse. See `GossipsubNodeInit.dialInsecure`.
   * @default false
   */
  dialInsecure?: boolean
  /**
   * Node only (ignored when `node` is given): also run a circuit relay
   * server for browsers. See `GossipsubNodeInit.relay`.
   * @default false
   */
  relay?: boolean | RelayServerInit
  /**
   * Node only (ignored when `node` is given): find and dial peers on the
   * local network by mDNS. See `GossipsubNodeInit.mdns`.
   * @default false
   */
  mdns?: boolean | MdnsInit
  /**
   * Node only (ignored when `node` is given): a Kademlia DHT for peer
   * routing (a peer that restarted on a new address is looked up by its
   * id) and for the rendezvous of members. See `GossipsubNodeInit.dht`.
   * @default false
   */
  dht?: DhtMode | DhtInit | false
  /**
   * Node only (ignored when `node` is given): AutoNAT, relay reservations
   * and DCUtR. See `GossipsubNodeInit.nat`.
   * @default false
   */
  nat?: boolean | NatInit
  /**
   * Addresses to announce beside the listen addresses (ignored when `node`
   * is given), e.g. a public address a router forwards to this peer.
   * @default []
   */
  announce?: string[]
  /**
   * With a DHT: announce ourselves under each subscribed conversation's
   * rendezvous key and dial the other members found there (see
   * {@link RendezvousInit}); `false` turns it off.
   * @default true when the node has a DHT
   */
  rendezvous?: boolean | RendezvousInit
  /**
   * Browsers only (ignored when `node` is given): js-libp2p's WebRTC
   * transport (`webRTC()` from `@libp2p/webrtc`) for direct page-to-page
   * connections through a Node relay. See `GossipsubNodeInit.webRTC`.
   * @default none
   */
  webRTC?: Libp2pTransportFactory
  /**
   * Peers dialled on every `start`, remembered and redialled after a
   * disconnect.
   * @default []
   */
  bootstrap?: Array<Multiaddr | string>
  /**
   * Store nodes (addresses ending in `/p2p/<peer id>`) that keep the
   * encrypted packets of conversations while members are away:
   * {@link GossipsubTransport.fetchStored} asks each of them in turn.
   * They are dialled only when fetched from.
   * @default []
   */
  stores?: Array<Multiaddr | string>
  /**
   * Redial policy for remembered peers, or `false` to never redial.
   * @default { initialDelayMs: 250, maxDelayMs: 10_000, maxAttempts: Infinity }
   */
  redial?: RedialInit | false
  /**
   * App id stamped on every packet (our own packets are dropped on receipt).
   * @default 16 random bytes
   */
  appId?: Uint8Array
  /**
   * Identity key of the node the transport creates (ignored when `node` is given).
   * @default a fresh Ed25519 key
   */
  privateKey?: PrivateKey
  /**
   * Extra gossipsub options of the node the transport creates (ignored
   * when `node` is given); the demls ones always win.
   * @default {}
   */
  gossipsub?: Partial<GossipsubOpts>
  /**
   * IP colocation scoring of the node the transport creates (ignored when
   * `node` is given); see {@link DemlsScoringInit}.
   * @default loopback whitelisted, 100 peers per IP before any penalty
   */
  scoring?: DemlsScoringInit
  /**
   * Clock stamping `receivedAt` of inbound packets.
   * @default systemClock from `@demls/wire`
   */
  clock?: Clock
  /**
   * Timeout of one dial (bootstrap, `dial` and redials), in ms.
   * @default 5_000
   */
  dialTimeoutMs?: number
}
