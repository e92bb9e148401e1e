import { InvalidEpochError, InvalidRetryRoundError } from '../errors.js'
import type { ConversationIdInput, EpochInput } from '../types.js'

const U64_MAX = (1n << 64n) - 1n
const encoder = new TextEncoder()

/**
 * Normalise an epoch to a `bigint` in `[0, 2^64)`.
 *
 * @throws {InvalidEpochError} for negative, fractional, unsafe or too large values
 *
 * @example
 * ```ts
 * import { toEpoch } from '@demls/steward'
 * toEpoch(7) // 7n (numbers and bigints in [0, 2^64) are accepted)
 * ```
 */
export function toEpoch(epoch: EpochInput): bigint {
  if (typeof epoch === 'bigint') {
    if (epoch < 0n || epoch > U64_MAX) throw new InvalidEpochError(epoch)
    return epoch
  }
  if (typeof epoch === 'number' && Number.isSafeInteger(epoch) && epoch >= 0) return BigInt(epoch)
  throw new InvalidEpochError(epoch)
}

/**
 * Check a retry round is a u32.
 *
 * @throws {InvalidRetryRoundError} otherwise
 *
 * @example
 * ```ts
 * import { toRetryRound } from '@demls/steward'
 * toRetryRound(undefined) // 0
 * ```
 */
export function toRetryRound(retryRound: number | undefined): number {
  const r = retryRound ?? 0
  if (!Number.isInteger(r) || r < 0 || r > 0xffff_ffff) throw new InvalidRetryRoundError(r)
  return r
}

/**
 * The bytes of a conversation id: UTF-8 for strings, a copy for bytes.
 *
 * @example
 * ```ts
 * import { conversationIdBytes } from '@demls/steward'
 * conversationIdBytes('chat') // UTF-8 bytes; a Uint8Array is used as is
 * ```
 */
export function conversationIdBytes(conversationId: ConversationIdInput): Uint8Array {
  return typeof conversationId === 'string' ? encoder.encode(conversationId) : conversationId.slice()
}
