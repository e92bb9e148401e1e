import { type ConversationUpdateRequest, ViolationType } from '@demls/wire'
import type { ConversationQueues, ProposalId } from '../core/queues.js'
import { keyOfTarget, targetOf, targetSatisfied } from './targets.js'
import { toHex } from '../util/bytes.js'

/**
 * What the caller must do after a proposal resolved (queue effects already applied).
 *
 * @example
 * ```ts
 * import { type ConsensusApplyResult, ConversationQueues, applyConsensusResult } from '@demls/session/rules'
 * import type { ConversationUpdateRequest } from '@demls/wire'
 * const request: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: new Uint8Array(20).fill(2) } }
 * const result: ConsensusApplyResult = applyConsensusResult(new ConversationQueues(), 7, true, request)
 * if (result.kind === 'queued-removal') console.log('removal waits for the next commit')
 * ```
 */
export type ConsensusApplyResult =
  | { kind: 'election-accepted'; request: ConversationUpdateRequest }
  | { kind: 'election-rejected'; request: ConversationUpdateRequest }
  /** Score ECP accepted: the removal is queued and must be committed now, alone. */
  | { kind: 'urgent-removal'; target: Uint8Array }
  /** Deadlock ECP accepted: enter recovery mode and freeze. */
  | { kind: 'recovery-mode-opened' }
  /** An ordinary removal was approved and queued. */
  | { kind: 'queued-removal'; target: Uint8Array }
  /** An add/remove was rejected; its buffered update can be dropped. */
  | { kind: 'rejected-membership'; target: Uint8Array }
  | { kind: 'no-action'; reason?: 'duplicate-target' | 'already-satisfied' }

/**
 * The pure queue effects of a resolved proposal (the reference's
 * `apply_consensus_result`, `reference-architecture.md` §8.3), with one
 * generalisation: an add or remove whose target is already approved is a
 * no-op (the reference deduplicates removals only).
 *
 * A second generalisation when `isMember` is given: an add of a current
 * member or a remove of a non-member is not queued. Such work is already
 * satisfied (a member that caught up on the commit before its votes
 * resolved), and queuing it would revive it once the membership changes
 * again: a removed member re-added by a stale approval.
 *
 * Mutates `queues` (voting → approved, urgent target) and returns the
 * follow-up the stateful code must perform.
 *
 * @example
 * ```ts
 * import { ConversationQueues, applyConsensusResult } from '@demls/session/rules'
 * import type { ConversationUpdateRequest } from '@demls/wire'
 * const queues = new ConversationQueues()
 * const request: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: new Uint8Array(20).fill(2) } }
 * const result = applyConsensusResult(queues, 7, false, request) // voted down
 * console.log(result.kind, queues.approved.size)
 * ```
 */
export function applyConsensusResult(
  queues: ConversationQueues,
  proposalId: ProposalId,
  approved: boolean,
  request: ConversationUpdateRequest,
  isMember?: (memberIdHex: string) => boolean,
): ConsensusApplyResult {
  queues.voting.delete(proposalId)

  if (request.payload === 'stewardElection') {
    return approved ? { kind: 'election-accepted', request } : { kind: 'election-rejected', request }
  }

  const evidence = request.payload === 'emergencyCriteria' ? request.emergencyCriteria?.evidence : undefined
  const isEmergency = request.payload === 'emergencyCriteria'
  const transforms =
    approved &&
    evidence !== undefined &&
    evidence.violationType === ViolationType.SCORE_BELOW_THRESHOLD &&
    evidence.targetMemberId.length > 0

  if (!approved) {
    if (request.payload === 'memberInvite' && request.memberInvite) {
      return { kind: 'rejected-membership', target: request.memberInvite.memberId }
    }
    if (request.payload === 'removeMember' && request.removeMember) {
      return { kind: 'rejected-membership', target: request.removeMember.memberId }
    }
    return { kind: 'no-action' }
  }

  // The request that enters the approved queue, if any.
  let queued: ConversationUpdateRequest | undefined
  if (transforms) {
    queued = { payload: 'removeMember', removeMember: { memberId: evidence.targetMemberId } }
  } else if (!isEmergency) {
    queued = request
  }

  if (queued !== undefined) {
    const target = targetOf(queued)
    if (target !== undefined && queues.isApprovedTarget(keyOfTarget(target))) return { kind: 'no-action', reason: 'duplicate-target' }
    if (target !== undefined && isMember !== undefined && !transforms && targetSatisfied(target, isMember)) {
      return { kind: 'no-action', reason: 'already-satisfied' }
    }
    queues.approved.set(proposalId, queued)
  }

  if (transforms) {
    queues.urgentTarget = toHex(evidence.targetMemberId)
    return { kind: 'urgent-removal', target: evidence.targetMemberId }
  }
  if (evidence?.violationType === ViolationType.DEADLOCK) return { kind: 'recovery-mode-opened' }
  if (queued?.payload === 'removeMember' && queued.removeMember) {
    return { kind: 'queued-removal', target: queued.removeMember.memberId }
  }
  return { kind: 'no-action' }
}
