import { type ViolationEvidence, ViolationType, toHex } from '@demls/wire'
import type { ConversationCore } from '../conversation/core.js'

/** Name of the removal a steward opens for a member's `BanRequest`: decided by explicit votes only. */
export const BAN_REMOVAL_NAME = 'demls/ban-request/v1'

/**
 * Our automatic vote on an emergency proposal, from our **own**
 * observation, never the proposer's liveness flag (issue 15): a proposal
 * is a claim, and its evidence payload is nothing a voter can check.
 *
 * - `CENSORSHIP_INACTIVITY`: YES only if we, too, have not heard from the
 *   target for the suspect window (a live member is not censoring anyone
 *   we can see).
 * - `DEADLOCK`: YES only if our own election retries are exhausted or we
 *   are in Reelection ourselves.
 * - `BROKEN_COMMIT`, `BROKEN_MLS_PROPOSAL`, `MISBEHAVING_COMMIT` and
 *   anything else: NO. Members that saw the misbehaviour penalised it
 *   themselves when they judged the candidate; removing the member for it
 *   takes explicit YES votes.
 *
 * (`SCORE_BELOW_THRESHOLD` is judged from our own scores:
 * `judgeScoreRemoval`.)
 */
export function judgeEvidence(core: ConversationCore, evidence: ViolationEvidence, now: number): boolean {
  switch (evidence.violationType) {
    case ViolationType.CENSORSHIP_INACTIVITY:
      return evidence.targetMemberId.length > 0 && core.isSuspect(toHex(evidence.targetMemberId), now)
    case ViolationType.DEADLOCK:
      return core.sm.state === 'reelection' || core.steward.retriesExhausted()
    default:
      return false
  }
}
