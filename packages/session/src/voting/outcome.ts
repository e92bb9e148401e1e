import { emergencyScoreOps } from '@demls/scoring'
import { type ConversationUpdateRequest, ViolationType, toHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { enterFreezing, replayStashedCandidates } from '../freeze/commit-flow.js'
import { fileDeadlock, sweepScoreRemovals } from '../stewardship/emergency.js'
import { drainBufferedUpdates, electOnStewardRemoval, initiateStewardElection } from '../stewardship/stewardship.js'
import { electionInstallable, judgeElection } from '../stewardship/election-check.js'
import { onInviteResolved } from '../join/responder.js'
import { applyConsensusResult } from '../rules/apply-result.js'
import { certifyApproval, localCertificate } from './certificates.js'
import { decodeRequest } from '../rules/targets.js'
import { overtakenEmergency } from './overtaken.js'

/** Drain the consensus outcome queue and apply each outcome (`handle_consensus_outcome`). */
export async function handleOutcomes(core: ConversationCore, now: number): Promise<void> {
  for (const event of core.consensus.drainEvents()) {
    if (event.scope !== core.id) continue
    const approved = event.type === 'ConsensusReached' && event.result
    try {
      await handleOutcome(core, event.proposalId, approved, event.type === 'ConsensusFailed', now)
    } catch (err) {
      core.error('consensus-outcome', err)
    }
  }
}

function requestOf(core: ConversationCore, proposalId: number): ConversationUpdateRequest | undefined {
  if (core.voting.requests.has(proposalId)) return core.voting.requests.get(proposalId)
  const p = core.consensus.getProposal(core.id, proposalId)
  return p ? decodeRequest(p.payload) : undefined
}

async function handleOutcome(
  core: ConversationCore,
  proposalId: number,
  approved: boolean,
  failed: boolean,
  now: number,
): Promise<void> {
  core.voting.autoVotes.clear(proposalId)
  core.voting.timeouts.clear(proposalId)
  if (!core.queues.resolved.add(proposalId)) return
  const request = requestOf(core, proposalId)
  // Only open proposals stay in `requests` (it would otherwise grow for the conversation's lifetime).
  core.voting.requests.delete(proposalId)
  core.emit({ type: 'consensus-reached', proposalId, approved, failed, request })
  if (request === undefined) return
  // Joiner handshake: the proposal's owner reports the vote to the joiner.
  onInviteResolved(core, proposalId, request, approved, failed, now)
  if (approved) certifyApproval(core, proposalId, request)
  const members = core.memberSet()
  const result = applyConsensusResult(core.queues, proposalId, approved, request, (hex) => members.has(hex))
  core.queues.noteApproved(proposalId, now)
  switch (result.kind) {
    case 'election-accepted':
      installElectedList(core, request, proposalId)
      if (core.isEpochSteward(now)) await drainBufferedUpdates(core, now)
      // A new steward files the removals due before it was one (a proven equivocator's, for one).
      await sweepScoreRemovals(core, now)
      break
    case 'election-rejected':
      // Only the failure of an election we would have proposed ourselves moves the retry round on: a
      // rejected list of someone's choosing is no failed attempt (else a member could spend the group's
      // retries, and open recovery mode, by proposing lists nobody would vote for).
      if (request.stewardElection === undefined || !judgeElection(core, request.stewardElection)) break
      core.steward.bumpRetry()
      if (core.steward.retriesExhausted()) await fileDeadlock(core, now)
      else await initiateStewardElection(core, true, now)
      break
    case 'recovery-mode-opened':
      if (core.sm.enterRecovery()) core.emit({ type: 'mode-change', mode: 'recovery' })
      await enterFreezing(core, now, true)
      break
    case 'urgent-removal':
      await enterFreezing(core, now, true)
      await electOnStewardRemoval(core, result.target, now)
      break
    case 'queued-removal':
      await electOnStewardRemoval(core, result.target, now)
      break
    case 'rejected-membership':
      for (const [key, u] of [...core.queues.pendingUpdates]) {
        if (key.endsWith(`:${toHex(result.target)}`) && u.request.payload === request.payload) {
          core.queues.pendingUpdates.delete(key)
        }
      }
      break
    default:
      break
  }
  // After the switch: an accepted election installs its list first.
  await replayStashedCandidates(core, now)
  const evidence = request.payload === 'emergencyCriteria' ? request.emergencyCriteria?.evidence : undefined
  if (evidence !== undefined) {
    // Deviation 4: the creator is the proposal's owner (its authenticated sender), not the self-declared field.
    const owner = core.consensus.getProposal(core.id, proposalId)?.proposalOwner
    if (!overtakenEmergency(core, evidence, approved)) core.applyScores(emergencyScoreOps(evidence, approved, owner))
    if (evidence.targetMemberId.length > 0) {
      const target = toHex(evidence.targetMemberId)
      core.queues.pendingRemovalTargets.delete(target)
      // The group judged this removal on its own scores and said no: ours alone are no reason to file it again.
      if (!approved && evidence.violationType === ViolationType.SCORE_BELOW_THRESHOLD) {
        core.queues.refusedRemovals.set(target, core.scoring.scoreFor(evidence.targetMemberId) ?? core.scoring.threshold())
      }
    }
    core.queues.activeEmergencies.delete(proposalId)
    if (core.sm.state === 'reelection') {
      core.sm.startWorking()
      core.phaseChanged()
    }
    await sweepScoreRemovals(core, now)
  } else {
    core.queues.activeEmergencies.delete(proposalId)
  }
}

/** Validate an accepted election by regenerating it, then install it. */
function installElectedList(core: ConversationCore, request: ConversationUpdateRequest, proposalId: number): void {
  const e = request.stewardElection
  if (e === undefined) return
  // Counted on a branch we have since left (fork healing): the members of the branch we are on
  // never voted on it (they dropped it for its voter count), so it elects nobody here.
  const counted = core.consensus.getProposal(core.id, proposalId)?.expectedVotersCount
  const electorate = core.membership.epochHistory.get(e.electionEpoch)?.members.length
  if (counted !== undefined && electorate !== undefined && counted !== electorate) {
    core.emit({
      type: 'dropped',
      reason: 'invalid-proposal',
      detail: `election counted another electorate (${counted} voters; epoch ${e.electionEpoch} has ${electorate} members here)`,
    })
    return
  }
  // Beyond the reference (which regenerates the list from its own members, so any ordered list passed):
  // the list must be the one an election over our candidate pool at its epoch proposes, or the signed votes
  // of the epoch's members we hold prove the group elected it (`quorumElection`: our pool is the incomplete view).
  const certificate = localCertificate(core, proposalId)
  if (!electionInstallable(core, e, certificate)) {
    core.emit({ type: 'dropped', reason: 'invalid-proposal', detail: 'elected list does not regenerate from our members' })
    return
  }
  core.steward.installList(e.electionEpoch, e.proposedStewards, e.proposedStewards.length, e.retryRound)
  // What proves the election to members that missed it (sent with our list, see sync/steward-sync.ts).
  core.certificates.keepElection(certificate)
  core.stewardship.electionLanded(e.electionEpoch)
  if (core.sm.exitRecovery()) core.emit({ type: 'mode-change', mode: 'normal' })
  if (core.sm.state === 'reelection') {
    core.sm.startWorking()
    core.phaseChanged()
  }
}
