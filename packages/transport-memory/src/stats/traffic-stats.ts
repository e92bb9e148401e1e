/**
 * Why the network (not the receiving transport) dropped a delivery.
 *
 * @example
 * ```ts
 * import { MemoryNetwork, type NetworkDropReason } from '@demls/transport-memory'
 * const net = new MemoryNetwork({ faults: { loss: 0.1 } })
 * const { droppedBy } = net.stats().total
 * for (const reason of Object.keys(droppedBy) as NetworkDropReason[]) console.log(reason, droppedBy[reason])
 * ```
 */
export type NetworkDropReason =
  /** The fault model lost it. */
  | 'loss'
  /** Sender and recipient were partitioned (at send or at delivery time). */
  | 'partition'
  /** The sender was muted, or the recipient muted for inbound traffic. */
  | 'mute'
  /** The recipient was stopped or removed before the delivery was due. */
  | 'offline'
  /**
   * The recipient had already seen identical bytes within the duplicate
   * window (gossipsub's seen cache; see `dropDuplicatesWithinMs`).
   */
  | 'duplicate'

/**
 * Traffic counters of one topic (or of the whole network).
 *
 * @example
 * ```ts
 * import { MemoryNetwork, type TrafficStats } from '@demls/transport-memory'
 * import { topicFor } from '@demls/wire'
 * const net = new MemoryNetwork()
 * const app: TrafficStats = net.topicStats(topicFor('chat', 'app'))
 * console.log(`${app.delivered}/${app.sent} delivered, ${app.deliveredBytes} bytes`)
 * ```
 */
export interface TrafficStats {
  /** Packets accepted by `publish` (including ones that reached nobody). */
  published: number
  /** Wire bytes of those packets. */
  publishedBytes: number
  /**
   * Accepted packets that reached no peer: published with `allowNoPeers`
   * while no subscriber was reachable, or dropped as duplicates
   * (`duplicatePublishes`).
   */
  reachedNobody: number
  /**
   * Publishes of bytes the sender had already published or received within
   * the duplicate window: gossipsub sends them to nobody.
   */
  duplicatePublishes: number
  /** Copies handed to the scheduler (after loss, including duplicates). */
  sent: number
  /** Copies that reached a started, subscribed transport. */
  delivered: number
  /** Wire bytes of the delivered copies. */
  deliveredBytes: number
  /** Copies dropped by the network, all reasons. */
  dropped: number
  /** Dropped copies by reason. */
  droppedBy: Record<NetworkDropReason, number>
  /** Extra copies created by the duplication fault. */
  duplicated: number
  /** Deliveries that were held back by the reorder fault. */
  reordered: number
  /**
   * Delivered copies the receiving transport then rejected (malformed,
   * self, topic mismatch, not subscribed: its `drop` event).
   */
  rejected: number
}

/**
 * A snapshot of a network's counters.
 *
 * @example
 * ```ts
 * import { MemoryNetwork, type NetworkStats } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * const stats: NetworkStats = net.stats()
 * for (const [topic, t] of Object.entries(stats.topics)) console.log(topic, t.delivered, t.dropped)
 * ```
 */
export interface NetworkStats {
  /** Sum over every topic. */
  total: TrafficStats
  /** Per topic, keyed by topic string. */
  topics: Record<string, TrafficStats>
}

/**
 * A zeroed {@link TrafficStats}.
 *
 * @example
 * ```ts
 * import { emptyTrafficStats } from '@demls/transport-memory'
 * const zero = emptyTrafficStats() // every counter 0, every drop reason 0
 * console.log(zero.droppedBy.loss) // 0
 * ```
 */
export function emptyTrafficStats(): TrafficStats {
  return {
    published: 0,
    publishedBytes: 0,
    reachedNobody: 0,
    duplicatePublishes: 0,
    sent: 0,
    delivered: 0,
    deliveredBytes: 0,
    dropped: 0,
    droppedBy: { loss: 0, partition: 0, mute: 0, offline: 0, duplicate: 0 },
    duplicated: 0,
    reordered: 0,
    rejected: 0,
  }
}

function copy(s: TrafficStats): TrafficStats {
  return { ...s, droppedBy: { ...s.droppedBy } }
}

function add(into: TrafficStats, s: TrafficStats): void {
  into.published += s.published
  into.publishedBytes += s.publishedBytes
  into.reachedNobody += s.reachedNobody
  into.duplicatePublishes += s.duplicatePublishes
  into.sent += s.sent
  into.delivered += s.delivered
  into.deliveredBytes += s.deliveredBytes
  into.dropped += s.dropped
  for (const k of Object.keys(s.droppedBy) as (keyof TrafficStats['droppedBy'])[]) into.droppedBy[k] += s.droppedBy[k]
  into.duplicated += s.duplicated
  into.reordered += s.reordered
  into.rejected += s.rejected
}

/** Mutable per-topic counters behind `MemoryNetwork.stats()`. */
export class StatsCollector {
  private readonly byTopic = new Map<string, TrafficStats>()

  /** The live counters of `topic` (created on first use). */
  of(topic: string): TrafficStats {
    let s = this.byTopic.get(topic)
    if (s === undefined) {
      s = emptyTrafficStats()
      this.byTopic.set(topic, s)
    }
    return s
  }

  /** Count a network drop. */
  drop(topic: string, reason: NetworkDropReason, copies = 1): void {
    const s = this.of(topic)
    s.dropped += copies
    s.droppedBy[reason] += copies
  }

  /** A copy of the counters of one topic (zeros when unseen). */
  topic(topic: string): TrafficStats {
    const s = this.byTopic.get(topic)
    return s === undefined ? emptyTrafficStats() : copy(s)
  }

  /** A copy of every counter. */
  snapshot(): NetworkStats {
    const total = emptyTrafficStats()
    const topics: Record<string, TrafficStats> = {}
    for (const topic of [...this.byTopic.keys()].sort()) {
      const s = this.byTopic.get(topic)!
      topics[topic] = copy(s)
      add(total, s)
    }
    return { total, topics }
  }

  /** Zero every counter. */
  reset(): void {
    this.byTopic.clear()
  }
}
