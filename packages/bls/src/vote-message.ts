import { sha256 } from '@noble/hashes/sha2.js'
import { BlsArgumentError } from './errors.js'

/** Domain tag of the message a BLS vote signs. */
export const BLS_VOTE_DOMAIN = 'demls/bls-vote/v1'

/** Longest conversation id a vote message takes (UTF-8 bytes). */
export const MAX_CONVERSATION_ID_BYTES = 0xffff

const encoder = new TextEncoder()
const TAG = encoder.encode(BLS_VOTE_DOMAIN)

/**
 * What a BLS vote is about: every member voting the same value on the
 * same proposal signs the same message, so their signatures aggregate.
 *
 * @example
 * ```ts
 * import type { BlsVoteContext } from '@demls/bls'
 * declare const proposalDigest: Uint8Array // SHA-256 of the proposal without votes (session's proposalDigest)
 * const ctx: BlsVoteContext = { conversationId: 'chat', epoch: 12n, proposalId: 3_141_592, proposalDigest }
 * ```
 */
export interface BlsVoteContext {
  /** The conversation (group) id. */
  conversationId: string
  /** The MLS epoch the vote is cast in (the epoch whose members vote). */
  epoch: bigint
  /** The consensus proposal id (u32). */
  proposalId: number
  /**
   * 32-byte digest of the proposal's content (in demls: SHA-256 of the
   * proposal encoded with no votes and round 0, `proposalDigest` of
   * `@demls/session/rules`), so a vote cannot move to a forged proposal
   * that reuses the id.
   */
  proposalDigest: Uint8Array
}

/**
 * The bytes a member signs with its BLS key to vote `vote` in `ctx`
 * (51 bytes; hashed to G2 with the signature DST):
 *
 * ```text
 * "demls/bls-vote/v1" ‖ 0x00 ‖ SHA-256(
 *     uint16_be(len(conversation_id)) ‖ conversation_id (UTF-8)
 *   ‖ uint64_be(epoch) ‖ uint32_be(proposal_id) ‖ proposal_digest (32)
 *   ‖ vote (0x01 YES, 0x00 NO))
 * ```
 *
 * Binding the conversation, the epoch, the proposal (id and content) and
 * the value means a YES aggregate is never a NO, and never counts in
 * another group, epoch or proposal.
 *
 * @throws {BlsArgumentError} when a field is out of range (epoch not a u64, id not a u32, digest not 32 bytes, id longer than 65,535 bytes)
 * @example
 * ```ts
 * import { blsVoteMessage } from '@demls/bls'
 * const ctx = { conversationId: 'chat', epoch: 5n, proposalId: 42, proposalDigest: new Uint8Array(32) }
 * const yes = blsVoteMessage(ctx, true)
 * const no = blsVoteMessage(ctx, false) // differs from yes
 * ```
 */
export function blsVoteMessage(ctx: BlsVoteContext, vote: boolean): Uint8Array {
  const id = encoder.encode(ctx.conversationId)
  if (id.length > MAX_CONVERSATION_ID_BYTES) throw new BlsArgumentError('conversation id longer than 65,535 bytes')
  if (typeof ctx.epoch !== 'bigint' || ctx.epoch < 0n || ctx.epoch >= 1n << 64n) throw new BlsArgumentError('epoch must be a u64 bigint')
  if (!Number.isInteger(ctx.proposalId) || ctx.proposalId < 0 || ctx.proposalId > 0xffff_ffff) {
    throw new BlsArgumentError('proposalId must be a u32')
  }
  if (!(ctx.proposalDigest instanceof Uint8Array) || ctx.proposalDigest.length !== 32) throw new BlsArgumentError('proposalDigest must be 32 bytes')
  const body = new Uint8Array(2 + id.length + 8 + 4 + 32 + 1)
  const view = new DataView(body.buffer)
  view.setUint16(0, id.length)
  body.set(id, 2)
  let o = 2 + id.length
  view.setBigUint64(o, ctx.epoch)
  o += 8
  view.setUint32(o, ctx.proposalId)
  o += 4
  body.set(ctx.proposalDigest, o)
  o += 32
  body[o] = vote ? 1 : 0
  const out = new Uint8Array(TAG.length + 1 + 32)
  out.set(TAG, 0)
  out.set(sha256(body), TAG.length + 1)
  return out
}
