import { type Proposal, type Vote, bytesEqual, encodeVote } from '@demls/wire'
import { InvalidHashChainError, InvalidSignatureError, InvalidVoteError, ProposalExpiredError } from '../errors.js'
import type { ConsensusSigner } from '../types.js'
import { computeVoteHash } from './vote-hash.js'

/**
 * Check a vote's integrity alone: non-empty owner, hash and signature, the
 * recomputed hash, and the signature over the encoding with the signature
 * cleared (verified with `verifier`).
 *
 * @throws {InvalidVoteError} on an empty field or a wrong hash
 * @throws {InvalidSignatureError} when the signature does not verify
 *
 * @example
 * ```ts
 * import { EthereumSigner, verifyVoteIntegrity } from '@demls/consensus'
 * import type { Vote } from '@demls/wire'
 * declare const vote: Vote
 * verifyVoteIntegrity(vote, new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) // hash and signature
 * ```
 */
export function verifyVoteIntegrity(vote: Vote, verifier: Pick<ConsensusSigner, 'verify'>): void {
  if (vote.voteOwner.length === 0) throw new InvalidVoteError('empty-owner')
  if (vote.voteHash.length === 0) throw new InvalidVoteError('empty-hash')
  if (vote.signature.length === 0) throw new InvalidVoteError('empty-signature')
  if (!bytesEqual(computeVoteHash(vote), vote.voteHash)) throw new InvalidVoteError('hash-mismatch')
  const payload = encodeVote({ ...vote, signature: undefined })
  if (!verifier.verify(vote.voteOwner, payload, vote.signature)) throw new InvalidSignatureError()
}

/**
 * Check a vote against its proposal's time window (the crate's replay
 * protection): `proposal.timestamp ≤ vote.timestamp ≤ expiration` and
 * `now ≤ expiration` (Unix seconds), and that it names the proposal.
 *
 * @throws {InvalidVoteError} on a wrong proposal id or a timestamp outside the window
 * @throws {ProposalExpiredError} when `nowSeconds` is past the expiration
 *
 * @example
 * ```ts
 * import { checkVoteWindow, nowSeconds } from '@demls/consensus'
 * import type { Proposal, Vote } from '@demls/wire'
 * declare const vote: Vote
 * declare const proposal: Proposal
 * checkVoteWindow(vote, proposal, nowSeconds(Date.now())) // throws InvalidVoteError or ProposalExpiredError
 * ```
 */
export function checkVoteWindow(
  vote: Vote,
  proposal: Pick<Proposal, 'proposalId' | 'timestamp' | 'expirationTimestamp'>,
  nowSeconds: bigint,
): void {
  if (vote.proposalId !== proposal.proposalId) throw new InvalidVoteError('proposal-id-mismatch')
  if (vote.timestamp < proposal.timestamp) throw new InvalidVoteError('timestamp-before-proposal')
  if (vote.timestamp > proposal.expirationTimestamp) throw new InvalidVoteError('timestamp-after-expiration')
  if (nowSeconds > proposal.expirationTimestamp) throw new ProposalExpiredError(proposal.proposalId)
}

/**
 * Full validation of one vote (the crate's `validate_vote` plus the proposal
 * id check): {@link verifyVoteIntegrity} then {@link checkVoteWindow}.
 *
 * @example
 * ```ts
 * import { EthereumSigner, validateVote, nowSeconds } from '@demls/consensus'
 * import type { Proposal, Vote } from '@demls/wire'
 * declare const vote: Vote
 * declare const proposal: Proposal
 * const verifier = new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))
 * validateVote(vote, proposal, nowSeconds(Date.now()), verifier) // integrity, signature and window
 * ```
 */
export function validateVote(
  vote: Vote,
  proposal: Pick<Proposal, 'proposalId' | 'timestamp' | 'expirationTimestamp'>,
  nowSeconds: bigint,
  verifier: Pick<ConsensusSigner, 'verify'>,
): void {
  if (vote.proposalId !== proposal.proposalId) throw new InvalidVoteError('proposal-id-mismatch')
  verifyVoteIntegrity(vote, verifier)
  checkVoteWindow(vote, proposal, nowSeconds)
}

/**
 * The crate's `validate_vote_chain` over an ordered vote list: each non-empty
 * `receivedHash` must equal the previous vote's hash and that vote must not
 * be later; each non-empty `parentHash` must point to an earlier vote of the
 * same owner that is not later.
 *
 * @throws {InvalidHashChainError}
 *
 * @example
 * ```ts
 * import { validateVoteChain } from '@demls/consensus'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * validateVoteChain(proposal.votes) // throws InvalidHashChainError on a broken link
 * ```
 */
export function validateVoteChain(votes: readonly Vote[]): void {
  if (votes.length <= 1) return
  for (let i = 0; i < votes.length; i++) {
    const vote = votes[i]!
    if (i > 0 && vote.receivedHash.length > 0) {
      const prev = votes[i - 1]!
      if (!bytesEqual(vote.receivedHash, prev.voteHash) || prev.timestamp > vote.timestamp) {
        throw new InvalidHashChainError('received-hash')
      }
    }
    if (vote.parentHash.length > 0) {
      // Like the crate's index (last vote with a given hash wins), the parent must be earlier.
      let parentIndex = -1
      for (let j = votes.length - 1; j >= 0; j--) {
        if (bytesEqual(votes[j]!.voteHash, vote.parentHash)) {
          parentIndex = j
          break
        }
      }
      const parent = parentIndex >= 0 ? votes[parentIndex]! : undefined
      if (
        parent === undefined ||
        parentIndex >= i ||
        !bytesEqual(parent.voteOwner, vote.voteOwner) ||
        parent.timestamp > vote.timestamp
      ) {
        throw new InvalidHashChainError('parent-hash')
      }
    }
  }
}
