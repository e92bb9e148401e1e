import type { TopicReadiness } from '@demls/wire'
import type { MemoryTransportImpl } from './memory-transport.js'

/** What a transport needs from its network (internal). */
export interface NetworkHost {
  now(): number
  readinessFor(transport: MemoryTransportImpl, topic: string): TopicReadiness
  /** Hand a packet to the network: how many peers it went to, and whether it was dropped as a duplicate. */
  send(transport: MemoryTransportImpl, topic: string, bytes: Uint8Array): { recipients: number; duplicate: boolean }
  onLifecycle(transport: MemoryTransportImpl): void
  onSubscription(transport: MemoryTransportImpl, topic: string): void
}
