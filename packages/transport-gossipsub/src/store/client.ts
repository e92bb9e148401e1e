import type { Libp2p, PeerId } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { type AbortOptions, MAX_MESSAGE_BYTES, throwIfAborted } from '@demls/wire'
import type { Multiaddr } from '@multiformats/multiaddr'
import { STORE_FRAME_LIMITS, STORE_PROTOCOL, type StoredPacket, StoreFrameError, decodeStoreReply, encodeStoreRequest } from './codec.js'
import { StoreRefusedError } from './errors.js'

/**
 * Options of {@link fetchFromStore}.
 *
 * @example
 * ```ts
 * import { type FetchFromStoreOptions } from '@demls/transport-gossipsub'
 * const options: FetchFromStoreOptions = { sinceMs: Date.now() - 3_600_000, maxPages: 100, signal: AbortSignal.timeout(30_000) }
 * ```
 */
export interface FetchFromStoreOptions extends AbortOptions {
  /** Only packets the store received at or after this time (ms since the Unix epoch). @default 0 */
  sinceMs?: number
  /** Stop after this many pages. @default 1_000 */
  maxPages?: number
  /** Stop after this many packet bytes in all. @default 64 MiB */
  maxBytes?: number
  /** Timeout of one page (dial, request, reply), in ms. @default 10_000 */
  pageTimeoutMs?: number
}

/**
 * Fetch what a store kept on `topic`, page by page, oldest first (one
 * stream per page; see {@link STORE_PROTOCOL}). A reply that does not
 * advance (cursors not increasing past the last page's) ends the fetch
 * with a `StoreFrameError`, so a store cannot keep a member paging
 * forever; `maxPages` and `maxBytes` bound the rest. The packets are
 * whatever the store returns: check them (a demls transport unwraps them
 * as any inbound packet; MLS authenticates what is inside).
 *
 * @throws {StoreRefusedError} when the store refuses
 * @throws {StoreFrameError} on an unreadable or inconsistent reply
 * @throws {AbortError} when `options.signal` aborts
 *
 * @example
 * ```ts
 * import { createGossipsubNode, fetchFromStore } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode()
 * await node.start()
 * declare const store: Parameters<typeof fetchFromStore>[1] // the store's multiaddr (…/p2p/12D3Koo…) or peer id
 * for await (const p of fetchFromStore(node, store, '/chat/1/app_msg/proto', { sinceMs: Date.now() - 3_600_000 })) {
 *   console.log(p.cursor, p.at, p.data.length)
 * }
 * ```
 */
export async function* fetchFromStore(
  node: Pick<Libp2p, 'dialProtocol'>,
  store: Multiaddr | PeerId,
  topic: string,
  options: FetchFromStoreOptions = {},
): AsyncGenerator<StoredPacket> {
  const maxPages = options.maxPages ?? 1_000
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024
  const name = store.toString()
  let after = 0
  let bytes = 0
  for (let page = 0; page < maxPages; page++) {
    throwIfAborted(options.signal)
    const timeout = AbortSignal.timeout(options.pageTimeoutMs ?? 10_000)
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout])
    const stream = await node.dialProtocol(store, STORE_PROTOCOL, { signal })
    let frame: Uint8Array
    try {
      const lp = lpStream(stream, { maxDataLength: STORE_FRAME_LIMITS.replyBytes, maxBufferSize: STORE_FRAME_LIMITS.replyBytes + 16 })
      await lp.write(encodeStoreRequest({ topic, sinceMs: Math.max(0, Math.floor(options.sinceMs ?? 0)), after }), { signal })
      frame = (await lp.read({ signal })).subarray()
      await stream.close({ signal }).catch(() => undefined)
    } catch (err) {
      stream.abort(err as Error)
      throwIfAborted(options.signal)
      throw err
    }
    const reply = decodeStoreReply(frame, MAX_MESSAGE_BYTES)
    if (reply.status !== 'ok') throw new StoreRefusedError(name, reply.status)
    for (const p of reply.packets) {
      if (p.cursor <= after) throw new StoreFrameError(`store ${name} returned cursor ${p.cursor} after ${after}: not advancing`)
      after = p.cursor
      bytes += p.data.length
      if (bytes > maxBytes) return
      yield p
    }
    if (!reply.more || reply.packets.length === 0) return
  }
}
