import { type Proposal, type Vote, bytesEqual, encodeVote } from '@demls/wire'
import { randomId, defaultRandom } from '../ids/random-id.js'
import type { ConsensusSigner, RandomSource } from '../types.js'
import { computeVoteHash } from './vote-hash.js'

/**
 * Input of {@link buildVote}.
 *
 * @example
 * ```ts
 * import { type BuildVoteInit, EthereumSigner, buildVote } from '@demls/consensus'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * const init: BuildVoteInit = { proposal, choice: true, signer: new EthereumSigner(crypto.getRandomValues(new Uint8Array(32))), now: Date.now() }
 * const vote = buildVote(init)
 * ```
 */
export interface BuildVoteInit {
  /** The proposal, with the votes held locally (their order matters: the last one is "received"). */
  proposal: Pick<Proposal, 'proposalId' | 'votes'>
  /** YES (`true`) or NO (`false`). */
  choice: boolean
  /** Signs the vote; its identity becomes `voteOwner`. */
  signer: ConsensusSigner
  /** Current time, milliseconds since the Unix epoch (written as whole seconds). */
  now: number
  /**
   * Source of the random vote id.
   * @default crypto.getRandomValues
   */
  random?: RandomSource
}

/**
 * Build and sign a vote as the crate's `build_vote`: random id (UUIDv4 folded
 * to u32), `parentHash` = hash of this owner's latest vote in the proposal
 * (else empty), `receivedHash` = hash of the proposal's last vote (else
 * empty), `voteHash` per {@link computeVoteHash}, signature over the
 * protobuf encoding of the vote with `voteHash` set and `signature` empty.
 *
 * @example
 * ```ts
 * import { EthereumSigner, buildVote } from '@demls/consensus'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * const vote = buildVote({ proposal, choice: false, signer: new EthereumSigner(crypto.getRandomValues(new Uint8Array(32))), now: Date.now() })
 * // vote.parentHash / receivedHash chain it to proposal.votes; vote.signature signs its hash
 * ```
 */
export function buildVote(init: BuildVoteInit): Vote {
  const { proposal, choice, signer, now } = init
  const owner = signer.identity
  const votes = proposal.votes
  const last = votes[votes.length - 1]
  let parentHash: Uint8Array = new Uint8Array(0)
  for (let i = votes.length - 1; i >= 0; i--) {
    const v = votes[i]
    if (v !== undefined && bytesEqual(v.voteOwner, owner)) {
      parentHash = v.voteHash
      break
    }
  }
  const vote: Vote = {
    voteId: randomId(init.random ?? defaultRandom),
    voteOwner: owner,
    proposalId: proposal.proposalId,
    timestamp: BigInt(Math.floor(now / 1000)),
    vote: choice,
    parentHash,
    receivedHash: last === undefined ? new Uint8Array(0) : last.voteHash,
    voteHash: new Uint8Array(0),
    signature: new Uint8Array(0),
  }
  vote.voteHash = computeVoteHash(vote)
  vote.signature = signer.sign(encodeVote(vote))
  return vote
}
