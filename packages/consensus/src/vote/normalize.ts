import type { Vote, VoteInit } from '@demls/wire'

const EMPTY = new Uint8Array(0)

/**
 * A full `Vote` (as `@demls/wire` decodes it) from a `VoteInit`: absent fields take their proto3 defaults.
 *
 * @example
 * ```ts
 * import { toVote } from '@demls/consensus'
 * const vote = toVote({ voteId: 1, proposalId: 2, vote: true }) // every field present, defaults filled in
 * console.log(vote.voteOwner.length) // 0
 * ```
 */
export function toVote(init: VoteInit): Vote {
  return {
    voteId: init.voteId ?? 0,
    voteOwner: init.voteOwner ?? EMPTY,
    proposalId: init.proposalId ?? 0,
    timestamp: BigInt(init.timestamp ?? 0),
    vote: init.vote ?? false,
    parentHash: init.parentHash ?? EMPTY,
    receivedHash: init.receivedHash ?? EMPTY,
    voteHash: init.voteHash ?? EMPTY,
    signature: init.signature ?? EMPTY,
  }
}
