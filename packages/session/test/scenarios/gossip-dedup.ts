import type { MemoryTransport } from '@demls/transport-memory'
import { type Clock, type OutboundPacket, type PublishResult, toHex, wrapOutbound } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'

/** Gossipsub's seen cache in the real runs: about two minutes. */
export const GOSSIP_SEEN_MS = 120_000

/** What {@link withGossipDedup} did to one transport's publishes. */
export interface GossipDedupStats {
  sent: number
  /** Identical wire bytes published again inside the window: nobody got them. */
  duplicates: number
  /** Dropped by the test's `lose` predicate (after entering the seen cache). */
  lost: number
}

/**
 * TEST HELPER (not the memory network's own duplicate model): make a memory
 * transport behave like gossipsub towards re-sends. Gossipsub's message id
 * is the hash of the wire bytes, and a publisher whose seen cache holds the
 * id drops the publish, so a byte-identical re-send is a no-op for
 * {@link GOSSIP_SEEN_MS}. This wrapper keeps that cache per topic, keyed by
 * SHA-256 of the exact bytes the transport would send (`wrapOutbound`, the
 * same encoder the real transports use), and drops repeats. `lose` drops a
 * packet after it entered the cache (it was published, and then lost on
 * the way), which is when a re-send matters.
 */
export function withGossipDedup(
  transport: MemoryTransport,
  clock: Clock,
  options: { windowMs?: number; lose?: (packet: OutboundPacket, now: number) => boolean } = {},
): GossipDedupStats {
  const windowMs = options.windowMs ?? GOSSIP_SEEN_MS
  const stats: GossipDedupStats = { sent: 0, duplicates: 0, lost: 0 }
  const seen = new Map<string, Map<string, number>>()
  const t = transport as unknown as {
    appId: Uint8Array
    isStarted: boolean
    host: { send(t: unknown, topic: string, bytes: Uint8Array): number }
    publish(packet: OutboundPacket): Promise<PublishResult>
  }
  const original = t.publish.bind(transport)
  t.publish = async (packet: OutboundPacket, ...rest: unknown[]): Promise<PublishResult> => {
    if (!t.isStarted) return (original as (...a: unknown[]) => Promise<PublishResult>)(packet, ...rest)
    const { topic, bytes } = wrapOutbound(t.appId, packet)
    const now = clock.now()
    const cache = seen.get(topic) ?? new Map<string, number>()
    seen.set(topic, cache)
    for (const [id, at] of cache) {
      if (now - at < windowMs) break
      cache.delete(id)
    }
    const id = toHex(sha256(bytes))
    if (cache.has(id)) {
      stats.duplicates++
      return { topic, bytes: bytes.length, recipients: 0 }
    }
    cache.set(id, now)
    if (options.lose?.(packet, now)) {
      stats.lost++
      return { topic, bytes: bytes.length, recipients: 0 }
    }
    stats.sent++
    return { topic, bytes: bytes.length, recipients: t.host.send(transport, topic, bytes) }
  }
  return stats
}
