import { DecodeError, InvalidMessageError, MessageTooLargeError } from '../errors/wire-errors.js'
import { Subtopic, decodeEnvelope as decodeEnvelopeMessage, encodeEnvelope as encodeEnvelopeMessage } from '../gen/messages.js'
import type { SubtopicName } from './topics.js'

/** Envelope format version written by this package. */
export const ENVELOPE_VERSION = 1

/**
 * Largest packet (encoded {@link TransportEnvelope}) a demls transport
 * accepts or sends: 4 MiB less 64 KiB of headroom for gossipsub's own
 * framing, under its 4 MiB inbound limit (a larger message is dropped by
 * gossipsub peers without any error to the publisher).
 */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024 - 64 * 1024

/**
 * Largest transport contact ({@link Transport.contact}) a demls transport
 * gives out or takes in {@link Transport.dialContact}: 1 KiB, room for a peer id
 * and a few addresses. A longer one is refused unread.
 *
 * @example
 * ```ts
 * import { MAX_CONTACT_BYTES } from '@demls/wire'
 * const contact = new Uint8Array(2048)
 * if (contact.length > MAX_CONTACT_BYTES) console.log('not a contact any demls transport takes')
 * ```
 */
export const MAX_CONTACT_BYTES = 1024

/**
 * What every demls transport publishes: the application payload tagged
 * with the conversation, the subtopic and the sender's app id (used to drop
 * our own messages, which gossipsub does not filter).
 *
 * @example
 * ```ts
 * import { type TransportEnvelope, decodeTransportEnvelope, encodeTransportEnvelope } from '@demls/wire'
 * const bytes = encodeTransportEnvelope({ conversationId: 'chat', subtopic: 'app', senderAppId: new Uint8Array(8), payload: new Uint8Array([1]) })
 * const envelope: TransportEnvelope = decodeTransportEnvelope(bytes)
 * console.log(envelope.version, envelope.conversationId, envelope.subtopic) // 1 'chat' 'app'
 * ```
 */
export interface TransportEnvelope {
  /** Envelope format version ({@link ENVELOPE_VERSION}). */
  version: number
  /** The conversation (group) the packet belongs to; never empty. */
  conversationId: string
  /** The conversation channel it was sent on. */
  subtopic: SubtopicName
  /** Random per-process id of the sending application instance. */
  senderAppId: Uint8Array
  /** The encoded application message. */
  payload: Uint8Array
  /**
   * Publish counter of the sender's app id (0 when absent). Only there to make every
   * publish unique on the wire, so gossipsub's duplicate cache (message id =
   * hash of the bytes) does not swallow a deliberate re-send of the same
   * payload. Receivers must not use it for deduplication or rate limits.
   */
  sequence?: bigint
}

const TO_WIRE = { app: Subtopic.SUBTOPIC_APP, welcome: Subtopic.SUBTOPIC_WELCOME, votes: Subtopic.SUBTOPIC_DEMLS_VOTES } as const

/**
 * Encode an envelope, enforcing {@link MAX_MESSAGE_BYTES}.
 *
 * @throws {MessageTooLargeError} when the encoded packet exceeds the limit
 * @throws {InvalidMessageError} when a field cannot be encoded (unknown subtopic, lone surrogate in the id, …)
 *
 * @example
 * ```ts
 * import { encodeTransportEnvelope } from '@demls/wire'
 * const appId = crypto.getRandomValues(new Uint8Array(16)) // identifies this app instance
 * const bytes = encodeTransportEnvelope({ conversationId: 'chat', subtopic: 'app', senderAppId: appId, payload: new Uint8Array([1]) })
 * ```
 */
export function encodeTransportEnvelope(
  envelope: Omit<TransportEnvelope, 'version'> & { version?: number },
  limit = MAX_MESSAGE_BYTES,
): Uint8Array<ArrayBuffer> {
  // Cheap pre-check before encoding a huge payload.
  if (envelope.payload.length > limit) throw new MessageTooLargeError(envelope.payload.length, limit)
  if (!Object.hasOwn(TO_WIRE, envelope.subtopic)) {
    throw new InvalidMessageError('demls.transport.v1.Envelope', `unknown subtopic ${String(envelope.subtopic)}`)
  }
  const bytes = encodeEnvelopeMessage({
    version: envelope.version ?? ENVELOPE_VERSION,
    conversationId: envelope.conversationId,
    subtopic: TO_WIRE[envelope.subtopic],
    senderAppId: envelope.senderAppId,
    payload: envelope.payload,
    ...(envelope.sequence !== undefined && envelope.sequence > 0n ? { sequence: envelope.sequence } : {}),
  })
  if (bytes.length > limit) throw new MessageTooLargeError(bytes.length, limit)
  return bytes
}

/**
 * Decode and validate an envelope from untrusted bytes.
 *
 * @throws {DecodeError} on malformed bytes, an unknown version or subtopic,
 * an empty conversation id, or a packet over {@link MAX_MESSAGE_BYTES}
 *
 * @example
 * ```ts
 * import { DecodeError, decodeTransportEnvelope } from '@demls/wire'
 * declare const received: Uint8Array // a gossipsub message's data
 * try {
 *   const { conversationId, subtopic, payload } = decodeTransportEnvelope(received)
 * } catch (err) {
 *   if (err instanceof DecodeError) console.log('dropped a malformed packet')
 * }
 * ```
 */
export function decodeTransportEnvelope(bytes: Uint8Array, limit = MAX_MESSAGE_BYTES): TransportEnvelope {
  const type = 'demls.transport.v1.Envelope'
  if (bytes.length > limit) throw new DecodeError(type, `packet of ${bytes.length} bytes exceeds ${limit}`)
  const m = decodeEnvelopeMessage(bytes)
  if (m.version !== ENVELOPE_VERSION) throw new DecodeError(type, `unsupported version ${m.version}`)
  const subtopic: SubtopicName | undefined =
    m.subtopic === Subtopic.SUBTOPIC_APP
      ? 'app'
      : m.subtopic === Subtopic.SUBTOPIC_WELCOME
        ? 'welcome'
        : m.subtopic === Subtopic.SUBTOPIC_DEMLS_VOTES
          ? 'votes'
          : undefined
  if (subtopic === undefined) throw new DecodeError(type, `unknown subtopic ${m.subtopic}`)
  if (m.conversationId.length === 0) throw new DecodeError(type, 'empty conversation id')
  if (m.senderAppId.length === 0) throw new DecodeError(type, 'empty sender app id')
  return {
    version: m.version,
    conversationId: m.conversationId,
    subtopic,
    senderAppId: m.senderAppId,
    payload: m.payload,
    ...(m.sequence > 0n ? { sequence: m.sequence } : {}),
  }
}
