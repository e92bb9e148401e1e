import type { VoteInit } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'
import { InvalidConsensusArgumentError } from '../errors.js'

const U64_MAX = (1n << 64n) - 1n

/**
 * The crate's `compute_vote_hash`: SHA-256 over
 * `vote_id u32 LE ‖ vote_owner ‖ proposal_id u32 LE ‖ timestamp u64 LE ‖
 * vote (one byte 0/1) ‖ parent_hash ‖ received_hash` — no length prefixes.
 * Absent fields take their proto3 defaults. Returns 32 bytes.
 *
 * @throws {InvalidConsensusArgumentError} when an id is not a u32 or the timestamp not a u64
 * @example
 * ```ts
 * import { computeVoteHash, ethereumAddress } from '@demls/consensus'
 * const owner = ethereumAddress(crypto.getRandomValues(new Uint8Array(32)))
 * const hash = computeVoteHash({ voteId: 1, voteOwner: owner, proposalId: 2, timestamp: 1_700_000_000n, vote: true })
 * ```
 */
export function computeVoteHash(vote: VoteInit): Uint8Array {
  const owner = vote.voteOwner ?? new Uint8Array(0)
  const parent = vote.parentHash ?? new Uint8Array(0)
  const received = vote.receivedHash ?? new Uint8Array(0)
  const voteId = vote.voteId ?? 0
  const proposalId = vote.proposalId ?? 0
  const timestamp = BigInt(vote.timestamp ?? 0)
  if (!Number.isInteger(voteId) || voteId < 0 || voteId > 0xffff_ffff) throw new InvalidConsensusArgumentError('voteId must be a u32')
  if (!Number.isInteger(proposalId) || proposalId < 0 || proposalId > 0xffff_ffff) {
    throw new InvalidConsensusArgumentError('proposalId must be a u32')
  }
  if (timestamp < 0n || timestamp > U64_MAX) throw new InvalidConsensusArgumentError('timestamp must be a u64')
  const buf = new Uint8Array(4 + owner.length + 4 + 8 + 1 + parent.length + received.length)
  const view = new DataView(buf.buffer)
  let o = 0
  view.setUint32(o, voteId, true)
  o += 4
  buf.set(owner, o)
  o += owner.length
  view.setUint32(o, proposalId, true)
  o += 4
  view.setBigUint64(o, timestamp, true)
  o += 8
  buf[o++] = vote.vote === true ? 1 : 0
  buf.set(parent, o)
  o += parent.length
  buf.set(received, o)
  return sha256(buf)
}
