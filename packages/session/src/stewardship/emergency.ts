import { deadlock, emergencyUpdateRequest, scoreBelowThreshold, withCreator } from '@demls/scoring'
import { type ViolationEvidenceInit, bytesEqual, toHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { initiateProposal } from '../voting/proposals.js'
import { silenceIsNo } from '../voting/judge-evidence.js'
import { electionPool } from './election-check.js'

/**
 * File an Emergency Criteria Proposal with our YES bundled; we are its
 * creator (receivers take the creator from the authenticated owner anyway).
 * Resolves the proposal id.
 */
export function submitEmergency(core: ConversationCore, evidence: ViolationEvidenceInit, now: number): Promise<number> {
  // Beyond the reference: a score removal counts silent voters as NO, so it
  // passes only on explicit YES votes of members whose own scores agree
  // (`judgeScoreRemoval`), never by silence.
  // Beyond that (issue 15), every accusation does: voters judge it from their own observation.
  return initiateProposal(
    core,
    emergencyUpdateRequest(withCreator(evidence, core.memberId)),
    'yes',
    now,
    silenceIsNo(evidence) ? { livenessCriteriaYes: false } : {},
  )
}

/**
 * After score changes (`check_and_initiate_score_removals`, §4.13): every
 * steward files a SCORE_BELOW_THRESHOLD ECP for each member at or below the
 * threshold, skipping itself, targets with an ECP in flight, targets
 * whose removal is already approved, and targets whose score removal the
 * group voted down unless our score of them has fallen since.
 */
export async function sweepScoreRemovals(core: ConversationCore, now: number): Promise<void> {
  if (!core.steward.isSteward(core.memberId)) return
  const approvedRemovals = core.approvedRemovalTargets()
  for (const target of core.scoring.membersBelowThreshold()) {
    const hex = toHex(target)
    if (bytesEqual(target, core.memberId) || core.queues.pendingRemovalTargets.has(hex) || approvedRemovals.has(hex)) continue
    if (!core.mls.isMember(target)) continue
    const score = core.scoring.scoreFor(target) ?? core.scoring.threshold()
    if (!core.queues.mayFileRemoval(hex, score)) continue
    core.queues.pendingRemovalTargets.add(hex)
    try {
      await submitEmergency(core, scoreBelowThreshold(target, core.epoch(), score), now)
    } catch (err) {
      core.queues.pendingRemovalTargets.delete(hex)
      core.error('score-removal', err)
    }
  }
}

/**
 * Layer 3: after election retries are exhausted, the responsible proposer
 * (first eligible list member, or the head of the list generated over the
 * election pool when no list member is eligible) files a Deadlock ECP with
 * its YES bundled.
 */
export async function fileDeadlock(core: ConversationCore, now: number): Promise<void> {
  const proposer = core.steward.responsibleProposer({ epoch: core.epoch(), pool: electionPool(core, true), eligible: core.eligibility() })
  if (proposer === undefined || !bytesEqual(proposer, core.memberId)) return
  try {
    await submitEmergency(core, deadlock(core.epoch()), now)
  } catch (err) {
    core.error('reelection-stuck', err)
  }
}
