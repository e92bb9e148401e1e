import { AbortError, type DecodeError, MessageTooLargeError } from '../errors/wire-errors.js'
import { bytesEqual } from '../bytes.js'
import { MAX_MESSAGE_BYTES, type TransportEnvelope, decodeTransportEnvelope, encodeTransportEnvelope } from './envelope.js'
import { parseTopic, topicFor } from './topics.js'
import type { AbortOptions, DroppedPacket, InboundPacket, OutboundPacket, TopicReadiness, Transport } from './types.js'


/** Publishes wrapped so far per app id object (see {@link wrapOutbound}). */
const publishSequence = new WeakMap<Uint8Array, bigint>()

/**
 * Build the wire bytes of an outbound packet for a transport whose app id
 * is `appId`. Shared by every transport implementation. Every call writes a
 * new `sequence` (a counter per `appId` instance, so a replayed simulation
 * writes the same bytes), so two publishes of the same
 * payload never have the same bytes: gossipsub's message id is the hash of
 * the bytes, and a re-send that must arrive (a re-announcement, a vote
 * echo, a heartbeat) would otherwise be dropped as a duplicate for as long
 * as its seen cache remembers the first.
 *
 * @throws {MessageTooLargeError}
 *
 * @example
 * ```ts
 * import { wrapOutbound } from '@demls/wire'
 * const appId = crypto.getRandomValues(new Uint8Array(16))
 * const { topic, bytes } = wrapOutbound(appId, { conversationId: 'chat', subtopic: 'welcome', payload: new Uint8Array([1]) })
 * console.log(topic) // '/chat/1/welcome/proto'
 * ```
 */
export function wrapOutbound(appId: Uint8Array, packet: OutboundPacket): { topic: string; bytes: Uint8Array } {
  const topic = topicFor(packet.conversationId, packet.subtopic)
  const bytes = encodeTransportEnvelope({
    conversationId: packet.conversationId,
    subtopic: packet.subtopic,
    senderAppId: appId,
    payload: packet.payload,
    sequence: nextSequence(appId),
  })
  return { topic, bytes }
}

function nextSequence(appId: Uint8Array): bigint {
  const next = (publishSequence.get(appId) ?? 0n) + 1n
  publishSequence.set(appId, next)
  return next
}

/**
 * Validate inbound wire bytes received on `topic` by a transport whose app
 * id is `appId`: either a packet to deliver or a drop with its reason.
 * Shared by every transport implementation.
 *
 * @example
 * ```ts
 * import { unwrapInbound, wrapOutbound } from '@demls/wire'
 * const alice = new Uint8Array(16).fill(1)
 * const bob = new Uint8Array(16).fill(2)
 * const { topic, bytes } = wrapOutbound(alice, { conversationId: 'chat', subtopic: 'app', payload: new Uint8Array([7]) })
 * const result = unwrapInbound(bob, topic, bytes, Date.now())
 * if ('packet' in result) console.log(result.packet.envelope.payload) // Uint8Array [7]
 * else console.log('dropped:', result.drop.reason)
 * ```
 */
export function unwrapInbound(
  appId: Uint8Array,
  topic: string,
  bytes: Uint8Array,
  receivedAt: number,
): { packet: InboundPacket } | { drop: DroppedPacket } {
  if (bytes.length > MAX_MESSAGE_BYTES) {
    return { drop: { topic, reason: 'too-large', bytes: bytes.length, error: new MessageTooLargeError(bytes.length, MAX_MESSAGE_BYTES) } }
  }
  let envelope: TransportEnvelope
  try {
    envelope = decodeTransportEnvelope(bytes)
  } catch (err) {
    return { drop: { topic, reason: 'malformed', bytes: bytes.length, error: err as DecodeError } }
  }
  if (bytesEqual(envelope.senderAppId, appId)) return { drop: { topic, reason: 'self', bytes: bytes.length } }
  let expected: ReturnType<typeof parseTopic>
  try {
    expected = parseTopic(topic)
  } catch (err) {
    return { drop: { topic, reason: 'topic-mismatch', bytes: bytes.length, error: err as Error } }
  }
  if (expected.conversationId !== envelope.conversationId || expected.subtopic !== envelope.subtopic) {
    return { drop: { topic, reason: 'topic-mismatch', bytes: bytes.length } }
  }
  return { packet: { topic, envelope, bytes: bytes.length, receivedAt } }
}

/**
 * Throw an {@link AbortError} if `signal` is aborted.
 *
 * @example
 * ```ts
 * import { throwIfAborted } from '@demls/wire'
 * async function work(options: { signal?: AbortSignal } = {}): Promise<void> {
 *   throwIfAborted(options.signal) // AbortError if already aborted
 *   await new Promise((r) => setTimeout(r, 10))
 *   throwIfAborted(options.signal)
 * }
 * ```
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason })
}

/**
 * Options of {@link waitForReadiness}.
 *
 * @example
 * ```ts
 * import { type WaitForReadinessOptions, type Transport, waitForReadiness } from '@demls/wire'
 * const options: WaitForReadinessOptions = { minPeers: 2, signal: AbortSignal.timeout(10_000) }
 * async function ready(transport: Transport, topic: string) {
 *   return waitForReadiness(transport, topic, options)
 * }
 * ```
 */
export interface WaitForReadinessOptions extends AbortOptions {
  /** Required mesh peers. @default 1 */
  minPeers?: number
}

/**
 * Resolve once `topic` has at least `minPeers` mesh peers on `transport`.
 *
 * @throws {AbortError} when the signal aborts first
 *
 * @example
 * ```ts
 * import { waitForReadiness, topicFor } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const alice = new MemoryNetwork().createTransport('alice')
 * await alice.start()
 * alice.subscribe(topicFor('chat', 'app'))
 * const readiness = await waitForReadiness(alice, topicFor('chat', 'app'), { minPeers: 1, signal: AbortSignal.timeout(5_000) })
 * ```
 */
export function waitForReadiness(
  transport: Transport,
  topic: string,
  options: WaitForReadinessOptions = {},
): Promise<TopicReadiness> {
  const minPeers = options.minPeers ?? 1
  const { signal } = options
  const ok = (r: TopicReadiness) => r.meshPeers >= minPeers
  const now = transport.readiness(topic)
  if (ok(now)) return Promise.resolve(now)
  if (signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }))
  return new Promise((resolve, reject) => {
    const onReadiness = (e: CustomEvent<TopicReadiness>) => {
      if (e.detail.topic !== topic || !ok(e.detail)) return
      cleanup()
      resolve(e.detail)
    }
    const onAbort = () => {
      cleanup()
      reject(new AbortError(undefined, { cause: signal?.reason }))
    }
    const cleanup = () => {
      transport.removeEventListener('readiness', onReadiness)
      signal?.removeEventListener('abort', onAbort)
    }
    transport.addEventListener('readiness', onReadiness)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
