import type { GossipSub } from '@libp2p/gossipsub'
import type { Connection, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { type AbortOptions, type Clock, MAX_MESSAGE_BYTES, parseTopic, systemClock, throwIfAborted, topicFor, unwrapInbound } from '@demls/wire'
import type { GossipsubNode } from '../node/create-node.js'
import { STORE_FRAME_LIMITS, STORE_PROTOCOL, type StoreRefusal, type StoreReply, decodeStoreRequest, encodeStoreReply } from './codec.js'
import { InvalidStoreConfigError } from './errors.js'
import { PacketLog } from './packet-log.js'

/**
 * The limits of a {@link StoreService}: retention (per topic and in all,
 * oldest evicted first), reply pages, and abuse limits (per-peer request
 * rate, concurrent streams).
 *
 * @example
 * ```ts
 * import { STORE_LIMITS, type StoreLimits } from '@demls/transport-gossipsub'
 * const limits: StoreLimits = { ...STORE_LIMITS, maxAgeMs: 24 * 3_600_000, maxTotalBytes: 256 * 1024 * 1024 }
 * ```
 */
export interface StoreLimits {
  /** Packets older than this are dropped (on append, on every sweep, and never served). */
  maxAgeMs: number
  /** Bytes kept per topic; over it the topic's oldest packets go. */
  maxBytesPerTopic: number
  /** Packets kept per topic. */
  maxPacketsPerTopic: number
  /** Bytes kept in all; over it the oldest packets of the topic holding the most bytes go. */
  maxTotalBytes: number
  /** Packets kept in all. */
  maxTotalPackets: number
  /** A packet larger than this is not kept (at most `MAX_MESSAGE_BYTES` of `@demls/wire`). */
  maxPacketBytes: number
  /** Packet bytes in one reply page (a page always holds at least one packet). */
  replyBytes: number
  /** Packets in one reply page. */
  replyPackets: number
  /** Requests (pages) one peer may make per `requestIntervalMs` (a token bucket: bursts up to this). */
  requestsPerPeer: number
  /** The window of `requestsPerPeer`, in ms. */
  requestIntervalMs: number
  /** Requests answered at once, over every peer; beyond it a request is refused `busy`. */
  maxConcurrentStreams: number
  /** Store streams one connection may have open at once (libp2p resets the extra ones). */
  maxStreamsPerConnection: number
  /** A request must arrive, and its reply be written, within this many ms. */
  streamTimeoutMs: number
  /** How often the age limit is swept, in ms. */
  sweepIntervalMs: number
}

/**
 * The default {@link StoreLimits}: a week of packets, 64 MiB and 100,000
 * packets per topic, 1 GiB and 1,000,000 packets in all, 1 MiB pages, 30
 * requests per peer per 10 s, 32 requests answered at once.
 *
 * @example
 * ```ts
 * import { STORE_LIMITS, StoreService, createGossipsubNode } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode()
 * const store = await StoreService.open({ node, directory: './store', limits: { maxAgeMs: STORE_LIMITS.maxAgeMs / 7 } })
 * ```
 */
export const STORE_LIMITS: Readonly<StoreLimits> = Object.freeze({
  maxAgeMs: 7 * 24 * 3_600_000,
  maxBytesPerTopic: 64 * 1024 * 1024,
  maxPacketsPerTopic: 100_000,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxTotalPackets: 1_000_000,
  maxPacketBytes: MAX_MESSAGE_BYTES,
  replyBytes: 1024 * 1024,
  replyPackets: 1_000,
  requestsPerPeer: 30,
  requestIntervalMs: 10_000,
  maxConcurrentStreams: 32,
  maxStreamsPerConnection: 4,
  streamTimeoutMs: 10_000,
  sweepIntervalMs: 60_000,
})

/**
 * Options of {@link StoreService.open}.
 *
 * @example
 * ```ts
 * import { type StoreServiceInit, StoreService, createGossipsubNode } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode({ listen: ['/ip4/0.0.0.0/tcp/4001'] })
 * await node.start()
 * const init: StoreServiceInit = { node, directory: '/var/lib/demls-store', serve: ['family-chat'], limits: { maxBytesPerTopic: 16 * 1024 * 1024 } }
 * const store = await StoreService.open(init)
 * ```
 */
export interface StoreServiceInit {
  /** A libp2p node with gossipsub under `services.pubsub` (e.g. from `createGossipsubNode`); the service neither starts nor stops it. */
  node: GossipsubNode
  /** The LevelDB directory (created if missing; one process at a time). */
  directory: string
  /** Conversation ids (their `app` topic is kept) or demls topics to serve from the start. @default [] */
  serve?: Iterable<string>
  /** Limits over {@link STORE_LIMITS}. */
  limits?: Partial<StoreLimits>
  /** The clock stamping packets. @default systemClock of `@demls/wire` */
  clock?: Clock
}

/**
 * Counters of a {@link StoreService} since it was opened.
 *
 * @example
 * ```ts
 * import { type StoreStats, StoreService } from '@demls/transport-gossipsub'
 * declare const store: StoreService
 * const s: StoreStats = store.stats()
 * console.log(`${s.packets} packets, ${s.bytes} bytes; refused ${s.refused['rate-limited']} rate-limited`)
 * ```
 */
export interface StoreStats {
  /** Packets kept now. */
  packets: number
  /** Packet bytes kept now. */
  bytes: number
  /** Packets and bytes kept now, per topic. */
  topics: Map<string, { bytes: number; packets: number }>
  /** Packets stored since open. */
  stored: number
  /** Packets not stored because the topic already held the same bytes. */
  duplicates: number
  /** Packets not stored: over `maxPacketBytes`, or not a demls envelope of their topic. */
  rejected: number
  /** Packets evicted (age, per-topic or total budgets) since open. */
  evicted: number
  /** Pages answered. */
  answered: number
  /** Requests refused, by reason. */
  refused: Record<StoreRefusal, number>
  /** Requests dropped without an answer (over the frame limit, timed out, stream failed). */
  dropped: number
  /** LevelDB batches that failed (disk full, I/O error): their packets are left out of replies. */
  writeErrors: number
}

/** A token bucket per peer. */
class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>()
  constructor(
    readonly capacity: number,
    readonly intervalMs: number,
  ) {}
  take(peer: string, now: number): boolean {
    let b = this.#buckets.get(peer)
    if (b === undefined) {
      b = { tokens: this.capacity, at: now }
      // Bounded: forget the least recently seen peer.
      if (this.#buckets.size >= 10_000) this.#buckets.delete(this.#buckets.keys().next().value as string)
    } else this.#buckets.delete(peer)
    b.tokens = Math.min(this.capacity, b.tokens + ((now - b.at) * this.capacity) / this.intervalMs)
    b.at = now
    this.#buckets.set(peer, b)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }
}

/** A conversation id or a demls topic → the topic to keep. */
function topicToServe(idOrTopic: string): string {
  try {
    parseTopic(idOrTopic)
    return idOrTopic
  } catch {
    try {
      return topicFor(idOrTopic, 'app')
    } catch (err) {
      throw new InvalidStoreConfigError('serve', `${JSON.stringify(idOrTopic.slice(0, 64))} is neither a topic nor a conversation id`, { cause: err })
    }
  }
}

function resolveLimits(init: Partial<StoreLimits> = {}): StoreLimits {
  const out = { ...STORE_LIMITS }
  for (const [k, v] of Object.entries(init)) {
    if (!Object.hasOwn(STORE_LIMITS, k)) throw new InvalidStoreConfigError(k, 'unknown limit')
    if (v === undefined) continue
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new InvalidStoreConfigError(k, 'must be a positive integer')
    out[k as keyof StoreLimits] = v
  }
  if (out.maxPacketBytes > MAX_MESSAGE_BYTES) throw new InvalidStoreConfigError('maxPacketBytes', `at most MAX_MESSAGE_BYTES (${MAX_MESSAGE_BYTES})`)
  if (out.maxBytesPerTopic > out.maxTotalBytes) throw new InvalidStoreConfigError('maxBytesPerTopic', 'above maxTotalBytes')
  if (out.maxPacketBytes > out.maxBytesPerTopic) throw new InvalidStoreConfigError('maxPacketBytes', 'above maxBytesPerTopic')
  if (out.replyBytes + out.maxPacketBytes > STORE_FRAME_LIMITS.replyBytes - 64 * 1024) {
    throw new InvalidStoreConfigError('replyBytes', `replyBytes + maxPacketBytes must leave room in a ${STORE_FRAME_LIMITS.replyBytes}-byte reply frame`)
  }
  return out
}

/**
 * A store for encrypted traffic: it subscribes to the gossipsub topics of
 * the conversations it serves, keeps their packets exactly as they
 * travelled (it is never an MLS member: it keeps ciphertext) on LevelDB
 * within {@link StoreLimits}, and answers members' requests for them over
 * {@link STORE_PROTOCOL} (one page per stream, from a cursor and a time).
 * Node only (it is not in the browser entry).
 *
 * A member trusts nothing a store returns beyond what MLS authenticates:
 * the store can withhold, replay or return garbage, and members drop and
 * count such packets (see `docs/security.md`, "stores").
 *
 * @example
 * ```ts
 * import { StoreService, createGossipsubNode } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode({ listen: ['/ip4/0.0.0.0/tcp/4001'] })
 * await node.start()
 * const store = await StoreService.open({ node, directory: './demls-store', serve: ['family-chat'] })
 * console.log('members use', node.getMultiaddrs().map(String), 'in their `stores` option')
 * // … on shutdown
 * await store.close()
 * await node.stop()
 * ```
 */
export class StoreService {
  readonly #node: GossipsubNode
  readonly #pubsub: GossipSub
  readonly #log: PacketLog
  readonly #limits: StoreLimits
  readonly #clock: Clock
  readonly #served = new Set<string>()
  readonly #rate: RateLimiter
  readonly #appId = globalThis.crypto.getRandomValues(new Uint8Array(16))
  readonly #onMessage: (e: CustomEvent<{ topic: string; data: Uint8Array }>) => void
  readonly #sweep: ReturnType<typeof setInterval>
  #active = 0
  #closed = false
  readonly #stats = { stored: 0, duplicates: 0, rejected: 0, answered: 0, dropped: 0, refused: { 'not-served': 0, 'rate-limited': 0, busy: 0, 'bad-request': 0 } }

  private constructor(init: StoreServiceInit, log: PacketLog, limits: StoreLimits) {
    this.#node = init.node
    this.#pubsub = init.node.services.pubsub
    this.#log = log
    this.#limits = limits
    this.#clock = init.clock ?? systemClock
    this.#rate = new RateLimiter(limits.requestsPerPeer, limits.requestIntervalMs)
    this.#onMessage = (e) => this.#ingest(e.detail.topic, e.detail.data)
    this.#sweep = setInterval(() => this.#log.sweep(this.#clock.now()), limits.sweepIntervalMs)
    this.#sweep.unref?.()
  }

  /**
   * Open the store in `init.directory` (its packets survive restarts),
   * register {@link STORE_PROTOCOL} on the node, and start keeping the
   * topics of `init.serve`.
   *
   * @throws {InvalidStoreConfigError} on a bad limit or topic
   * @throws {AbortError} when `options.signal` aborts before the store is open
   */
  static async open(init: StoreServiceInit, options: AbortOptions = {}): Promise<StoreService> {
    throwIfAborted(options.signal)
    const limits = resolveLimits(init.limits)
    const topics = [...(init.serve ?? [])].map(topicToServe)
    const pubsub = init.node.services.pubsub as GossipSub | undefined
    if (pubsub === undefined || typeof pubsub.subscribe !== 'function') throw new InvalidStoreConfigError('node', 'no gossipsub service at services.pubsub')
    const log = await PacketLog.open(init.directory, limits)
    try {
      throwIfAborted(options.signal)
      const service = new StoreService(init, log, limits)
      log.sweep(service.#clock.now())
      pubsub.addEventListener('message', service.#onMessage)
      await init.node.handle(STORE_PROTOCOL, (stream, connection) => service.#answer(stream, connection), {
        maxInboundStreams: limits.maxStreamsPerConnection,
        maxOutboundStreams: 1,
      })
      for (const t of topics) service.serve(t)
      return service
    } catch (err) {
      await log.close()
      throw err
    }
  }

  /**
   * Start keeping a conversation's `app` topic (given its id) or a demls
   * topic (given the topic), and answering requests for it. Idempotent.
   * Returns the topic.
   *
   * @throws {InvalidStoreConfigError} when it is neither
   */
  serve(conversationIdOrTopic: string): string {
    const topic = topicToServe(conversationIdOrTopic)
    if (!this.#served.has(topic)) {
      this.#served.add(topic)
      this.#pubsub.subscribe(topic)
    }
    return topic
  }

  /** Stop keeping and serving a topic (what was kept stays until its age limit). Idempotent. */
  unserve(conversationIdOrTopic: string): void {
    const topic = topicToServe(conversationIdOrTopic)
    if (this.#served.delete(topic)) this.#pubsub.unsubscribe(topic)
  }

  /** The topics served. */
  served(): string[] {
    return [...this.#served]
  }

  /** The limits in force. */
  get limits(): Readonly<StoreLimits> {
    return this.#limits
  }

  /** Counters since open, and what is kept now. */
  stats(): StoreStats {
    const kept = this.#log.stats()
    return { ...this.#stats, refused: { ...this.#stats.refused }, packets: kept.packets, bytes: kept.bytes, topics: kept.topics, evicted: kept.evicted, writeErrors: kept.writeErrors }
  }

  #ingest(topic: string, data: Uint8Array): void {
    if (this.#closed || !this.#served.has(topic)) return
    // Only demls envelopes of their own topic, within the packet limit: the rest is not worth a byte of budget.
    if (data.length > this.#limits.maxPacketBytes || 'drop' in unwrapInbound(this.#appId, topic, data, 0)) {
      this.#stats.rejected++
      return
    }
    if (this.#log.append(topic, new Uint8Array(data), this.#clock.now()) === 'stored') this.#stats.stored++
    else this.#stats.duplicates++
  }

  async #answer(stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(this.#limits.streamTimeoutMs)
    const lp = lpStream(stream, { maxDataLength: STORE_FRAME_LIMITS.requestBytes, maxBufferSize: 2 * STORE_FRAME_LIMITS.requestBytes })
    const reply = async (r: StoreReply) => {
      await lp.write(encodeStoreReply(r), { signal })
      await stream.close({ signal })
    }
    const refuse = async (reason: StoreRefusal) => {
      this.#stats.refused[reason]++
      await reply({ status: reason })
    }
    const busy = this.#closed || this.#active >= this.#limits.maxConcurrentStreams
    this.#active++
    try {
      if (busy) return await refuse('busy')
      let raw: Uint8Array
      try {
        raw = (await lp.read({ signal })).subarray()
      } catch (err) {
        // Over the frame limit, timed out, or the stream failed: dropped, nothing answered.
        this.#stats.dropped++
        stream.abort(err as Error)
        return
      }
      if (!this.#rate.take(connection.remotePeer.toString(), this.#clock.now())) return await refuse('rate-limited')
      let req: ReturnType<typeof decodeStoreRequest>
      try {
        req = decodeStoreRequest(raw)
      } catch {
        return await refuse('bad-request')
      }
      if (!this.#served.has(req.topic)) return await refuse('not-served')
      const page = await this.#log.read(req.topic, {
        sinceMs: req.sinceMs,
        after: req.after,
        maxBytes: this.#limits.replyBytes,
        maxPackets: this.#limits.replyPackets,
        now: this.#clock.now(),
      })
      this.#stats.answered++
      await reply({ status: 'ok', ...page })
    } catch (err) {
      this.#stats.dropped++
      stream.abort(err as Error)
    } finally {
      this.#active--
    }
  }

  /**
   * Stop serving: unregister the protocol, unsubscribe, wait for pending
   * writes and close the database. The node is left running. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#sweep)
    this.#pubsub.removeEventListener('message', this.#onMessage)
    for (const t of this.#served) this.#pubsub.unsubscribe(t)
    if (this.#node.status === 'started') await this.#node.unhandle(STORE_PROTOCOL).catch(() => undefined)
    await this.#log.close()
  }
}
