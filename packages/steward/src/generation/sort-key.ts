import { sha256 } from '@noble/hashes/sha2.js'
import type { ConversationIdInput, EpochInput, MemberId } from '../types.js'
import { conversationIdBytes, toEpoch, toRetryRound } from './inputs.js'

/**
 * @internal Hash-input prefix shared by every member of one generation:
 * epoch u64 BE ‖ retry round u32 BE.
 */
export function sortKeyPrefix(epoch: bigint, retryRound: number): Uint8Array {
  const prefix = new Uint8Array(12)
  const view = new DataView(prefix.buffer)
  view.setBigUint64(0, epoch, false)
  view.setUint32(8, retryRound, false)
  return prefix
}

/** @internal Hash one member with a precomputed prefix and conversation id bytes. */
export function sortKeyWith(prefix: Uint8Array, memberId: MemberId, conversation: Uint8Array): Uint8Array {
  const input = new Uint8Array(prefix.length + memberId.length + conversation.length)
  input.set(prefix, 0)
  input.set(memberId, prefix.length)
  input.set(conversation, prefix.length + memberId.length)
  return sha256(input)
}

/**
 * The steward sort key of one member (reference `compute_steward_hash`):
 * `SHA-256(epoch u64 BE ‖ retryRound u32 BE ‖ memberId ‖ conversationId)`,
 * with no separators or length prefixes.
 *
 * @example
 * ```ts
 * import { stewardSortKey } from '@demls/steward'
 * const key = stewardSortKey(7n, 0, new Uint8Array(20), 'chat') // 32 bytes
 * ```
 */
export function stewardSortKey(
  epoch: EpochInput,
  retryRound: number,
  memberId: MemberId,
  conversationId: ConversationIdInput,
): Uint8Array {
  return sortKeyWith(
    sortKeyPrefix(toEpoch(epoch), toRetryRound(retryRound)),
    memberId,
    conversationIdBytes(conversationId),
  )
}
