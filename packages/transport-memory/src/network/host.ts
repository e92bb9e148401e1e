import type { TopicReadiness } from '@demls/wire'

/**
 * What a transport needs from its network (internal). Generic over the
 * transport type so that this file imports no transport (no import cycle).
 */
export interface NetworkHost<T> {
  now(): number
  readinessFor(transport: T, topic: string): TopicReadiness
  /** Hand a packet to the network: how many peers it went to, and whether it was dropped as a duplicate. */
  send(transport: T, topic: string, bytes: Uint8Array): { recipients: number; duplicate: boolean }
  onLifecycle(transport: T): void
  onSubscription(transport: T, topic: string): void
  /** The started transport named `peerId` on this network, if any. */
  startedPeer(peerId: string): T | undefined
}
