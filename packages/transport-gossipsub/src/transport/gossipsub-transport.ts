import type { GossipSub } from '@libp2p/gossipsub'
import type { Connection, PeerId, PeerInfo } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  AbortError,
  type AbortOptions,
  type Clock,
  type FetchStoredOptions,
  type InboundPacket,
  NoPeersError,
  type OutboundPacket,
  type PublishOptions,
  type PublishResult,
  type PublishStats,
  type TopicReadiness,
  type Transport,
  type TransportEvents,
  TransportNotStartedError,
  TypedEventEmitter,
  parseTopic,
  systemClock,
  throwIfAborted,
  toHex,
  unwrapInbound,
  wrapOutbound,
} from '@demls/wire'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { type FoundPeer, Rendezvous } from '../discovery/rendezvous.js'
import { DialFailedError, InvalidNodeError, PublishFailedError } from '../errors.js'
import { decodeContact, encodeContact } from './contact.js'
import { type GossipsubNode, type GossipsubNodeInit, MDNS_DIALS_PER_MINUTE } from '../node/create-node.js'
import { Redialer } from '../redial/redialer.js'
import type { GossipsubTransportInit } from './init.js'
import { fetchFromStore } from '../store/client.js'
import { StoreFetchError } from '../store/errors.js'

/**
 * gossipsub's class has `getMeshPeers`, its exported interface does not;
 * `streamsOutbound` (peer id → open outbound stream) is internal and read
 * only when present.
 */
type GossipsubInternals = GossipSub & {
  getMeshPeers(topic: string): string[]
  streamsOutbound?: unknown
  /** The registrar's connect callback: adds the peer and queues an outbound stream on `connection`. */
  onPeerConnected?(peerId: PeerId, connection: Connection): void
  /** The class's publish takes per-call options the interface does not show. */
  publish(topic: string, data: Uint8Array, opts?: { ignoreDuplicatePublishError?: boolean }): Promise<{ recipients: PeerId[] }>
}

interface PubsubMessage {
  topic: string
  data: Uint8Array
}

const toAddr = (a: Multiaddr | string): Multiaddr => (typeof a === 'string' ? multiaddr(a) : a)

/** A libp2p Buffer or subarray as a plain `Uint8Array` view (no copy). */
function plainBytes(data: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(data) === Uint8Array.prototype ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

function isDemlsTopic(topic: string): boolean {
  return conversationOf(topic) !== undefined
}

function conversationOf(topic: string): string | undefined {
  try {
    return parseTopic(topic).conversationId
  } catch {
    return undefined
  }
}


/**
 * What the transport did to find peers (since it was created): rendezvous
 * rounds on the DHT and the members they dialled, peers found by mDNS and
 * dialled, and peer-routing lookups after a remembered address failed.
 *
 * @example
 * ```ts
 * import { type ReachStats, gossipsubTransport } from '@demls/transport-gossipsub'
 * const transport = gossipsubTransport({ mdns: true })
 * const stats: ReachStats = transport.reachStats()
 * console.log(stats.mdnsDialled)
 * ```
 */
export interface ReachStats {
  rendezvousRounds: number
  rendezvousFound: number
  rendezvousDialled: number
  rendezvousDialFailures: number
  mdnsFound: number
  mdnsDialled: number
  redialLookups: number
}

function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work
  throwIfAborted(signal)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError(undefined, { cause: signal.reason }))
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}

/**
 * Makes the libp2p node of a transport that was not given one (`createGossipsubNode` of the package entry).
 *
 * @example
 * ```ts
 * import { GossipsubTransport, type GossipsubNodeFactory, createGossipsubNode } from '@demls/transport-gossipsub'
 * const factory: GossipsubNodeFactory = (init) => createGossipsubNode({ ...init, gossipsub: { ...init.gossipsub, D: 8 } })
 * const transport = new GossipsubTransport({ listen: ['/ip4/127.0.0.1/tcp/0'] }, factory)
 * ```
 */
export type GossipsubNodeFactory = (init: GossipsubNodeInit) => Promise<GossipsubNode>

/**
 * A demls `Transport` (from `@demls/wire`) over js-libp2p gossipsub. Create it with
 * {@link gossipsubTransport}, which passes the node factory of the
 * platform (TCP + WebSockets in Node, WebSockets in browsers).
 *
 * Readiness of a topic is read live from gossipsub: `meshPeers` is
 * `getMeshPeers(topic).length` (0 for topics we are not subscribed to),
 * `subscribers` is `getSubscribers(topic).length` (connected peers that
 * announced the topic), and `ready` is true when a publish would reach a
 * peer: some mesh peer, or some subscriber gossipsub already has an
 * outbound stream to (it flood-publishes our own packets to every such
 * subscriber, mesh or not); a mesh peer counts only while gossipsub has an
 * outbound stream to it. `publish` is gated on `ready`.
 * A `readiness` event is emitted for a subscribed topic whenever one of
 * the three values changes; changes are looked for on every gossipsub
 * `subscription-change`, `gossipsub:graft`, `gossipsub:prune` and
 * `gossipsub:heartbeat` (1 s) and every libp2p `peer:connect` /
 * `peer:disconnect` (at once and again one macrotask later, as gossipsub
 * updates some state after its events), after our own subscribe, start and
 * stop, and on every `readiness(topic)` call — a value a caller has seen has
 * always been emitted.
 *
 * @example
 * ```ts
 * import { type GossipsubTransport, gossipsubTransport } from '@demls/transport-gossipsub'
 * const transport: GossipsubTransport = gossipsubTransport()
 * await transport.start()
 * console.log(transport.peerId?.toString(), transport.multiaddrs().map(String)) // give these to other peers
 * await transport.stop()
 * ```
 */
export class GossipsubTransport extends TypedEventEmitter<TransportEvents> implements Transport {
  readonly appId: Uint8Array
  readonly #init: GossipsubTransportInit
  readonly #createNode: GossipsubNodeFactory
  readonly #clock: Clock
  readonly #topics = new Set<string>()
  readonly #last = new Map<string, TopicReadiness>()
  readonly #redialer: Redialer
  readonly #dialTimeoutMs: number
  #node: GossipsubNode | undefined
  readonly #ownNode: boolean
  #started = false
  /** Peers whose connection a {@link GossipsubTransport.dialContact} opened (peer id → the contacts, hex, dialled to it and not released). */
  readonly #contactPeers = new Map<string, Set<string>>()
  #starting: Promise<void> | undefined
  #refreshTimer: ReturnType<typeof setTimeout> | undefined
  #detach: (() => void) | undefined
  readonly #publishStats: PublishStats = { published: 0, reachedNobody: 0, noPeers: 0, duplicates: 0 }
  #rendezvous: Rendezvous | undefined
  readonly #mdns = { found: 0, dialled: 0, windowStart: 0, windowDials: 0 }

  /**
   * @param init - options (see {@link GossipsubTransportInit})
   * @param createNode - makes the libp2p node when `init.node` is not given
   */
  constructor(init: GossipsubTransportInit, createNode: GossipsubNodeFactory) {
    super()
    this.#init = init
    this.#createNode = createNode
    this.#clock = init.clock ?? systemClock
    this.#node = init.node
    this.#ownNode = init.ownNode ?? init.node === undefined
    this.#dialTimeoutMs = init.dialTimeoutMs ?? 5_000
    this.appId = init.appId ?? globalThis.crypto.getRandomValues(new Uint8Array(16))
    const self = this
    this.#redialer = new Redialer(
      {
        dial: (addr) => this.#dialRaw(addr),
        isConnected: (peerId) => this.#node?.getConnections().some((c) => c.remotePeer.toString() === peerId) ?? false,
        get active() {
          return self.#started
        },
        findAndDial: (peerId) => this.#findAndDial(peerId),
      },
      init.redial ?? {},
    )
    for (const a of init.bootstrap ?? []) this.#redialer.remember(toAddr(a))
  }

  get isStarted(): boolean {
    return this.#started
  }

  /** The libp2p node (undefined before the first `start` when the transport creates it). */
  get node(): GossipsubNode | undefined {
    return this.#node
  }

  /** Our libp2p peer id, once the node exists. */
  get peerId(): PeerId | undefined {
    return this.#node?.peerId
  }

  /** Addresses other peers can dial (empty while stopped). */
  multiaddrs(): Multiaddr[] {
    if (!this.#started || this.#node === undefined) return []
    return this.#node.getMultiaddrs()
  }

  /**
   * Our contact (`Transport.contact`): our peer id and up to 8 of our
   * dialable addresses, for another demls gossipsub transport's
   * {@link dialContact}; undefined while stopped or without an address.
   *
   * @example
   * ```ts
   * import { gossipsubTransport } from '@demls/transport-gossipsub'
   * const aggregator = gossipsubTransport({ listen: ['/ip4/127.0.0.1/tcp/0'] })
   * const member = gossipsubTransport({ listen: ['/ip4/127.0.0.1/tcp/0'] })
   * await Promise.all([aggregator.start(), member.start()])
   * const contact = aggregator.contact()
   * if (contact !== undefined) console.log(await member.dialContact(contact)) // true: connected, one hop away
   * await Promise.all([aggregator.stop(), member.stop()])
   * ```
   */
  contact(): Uint8Array | undefined {
    const node = this.#node
    if (!this.#started || node === undefined) return undefined
    return encodeContact(node.getMultiaddrs(), node.peerId.toString())
  }

  /**
   * Connect to the peer whose {@link GossipsubTransport.contact} gave `contact`
   * (`Transport.dialContact`), so our publishes on topics it subscribes to
   * reach it directly (gossipsub's fanout and flood publish pick the
   * subscribed peers we are connected to, subscribed ourselves or not).
   * `false` without dialling for a malformed contact, our own, or while
   * stopped; `false` when every address fails within `dialTimeoutMs`; `true`
   * at once when already connected. The address is not remembered for
   * redials: whoever handed out the contact hands it out again.
   *
   * @example
   * ```ts
   * import { gossipsubTransport } from '@demls/transport-gossipsub'
   * declare const contact: Uint8Array // another demls node's transport.contact()
   * const transport = gossipsubTransport({ listen: ['/ip4/127.0.0.1/tcp/0'] })
   * await transport.start()
   * if (!(await transport.dialContact(contact, { signal: AbortSignal.timeout(10_000) }))) console.log('not reachable: keep relaying')
   * ```
   *
   * @throws {AbortError} when `options.signal` aborts
   */
  async dialContact(contact: Uint8Array, options: AbortOptions = {}): Promise<boolean> {
    throwIfAborted(options.signal)
    const node = this.#node
    if (!this.#started || node === undefined) return false
    const decoded = decodeContact(contact)
    if (decoded === undefined || decoded.peerId === node.peerId.toString()) return false
    const peer = peerIdFromString(decoded.peerId)
    const key = toHex(contact)
    if (node.getConnections(peer).some((c) => c.status === 'open')) {
      // Held by another contact of ours to the same peer: this one holds it too.
      this.#contactPeers.get(decoded.peerId)?.add(key)
      return true
    }
    const timeout = AbortSignal.timeout(this.#dialTimeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
    try {
      await node.dial(decoded.addrs, { signal })
      const held = this.#contactPeers.get(decoded.peerId) ?? new Set<string>()
      held.add(key)
      this.#contactPeers.set(decoded.peerId, held)
      return true
    } catch {
      if (options.signal?.aborted) throw new AbortError(undefined, { cause: options.signal.reason })
      return false
    }
  }

  /**
   * Close the connection {@link GossipsubTransport.dialContact} opened to
   * `contact`'s peer once no contact dialled to that peer is held any
   * more (`Transport.releaseContact`). A connection we had before the dial
   * (a bootstrap peer, one the peer opened) is never closed here, and a
   * malformed or unknown contact is ignored.
   *
   * @example
   * ```ts
   * import { gossipsubTransport } from '@demls/transport-gossipsub'
   * declare const contact: Uint8Array // a former aggregator's transport.contact()
   * const transport = gossipsubTransport({ listen: ['/ip4/127.0.0.1/tcp/0'] })
   * await transport.start()
   * await transport.dialContact(contact)
   * await transport.releaseContact(contact) // the connection the dial opened is closed
   * ```
   */
  async releaseContact(contact: Uint8Array): Promise<void> {
    const node = this.#node
    const decoded = decodeContact(contact)
    if (decoded === undefined) return
    const held = this.#contactPeers.get(decoded.peerId)
    if (held === undefined || !held.delete(toHex(contact)) || held.size > 0) return
    this.#contactPeers.delete(decoded.peerId)
    if (!this.#started || node === undefined) return
    await node.hangUp(peerIdFromString(decoded.peerId)).catch(() => undefined)
  }

  /**
   * Start the node (if owned), subscribe our topics and dial the bootstrap
   * and previously dialled peers, waiting for those dials (each bounded by
   * `dialTimeoutMs`; failures are retried in the background). Idempotent;
   * concurrent calls share one start. Aborting rejects this call with an
   * `AbortError` but does not undo a start already under way (call `stop`).
   *
   * @throws {InvalidNodeError} when a passed-in node is not started (and not owned) or has no gossipsub
   */
  async start(options: AbortOptions = {}): Promise<void> {
    throwIfAborted(options.signal)
    if (this.#started) return
    this.#starting ??= this.#doStart().finally(() => {
      this.#starting = undefined
    })
    await abortable(this.#starting, options.signal)
  }

  async #doStart(): Promise<void> {
    let node = this.#node
    if (node === undefined) {
      node = await this.#createNode({
        ...(this.#init.listen ? { listen: this.#init.listen } : {}),
        ...(this.#init.dialInsecure !== undefined ? { dialInsecure: this.#init.dialInsecure } : {}),
        ...(this.#init.relay !== undefined ? { relay: this.#init.relay } : {}),
        ...(this.#init.webRTC !== undefined ? { webRTC: this.#init.webRTC } : {}),
        ...(this.#init.privateKey ? { privateKey: this.#init.privateKey } : {}),
        ...(this.#init.gossipsub ? { gossipsub: this.#init.gossipsub } : {}),
        ...(this.#init.scoring ? { scoring: this.#init.scoring } : {}),
        ...(this.#init.mdns !== undefined ? { mdns: this.#init.mdns } : {}),
        ...(this.#init.dht !== undefined ? { dht: this.#init.dht } : {}),
        ...(this.#init.nat !== undefined ? { nat: this.#init.nat } : {}),
        ...(this.#init.announce !== undefined ? { announce: this.#init.announce } : {}),
      })
      this.#node = node
    }
    const pubsub = node.services.pubsub as GossipSub | undefined
    if (pubsub === undefined || typeof pubsub.publish !== 'function') throw new InvalidNodeError('no gossipsub service at services.pubsub')
    if (this.#ownNode) {
      if (node.status !== 'started') await node.start()
    } else if (node.status !== 'started') {
      throw new InvalidNodeError('the node is not started (pass ownNode: true to let the transport start it)')
    }
    this.#attach(node, pubsub)
    for (const topic of this.#topics) pubsub.subscribe(topic)
    this.#started = true
    this.#setUpRendezvous(node)
    this.#scheduleRefresh()
    await this.#redialer.dialAll()
  }

  /** Stop: unsubscribe (or stop the node if owned), cancel redials (idempotent). */
  async stop(options: AbortOptions = {}): Promise<void> {
    throwIfAborted(options.signal)
    if (this.#starting !== undefined) await this.#starting.catch(() => undefined)
    if (!this.#started) return
    this.#started = false
    this.#contactPeers.clear()
    this.#redialer.cancel()
    this.#rendezvous?.stop()
    this.#detach?.()
    this.#detach = undefined
    const node = this.#node
    if (node !== undefined) {
      if (this.#ownNode) await abortable(Promise.resolve(node.stop()), options.signal)
      else for (const topic of this.#topics) node.services.pubsub.unsubscribe(topic)
    }
    this.#refresh()
  }

  /**
   * Dial a peer and remember its address for redials. Resolves with its peer id.
   *
   * @throws {TransportNotStartedError} before `start`
   * @throws {DialFailedError} when the dial fails or times out
   * @throws {AbortError} when `options.signal` aborts
   */
  async dial(addr: Multiaddr | string, options: AbortOptions = {}): Promise<PeerId> {
    if (!this.#started || this.#node === undefined) throw new TransportNotStartedError('dial')
    throwIfAborted(options.signal)
    const ma = toAddr(addr)
    const conn = await this.#dialConn(ma, options.signal)
    this.#redialer.remember(ma, conn.remotePeer.toString())
    return conn.remotePeer
  }

  async #dialConn(ma: Multiaddr, signal?: AbortSignal) {
    const node = this.#node
    if (node === undefined) throw new TransportNotStartedError('dial')
    const timeout = AbortSignal.timeout(this.#dialTimeoutMs)
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
    try {
      return await node.dial(ma, { signal: combined })
    } catch (err) {
      if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason })
      throw new DialFailedError(ma.toString(), { cause: err })
    }
  }

  async #dialRaw(ma: Multiaddr): Promise<string> {
    const conn = await this.#dialConn(ma)
    return conn.remotePeer.toString()
  }

  subscribe(topic: string): void {
    if (this.#topics.has(topic)) return
    this.#topics.add(topic)
    if (this.#started) this.#node?.services.pubsub.subscribe(topic)
    const conversation = conversationOf(topic)
    if (conversation !== undefined) this.#rendezvous?.add(conversation)
    this.#scheduleRefresh()
  }

  unsubscribe(topic: string): void {
    if (!this.#topics.delete(topic)) return
    this.#last.delete(topic)
    if (this.#started) this.#node?.services.pubsub.unsubscribe(topic)
    const conversation = conversationOf(topic)
    if (conversation !== undefined && ![...this.#topics].some((t) => conversationOf(t) === conversation)) this.#rendezvous?.remove(conversation)
  }

  /**
   * Look the other members of `conversationId` up on the DHT now and dial
   * those we are not connected to (the rendezvous also does it on its own,
   * every `rendezvous.intervalMs`). Resolves with how many members we are
   * connected to after the lookup (0 without a DHT). For a conversation we
   * have no topic of yet (before joining it) we only look, and announce
   * nothing.
   */
  async findMembers(conversationId: string, options: AbortOptions = {}): Promise<number> {
    if (!this.#started) throw new TransportNotStartedError('findMembers')
    throwIfAborted(options.signal)
    return abortable(this.#rendezvous?.lookup(conversationId) ?? Promise.resolve(0), options.signal)
  }

  /** What the transport did to find peers (a snapshot; see {@link ReachStats}). */
  reachStats(): ReachStats {
    const r = this.#rendezvous?.stats
    return {
      rendezvousRounds: r?.rounds ?? 0,
      rendezvousFound: r?.found ?? 0,
      rendezvousDialled: r?.dialled ?? 0,
      rendezvousDialFailures: r?.failures ?? 0,
      mdnsFound: this.#mdns.found,
      mdnsDialled: this.#mdns.dialled,
      redialLookups: this.#redialer.lookups,
    }
  }

  /** Whether the node runs a DHT (`dht` option, or a passed-in node with `services.dht`): libp2p's content and peer routing then use it. */
  #hasDht(node: GossipsubNode | undefined = this.#node): boolean {
    return node?.services.dht !== undefined
  }

  #setUpRendezvous(node: GossipsubNode): void {
    if (!this.#hasDht(node) || this.#init.rendezvous === false) return
    const routing = node.contentRouting
    if (this.#rendezvous === undefined) {
      const self = this
      this.#rendezvous = new Rendezvous(
        {
          get active() {
            return self.#started
          },
          self: node.peerId.toString(),
          provide: (cid, signal) => routing.provide(cid, { signal }),
          findProviders: (cid, signal) => routing.findProviders(cid, { signal }) as AsyncIterable<FoundPeer>,
          cancelProvide: (cid) => routing.cancelReprovide(cid),
          isConnected: (peerId) => node.getConnections().some((c) => c.remotePeer.toString() === peerId),
          dialPeer: async (peer, signal) => {
            if (peer.multiaddrs.length > 0) await node.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs })
            await node.dial(peer.id, { signal: AbortSignal.any([signal, AbortSignal.timeout(this.#dialTimeoutMs)]) })
          },
        },
        this.#init.rendezvous === true || this.#init.rendezvous === undefined ? {} : this.#init.rendezvous,
      )
      for (const topic of this.#topics) {
        const conversation = conversationOf(topic)
        if (conversation !== undefined) this.#rendezvous.add(conversation)
      }
    }
    this.#rendezvous.start()
  }

  /** Redialer fallback: find `peerId`'s current addresses by peer routing and dial them. */
  async #findAndDial(peerId: string): Promise<boolean> {
    const node = this.#node
    if (node === undefined || !this.#started || !this.#hasDht(node)) return false
    const id = peerIdFromString(peerId)
    const signal = AbortSignal.timeout(Math.max(this.#dialTimeoutMs, 10_000))
    // Not from the cache: the peer store still holds the address that just failed.
    const found = await node.peerRouting.findPeer(id, { signal, useCache: false })
    if (found.multiaddrs.length === 0) return false
    const addrs = found.multiaddrs.map((ma) => (ma.getComponents().some((c) => c.name === 'p2p') ? ma : ma.encapsulate(`/p2p/${peerId}`)))
    await node.dial(addrs, { signal: AbortSignal.timeout(this.#dialTimeoutMs) })
    return true
  }

  /**
   * One of several connections to a peer closed (a relayed one that DCUtR
   * replaced by a direct one, or one a relay reset): gossipsub's streams to
   * that peer may have run over it, and gossipsub opens streams only when
   * libp2p reports the peer connected, which it does not do again while
   * another connection stays open. Ask gossipsub for an outbound stream on
   * an open connection (a direct one first) when it has none; the peer's
   * side then opens its own when our stream arrives. Checked twice, since
   * the closed streams are removed a little after the connection.
   */
  #afterConnectionClose(node: GossipsubNode, peer: PeerId): void {
    const check = () => {
      if (!this.#started) return
      const open = node.getConnections(peer).filter((c) => c.status === 'open')
      if (open.length === 0) return
      const pubsub = node.services.pubsub as GossipsubInternals
      const streams = pubsub.streamsOutbound
      if (!(streams instanceof Map) || streams.has(peer.toString()) || typeof pubsub.onPeerConnected !== 'function') return
      const best = open.find((c) => c.limits === undefined) ?? open[0]!
      this.gossipStreamsRestored++
      pubsub.onPeerConnected(peer, best)
      this.#scheduleRefresh()
    }
    setTimeout(check, 50)
    setTimeout(check, 1_000)
  }

  /** Times gossipsub was asked for a new stream to a peer after one of its connections closed (for tests and diagnostics). */
  gossipStreamsRestored = 0

  /** A peer found by mDNS: dial it unless connected or over the per-minute budget. */
  #onMdnsPeer(node: GossipsubNode, peer: PeerInfo): void {
    if (!this.#started || peer.id.equals(node.peerId)) return
    this.#mdns.found++
    if (node.getConnections(peer.id).length > 0) return
    const now = Date.now()
    if (now - this.#mdns.windowStart >= 60_000) {
      this.#mdns.windowStart = now
      this.#mdns.windowDials = 0
    }
    if (this.#mdns.windowDials >= MDNS_DIALS_PER_MINUTE) return
    this.#mdns.windowDials++
    this.#mdns.dialled++
    void (async () => {
      if (peer.multiaddrs.length > 0) await node.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs })
      await node.dial(peer.id, { signal: AbortSignal.timeout(this.#dialTimeoutMs) })
    })().catch(() => undefined)
  }

  getTopics(): string[] {
    return [...this.#topics]
  }

  async publish(packet: OutboundPacket, options: PublishOptions = {}): Promise<PublishResult> {
    const node = this.#node
    if (!this.#started || node === undefined) throw new TransportNotStartedError('publish')
    throwIfAborted(options.signal)
    const { topic, bytes } = wrapOutbound(this.appId, packet)
    const stats = this.#publishStats
    stats.published++
    const nobody = (cause: 'noPeers' | 'duplicates', err?: unknown): PublishResult => {
      stats.reachedNobody++
      stats[cause]++
      if (cause === 'noPeers' && options.allowNoPeers !== true) throw new NoPeersError(topic, err === undefined ? undefined : { cause: err })
      return { topic, bytes: bytes.length, recipients: 0 }
    }
    // Gate on readiness: publishing to nobody would still mark the bytes as
    // seen, and gossipsub would refuse the same bytes for 2 minutes.
    if (!this.#compute(topic).ready) return nobody('noPeers')
    let recipients: number
    try {
      // Ask for the duplicate error so a duplicate is told apart (and counted).
      const result = await (node.services.pubsub as GossipsubInternals).publish(topic, bytes, { ignoreDuplicatePublishError: false })
      recipients = result.recipients.length
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      if (message.includes('NoPeersSubscribedToTopic')) return nobody('noPeers', err)
      // Identical bytes within gossipsub's seen window: already on the network.
      if (message.includes('PublishError.Duplicate')) return nobody('duplicates')
      throw new PublishFailedError(topic, { cause: err })
    }
    if (recipients === 0) {
      stats.reachedNobody++
      stats.noPeers++
    }
    return { topic, bytes: bytes.length, recipients }
  }

  /**
   * The packets the configured `stores` kept on `topic` since
   * `options.sinceMs` (each store in turn, oldest first), unwrapped and
   * checked as live packets are: malformed envelopes, our own and those of
   * another topic are dropped with a `drop` event. Packets may repeat
   * (across stores, or already received live); a store may also withhold,
   * replay or return garbage, so the consumer deduplicates and
   * authenticates (the session feeds them to MLS). After every store was
   * tried, throws if any failed.
   *
   * @throws {TransportNotStartedError} before `start`
   * @throws {StoreFetchError} when a store could not be reached, refused or replied unreadably (after the other stores' packets)
   * @throws {AbortError} when `options.signal` aborts
   *
   * @example
   * ```ts
   * import { gossipsubTransport } from '@demls/transport-gossipsub'
   * import { topicFor } from '@demls/wire'
   * const transport = gossipsubTransport({ stores: ['/ip4/192.0.2.7/tcp/4001/p2p/12D3Koo…'] })
   * await transport.start()
   * for await (const p of transport.fetchStored(topicFor('chat', 'app'), { sinceMs: Date.now() - 3_600_000 })) {
   *   console.log(p.envelope.payload.length, p.receivedAt)
   * }
   * ```
   */
  async *fetchStored(topic: string, options: FetchStoredOptions): AsyncGenerator<InboundPacket> {
    const node = this.#node
    if (!this.#started || node === undefined) throw new TransportNotStartedError('fetchStored')
    const failures: { store: string; error: Error }[] = []
    for (const store of this.#init.stores ?? []) {
      const ma = toAddr(store)
      try {
        for await (const p of fetchFromStore(node, ma, topic, { sinceMs: options.sinceMs, ...(options.signal ? { signal: options.signal } : {}) })) {
          const result = unwrapInbound(this.appId, topic, p.data, this.#clock.now())
          if ('drop' in result) this.safeDispatch('drop', result.drop)
          else yield result.packet
        }
      } catch (err) {
        throwIfAborted(options.signal)
        failures.push({ store: ma.toString(), error: err instanceof Error ? err : new Error(String(err)) })
      }
    }
    if (failures.length > 0) throw new StoreFetchError(failures)
  }

  /**
   * Counters of publishes that reached nobody: no reachable subscriber
   * (`noPeers`) or identical bytes already seen within gossipsub's 2-minute
   * window (`duplicates`). Since the transport was created; a snapshot.
   */
  publishStats(): PublishStats {
    return { ...this.#publishStats }
  }

  /**
   * Current readiness of `topic`, read live from gossipsub. For a
   * subscribed topic, a change seen here that no `readiness` event has
   * reported yet is emitted first, so listeners never lag behind callers.
   */
  readiness(topic: string): TopicReadiness {
    const now = this.#compute(topic)
    if (this.#topics.has(topic)) this.#observe(now)
    return now
  }

  #compute(topic: string): TopicReadiness {
    const node = this.#node
    if (!this.#started || node === undefined) return { topic, meshPeers: 0, subscribers: 0, ready: false }
    const pubsub = node.services.pubsub as GossipsubInternals
    const meshPeers = this.#topics.has(topic) ? pubsub.getMeshPeers(topic).length : 0
    const subscribers = pubsub.getSubscribers(topic)
    // gossipsub hands a packet only to subscribers it has an outbound stream
    // to; one that announced the topic before that stream opened gets nothing.
    const streams = pubsub.streamsOutbound
    const reachable = streams instanceof Map ? subscribers.filter((p) => streams.has(p.toString())).length : subscribers.length
    // A mesh peer whose outbound stream closed (its connection went, another stays) gets nothing either.
    const meshReachable =
      meshPeers === 0 ? 0 : streams instanceof Map ? pubsub.getMeshPeers(topic).filter((p) => streams.has(p)).length : meshPeers
    return { topic, meshPeers, subscribers: subscribers.length, ready: meshReachable > 0 || reachable > 0 }
  }

  /** Emit `now` if it differs from the last value reported for its topic. */
  #observe(now: TopicReadiness): void {
    const before = this.#last.get(now.topic)
    if (before && before.meshPeers === now.meshPeers && before.subscribers === now.subscribers && before.ready === now.ready) return
    this.#last.set(now.topic, now)
    // A first observation that nothing is reachable is not a change worth reporting.
    if (before === undefined && !now.ready && now.meshPeers === 0 && now.subscribers === 0) return
    this.safeDispatch('readiness', now)
  }

  #attach(node: GossipsubNode, pubsub: GossipSub): void {
    const onMessage = (e: CustomEvent<PubsubMessage>) => this.#onMessage(e.detail)
    const onChange = () => {
      this.#refresh()
      this.#scheduleRefresh()
    }
    const onDisconnect = (e: CustomEvent<PeerId>) => {
      // A connection that went is no longer one a contact opened (a later one may be anyone's).
      this.#contactPeers.delete(e.detail.toString())
      onChange()
      this.#redialer.onDisconnect(e.detail.toString())
    }
    const changes = ['subscription-change', 'gossipsub:graft', 'gossipsub:prune', 'gossipsub:heartbeat'] as const
    pubsub.addEventListener('message', onMessage)
    for (const c of changes) pubsub.addEventListener(c, onChange)
    node.addEventListener('peer:connect', onChange)
    node.addEventListener('peer:disconnect', onDisconnect)
    const onConnectionClose = (e: CustomEvent<Connection>) => this.#afterConnectionClose(node, e.detail.remotePeer)
    node.addEventListener('connection:close', onConnectionClose)
    const mdns = node.services.mdns as EventTarget | undefined
    const onMdnsPeer = (e: Event) => this.#onMdnsPeer(node, (e as CustomEvent<PeerInfo>).detail)
    if (typeof mdns?.addEventListener === 'function') mdns.addEventListener('peer', onMdnsPeer)
    this.#detach = () => {
      if (typeof mdns?.removeEventListener === 'function') mdns.removeEventListener('peer', onMdnsPeer)
      node.removeEventListener('connection:close', onConnectionClose)
      pubsub.removeEventListener('message', onMessage)
      for (const c of changes) pubsub.removeEventListener(c, onChange)
      node.removeEventListener('peer:connect', onChange)
      node.removeEventListener('peer:disconnect', onDisconnect)
      if (this.#refreshTimer !== undefined) clearTimeout(this.#refreshTimer)
      this.#refreshTimer = undefined
    }
  }

  #onMessage(msg: PubsubMessage): void {
    if (!this.#started) return
    const { topic } = msg
    const data = plainBytes(msg.data)
    if (!this.#topics.has(topic)) {
      // Another user of a shared node may subscribe to non-demls topics.
      if (isDemlsTopic(topic)) this.safeDispatch('drop', { topic, reason: 'not-subscribed', bytes: data.length })
      return
    }
    const result = unwrapInbound(this.appId, topic, data, this.#clock.now())
    if ('drop' in result) this.safeDispatch('drop', result.drop)
    else this.safeDispatch('message', result.packet)
  }

  /** Coalesce readiness checks into one macrotask (gossipsub updates its mesh after some events fire). */
  #scheduleRefresh(): void {
    if (this.#refreshTimer !== undefined) return
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined
      this.#refresh()
    }, 0)
  }

  #refresh(): void {
    for (const topic of [...this.#topics]) this.readiness(topic)
  }
}
