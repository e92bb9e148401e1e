import type { ViolationEvidence } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'

/**
 * What {@link overtakenEmergency} reads: our epoch and the MLS membership.
 *
 * @example
 * ```ts
 * import type { OvertakenComponents } from '../voting/overtaken.js'
 * const at3: OvertakenComponents = { epoch: () => 3n, mls: { isMember: () => false } }
 * ```
 */
export interface OvertakenComponents {
  epoch: ConversationCore['epoch']
  readonly mls: Pick<ConversationCore['mls'], 'isMember'>
}

/**
 * Whether a rejected emergency was overtaken: its target was a member when
 * it was filed (the evidence's epoch is behind ours) and a commit since
 * removed it, so the voters who judged it afterwards (by their own scores,
 * of a member they no longer track) voted it down. Its creator is then not
 * penalised (`EmergencyNoCreator`): several stewards file removals of one
 * low-scored member at once (each sweep does), and the first to pass must
 * not cost the others. An emergency against a non-member at our epoch is
 * not overtaken.
 */
export function overtakenEmergency(core: OvertakenComponents, evidence: ViolationEvidence, approved: boolean): boolean {
  if (approved || evidence.targetMemberId.length !== 20) return false
  return evidence.epoch < core.epoch() && !core.mls.isMember(evidence.targetMemberId)
}
