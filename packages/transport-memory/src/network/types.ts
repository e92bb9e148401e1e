import type { AbortOptions, PublishStats, Transport } from '@demls/wire'
import type { NetworkDropReason } from '../stats/traffic-stats.js'

/**
 * A `Transport` (from `@demls/wire`) attached to a {@link MemoryNetwork}.
 *
 * @example
 * ```ts
 * import { type MemoryTransport, MemoryNetwork } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * const alice: MemoryTransport = net.createTransport('alice')
 * await alice.start()
 * console.log(alice.peerId, alice.publishStats()) // 'alice' { published: 0, … }
 * ```
 */
export interface MemoryTransport extends Transport {
  /** Name of this peer on its network (unique per network). */
  readonly peerId: string
  /**
   * Counters of this peer's publishes that reached nobody (no reachable
   * subscriber, or dropped as a duplicate). A snapshot.
   */
  publishStats(): PublishStats
  /** This network's name for us (`Transport.contact`); `undefined` while stopped. */
  contact(): Uint8Array | undefined
  /**
   * `Transport.dialContact` on a full mesh: `true` when `contact` names
   * another started peer of the network (every peer already reaches every
   * subscriber), `false` otherwise.
   */
  dialContact(contact: Uint8Array, options?: AbortOptions): Promise<boolean>
}

/**
 * A peer of a {@link MemoryNetwork}: its peer id or its transport.
 *
 * @example
 * ```ts
 * import { MemoryNetwork, type PeerRef } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * const alice = net.createTransport('alice')
 * net.createTransport('bob')
 * const isolated: PeerRef[] = [alice, 'bob'] // a transport or its peer id
 * net.partition(isolated)
 * ```
 */
export type PeerRef = string | MemoryTransport

/**
 * Options of {@link MemoryNetwork.createTransport}.
 *
 * @example
 * ```ts
 * import { MemoryNetwork, type MemoryTransportInit } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * const init: MemoryTransportInit = { appId: new TextEncoder().encode('alice-app') } // drops its own echoes
 * const alice = net.createTransport('alice', init)
 * ```
 */
export interface MemoryTransportInit {
  /**
   * App id stamped on every packet this transport sends.
   * @default 16 bytes from the network's seeded generator
   */
  appId?: Uint8Array
}

/**
 * Options of {@link MemoryNetwork.mute}.
 *
 * @example
 * ```ts
 * import { MemoryNetwork, type MuteOptions } from '@demls/transport-memory'
 * const net = new MemoryNetwork()
 * net.createTransport('steward')
 * const silent: MuteOptions = { outbound: true, inbound: false } // hears everything, says nothing
 * net.mute('steward', silent)
 * ```
 */
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

/**
 * Options of {@link MemoryNetwork.deliverRaw}.
 *
 * @example
 * ```ts
 * import { type DeliverRawOptions, MemoryNetwork } from '@demls/transport-memory'
 * import { topicFor } from '@demls/wire'
 * const net = new MemoryNetwork()
 * const bob = net.createTransport('bob')
 * const options: DeliverRawOptions = { delayMs: 50 }
 * net.deliverRaw(bob, topicFor('chat', 'app'), new Uint8Array([0xff]), options) // a hostile packet, 50 ms later
 * ```
 */
export interface DeliverRawOptions {
  /**
   * Latency of the delivery, in ms.
   * @default the network's current `delayMs`
   */
  delayMs?: number
}

/**
 * A packet accepted by `publish`.
 *
 * @example
 * ```ts
 * import { MemoryNetwork, type PublishTrace } from '@demls/transport-memory'
 * const publishes: PublishTrace[] = []
 * const net = new MemoryNetwork({ trace: (e) => { if (e.type === 'publish') publishes.push(e) } })
 * // after a run: publishes.filter((p) => p.recipients === 0) reached nobody
 * ```
 */
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

/**
 * A copy handed to the receiving transport.
 *
 * @example
 * ```ts
 * import { type DeliverTrace, MemoryNetwork } from '@demls/transport-memory'
 * const delivered: DeliverTrace[] = []
 * const net = new MemoryNetwork({ trace: (e) => { if (e.type === 'deliver') delivered.push(e) } })
 * // after a run: delivered.filter((d) => !d.accepted) are packets a transport refused
 * ```
 */
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

/**
 * A copy dropped by the network.
 *
 * @example
 * ```ts
 * import { type DropTrace, MemoryNetwork } from '@demls/transport-memory'
 * const drops: DropTrace[] = []
 * const net = new MemoryNetwork({ faults: { loss: 0.3 }, trace: (e) => { if (e.type === 'drop') drops.push(e) } })
 * // after a run: drops.map((d) => `${d.from} -> ${d.to}: ${d.reason}`)
 * ```
 */
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

/**
 * What the network reports to its `trace` callback, in order.
 *
 * @example
 * ```ts
 * import { MemoryNetwork, type NetworkTraceEvent } from '@demls/transport-memory'
 * const log: string[] = []
 * const trace = (e: NetworkTraceEvent) => log.push(`${e.at} ${e.type} ${e.topic} ${e.bytes}B`)
 * const net = new MemoryNetwork({ trace })
 * ```
 */
export type NetworkTraceEvent = PublishTrace | DeliverTrace | DropTrace
