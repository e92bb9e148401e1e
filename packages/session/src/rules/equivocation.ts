import { type ConsensusSigner, verifyVoteIntegrity } from '@demls/consensus'
import { type Vote, bytesEqual, toHex } from '@demls/wire'

/**
 * Proof that a member voted both ways on one proposal: two votes with the
 * same owner and proposal id, one YES and one NO, each signed by the owner.
 * Anyone holding both can check it ({@link verifyEquivocation}); neither
 * vote can be forged, so nobody can frame an honest member with it.
 *
 * @example
 * ```ts
 * import type { EquivocationEvidence } from '@demls/session/rules'
 * declare const evidence: EquivocationEvidence
 * console.log(`proposal ${evidence.proposalId}: ${evidence.votes[0].vote} and ${evidence.votes[1].vote}`)
 * ```
 */
export interface EquivocationEvidence {
  /** The proposal both votes answer. */
  readonly proposalId: number
  /** The member that signed both. */
  readonly voter: Uint8Array
  /** The vote kept first, then the other one. */
  readonly votes: readonly [Vote, Vote]
}

/**
 * The equivocation two votes show, if they do: same proposal, same owner,
 * opposite choices. Signatures are not checked here (see
 * {@link verifyEquivocation}); two votes with the same choice and
 * different timestamps are not an equivocation (they count the same).
 *
 * @example
 * ```ts
 * import { equivocationOf } from '@demls/session/rules'
 * import type { Vote } from '@demls/wire'
 * declare const first: Vote
 * declare const second: Vote
 * const evidence = equivocationOf(first, second)
 * if (evidence !== undefined) console.log('equivocation on', evidence.proposalId)
 * ```
 */
export function equivocationOf(first: Vote, second: Vote): EquivocationEvidence | undefined {
  if (first.proposalId !== second.proposalId || !bytesEqual(first.voteOwner, second.voteOwner)) return undefined
  if (first.vote === second.vote) return undefined
  return { proposalId: first.proposalId, voter: first.voteOwner, votes: [first, second] }
}

/**
 * Every equivocation among `votes` (one per owner: its first vote against
 * the first later vote with the other choice). For the votes of one
 * proposal, as a certificate carries them. Signatures are not checked.
 *
 * @example
 * ```ts
 * import { equivocationsIn } from '@demls/session/rules'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * for (const e of equivocationsIn(proposal.votes)) console.log('voted both ways:', e.voter)
 * ```
 */
export function equivocationsIn(votes: readonly Vote[]): EquivocationEvidence[] {
  const first = new Map<string, Vote>()
  const found = new Map<string, EquivocationEvidence>()
  for (const v of votes) {
    const key = `${toHex(v.voteOwner)}:${v.proposalId}`
    const kept = first.get(key)
    if (kept === undefined) {
      first.set(key, v)
      continue
    }
    if (found.has(key)) continue
    const e = equivocationOf(kept, v)
    if (e !== undefined) found.set(key, e)
  }
  return [...found.values()]
}

/**
 * Check equivocation evidence ourselves: the two votes show an
 * equivocation ({@link equivocationOf}) of `evidence.voter` on
 * `evidence.proposalId`, and each vote's hash and signature hold
 * (`verifyVoteIntegrity` of `@demls/consensus`).
 *
 * @example
 * ```ts
 * import { EthereumSigner } from '@demls/consensus'
 * import { type EquivocationEvidence, verifyEquivocation } from '@demls/session/rules'
 * declare const evidence: EquivocationEvidence
 * verifyEquivocation(evidence, new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))) // true or false
 * ```
 */
export function verifyEquivocation(evidence: EquivocationEvidence, verifier: Pick<ConsensusSigner, 'verify'>): boolean {
  const [a, b] = evidence.votes
  const shown = equivocationOf(a, b)
  if (shown === undefined || shown.proposalId !== evidence.proposalId || !bytesEqual(shown.voter, evidence.voter)) return false
  try {
    verifyVoteIntegrity(a, verifier)
    verifyVoteIntegrity(b, verifier)
    return true
  } catch {
    return false
  }
}
