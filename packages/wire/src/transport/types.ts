import type { TypedEventTarget } from './events.js'
import type { TransportEnvelope } from './envelope.js'
import type { SubtopicName } from './topics.js'

/**
 * Options of every async demls API.
 *
 * @example
 * ```ts
 * import { type AbortOptions, throwIfAborted } from '@demls/wire'
 * async function fetchState(options: AbortOptions = {}): Promise<void> {
 *   throwIfAborted(options.signal)
 * }
 * await fetchState({ signal: AbortSignal.timeout(1_000) })
 * ```
 */
export interface AbortOptions {
  /** Cancels the operation; it then rejects with an `AbortError`. */
  signal?: AbortSignal
}

/**
 * What to publish: the transport adds its app id and derives the topic.
 *
 * @example
 * ```ts
 * import { type OutboundPacket } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const packet: OutboundPacket = { conversationId: 'chat', subtopic: 'app', payload: new TextEncoder().encode('hi') }
 * const alice = new MemoryNetwork().createTransport('alice')
 * await alice.start()
 * await alice.publish(packet, { allowNoPeers: true })
 * ```
 */
export interface OutboundPacket {
  /** The conversation (group) the packet belongs to. */
  conversationId: string
  /** Which of the conversation's two channels carries it. */
  subtopic: SubtopicName
  /** The encoded application message. */
  payload: Uint8Array
}

/**
 * Options of {@link Transport.publish}.
 *
 * @example
 * ```ts
 * import { type PublishOptions } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const options: PublishOptions = { allowNoPeers: true, signal: AbortSignal.timeout(2_000) }
 * const alice = new MemoryNetwork().createTransport('alice')
 * await alice.start()
 * await alice.publish({ conversationId: 'chat', subtopic: 'app', payload: new Uint8Array([1]) }, options)
 * ```
 */
export interface PublishOptions extends AbortOptions {
  /**
   * Resolve with `recipients: 0` instead of rejecting with `NoPeersError`
   * when nobody else is subscribed (a one-member group, for example).
   * @default false
   */
  allowNoPeers?: boolean
}

/**
 * Outcome of a publish.
 *
 * @example
 * ```ts
 * import { type PublishResult } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const alice = new MemoryNetwork().createTransport('alice')
 * await alice.start()
 * const result: PublishResult = await alice.publish({ conversationId: 'chat', subtopic: 'app', payload: new Uint8Array([1]) }, { allowNoPeers: true })
 * console.log(result.topic, result.bytes, result.recipients) // recipients: 0
 * ```
 */
export interface PublishResult {
  /** The topic the packet was published on. */
  topic: string
  /** Size of the packet on the wire. */
  bytes: number
  /** Peers the packet was handed to (mesh or fan-out peers for gossipsub). */
  recipients: number
}

/**
 * Counters of a transport's publishes that reached nobody (see
 * {@link Transport.publishStats}). Publishes refused before anything was
 * attempted (not started, aborted, too large) are not counted.
 *
 * @example
 * ```ts
 * import { type PublishStats } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const alice = new MemoryNetwork().createTransport('alice')
 * const stats: PublishStats | undefined = alice.publishStats?.()
 * console.log(stats?.published, stats?.reachedNobody, stats?.noPeers)
 * ```
 */
export interface PublishStats {
  /** Publishes attempted: every `publish` call that got past those checks. */
  published: number
  /**
   * Publishes that reached no peer: `noPeers + duplicates` (whether they
   * resolved with `recipients: 0` or rejected with `NoPeersError`).
   */
  reachedNobody: number
  /**
   * Publishes that found no reachable subscriber: rejected with
   * `NoPeersError`, or resolved with `recipients: 0` under `allowNoPeers`.
   */
  noPeers: number
  /**
   * Publishes dropped as duplicates: bytes identical to a packet this peer
   * already published or received within the seen window (gossipsub's
   * message id is the sha256 of the bytes, remembered for 2 minutes). They
   * resolve with `recipients: 0` and send nothing.
   */
  duplicates: number
}

/**
 * A validated inbound packet from another application instance.
 *
 * @example
 * ```ts
 * import { type InboundPacket } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const transport = new MemoryNetwork().createTransport('bob')
 * transport.addEventListener('message', (e) => {
 *   const packet: InboundPacket = e.detail
 *   console.log(packet.envelope.conversationId, packet.envelope.payload.length, packet.receivedAt)
 * })
 * ```
 */
export interface InboundPacket {
  /** The topic it arrived on. */
  topic: string
  /** The validated envelope (conversation, subtopic, sender app id, payload). */
  envelope: TransportEnvelope
  /** Size of the packet on the wire. */
  bytes: number
  /** When the transport received it, in ms of the transport's clock. */
  receivedAt: number
}

/**
 * Why a transport dropped an inbound packet instead of delivering it.
 *
 * @example
 * ```ts
 * import { type DropReason } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const counts = new Map<DropReason, number>()
 * const transport = new MemoryNetwork().createTransport('alice')
 * transport.addEventListener('drop', (e) => counts.set(e.detail.reason, (counts.get(e.detail.reason) ?? 0) + 1))
 * ```
 */
export type DropReason =
  | 'malformed' // not a valid envelope
  | 'too-large'
  | 'self' // our own app id (gossipsub does not filter our own messages)
  | 'topic-mismatch' // envelope conversation/subtopic differ from the topic it came on
  | 'not-subscribed'

/**
 * An inbound packet the transport dropped.
 *
 * @example
 * ```ts
 * import { type DroppedPacket } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const transport = new MemoryNetwork().createTransport('alice')
 * transport.addEventListener('drop', (e) => {
 *   const drop: DroppedPacket = e.detail
 *   console.log(drop.topic, drop.reason, drop.error?.message)
 * })
 * ```
 */
export interface DroppedPacket {
  /** The topic it arrived on. */
  topic: string
  /** Why it was dropped. */
  reason: DropReason
  /** Size of the packet on the wire. */
  bytes: number
  /** The error behind the drop, when there is one (e.g. the `DecodeError`). */
  error?: Error
}

/**
 * Readiness of one topic.
 *
 * @example
 * ```ts
 * import { type TopicReadiness, topicFor } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const alice = new MemoryNetwork().createTransport('alice')
 * const r: TopicReadiness = alice.readiness(topicFor('chat', 'app'))
 * if (!r.ready) console.log(`${r.meshPeers} mesh peers, ${r.subscribers} subscribers`)
 * ```
 */
export interface TopicReadiness {
  /** The topic described. */
  topic: string
  /** Peers in our mesh for the topic (gossipsub) or reachable subscribers (memory). */
  meshPeers: number
  /** Peers known to be subscribed to the topic. */
  subscribers: number
  /** True when a publish would reach at least one peer. */
  ready: boolean
}

/**
 * Events every {@link Transport} emits.
 *
 * @example
 * ```ts
 * import { type TransportEvents, TypedEventEmitter } from '@demls/wire'
 * // a test double that emits the events every Transport emits
 * const events = new TypedEventEmitter<TransportEvents>()
 * events.addEventListener('readiness', (e) => console.log(e.detail.topic, e.detail.ready))
 * events.safeDispatch('readiness', { topic: '/chat/1/app_msg/proto', meshPeers: 1, subscribers: 1, ready: true })
 * ```
 */
export interface TransportEvents {
  [key: string]: unknown
  /** A packet from another application instance, already validated. */
  message: InboundPacket
  /** A packet dropped before delivery, with the reason. */
  drop: DroppedPacket
  /** The readiness of a subscribed topic changed. */
  readiness: TopicReadiness
}

/**
 * Options of {@link Transport.fetchStored}.
 *
 * @example
 * ```ts
 * import { type FetchStoredOptions, type Transport, topicFor } from '@demls/wire'
 * declare const transport: Transport
 * const options: FetchStoredOptions = { sinceMs: Date.now() - 3_600_000, signal: AbortSignal.timeout(30_000) }
 * for await (const p of transport.fetchStored?.(topicFor('chat', 'app'), options) ?? []) console.log(p.envelope.payload.length)
 * ```
 */
export interface FetchStoredOptions extends AbortOptions {
  /** Only packets the stores received at or after this time (ms since the Unix epoch). */
  sinceMs: number
}

/**
 * The pub/sub transport every demls layer above the wire talks to.
 * Implemented by `@demls/transport-memory` and `@demls/transport-gossipsub`;
 * both pass the same compliance suite.
 *
 * Contract:
 * - `start`/`stop` are idempotent; `publish` before `start` rejects with
 *   `TransportNotStartedError`.
 * - Packets are wrapped in a {@link TransportEnvelope} carrying `appId`;
 *   packets carrying our own `appId` are never delivered to us.
 * - Packets over `MAX_MESSAGE_BYTES` are refused with `MessageTooLargeError`.
 * - Delivery is best-effort and unordered, like gossipsub.
 *
 * @example
 * ```ts
 * import { type Transport, topicFor } from '@demls/wire'
 * async function join(transport: Transport, conversationId: string): Promise<void> {
 *   if (!transport.isStarted) await transport.start()
 *   transport.subscribe(topicFor(conversationId, 'app'))
 *   transport.subscribe(topicFor(conversationId, 'welcome'))
 *   transport.addEventListener('message', (e) => console.log(e.detail.envelope.subtopic))
 * }
 * ```
 */
export interface Transport extends TypedEventTarget<TransportEvents> {
  /** This application instance's id, stamped on every packet it sends. */
  readonly appId: Uint8Array
  /** Whether `start` has completed and `stop` has not been called. */
  readonly isStarted: boolean
  /** Start the transport (idempotent). */
  start(options?: AbortOptions): Promise<void>
  /** Stop the transport and release its resources (idempotent). */
  stop(options?: AbortOptions): Promise<void>
  /** Start receiving a topic (idempotent). */
  subscribe(topic: string): void
  /** Stop receiving a topic (idempotent). */
  unsubscribe(topic: string): void
  /** Topics currently subscribed. */
  getTopics(): string[]
  /**
   * Publish a packet to `topicFor(packet.conversationId, packet.subtopic)`.
   *
   * @throws {TransportNotStartedError} before `start`
   * @throws {MessageTooLargeError} when the packet exceeds the size limit
   * @throws {NoPeersError} when nobody else is subscribed (unless `allowNoPeers`)
   * @throws {AbortError} when `options.signal` aborts
   */
  publish(packet: OutboundPacket, options?: PublishOptions): Promise<PublishResult>
  /** Current readiness of a topic. */
  readiness(topic: string): TopicReadiness
  /**
   * Counters of publishes that reached nobody (no reachable peer, or
   * dropped as a duplicate), since the transport was created. Optional:
   * transports written before it may lack it; both demls transports have it.
   */
  publishStats?(): PublishStats
  /**
   * Packets that stores kept on `topic` while we were away (oldest first,
   * per store), validated as inbound packets are (malformed ones, ours and
   * those of another topic are dropped with a `drop` event). Duplicates
   * (across stores, or of packets received live) are possible: the
   * consumer deduplicates, and authenticates the content (a store may
   * withhold, replay or return garbage). Optional: only transports
   * configured with stores have it.
   *
   * @throws {AbortError} when `options.signal` aborts
   */
  fetchStored?(topic: string, options: FetchStoredOptions): AsyncIterable<InboundPacket>
  /**
   * How another instance of this transport reaches us directly: opaque
   * bytes (at most `MAX_CONTACT_BYTES`) to hand to its {@link dialContact}; on
   * gossipsub our peer id and listen addresses. `undefined` before `start`
   * or while we have no address to give. Optional, with {@link dialContact}: a
   * transport without them routes every topic through its subscribers.
   */
  contact?(): Uint8Array | undefined
  /**
   * Connect directly to the instance whose {@link Transport.contact} gave `contact`,
   * so that what we publish on a topic it subscribes to reaches it in one
   * hop, whether or not we subscribe to that topic ourselves (gossipsub:
   * its fanout). Resolves `true` once connected, `false` for a contact
   * that is malformed, longer than `MAX_CONTACT_BYTES`, our own or another
   * transport's, or that cannot be dialled: never throws for bad input.
   *
   * @throws {AbortError} when `options.signal` aborts
   */
  dialContact?(contact: Uint8Array, options?: AbortOptions): Promise<boolean>
  /**
   * We no longer need the direct route to the instance whose contact is
   * `contact`: close the connection {@link Transport.dialContact} opened
   * for it, once no other contact of the same instance that we dialled is
   * still held. A connection we had before dialling it (a bootstrap peer,
   * one the other side opened) is left as it is; a malformed or unknown
   * contact is ignored. Optional, with {@link Transport.dialContact}: without it,
   * connections opened for contacts stay open.
   */
  releaseContact?(contact: Uint8Array): Promise<void>
}

export type { SubtopicName }
