import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, type GossipsubOpts, StrictNoSign, gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { sha256 } from '@noble/hashes/sha2.js'
import { type Libp2pOptions, createLibp2p } from 'libp2p'

/**
 * The services a libp2p node needs for a {@link GossipsubTransport}: gossipsub under `pubsub`.
 *
 * @example
 * ```ts
 * import { createGossipsubNode } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode()
 * const { pubsub } = node.services // GossipsubServices: the gossipsub router
 * console.log(pubsub.getTopics())
 * ```
 */
export interface GossipsubServices {
  /** The gossipsub router (`@libp2p/gossipsub` 17). */
  pubsub: GossipSub
  [name: string]: unknown
}

/**
 * A libp2p node usable by a {@link GossipsubTransport}.
 *
 * @example
 * ```ts
 * import { type GossipsubNode, createGossipsubNode } from '@demls/transport-gossipsub'
 * const node: GossipsubNode = await createGossipsubNode()
 * console.log(node.peerId.toString(), node.getMultiaddrs().map(String))
 * await node.stop()
 * ```
 */
export type GossipsubNode = Libp2p<GossipsubServices>

/**
 * gossipsub's peer-score parameters (`@libp2p/gossipsub` `PeerScoreParams`), every field optional.
 *
 * @example
 * ```ts
 * import { type PeerScoreParamsInit, createGossipsubNode, demlsScoreParams } from '@demls/transport-gossipsub'
 * const scoreParams: PeerScoreParamsInit = demlsScoreParams({ ipColocationThreshold: 5 }, { appSpecificWeight: 0 })
 * const node = await createGossipsubNode({ gossipsub: { scoreParams } })
 * ```
 */
export type PeerScoreParamsInit = NonNullable<GossipsubOpts['scoreParams']>

/**
 * The part of gossipsub's peer scoring demls sets: the IP colocation
 * penalty (gossipsub's P6). gossipsub's own defaults (threshold 10,
 * weight −5, no whitelist, scores kept for an hour) score every peer
 * negative once about 14 peers have connected from one IP, and then stop
 * sending to them: every loopback test network and every group behind one
 * NAT hits that. See the package README for the trade-off.
 *
 * @example
 * ```ts
 * import { type DemlsScoringInit, gossipsubTransport } from '@demls/transport-gossipsub'
 * // a LAN test bed: many peers behind one IP are expected there
 * const scoring: DemlsScoringInit = { ipColocationWhitelist: ['10.0.0.0/8'], ipColocationThreshold: 20 }
 * const transport = gossipsubTransport({ scoring })
 * ```
 */
export interface DemlsScoringInit {
  /**
   * IPs whose peers are never penalised for sharing an address
   * (gossipsub's `IPColocationFactorWhitelist`, exact address strings as
   * gossipsub reads them from the connection, e.g. `'127.0.0.1'`, `'::1'`,
   * `'203.0.113.7'`). Replaces the default list; pass `[]` to whitelist
   * nothing.
   * @default ['127.0.0.1', '::1']
   */
  ipColocationWhitelist?: Iterable<string>
  /**
   * How many peers connected to us from one (non-whitelisted) IP carry no
   * penalty (gossipsub's `IPColocationFactorThreshold`, ≥ 1). Above it each
   * of them loses `weight × surplus²`.
   * @default 100
   */
  ipColocationThreshold?: number
  /**
   * Weight of the penalty (gossipsub's `IPColocationFactorWeight`, ≤ 0;
   * `0` turns the penalty off).
   * @default -5
   */
  ipColocationWeight?: number
}

/** The demls scoring defaults (see {@link DemlsScoringInit}). */
export const DEMLS_SCORING: Readonly<{
  ipColocationWhitelist: readonly string[]
  ipColocationThreshold: number
  ipColocationWeight: number
}> = Object.freeze({
  ipColocationWhitelist: Object.freeze(['127.0.0.1', '::1']),
  ipColocationThreshold: 100,
  ipColocationWeight: -5,
})

/**
 * The gossipsub peer-score parameters demls uses: gossipsub's defaults,
 * with the IP colocation penalty from `scoring` (over
 * {@link DEMLS_SCORING}), and then every field of `override` on top (a
 * caller's explicit `gossipsub.scoreParams` always wins).
 *
 * @example
 * ```ts
 * import { DEMLS_SCORING, demlsScoreParams } from '@demls/transport-gossipsub'
 * const params = demlsScoreParams({ ...DEMLS_SCORING, ipColocationThreshold: 10 })
 * console.log(params.IPColocationFactorThreshold) // 10
 * ```
 */
export function demlsScoreParams(scoring: DemlsScoringInit = {}, override: PeerScoreParamsInit = {}): PeerScoreParamsInit {
  return {
    IPColocationFactorWhitelist: new Set(scoring.ipColocationWhitelist ?? DEMLS_SCORING.ipColocationWhitelist),
    IPColocationFactorThreshold: scoring.ipColocationThreshold ?? DEMLS_SCORING.ipColocationThreshold,
    IPColocationFactorWeight: scoring.ipColocationWeight ?? DEMLS_SCORING.ipColocationWeight,
    ...override,
  }
}

/**
 * Options of {@link createGossipsubNode}.
 *
 * @example
 * ```ts
 * import { type GossipsubNodeInit, createGossipsubNode } from '@demls/transport-gossipsub'
 * const init: GossipsubNodeInit = { listen: ['/ip4/127.0.0.1/tcp/0'], gossipsub: { heartbeatInterval: 700 } }
 * const node = await createGossipsubNode(init)
 * ```
 */
export interface GossipsubNodeInit {
  /**
   * Addresses to listen on.
   * @default {@link DEFAULT_LISTEN}: in Node TCP and WebSockets on
   * 127.0.0.1 (any free ports); in browsers none (a browser only dials)
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
   * A `scoreParams` here is merged over the demls scoring (its fields win).
   * @default {}
   */
  gossipsub?: Partial<GossipsubOpts>
  /**
   * The IP colocation part of gossipsub's peer scoring (see
   * {@link DemlsScoringInit}); fields of `gossipsub.scoreParams` win over it.
   * @default {@link DEMLS_SCORING}: loopback whitelisted, 100 peers per IP before any penalty
   */
  scoring?: DemlsScoringInit
  /**
   * Inbound connection attempts accepted per second from one host. libp2p's
   * default of 5 refuses (ECONNRESET) the 6th peer dialling from the same
   * IP within a second, which every loopback network or NAT'd office hits.
   * @default 100
   */
  inboundConnectionThreshold?: number
  /**
   * Browsers only: also dial plain `ws://` (no TLS) and private or
   * loopback addresses, both of which libp2p's browser defaults refuse.
   * For a page talking to peers on its own machine or LAN; on the open
   * internet browsers dial `wss` addresses. Node dials them anyway.
   * @default false
   */
  dialInsecure?: boolean
  /**
   * Node only: also run a circuit relay v2 server (`@libp2p/circuit-relay-v2`,
   * its default limits), so that browsers connected to this peer can
   * reserve a relayed address on it and reach each other over WebRTC.
   * @default false
   */
  relay?: boolean
  /**
   * Browsers only: js-libp2p's WebRTC transport, as made by `webRTC()` from
   * `@libp2p/webrtc` (which the app installs; it is not a dependency of this
   * package). With it the page also gets the circuit relay transport and
   * listens on `/p2p-circuit` and `/webrtc` by default: it reserves a slot on
   * a connected Node peer started with `relay: true`, and other pages dial
   * its `…/p2p-circuit/webrtc/p2p/…` address for a direct connection.
   * @default none: WebSockets to Node peers only
   */
  webRTC?: Libp2pTransportFactory
}

/**
 * One js-libp2p transport factory, as the `transports` list of `createLibp2p` takes.
 *
 * @example
 * ```ts
 * import { type Libp2pTransportFactory, gossipsubTransport } from '@demls/transport-gossipsub'
 * declare const webRTC: () => Libp2pTransportFactory // `webRTC` from '@libp2p/webrtc'
 * const transport = gossipsubTransport({ webRTC: webRTC(), dialInsecure: true })
 * ```
 */
export type Libp2pTransportFactory = NonNullable<Libp2pOptions['transports']>[number]

/**
 * What differs between the Node and the browser build of the package: the
 * libp2p transports, the default listen addresses and extra services.
 */
export interface NodePlatform {
  /** Fresh libp2p transport factories for one node. */
  transports(init: GossipsubNodeInit): Libp2pTransportFactory[]
  /** Listen addresses used when `listen` is not given. */
  defaultListen(init: GossipsubNodeInit): string[]
  /** Services added next to identify and gossipsub. */
  services(init: GossipsubNodeInit): Record<string, (components: never) => unknown>
  /** SHA-256 for message ids (native in Node: every packet, at every hop, is hashed). @default noble's sha256 */
  sha256?: (data: Uint8Array) => Uint8Array
}

/**
 * The gossipsub options every demls node uses: unsigned messages
 * (`StrictNoSign`; MLS authenticates content) whose id is the sha256 of the
 * bytes, so the same packet is delivered once however many paths it takes,
 * and peer scoring that does not mute a group on one host or behind one
 * NAT ({@link demlsScoreParams} from `scoring`, under `extra.scoreParams`).
 * `hash` is the message-id SHA-256 (a platform passes its native one).
 *
 * @example
 * ```ts
 * import { demlsGossipsubOptions } from '@demls/transport-gossipsub'
 * // the options de-MLS nodes run gossipsub with, e.g. to build your own libp2p node
 * const options = demlsGossipsubOptions({ heartbeatInterval: 500 })
 * console.log(options.globalSignaturePolicy) // 'StrictNoSign'
 * ```
 */
export function demlsGossipsubOptions(
  extra: Partial<GossipsubOpts> = {},
  scoring: DemlsScoringInit = {},
  hash: (data: Uint8Array) => Uint8Array = sha256,
): Partial<GossipsubOpts> {
  return {
    ...extra,
    scoreParams: demlsScoreParams(scoring, extra.scoreParams),
    globalSignaturePolicy: StrictNoSign,
    msgIdFn: (msg) => hash(msg.data),
    emitSelf: false,
    allowPublishToZeroTopicPeers: false,
    ignoreDuplicatePublishError: true,
  }
}

/**
 * Create (without starting) a libp2p node for a {@link GossipsubTransport}
 * from the transports of `platform`: noise, yamux, identify and gossipsub
 * with the demls options, and the connection monitor's abort-on-ping-failure
 * turned off (under load, pings time out and libp2p would close every
 * connection, and nothing redials). The package entries wrap it as
 * `createGossipsubNode`.
 */
export async function buildGossipsubNode(platform: NodePlatform, init: GossipsubNodeInit = {}): Promise<GossipsubNode> {
  const node = await createLibp2p<{ identify: Identify; pubsub: GossipSub }>({
    start: false,
    ...(init.privateKey ? { privateKey: init.privateKey } : {}),
    addresses: { listen: init.listen ?? platform.defaultListen(init) },
    transports: platform.transports(init),
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { abortConnectionOnPingFailure: false },
    connectionManager: { inboundConnectionThreshold: init.inboundConnectionThreshold ?? 100 },
    ...(init.dialInsecure === true ? { connectionGater: { denyDialMultiaddr: () => false } } : {}),
    services: {
      ...platform.services(init),
      identify: identify(),
      pubsub: gossipsub(demlsGossipsubOptions(init.gossipsub, init.scoring, platform.sha256)),
    },
  })
  return node as unknown as GossipsubNode
}
