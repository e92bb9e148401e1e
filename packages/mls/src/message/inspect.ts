import type { MLSMessage } from 'ts-mls'
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
  try {
    return framingOf(decodeMls(bytes))?.epoch
  } catch {
    return undefined
  }
}
