import { ScoreEvent } from '@demls/scoring'
import { type Proposal, toHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { EQUIVOCATIONS_KEPT } from '../state/voting-state.js'
import { type EquivocationEvidence, equivocationsIn, verifyEquivocation } from '../rules/equivocation.js'
import { evictOldest } from '../state/bounded.js'

/**
 * What the equivocation flow needs: the evidence it keeps, the vote
 * signer (to verify pairs), scores and events.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { type EquivocationComponents, noteEquivocationsIn } from '../voting/equivocation.js'
 * declare const core: ConversationCore
 * const slices: EquivocationComponents = core // or just these four members (a vote signer for `plugins`), in a test
 * ```
 */
export interface EquivocationComponents {
  readonly voting: Pick<ConversationCore['voting'], 'equivocations'>
  readonly plugins: { readonly consensus: Pick<ConversationCore['plugins']['consensus'], 'signer'> }
  applyScores: ConversationCore['applyScores']
  emit: ConversationCore['emit']
}

/**
 * A member voted both ways on one proposal (issue 15; the reference drops
 * the second vote as a duplicate and keeps nothing). The first time we see
 * it for that member and proposal: keep the two signed votes as evidence
 * (`Conversation.equivocations()`), penalise the voter
 * (`ScoreEvent.EquivocatingVote`, by default to the score floor, below
 * any removal threshold whatever its history) and report an `equivocation` event. Returns
 * whether it was new. The caller has verified both votes' signatures, or
 * passes `verify` to have them checked here.
 */
export function noteEquivocation(core: EquivocationComponents, evidence: EquivocationEvidence, verify = false): boolean {
  const key = `${toHex(evidence.voter)}:${evidence.proposalId}`
  if (core.voting.equivocations.has(key)) return false
  if (verify && !verifyEquivocation(evidence, core.plugins.consensus.signer)) return false
  core.voting.equivocations.set(key, evidence)
  evictOldest(core.voting.equivocations, EQUIVOCATIONS_KEPT)
  core.applyScores([{ memberId: evidence.voter, event: ScoreEvent.EquivocatingVote }])
  core.emit({ type: 'equivocation', proposalId: evidence.proposalId, voter: evidence.voter, votes: evidence.votes })
  return true
}

/**
 * The equivocations in a proposal's votes put together from several
 * sources (a certificate that came with a replay and the votes we hold):
 * a member that sent a YES to some members and a NO to others is caught
 * when the two meet. Each pair is verified here. Returns how many were new.
 */
export function noteEquivocationsIn(core: EquivocationComponents, proposal: Proposal): number {
  let found = 0
  for (const e of equivocationsIn(proposal.votes).slice(0, 16)) if (noteEquivocation(core, e, true)) found++
  return found
}
