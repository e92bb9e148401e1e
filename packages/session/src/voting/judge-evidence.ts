import { type ViolationEvidence, ViolationType, toHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'

/**
 * What {@link judgeEvidence} reads: our epoch and our view of who went silent.
 *
 * @example
 * ```ts
 * import type { JudgeEvidenceComponents } from '../voting/judge-evidence.js'
 * const view: JudgeEvidenceComponents = { epoch: () => 5n, isSuspect: (hex) => hex === 'bb' }
 * ```
 */
export type JudgeEvidenceComponents = Pick<ConversationCore, 'epoch' | 'isSuspect'>

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
 * - `DEADLOCK`: YES if it is about our current epoch (as the reference,
 *   whose `deadlock_ecp_force_freezes_the_group` passes on the bundled YES
 *   and the liveness flag). It accuses nobody and changes no membership:
 *   it opens recovery mode and freezes, and every commit made in recovery
 *   still needs a certificate for each change it carries. What a member
 *   can do with it is stall the group for a freeze, bounded by its
 *   proposal quota; a claim about another epoch is NO.
 * - `BROKEN_COMMIT`, `BROKEN_MLS_PROPOSAL`, `MISBEHAVING_COMMIT` and
 *   anything else: NO. Members that saw the misbehaviour penalised it
 *   themselves when they judged the candidate; removing the member for it
 *   takes explicit YES votes.
 *
 * (`SCORE_BELOW_THRESHOLD` is judged from our own scores:
 * `judgeScoreRemoval`.)
 */
export function judgeEvidence(core: JudgeEvidenceComponents, evidence: ViolationEvidence, now: number): boolean {
  switch (evidence.violationType) {
    case ViolationType.CENSORSHIP_INACTIVITY:
      return evidence.targetMemberId.length > 0 && core.isSuspect(toHex(evidence.targetMemberId), now)
    case ViolationType.DEADLOCK:
      return evidence.epoch === core.epoch()
    default:
      return false
  }
}

/**
 * Whether an emergency must count silent voters as NO: every accusation
 * against a member. A Deadlock ECP keeps the group's liveness flag (it
 * accuses nobody, and the stewards it is about may be the silent ones).
 */
export function silenceIsNo(evidence: { readonly violationType?: ViolationType | null }): boolean {
  return evidence.violationType !== ViolationType.DEADLOCK
}
