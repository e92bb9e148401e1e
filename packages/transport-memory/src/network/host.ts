import type { TopicReadiness } from '@demls/wire'
import type { MemoryTransportImpl } from './memory-transport.js'

/** What a transport needs from its network (internal). */
export interface NetworkHost {
  now(): number
  readinessFor(transport: MemoryTransportImpl, topic: string): TopicReadiness
  send(transport: MemoryTransportImpl, topic: string, bytes: Uint8Array): number
  onLifecycle(transport: MemoryTransportImpl): void
  onSubscription(transport: MemoryTransportImpl, topic: string): void
}
