import type { TopicReadiness } from '@demls/wire'
import { type RunUntilOptions, VirtualClock } from '../clock/virtual-clock.js'
import { DuplicatePeerError, InvalidFaultsError, UnknownPeerError } from '../errors.js'
import { type Faults, type FaultsInit, resolveFaults } from '../faults/faults.js'
import { PartitionTable } from '../faults/partitions.js'
import { planDelivery } from '../faults/plan.js'
import { SeededRandom } from '../random/seeded-random.js'
import { type NetworkDropReason, type NetworkStats, StatsCollector, type TrafficStats } from '../stats/traffic-stats.js'
import type { NetworkHost } from './host.js'
import { MemoryTransportImpl } from './memory-transport.js'
import { NO_SEEN_KEY, SeenCache, seenKey } from './seen-cache.js'
import type {
  DeliverRawOptions,
  MemoryTransport,
  MemoryTransportInit,
  MuteOptions,
  NetworkTraceEvent,
  PeerRef,
} from './types.js'

/**
 * Options of {@link MemoryNetwork}.
 *
 * @example
 * ```ts
 * import { MemoryNetwork, type MemoryNetworkInit } from '@demls/transport-memory'
 * const init: MemoryNetworkInit = {
 *   seed: 'scenario-1', // same seed, same run
 *   faults: { loss: 0.05, jitterMs: 10 },
 *   trace: (e) => { if (e.type === 'drop') console.log(e.at, e.to, e.reason) },
 * }
 * const net = new MemoryNetwork(init)
 * ```
 */
export interface MemoryNetworkInit {
  /**
   * Seed of every random choice (app ids, loss, duplication, jitter,
   * reordering). Same seed and same inputs give the same delivery schedule.
   * @default 0
   */
  seed?: number | string
  /**
   * Initial fault model; change it later with {@link MemoryNetwork.setFaults}.
   * @default a perfect network with 5 ms latency
   */
  faults?: FaultsInit
  /**
   * Model gossipsub's duplicate suppression: every peer remembers the
   * packets (their exact bytes; gossipsub's message id is the sha256 of
   * the bytes) it published or received for this many ms of virtual time.
   * Within that window, a publish of identical bytes by a peer that has
   * seen them reaches nobody (`recipients: 0`, counted in
   * `duplicatePublishes` and the transport's `publishStats().duplicates`),
   * and a copy arriving at a peer that has seen them is dropped with reason
   * `duplicate` (this also removes the second copy of the `duplicate`
   * fault). A stopped peer forgets what it has seen. `false` or `0`
   * delivers every copy, as this network did before.
   * @default 120_000 (gossipsub's `seenTTL`), i.e. on
   */
  dropDuplicatesWithinMs?: number | false
  /**
   * Virtual time at the start, in ms since the Unix epoch.
   * @default 1_700_000_000_000
   */
  startTime?: number
  /**
   * Macrotask turns without tracked work that end the settling after each
   * event (see {@link VirtualClockInit.settleRounds}).
   * @default 1
   */
  settleRounds?: number
  /**
   * Receives errors thrown by timers and rejections of tracked work;
   * without it they make `advance`/`runUntil` reject.
   * @default undefined
   */
  onError?: (err: unknown) => void
  /**
   * Called synchronously for every publish, delivery and network drop, in
   * virtual-time order: a delivery trace for debugging or for comparing
   * runs.
   * @default undefined
   */
  trace?: (event: NetworkTraceEvent) => void
}

/** gossipsub's default `seenTTL`: how long a message id stays in its seen cache. */
export const GOSSIPSUB_SEEN_TTL_MS = 120_000

const ZERO = (topic: string): TopicReadiness => ({ topic, meshPeers: 0, subscribers: 0, ready: false })

function sameReadiness(a: TopicReadiness | undefined, b: TopicReadiness): boolean {
  return a !== undefined && a.meshPeers === b.meshPeers && a.subscribers === b.subscribers && a.ready === b.ready
}

/**
 * An in-process network of any number of {@link MemoryTransport}s sharing a
 * {@link VirtualClock}, with seeded, reproducible faults.
 *
 * Semantics (gossipsub-like): a publish goes to every *other* started
 * transport subscribed to the topic and reachable from the sender, each
 * copy arriving `delayMs` (+ jitter, + reorder delay) later on the virtual
 * timeline — never synchronously inside `publish`. A packet still in flight
 * when its recipient stops, or when the two peers get partitioned, is
 * dropped.
 *
 * Readiness of topic T on transport X: `subscribers` = other *started*
 * transports subscribed to T (partitioned ones included, like a stale peer
 * table); `meshPeers` = those of them reachable from X; both are 0 while X
 * is stopped. `readiness` events fire on X's subscribed topics whenever
 * this changes (subscribe, unsubscribe, start, stop, partition, heal,
 * removal), synchronously inside the call that changed it.
 *
 * Randomness: each peer draws from its own stream derived from
 * `(seed, peerId)` — first its app id, then the fault decisions for the
 * packets it publishes, in publish order. A peer's faults therefore do not
 * depend on how its publishes interleave with other peers'.
 *
 * @example
 * ```ts
 * import { MemoryNetwork } from '@demls/transport-memory'
 * import { topicFor } from '@demls/wire'
 *
 * const net = new MemoryNetwork({ seed: 1, faults: { loss: 0.1, jitterMs: 20 } })
 * const [alice, bob] = [net.createTransport('alice'), net.createTransport('bob')]
 * await Promise.all([alice.start(), bob.start()])
 * const topic = topicFor('chat', 'app')
 * alice.subscribe(topic)
 * bob.subscribe(topic)
 * bob.addEventListener('message', (e) => console.log(e.detail.envelope.payload))
 * await alice.publish({ conversationId: 'chat', subtopic: 'app', payload: new Uint8Array([1]) })
 * await net.advance(100)
 * ```
 */
export class MemoryNetwork {
  /** The network's virtual clock; give it to everything that needs time. */
  readonly clock: VirtualClock
  private readonly seedKey: string
  private readonly transports = new Map<string, MemoryTransportImpl>()
  private readonly topicMembers = new Map<string, Set<MemoryTransportImpl>>()
  private readonly partitions = new PartitionTable()
  private readonly muted = new Map<string, { outbound: boolean; inbound: boolean }>()
  private readonly counters = new StatsCollector()
  private readonly trace: ((event: NetworkTraceEvent) => void) | undefined
  private currentFaults: Faults
  private readonly host: NetworkHost<MemoryTransportImpl>
  /** The duplicate window in ms, or 0 when duplicates are delivered. */
  readonly dropDuplicatesWithinMs: number

  constructor(init: MemoryNetworkInit = {}) {
    const clockInit: ConstructorParameters<typeof VirtualClock>[0] = {}
    if (init.startTime !== undefined) clockInit.startTime = init.startTime
    if (init.settleRounds !== undefined) clockInit.settleRounds = init.settleRounds
    if (init.onError !== undefined) clockInit.onError = init.onError
    this.clock = new VirtualClock(clockInit)
    this.seedKey = `${typeof init.seed}:${String(init.seed ?? 0)}`
    this.currentFaults = resolveFaults(init.faults)
    const window = init.dropDuplicatesWithinMs ?? GOSSIPSUB_SEEN_TTL_MS
    if (window !== false && !(Number.isFinite(window) && window >= 0)) {
      throw new InvalidFaultsError(`dropDuplicatesWithinMs must be false or a finite number ≥ 0, got ${window}`)
    }
    this.dropDuplicatesWithinMs = window === false ? 0 : window
    this.trace = init.trace
    this.host = {
      now: () => this.clock.now(),
      readinessFor: (t, topic) => this.readinessFor(t, topic),
      send: (t, topic, bytes) => this.send(t, topic, bytes),
      onLifecycle: (t) => {
        for (const topic of t.topics) this.refresh(topic)
      },
      onSubscription: (t, topic) => {
        let members = this.topicMembers.get(topic)
        if (t.topics.has(topic)) {
          if (members === undefined) {
            members = new Set()
            this.topicMembers.set(topic, members)
          }
          members.add(t)
        } else {
          members?.delete(t)
          if (members?.size === 0) this.topicMembers.delete(topic)
        }
        this.refresh(topic)
      },
      startedPeer: (peerId) => this.startedPeer(peerId),
    }
  }

  // ── peers ────────────────────────────────────────────────────────────

  /**
   * Create a (stopped) transport named `peerId` on this network.
   *
   * @throws {DuplicatePeerError} when `peerId` is taken
   */
  createTransport(peerId: string, init: MemoryTransportInit = {}): MemoryTransport {
    if (this.transports.has(peerId)) throw new DuplicatePeerError(peerId)
    const rng = new SeededRandom(`${this.seedKey}\u0000${peerId}`)
    const generated = rng.bytes(16)
    const appId = init.appId === undefined ? generated : Uint8Array.from(init.appId)
    const seen = this.dropDuplicatesWithinMs > 0 ? new SeenCache(this.dropDuplicatesWithinMs) : undefined
    const t = new MemoryTransportImpl(this.host, peerId, appId, rng, seen)
    this.transports.set(peerId, t)
    return t
  }

  /**
   * Stop a transport (dropping what is in flight to it), detach it and
   * forget its partitions and mute state. Starting it again throws.
   *
   * @throws {UnknownPeerError}
   */
  removeTransport(peer: PeerRef): void {
    const t = this.get(peer)
    const peerId = t.peerId
    t.halt()
    t.removed = true
    this.transports.delete(peerId)
    for (const topic of t.topics) {
      const members = this.topicMembers.get(topic)
      members?.delete(t)
      if (members?.size === 0) this.topicMembers.delete(topic)
      this.refresh(topic)
    }
    this.partitions.forget(peerId)
    this.muted.delete(peerId)
  }

  /** Peer ids of every transport, in creation order. */
  peers(): string[] {
    return [...this.transports.keys()]
  }

  /**
   * The transport named `peerId`.
   *
   * @throws {UnknownPeerError}
   */
  transport(peer: PeerRef): MemoryTransport {
    return this.get(peer)
  }

  // ── faults ───────────────────────────────────────────────────────────

  /** The current fault model (a copy). */
  get faults(): Faults {
    return { ...this.currentFaults }
  }

  /**
   * Change some fault parameters; the others keep their value. Applies to
   * packets published from now on.
   *
   * @throws {InvalidFaultsError}
   */
  setFaults(faults: FaultsInit): void {
    this.currentFaults = resolveFaults(faults, this.currentFaults)
  }

  /**
   * Cut every link between `groupA` and `groupB` (default: every other
   * peer). Packets in flight across the cut are dropped on arrival.
   * Partitions accumulate until healed.
   *
   * @throws {UnknownPeerError}
   */
  partition(groupA: Iterable<PeerRef>, groupB?: Iterable<PeerRef>): void {
    const a = this.known(groupA)
    const b = groupB === undefined ? this.peers().filter((p) => !a.includes(p)) : this.known(groupB)
    this.partitions.split(a, b)
    this.refreshAll()
  }

  /**
   * Restore the links between `groupA` and `groupB`, or every link when
   * called without arguments (`groupB` defaults to every other peer).
   *
   * @throws {UnknownPeerError}
   */
  heal(groupA?: Iterable<PeerRef>, groupB?: Iterable<PeerRef>): void {
    if (groupA === undefined) {
      this.partitions.clear()
    } else {
      const a = this.known(groupA)
      const b = groupB === undefined ? this.peers().filter((p) => !a.includes(p)) : this.known(groupB)
      this.partitions.join(a, b)
    }
    this.refreshAll()
  }

  /** Whether packets can currently travel between `a` and `b`. */
  isReachable(a: PeerRef, b: PeerRef): boolean {
    return this.partitions.reachable(this.get(a).peerId, this.get(b).peerId)
  }

  /**
   * Mute a peer: by default its outbound packets are dropped (its
   * `publish` still resolves as if sent) while it keeps receiving, like
   * the reference harness. Readiness is unaffected. Replaces any previous
   * mute state of the peer.
   *
   * @throws {UnknownPeerError}
   */
  mute(peer: PeerRef, options: MuteOptions = {}): void {
    this.muted.set(this.get(peer).peerId, { outbound: options.outbound ?? true, inbound: options.inbound ?? false })
  }

  /**
   * Undo {@link MemoryNetwork.mute}.
   *
   * @throws {UnknownPeerError}
   */
  unmute(peer: PeerRef): void {
    this.muted.delete(this.get(peer).peerId)
  }

  /** Whether `peer` is muted in any direction. */
  isMuted(peer: PeerRef): boolean {
    const m = this.muted.get(typeof peer === 'string' ? peer : peer.peerId)
    return m !== undefined && (m.inbound || m.outbound)
  }

  /**
   * Hand raw wire bytes to one transport on `topic`, bypassing the fault
   * model (what a buggy or malicious peer could send); the transport then
   * validates them like any packet. Stopped recipients drop it.
   *
   * @throws {UnknownPeerError}
   */
  deliverRaw(peer: PeerRef, topic: string, bytes: Uint8Array, options: DeliverRawOptions = {}): void {
    const to = this.get(peer)
    const copy = Uint8Array.from(bytes)
    const s = this.counters.of(topic)
    s.sent++
    const delay = options.delayMs ?? this.currentFaults.delayMs
    const generation = to.generation
    const key = to.seen === undefined ? NO_SEEN_KEY : seenKey(copy)
    this.clock.schedule(this.clock.now() + Math.max(0, delay), () => this.arrive(undefined, to, generation, topic, copy, key))
  }

  // ── time ─────────────────────────────────────────────────────────────

  /** Shorthand for `clock.advance(ms)`: see {@link VirtualClock.advance}. */
  advance(ms: number): Promise<void> {
    return this.clock.advance(ms)
  }

  /**
   * Shorthand for `clock.runUntil(predicate, options)`: run events until
   * `predicate()` holds; resolves with the virtual ms elapsed.
   *
   * @throws {TimeoutError} after `maxMs` (default 30 s) of virtual time
   */
  runUntil(predicate: () => boolean | Promise<boolean>, options?: RunUntilOptions): Promise<number> {
    return this.clock.runUntil(predicate, options)
  }

  /** Shorthand for `clock.settle()`: await pending async work, time stands still. */
  settle(): Promise<void> {
    return this.clock.settle()
  }

  // ── stats ────────────────────────────────────────────────────────────

  /** Traffic counters, in total and per topic (a snapshot). */
  stats(): NetworkStats {
    return this.counters.snapshot()
  }

  /** Traffic counters of one topic (zeros for an unseen topic). */
  topicStats(topic: string): TrafficStats {
    return this.counters.topic(topic)
  }

  /** Zero every traffic counter. */
  resetStats(): void {
    this.counters.reset()
  }

  // ── internals ────────────────────────────────────────────────────────

  private startedPeer(peerId: string): MemoryTransportImpl | undefined {
    const t = this.transports.get(peerId)
    return t?.isStarted ? t : undefined
  }

  private get(peer: PeerRef): MemoryTransportImpl {
    const peerId = typeof peer === 'string' ? peer : peer.peerId
    const t = this.transports.get(peerId)
    if (t === undefined || (typeof peer !== 'string' && t !== peer)) throw new UnknownPeerError(peerId)
    return t
  }

  private known(group: Iterable<PeerRef>): string[] {
    return [...group].map((p) => this.get(p).peerId)
  }

  private readinessFor(t: MemoryTransportImpl, topic: string): TopicReadiness {
    if (!t.isStarted) return ZERO(topic)
    const members = this.topicMembers.get(topic)
    if (members === undefined) return ZERO(topic)
    let subscribers = 0
    let meshPeers = 0
    const open = this.partitions.isEmpty
    for (const p of members) {
      if (p === t || !p.isStarted) continue
      subscribers++
      if (open || this.partitions.reachable(t.peerId, p.peerId)) meshPeers++
    }
    return { topic, meshPeers, subscribers, ready: meshPeers > 0 }
  }

  private refreshAll(): void {
    for (const topic of [...this.topicMembers.keys()]) this.refresh(topic)
  }

  /** Recompute readiness of `topic` on every subscriber; emit the changes. */
  private refresh(topic: string): void {
    const members = this.topicMembers.get(topic)
    if (members === undefined) return
    const changed: [MemoryTransportImpl, TopicReadiness][] = []
    // Without partitions every started subscriber sees the same peers: O(m).
    let started = 0
    if (this.partitions.isEmpty) for (const p of members) if (p.isStarted) started++
    for (const p of members) {
      let now: TopicReadiness
      if (!this.partitions.isEmpty) now = this.readinessFor(p, topic)
      else if (!p.isStarted) now = ZERO(topic)
      else now = { topic, meshPeers: started - 1, subscribers: started - 1, ready: started > 1 }
      const before = p.lastReadiness.get(topic) ?? ZERO(topic)
      if (sameReadiness(before, now)) continue
      p.lastReadiness.set(topic, now)
      changed.push([p, now])
    }
    for (const [p, r] of changed) p.safeDispatch('readiness', { ...r })
  }

  private send(from: MemoryTransportImpl, topic: string, bytes: Uint8Array): { recipients: number; duplicate: boolean } {
    const s = this.counters.of(topic)
    s.published++
    s.publishedBytes += bytes.length
    const members = this.topicMembers.get(topic)
    const recipients: MemoryTransportImpl[] = []
    const partitioned: MemoryTransportImpl[] = []
    if (members !== undefined) {
      for (const p of members) {
        if (p === from || !p.isStarted) continue
        if (this.partitions.reachable(from.peerId, p.peerId)) recipients.push(p)
        else partitioned.push(p)
      }
    }
    const now = this.clock.now()
    // Like the gossipsub transport: with nobody reachable nothing is handed
    // to the network, so the bytes are not marked as seen either.
    const key = from.seen === undefined || recipients.length === 0 ? NO_SEEN_KEY : seenKey(bytes)
    if (from.seen !== undefined && recipients.length > 0) {
      if (from.seen.has(key, bytes, now)) {
        s.reachedNobody++
        s.duplicatePublishes++
        this.trace?.({ type: 'publish', at: now, from: from.peerId, topic, bytes: bytes.length, recipients: 0, duplicate: true })
        return { recipients: 0, duplicate: true }
      }
      from.seen.add(key, bytes, now)
    }
    if (recipients.length === 0) s.reachedNobody++
    this.trace?.({ type: 'publish', at: now, from: from.peerId, topic, bytes: bytes.length, recipients: recipients.length })
    for (const to of partitioned) this.dropped(from.peerId, to.peerId, topic, bytes.length, 'partition')
    if (this.muted.get(from.peerId)?.outbound === true) {
      for (const to of recipients) this.dropped(from.peerId, to.peerId, topic, bytes.length, 'mute')
      return { recipients: recipients.length, duplicate: false }
    }
    const faults = this.currentFaults
    for (const to of recipients) {
      const plan = planDelivery(faults, from.rng)
      if (plan.lost) {
        this.dropped(from.peerId, to.peerId, topic, bytes.length, 'loss')
        continue
      }
      if (plan.duplicated) s.duplicated++
      if (plan.reordered) s.reordered++
      const generation = to.generation
      const toKey = to.seen === undefined ? NO_SEEN_KEY : key === NO_SEEN_KEY ? seenKey(bytes) : key
      for (const delay of plan.delays) {
        s.sent++
        this.clock.schedule(now + delay, () => this.arrive(from.peerId, to, generation, topic, bytes, toKey))
      }
    }
    return { recipients: recipients.length, duplicate: false }
  }

  private arrive(
    from: string | undefined,
    to: MemoryTransportImpl,
    generation: number,
    topic: string,
    bytes: Uint8Array,
    key: number,
  ): void {
    if (to.removed || !to.isStarted || to.generation !== generation) {
      this.dropped(from, to.peerId, topic, bytes.length, 'offline')
      return
    }
    if (from !== undefined && !this.partitions.reachable(from, to.peerId)) {
      this.dropped(from, to.peerId, topic, bytes.length, 'partition')
      return
    }
    if (this.muted.get(to.peerId)?.inbound === true) {
      this.dropped(from, to.peerId, topic, bytes.length, 'mute')
      return
    }
    if (to.seen?.checkAndAdd(key, bytes, this.clock.now()) === true) {
      this.dropped(from, to.peerId, topic, bytes.length, 'duplicate')
      return
    }
    const s = this.counters.of(topic)
    s.delivered++
    s.deliveredBytes += bytes.length
    // Each recipient gets its own copy, so no handler can corrupt another's.
    const accepted = to.receive(topic, bytes.slice())
    if (!accepted) s.rejected++
    this.trace?.({ type: 'deliver', at: this.clock.now(), from, to: to.peerId, topic, bytes: bytes.length, accepted })
  }

  private dropped(from: string | undefined, to: string, topic: string, bytes: number, reason: NetworkDropReason): void {
    this.counters.drop(topic, reason)
    this.trace?.({ type: 'drop', at: this.clock.now(), from, to, topic, bytes, reason })
  }
}

/**
 * Create a {@link MemoryNetwork} (the js-libp2p style factory).
 *
 * @example
 * ```ts
 * import { memoryNetwork } from '@demls/transport-memory'
 * const net = memoryNetwork({ seed: 7, faults: { loss: 0.05 } })
 * ```
 */
export function memoryNetwork(init: MemoryNetworkInit = {}): MemoryNetwork {
  return new MemoryNetwork(init)
}
