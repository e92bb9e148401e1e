/**
 * An in-process network for de-MLS: any number of peers, each with a
 * `Transport` from `@demls/wire`, sharing a virtual clock, with
 * seeded and reproducible faults (loss, duplication, reordering, delay and
 * jitter, partitions, per-peer mute) and per-topic traffic statistics.
 * Minutes of protocol time run in milliseconds.
 *
 * @example
 * ```ts
 * import { MemoryNetwork } from '@demls/transport-memory'
 * import { topicFor } from '@demls/wire'
 *
 * const net = new MemoryNetwork({ seed: 42, faults: { delayMs: 20, jitterMs: 10 } })
 * const alice = net.createTransport('alice')
 * const bob = net.createTransport('bob')
 * await alice.start()
 * await bob.start()
 *
 * const topic = topicFor('chat', 'app')
 * alice.subscribe(topic)
 * bob.subscribe(topic)
 * bob.addEventListener('message', (e) => {
 *   // Async work started by a handler is tracked, so `advance` waits for it.
 *   net.clock.track(crypto.subtle.digest('SHA-256', e.detail.envelope.payload.slice()))
 *   console.log('bob got', new TextDecoder().decode(e.detail.envelope.payload), 'at', net.clock.now())
 * })
 *
 * await alice.publish({ conversationId: 'chat', subtopic: 'app', payload: new TextEncoder().encode('hi') })
 * await net.runUntil(() => net.topicStats(topic).delivered === 1, { maxMs: 1_000 })
 * net.clock.setTimer(() => console.log('one minute later'), 60_000)
 * await net.advance(60_000) // a few ms of real time
 * ```
 *
 * @packageDocumentation
 */
export { DEFAULT_START_TIME, type RunUntilOptions, VirtualClock, type VirtualClockInit } from './clock/virtual-clock.js'
export { yieldMacrotask } from './clock/yield.js'
export { DuplicatePeerError, InvalidFaultsError, SchedulerBusyError, TimeoutError, UnknownPeerError } from './errors.js'
export { DEFAULT_FAULTS, type Faults, type FaultsInit, resolveFaults } from './faults/faults.js'
export { GOSSIPSUB_SEEN_TTL_MS, MemoryNetwork, type MemoryNetworkInit, memoryNetwork } from './network/memory-network.js'
export type {
  DeliverRawOptions,
  DeliverTrace,
  DropTrace,
  MemoryTransport,
  MemoryTransportInit,
  MuteOptions,
  NetworkTraceEvent,
  PeerRef,
  PublishTrace,
} from './network/types.js'
export { SeededRandom } from './random/seeded-random.js'
export {
  type NetworkDropReason,
  type NetworkStats,
  type TrafficStats,
  emptyTrafficStats,
} from './stats/traffic-stats.js'
