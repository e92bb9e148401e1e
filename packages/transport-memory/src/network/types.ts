import type { PublishStats, Transport } from '@demls/wire'
import type { NetworkDropReason } from '../stats/traffic-stats.js'

/** A `Transport` (from `@demls/wire`) attached to a {@link MemoryNetwork}. */
export interface MemoryTransport extends Transport {
  /** Name of this peer on its network (unique per network). */
  readonly peerId: string
  /**
   * Counters of this peer's publishes that reached nobody (no reachable
   * subscriber, or dropped as a duplicate). A snapshot.
   */
  publishStats(): PublishStats
}

/** A peer of a {@link MemoryNetwork}: its peer id or its transport. */
export type PeerRef = string | MemoryTransport

/** Options of {@link MemoryNetwork.createTransport}. */
export interface MemoryTransportInit {
  /**
   * App id stamped on every packet this transport sends.
   * @default 16 bytes from the network's seeded generator
   */
  appId?: Uint8Array
}

/** Options of {@link MemoryNetwork.mute}. */
export interface MuteOptions {
  /**
   * Drop what the peer publishes (it still believes it published).
   * @default true
   */
  outbound?: boolean
  /**
   * Drop what is delivered to the peer. Off by default: like the reference
   * test harness, a muted peer still hears the group.
   * @default false
   */
  inbound?: boolean
}

/** Options of {@link MemoryNetwork.deliverRaw}. */
export interface DeliverRawOptions {
  /**
   * Latency of the delivery, in ms.
   * @default the network's current `delayMs`
   */
  delayMs?: number
}

/** A packet accepted by `publish`. */
export interface PublishTrace {
  type: 'publish'
  /** Virtual time. */
  at: number
  from: string
  topic: string
  bytes: number
  /** Peers it was sent to (0 for a duplicate). */
  recipients: number
  /** Present when the packet was dropped as a duplicate of bytes the sender had seen. */
  duplicate?: true
}

/** A copy handed to the receiving transport. */
export interface DeliverTrace {
  type: 'deliver'
  /** Virtual time. */
  at: number
  /** Sender's peer id, or `undefined` for {@link MemoryNetwork.deliverRaw}. */
  from: string | undefined
  to: string
  topic: string
  bytes: number
  /** Whether the receiving transport emitted it as a `message`. */
  accepted: boolean
}

/** A copy dropped by the network. */
export interface DropTrace {
  type: 'drop'
  /** Virtual time. */
  at: number
  from: string | undefined
  to: string
  topic: string
  bytes: number
  reason: NetworkDropReason
}

/** What the network reports to its `trace` callback, in order. */
export type NetworkTraceEvent = PublishTrace | DeliverTrace | DropTrace
