import {
  type AbortOptions,
  MAX_CONTACT_BYTES,
  NoPeersError,
  type OutboundPacket,
  type PublishOptions,
  type PublishResult,
  type PublishStats,
  type TopicReadiness,
  TransportNotStartedError,
  type TransportEvents,
  TypedEventEmitter,
  throwIfAborted,
  unwrapInbound,
  wrapOutbound,
} from '@demls/wire'
import { UnknownPeerError } from '../errors.js'
import type { SeededRandom } from '../random/seeded-random.js'
import type { NetworkHost } from './host.js'
import type { SeenCache } from './seen-cache.js'
import type { MemoryTransport } from './types.js'

/** What a memory transport's contact starts with, before its peer id. */
const CONTACT_PREFIX = 'demls-memory/1/'

/** The transport a {@link MemoryNetwork} hands out (internal class). */
export class MemoryTransportImpl extends TypedEventEmitter<TransportEvents> implements MemoryTransport {
  readonly peerId: string
  readonly appId: Uint8Array
  /** Per-peer random stream (app id, then fault draws for its packets). */
  readonly rng: SeededRandom
  /** Bumped by every stop: deliveries scheduled before are dropped. */
  generation = 0
  removed = false
  readonly topics = new Set<string>()
  /** Last readiness reported per subscribed topic. */
  readonly lastReadiness = new Map<string, TopicReadiness>()
  /** This peer's gossipsub seen cache, when the network drops duplicates. */
  readonly seen: SeenCache | undefined
  private readonly counters: PublishStats = { published: 0, reachedNobody: 0, noPeers: 0, duplicates: 0 }
  private started = false
  private readonly host: NetworkHost<MemoryTransportImpl>

  constructor(host: NetworkHost<MemoryTransportImpl>, peerId: string, appId: Uint8Array, rng: SeededRandom, seen?: SeenCache) {
    super()
    this.seen = seen
    this.host = host
    this.peerId = peerId
    this.appId = appId
    this.rng = rng
  }

  get isStarted(): boolean {
    return this.started
  }

  async start(options: AbortOptions = {}): Promise<void> {
    throwIfAborted(options.signal)
    if (this.removed) throw new UnknownPeerError(this.peerId)
    if (this.started) return
    this.started = true
    this.host.onLifecycle(this)
  }

  async stop(options: AbortOptions = {}): Promise<void> {
    throwIfAborted(options.signal)
    this.halt()
  }

  /** Synchronous stop (also used by `removeTransport`). */
  halt(): void {
    if (!this.started) return
    this.started = false
    this.generation++
    // A gossipsub node that stops forgets what it has seen.
    this.seen?.clear()
    this.host.onLifecycle(this)
  }

  subscribe(topic: string): void {
    if (this.topics.has(topic)) return
    this.topics.add(topic)
    this.host.onSubscription(this, topic)
  }

  unsubscribe(topic: string): void {
    if (!this.topics.delete(topic)) return
    this.lastReadiness.delete(topic)
    this.host.onSubscription(this, topic)
  }

  getTopics(): string[] {
    return [...this.topics]
  }

  async publish(packet: OutboundPacket, options: PublishOptions = {}): Promise<PublishResult> {
    if (!this.started) throw new TransportNotStartedError('publish')
    throwIfAborted(options.signal)
    const { topic, bytes } = wrapOutbound(this.appId, packet)
    this.counters.published++
    if (this.host.readinessFor(this, topic).meshPeers === 0 && options.allowNoPeers !== true) {
      this.counters.reachedNobody++
      this.counters.noPeers++
      throw new NoPeersError(topic)
    }
    const { recipients, duplicate } = this.host.send(this, topic, bytes)
    if (duplicate || recipients === 0) {
      this.counters.reachedNobody++
      if (duplicate) this.counters.duplicates++
      else this.counters.noPeers++
    }
    return { topic, bytes: bytes.length, recipients }
  }

  /**
   * Our contact (`Transport.contact`): this network's name for us. The
   * network is a full mesh, so {@link dialContact} only checks that the
   * peer it names is there.
   *
   * @example
   * ```ts
   * import { MemoryNetwork } from '@demls/transport-memory'
   * const net = new MemoryNetwork()
   * const [a, b] = [net.createTransport('a'), net.createTransport('b')]
   * await Promise.all([a.start(), b.start()])
   * console.log(await a.dialContact(b.contact()!)) // true
   * ```
   */
  contact(): Uint8Array | undefined {
    return this.started ? new TextEncoder().encode(`${CONTACT_PREFIX}${this.peerId}`) : undefined
  }

  /**
   * `Transport.dialContact` on a full mesh: `true` when `contact` names
   * another started peer of this network (every peer already reaches every
   * subscriber), `false` for our own, a malformed or oversized one, or a
   * peer that is stopped or gone.
   */
  async dialContact(contact: Uint8Array, options: AbortOptions = {}): Promise<boolean> {
    throwIfAborted(options.signal)
    if (!this.started || !(contact instanceof Uint8Array) || contact.length > MAX_CONTACT_BYTES) return false
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(contact)
    } catch {
      return false
    }
    if (!text.startsWith(CONTACT_PREFIX)) return false
    const peerId = text.slice(CONTACT_PREFIX.length)
    return peerId !== this.peerId && this.host.startedPeer(peerId) !== undefined
  }

  publishStats(): PublishStats {
    return { ...this.counters }
  }

  readiness(topic: string): TopicReadiness {
    return this.host.readinessFor(this, topic)
  }

  /** Called by the network when a copy arrives; true when emitted as a message. */
  receive(topic: string, bytes: Uint8Array): boolean {
    if (!this.topics.has(topic)) {
      this.safeDispatch('drop', { topic, reason: 'not-subscribed', bytes: bytes.length })
      return false
    }
    const result = unwrapInbound(this.appId, topic, bytes, this.host.now())
    if ('drop' in result) {
      this.safeDispatch('drop', result.drop)
      return false
    }
    this.safeDispatch('message', result.packet)
    return true
  }
}
