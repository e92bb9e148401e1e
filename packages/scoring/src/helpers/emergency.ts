import { type ConversationUpdateRequestInit, type ViolationEvidenceInit, ViolationType } from '@demls/wire'
import { ScoreEvent } from '../score/events.js'
import type { MemberId, ScoreOp } from '../types.js'

/**
 * The target-side score event of an accepted ECP of `violationType`:
 * BROKEN_COMMIT → BrokenCommit, BROKEN_MLS_PROPOSAL → BrokenMlsProposal,
 * CENSORSHIP_INACTIVITY → CensorshipInactivity, MISBEHAVING_COMMIT →
 * MisbehavingCommit; `undefined` for SCORE_BELOW_THRESHOLD, DEADLOCK,
 * VIOLATION_UNSPECIFIED and unknown values.
 *
 * @example
 * ```ts
 * import { targetScoreEvent } from '@demls/scoring'
 * import { ViolationType } from '@demls/wire'
 * targetScoreEvent(ViolationType.CENSORSHIP_INACTIVITY) // 'CensorshipInactivity'
 * targetScoreEvent(ViolationType.DEADLOCK) // undefined: nobody to blame
 * ```
 */
export function targetScoreEvent(violationType: ViolationType | null | undefined): ScoreEvent | undefined {
  switch (violationType) {
    case ViolationType.BROKEN_COMMIT:
      return ScoreEvent.BrokenCommit
    case ViolationType.BROKEN_MLS_PROPOSAL:
      return ScoreEvent.BrokenMlsProposal
    case ViolationType.CENSORSHIP_INACTIVITY:
      return ScoreEvent.CensorshipInactivity
    case ViolationType.MISBEHAVING_COMMIT:
      return ScoreEvent.MisbehavingCommit
    default:
      return undefined
  }
}

/**
 * Score ops implied by a resolved emergency-criteria proposal (reference
 * `emergency_score_ops`): rejected → creator `EmergencyNoCreator`; accepted →
 * creator `EmergencyYesCreator`, plus the target op from
 * {@link targetScoreEvent} when there is one. No evidence → no ops.
 *
 * @param creatorOverride - the creator to score instead of the self-declared
 *   `evidence.creatorMemberId` (e.g. the MLS-authenticated sender of the proposal)
 *
 * @example
 * ```ts
 * import { brokenCommit, emergencyScoreOps, withCreator } from '@demls/scoring'
 * const [alice, bob] = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const ops = emergencyScoreOps(withCreator(brokenCommit(bob!, 3n), alice!), true)
 * // [{ memberId: alice, event: 'EmergencyYesCreator' }, { memberId: bob, event: 'BrokenCommit' }]
 * ```
 */
export function emergencyScoreOps(
  evidence: ViolationEvidenceInit | null | undefined,
  approved: boolean,
  creatorOverride?: MemberId,
): ScoreOp[] {
  if (evidence == null) return []
  const creator = (creatorOverride ?? evidence.creatorMemberId ?? new Uint8Array(0)).slice()
  if (!approved) return [{ memberId: creator, event: ScoreEvent.EmergencyNoCreator }]
  const ops: ScoreOp[] = [{ memberId: creator, event: ScoreEvent.EmergencyYesCreator }]
  const targetEvent = targetScoreEvent(evidence.violationType)
  if (targetEvent !== undefined) {
    ops.push({ memberId: (evidence.targetMemberId ?? new Uint8Array(0)).slice(), event: targetEvent })
  }
  return ops
}

/**
 * {@link emergencyScoreOps} for a whole `ConversationUpdateRequest`: no ops
 * unless it is an `emergencyCriteria` request with evidence.
 *
 * @example
 * ```ts
 * import { PeerScoringService, brokenCommit, emergencyScoreOpsForRequest, emergencyUpdateRequest, withCreator } from '@demls/scoring'
 * const [alice, bob] = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const request = emergencyUpdateRequest(withCreator(brokenCommit(bob!, 3n), alice!))
 * const scoring = new PeerScoringService()
 * scoring.applyOps(emergencyScoreOpsForRequest(request, true)) // the vote passed
 * ```
 */
export function emergencyScoreOpsForRequest(
  request: ConversationUpdateRequestInit,
  approved: boolean,
  creatorOverride?: MemberId,
): ScoreOp[] {
  if (request.emergencyCriteria == null) return []
  return emergencyScoreOps(request.emergencyCriteria.evidence, approved, creatorOverride)
}
