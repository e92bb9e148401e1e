import type { MLSMessage } from '#ts-mls'
import { decodeMls } from './codec.js'

/**
 * What an MLS message is, read from its framing without decrypting or
 * applying it. `other` covers GroupInfo, unknown wire formats and bytes
 * that are not an MLS message at all.
 *
 * @example
 * ```ts
 * import { type MessageKind, inspectMessageKind } from '@demls/mls'
 * declare const bytes: Uint8Array // an MLS message from the wire
 * const kind: MessageKind = inspectMessageKind(bytes)
 * if (kind === 'commit') console.log('route to the commit path')
 * ```
 */
export type MessageKind = 'proposal' | 'commit' | 'application' | 'welcome' | 'key-package' | 'other'

/** The kind of an already decoded message. */
export function kindOf(message: MLSMessage): MessageKind {
  switch (message.wireformat) {
    case 'mls_private_message':
      return message.privateMessage.contentType
    case 'mls_public_message':
      return message.publicMessage.content.contentType
    case 'mls_welcome':
      return 'welcome'
    case 'mls_key_package':
      return 'key-package'
    default:
      return 'other'
  }
}

/**
 * Classify MLS bytes (PrivateMessage and PublicMessage handshakes both
 * supported) without processing them; never throws.
 *
 * @example
 * ```ts
 * import { inspectMessageKind } from '@demls/mls'
 * inspectMessageKind(new Uint8Array([1, 2, 3])) // 'other'
 * ```
 */
export function inspectMessageKind(bytes: Uint8Array): MessageKind {
  const header = privateHeader(bytes)
  if (header !== undefined) return header.kind
  try {
    return kindOf(decodeMls(bytes))
  } catch {
    return 'other'
  }
}

/** Group id and epoch of a handshake or application message, if it has them. */
export function framingOf(message: MLSMessage): { groupId: Uint8Array; epoch: bigint } | undefined {
  if (message.wireformat === 'mls_private_message') return message.privateMessage
  if (message.wireformat === 'mls_public_message') return message.publicMessage.content
  return undefined
}

/**
 * The epoch a handshake or application message was framed in, read without
 * processing it; `undefined` for other messages or bytes that do not decode.
 *
 * @example
 * ```ts
 * import { inspectMessageEpoch } from '@demls/mls'
 * inspectMessageEpoch(new Uint8Array([1, 2, 3])) // undefined
 * ```
 */
export function inspectMessageEpoch(bytes: Uint8Array): bigint | undefined {
  const header = privateHeader(bytes)
  if (header !== undefined) return header.epoch
  try {
    return framingOf(decodeMls(bytes))?.epoch
  } catch {
    return undefined
  }
}

/** MLS 1.0, wire format `mls_private_message` (RFC 9420 §6). */
const MLS10 = 1
const PRIVATE_MESSAGE = 2
const CONTENT_TYPES: readonly (MessageKind | undefined)[] = [undefined, 'application', 'proposal', 'commit']

/**
 * The epoch and content type of a PrivateMessage read from its framing
 * alone (version, wire format, group id, epoch, content type, then the
 * lengths of the three remaining fields, which must end exactly at the
 * end of the bytes), without copying or decoding the ciphertext: every
 * inbound packet is classified before it is decrypted, and a full decode
 * would be done twice. `undefined` for anything else (other wire formats,
 * unknown content types, inconsistent lengths), which the callers then
 * read with the full decoder.
 */
function privateHeader(bytes: Uint8Array): { kind: MessageKind; epoch: bigint } | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length < 4) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint16(0) !== MLS10 || view.getUint16(2) !== PRIVATE_MESSAGE) return undefined
  let at = skipOpaque(bytes, 4) // group_id
  if (at === undefined || at + 9 > bytes.length) return undefined
  const epoch = view.getBigUint64(at)
  const kind = CONTENT_TYPES[bytes[at + 8]!]
  if (kind === undefined) return undefined
  at += 9
  for (let field = 0; field < 3 && at !== undefined; field++) at = skipOpaque(bytes, at) // authenticated_data, encrypted_sender_data, ciphertext
  return at === bytes.length ? { kind, epoch } : undefined
}

/** The offset after an `opaque<V>` at `at` (MLS variable-length size of 1, 2 or 4 bytes), or `undefined` past the end. */
function skipOpaque(bytes: Uint8Array, at: number): number | undefined {
  if (at >= bytes.length) return undefined
  const first = bytes[at]!
  const size = 1 << (first >> 6)
  if (size > 4 || at + size > bytes.length) return undefined
  let length = first & 0x3f
  for (let i = 1; i < size; i++) length = length * 256 + bytes[at + i]!
  const end = at + size + length
  return end <= bytes.length ? end : undefined
}
