import { type ICryptoInterface, noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, type GossipsubOpts, StrictNoSign, gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import type { MulticastDNSInit } from '@libp2p/mdns'
import { sha256 } from '@noble/hashes/sha2.js'
import { type Libp2pOptions, createLibp2p } from 'libp2p'
import { InvalidReachConfigError } from '../errors.js'

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
   * Connections held at once; past it libp2p closes the least useful ones.
   * @default libp2p's (300)
   */
  maxConnections?: number
  /**
   * Browsers only: also dial plain `ws://` (no TLS) and private or
   * loopback addresses, both of which libp2p's browser defaults refuse.
   * For a page talking to peers on its own machine or LAN; on the open
   * internet browsers dial `wss` addresses. Node dials them anyway.
   * @default false
   */
  dialInsecure?: boolean
  /**
   * Node only: also run a circuit relay v2 server (`@libp2p/circuit-relay-v2`)
   * with bounded limits ({@link DEMLS_RELAY_LIMITS}, or those given), so that
   * peers behind NATs (with `nat`) and browsers (for WebRTC) can reserve a
   * relayed address on this peer and be reached through it.
   * @default false
   */
  relay?: boolean | RelayServerInit
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
  /**
   * Node only: find peers on the local network by multicast DNS
   * (`@libp2p/mdns`, service tag {@link DEMLS_MDNS_SERVICE_TAG} unless
   * given) and dial them. `true` uses the defaults; an object is passed to
   * `mdns()` over them. Discovered peers are dialled at most
   * {@link MDNS_DIALS_PER_MINUTE} a minute.
   * @default false
   */
  mdns?: boolean | MdnsInit
  /**
   * Node only: run a Kademlia DHT (`@libp2p/kad-dht` on
   * {@link DEMLS_DHT_PROTOCOL}, never IPFS's) for peer routing and the
   * rendezvous of members (see `GossipsubTransportInit.rendezvous`).
   * `'client'` asks but does not answer (peers behind a NAT), `'server'`
   * also answers and stores records (a public node such as `demls-node`).
   * @default false
   */
  dht?: DhtMode | DhtInit | false
  /**
   * Node only: NAT traversal. `true` is `{ autonat: true, relayReservations: 1, dcutr: true }`,
   * and each field of an object defaults to that. With it the node also
   * dials relayed (`/p2p-circuit`) addresses, and gossipsub runs over
   * limited (relayed) connections.
   * @default false (none of it)
   */
  nat?: boolean | NatInit
  /**
   * Addresses to announce beside the listen addresses, e.g. a public
   * address a router forwards to this peer (libp2p's `appendAnnounce`).
   * @default []
   */
  announce?: string[]
  /**
   * More libp2p services to mount next to the demls ones (a store service,
   * metrics, …); a name the demls node uses (`identify`, `pubsub`, `ping`,
   * `dht`, `relay`, `autonat`, `dcutr`, `mdns`) is refused.
   * @default {}
   */
  services?: Record<string, (components: never) => unknown>
}

/**
 * Options of `@libp2p/mdns` (Node only): `interval`, `serviceTag`, `broadcast`, `port`, `ip`, `peerName`.
 *
 * @example
 * ```ts
 * import { type MdnsInit, gossipsubTransport } from '@demls/transport-gossipsub'
 * const mdns: MdnsInit = { interval: 2_000 }
 * const transport = gossipsubTransport({ listen: ['/ip4/0.0.0.0/tcp/0'], mdns })
 * ```
 */
export type MdnsInit = MulticastDNSInit

/** The mDNS service tag demls peers answer to (not IPFS's `_p2p._udp.local`). */
export const DEMLS_MDNS_SERVICE_TAG = '_demls._udp.local'

/** How many peers found by mDNS the transport dials per minute at most (a LAN spoofer cannot make it dial more). */
export const MDNS_DIALS_PER_MINUTE = 32

/** The Kademlia protocol id demls nodes speak (a DHT of their own, apart from IPFS's). */
export const DEMLS_DHT_PROTOCOL = '/demls/kad/1.0.0'

/**
 * Whether this node's DHT only asks (`'client'`) or also answers and stores records (`'server'`).
 *
 * @example
 * ```ts
 * import { type DhtMode, gossipsubTransport } from '@demls/transport-gossipsub'
 * const dht: DhtMode = 'client' // behind a NAT
 * const transport = gossipsubTransport({ dht, bootstrap: ['/ip4/192.0.2.7/tcp/4001/p2p/12D3Koo…'] })
 * ```
 */
export type DhtMode = 'client' | 'server'

/**
 * DHT options (Node only).
 *
 * @example
 * ```ts
 * import { type DhtInit, gossipsubTransport } from '@demls/transport-gossipsub'
 * // a test network on one host or LAN: keep private addresses in DHT answers
 * const dht: DhtInit = { mode: 'server', privateAddresses: true }
 * const transport = gossipsubTransport({ dht })
 * ```
 */
export interface DhtInit {
  /** See {@link DhtMode}. */
  mode: DhtMode
  /**
   * Keep private and loopback addresses in the peer records the DHT hands
   * out (a LAN or a test network); off, only public and relayed addresses
   * leave a DHT server (libp2p's default).
   * @default false
   */
  privateAddresses?: boolean
  /**
   * The Kademlia protocol id.
   * @default {@link DEMLS_DHT_PROTOCOL}
   */
  protocol?: string
  /**
   * Records (providers and values) this node keeps for others at most;
   * a new one over it is refused. Matters for a `'server'`, which anyone
   * can ask to store records.
   * @default {@link DHT_MAX_RECORDS}
   */
  maxRecords?: number
}

/** Records a DHT node keeps for other peers at most, by default (about 10 MB in memory). */
export const DHT_MAX_RECORDS = 100_000

/**
 * NAT traversal (Node only); every field defaults to on.
 *
 * @example
 * ```ts
 * import { type NatInit, gossipsubTransport } from '@demls/transport-gossipsub'
 * const nat: NatInit = { relayReservations: 2 } // and AutoNAT, DCUtR
 * const transport = gossipsubTransport({ nat, bootstrap: ['/ip4/192.0.2.7/tcp/4001/p2p/12D3Koo…'] })
 * ```
 */
export interface NatInit {
  /**
   * Run AutoNAT (`@libp2p/autonat`): ask peers to dial our public addresses
   * back, and only announce those that work; answer their requests too.
   * @default true
   */
  autonat?: boolean
  /**
   * How many relay reservations (circuit relay v2) to hold on relays among
   * the peers we are connected to, e.g. a bootstrap `demls-node`; `true` is
   * 1, `false` or 0 none. A peer behind a NAT is reachable at
   * `<relay>/p2p-circuit/p2p/<us>` while it holds one.
   * @default 1
   */
  relayReservations?: number | boolean
  /**
   * Run DCUtR (`@libp2p/dcutr`): over a relayed connection, try to open a
   * direct one (hole punching, or a direct dial of a public address) and
   * close the relayed one when it works.
   * @default true
   */
  dcutr?: boolean
}

/**
 * Limits of the circuit relay v2 server (`relay`), each bounded. The
 * defaults suit de-MLS traffic through a public node: a relayed
 * connection carries gossipsub for up to an hour and 64 MiB (then it is
 * reset and the peers redial), and a peer opens at most 30 relayed
 * connections a minute through the relay.
 *
 * @example
 * ```ts
 * import { type RelayServerInit, createGossipsubNode } from '@demls/transport-gossipsub'
 * const relay: RelayServerInit = { maxReservations: 256, durationLimitMs: 30 * 60_000 }
 * const node = await createGossipsubNode({ listen: ['/ip4/0.0.0.0/tcp/4001'], relay })
 * ```
 */
export interface RelayServerInit {
  /** Reservations held at once (others are refused). @default 128 */
  maxReservations?: number
  /** How long a reservation lasts before the client must renew it (ms). @default 3_600_000 */
  reservationTtlMs?: number
  /** Longest life of one relayed connection (ms); then it is reset. @default 3_600_000 */
  durationLimitMs?: number
  /** Bytes one relayed connection may carry, both ways together; then it is reset. @default 67_108_864 (64 MiB) */
  dataLimitBytes?: number
  /** Relayed connections one peer may open through us per minute. @default 30 */
  connectsPerPeerPerMinute?: number
  /** Hop streams (reservations and connects under way) open at once. @default 64 */
  maxInboundHopStreams?: number
}

/** The relay limits demls uses (see {@link RelayServerInit}). */
export const DEMLS_RELAY_LIMITS: Readonly<Required<RelayServerInit>> = Object.freeze({
  maxReservations: 128,
  reservationTtlMs: 60 * 60_000,
  durationLimitMs: 60 * 60_000,
  dataLimitBytes: 64 * 1024 * 1024,
  connectsPerPeerPerMinute: 30,
  maxInboundHopStreams: 64,
})

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
  /** Listen addresses added to the listen list (relay reservations). @default none */
  extraListen?(init: GossipsubNodeInit): string[]
  /** Whether gossipsub runs over limited (relayed) connections. @default false */
  limitedConnections?(init: GossipsubNodeInit): boolean
  /** The datastore libp2p and its services keep records in. @default libp2p's (in memory, unbounded) */
  datastore?(init: GossipsubNodeInit): Libp2pOptions['datastore']
  /** Refuse a relayed connection from `source` through us (relay server rate limits). @default never */
  denyOutboundRelayedConnection?(init: GossipsubNodeInit): ((source: PeerId, destination: PeerId) => boolean) | undefined
  /** SHA-256 for message ids (native in Node: every packet, at every hop, is hashed). @default noble's sha256 */
  sha256?: (data: Uint8Array) => Uint8Array
  /** The crypto noise seals every frame with (native in Node). @default noise's own */
  noiseCrypto?(): ICryptoInterface | undefined
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
  const own = platform.services(init)
  for (const name of Object.keys(init.services ?? {})) {
    if (name in own || name === 'identify' || name === 'pubsub') throw new InvalidReachConfigError(`services.${name}`, 'a service the demls node mounts itself')
  }
  const gater: NonNullable<Libp2pOptions['connectionGater']> = {}
  if (init.dialInsecure === true) gater.denyDialMultiaddr = () => false
  const denyRelayed = platform.denyOutboundRelayedConnection?.(init)
  if (denyRelayed !== undefined) gater.denyOutboundRelayedConnection = denyRelayed
  const gossip = demlsGossipsubOptions(init.gossipsub, init.scoring, platform.sha256)
  if (platform.limitedConnections?.(init) === true) gossip.runOnLimitedConnection = true
  const datastore = platform.datastore?.(init)
  const crypto = platform.noiseCrypto?.()
  const node = await createLibp2p<{ identify: Identify; pubsub: GossipSub }>({
    start: false,
    ...(datastore !== undefined ? { datastore } : {}),
    ...(init.privateKey ? { privateKey: init.privateKey } : {}),
    addresses: {
      listen: [...(init.listen ?? platform.defaultListen(init)), ...(platform.extraListen?.(init) ?? [])],
      ...(init.announce !== undefined && init.announce.length > 0 ? { appendAnnounce: [...init.announce] } : {}),
    },
    transports: platform.transports(init),
    connectionEncrypters: [noise(crypto !== undefined ? { crypto } : {})],
    streamMuxers: [yamux()],
    connectionMonitor: { abortConnectionOnPingFailure: false },
    connectionManager: {
      inboundConnectionThreshold: init.inboundConnectionThreshold ?? 100,
      ...(init.maxConnections !== undefined ? { maxConnections: init.maxConnections } : {}),
    },
    ...(Object.keys(gater).length > 0 ? { connectionGater: gater } : {}),
    services: {
      ...(init.services ?? {}),
      ...own,
      identify: identify(),
      pubsub: gossipsub(gossip),
    },
  })
  return node as unknown as GossipsubNode
}
