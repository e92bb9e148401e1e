/**
 * The de-MLS wire format, wire-compatible with the Rust reference
 * (vacp2p/de-mls 4.x and hashgraph-like-consensus 0.5.1): every protobuf
 * message of `de_mls.messages.v1` and `consensus.v1` with canonical
 * (prost-identical) encoding, the demls transport envelope and topic
 * naming, the {@link Transport} interface both transports implement, and
 * {@link DemlsError}, the base of every demls error.
 *
 * For every message type `T` there is `encodeT(value)` and `decodeT(bytes)`.
 * Field names are camelCase; bytes are `Uint8Array`; 64-bit integer fields
 * decode as `bigint` and encode from `bigint` or a safe-integer `number`.
 * Decoders throw only {@link DecodeError}.
 *
 * @example
 * ```ts
 * import { decodeVote, encodeVote } from '@demls/wire'
 *
 * const bytes = encodeVote({ voteId: 7, proposalId: 42, timestamp: 1_700_000_000n, vote: true })
 * const vote = decodeVote(bytes)
 * console.log(vote.proposalId, vote.timestamp) // 42 1700000000n
 * ```
 *
 * @packageDocumentation
 */
export { bytesEqual, compareBytes, concatBytes, fromHex, toHex } from './bytes.js'
export { DemlsError, type DemlsErrorOptions, docsPathOf } from './errors/demls-error.js'
export {
  AbortError,
  type AbortErrorOptions,
  DecodeError,
  InvalidMessageError,
  InvalidTopicError,
  MessageTooLargeError,
  NoPeersError,
  TransportNotStartedError,
} from './errors/wire-errors.js'
export * from './gen/messages.js'
export {
  ENVELOPE_VERSION,
  MAX_CONTACT_BYTES,
  MAX_MESSAGE_BYTES,
  type TransportEnvelope,
  decodeTransportEnvelope,
  encodeTransportEnvelope,
} from './transport/envelope.js'
export { type EventHandler, TypedEventEmitter, type TypedEventTarget } from './transport/events.js'
export {
  throwIfAborted,
  unwrapInbound,
  waitForReadiness,
  type WaitForReadinessOptions,
  wrapOutbound,
} from './transport/helpers.js'
export { CONVERSATION_VERSION, type SubtopicName, parseTopic, topicFor } from './transport/topics.js'
export type {
  AbortOptions,
  DropReason,
  DroppedPacket,
  FetchStoredOptions,
  InboundPacket,
  OutboundPacket,
  PublishOptions,
  PublishResult,
  PublishStats,
  TopicReadiness,
  Transport,
  TransportEvents,
} from './transport/types.js'
export { type Clock, type TimerHandle, systemClock } from './transport/clock.js'
