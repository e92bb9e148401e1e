import { type ApprovalCertificate, type CommitCandidate, type EpochAttestation, bytesEqual, fromHex, toHex } from '@demls/wire'
import type { MlsSnapshot } from '@demls/mls'
import type { ConversationCore } from '../core/core.js'
import { winsFork } from '../rules/fork-choice.js'
import { checkReplay } from '../rules/replay-check.js'
import { targetKey } from '../rules/targets.js'
import { authorizeChanges } from '../voting/certificates.js'
import type { BranchPoint } from '../state/branch-point.js'
import { electableLists } from '../stewardship/stewardship.js'
import { branchClaim, keepReplayMerges, mergedByMajority, rankingList } from './catch-up.js'
import { openState, ownCandidateState } from './own-candidates.js'
import { captureSession, restoreSession } from './rollback.js'
import { adoptMissedList, certifiedListFor, onStewardListNotice } from './steward-sync.js'

/** Capture the state before a merge (call before staging or merging): the MLS snapshot and the session slices ({@link captureSession}). */
export function captureBranchPoint(
  core: ConversationCore,
  /** Our own commit pending in `core.mls` (default: the local candidate of the round, if MLS holds a pending commit). */
  pendingHashHex = core.mls.hasPendingCommit() ? core.rounds.candidates(core.epoch()).find((c) => c.isLocal)?.hashHex : undefined,
): Omit<BranchPoint, 'hashHex' | 'committer'> & { mlsState: MlsSnapshot } {
  return {
    epoch: core.epoch(),
    // The cached member set of this epoch (never changed in place: a new epoch builds a new one).
    members: core.memberSet(),
    // The state object itself (no serialisation on the merge path; issue 18).
    mlsState: core.mls.snapshot(),
    ...(pendingHashHex !== undefined ? { pendingHashHex } : {}),
    session: captureSession(core),
  }
}

/**
 * The branch point a commit framed in `epoch` would replace our merge at:
 * our last one, or a prior one (`ConversationCore.priorBranches`) when the
 * fork lies an epoch or two before it. Undefined when we hold none there.
 */
export function branchPointFor(core: Pick<ConversationCore, 'branch' | 'priorBranches'>, epoch: bigint | undefined): BranchPoint | undefined {
  if (epoch === undefined) return undefined
  if (core.branch?.epoch === epoch) return core.branch
  return core.priorBranches.find((b) => b.epoch === epoch)
}

/** Why a fork switch could not be tried: we merged nothing since we joined (or restarted). */
export const NO_BRANCH_POINT = 'no branch point'

/** How a refusal begins when MLS refused the commit at the branch point: our state there is not the committer's. */
export const STAGING_ABORTED = 'staging aborted'

/** Why a fork switch was not even tried: our branch wins the fork choice (not worth an event). */
export const NOT_PREFERRED = 'not preferred by the fork choice'

/**
 * Switch to the branch of `candidate`, merged at our branch point by other
 * members: stage it against the saved state in a separate MLS instance,
 * check it like a catch-up commit, and only then adopt it. Returns the
 * merged result for the caller's post-merge bookkeeping, or undefined.
 */
export async function stageOnBranchPoint(
  core: ConversationCore,
  candidate: CommitCandidate,
  hashHex: string,
  offered: readonly ApprovalCertificate[] = [],
  mergedBy: readonly EpochAttestation[] = [],
): Promise<
  | {
      mls: Awaited<ReturnType<ConversationCore['plugins']['mls']['restoreGroup']>>
      committer: Uint8Array
      membersBefore: Uint8Array[]
      branch: BranchPoint
      /** The winning commit is ours: merge the restored pending commit (MLS cannot stage its own). */
      own: boolean
      /** What proves the winning commit's changes (undefined for ours: our own approvals). */
      certificates?: ApprovalCertificate[]
    }
  | string
> {
  if (core.branch === undefined) return NO_BRANCH_POINT
  const bp = branchPointFor(core, core.mls.inspectMessageEpoch(candidate.commitMessage))
  if (bp === undefined) return 'framed in another epoch'
  // The signed merges it carries of members at the branch point (counted by mergedByMajority).
  keepReplayMerges(core, bp.epoch + 1n, fromHex(hashHex), bp.members ?? new Set<string>(), mergedBy)
  // Ranked by the claimed committer first (cheap); staging below makes sure the claim is the MLS committer.
  if (!winsFork(branchClaim(core, candidate.stewardMemberId, fromHex(hashHex), bp), branchClaim(core, bp.committer, fromHex(bp.hashHex), bp))) {
    return NOT_PREFERRED
  }
  if (bytesEqual(candidate.stewardMemberId, core.memberId)) {
    // Ours: the state that has exactly this commit pending (we may have minted another since).
    const ours = await ownCandidateState(core, bp.epoch, hashHex, bp)
    if (ours === undefined) return 'our candidate is no longer pending'
    const membersBefore = ours.mls.members()
    restoreKeepingRankingList(core, bp)
    return { mls: ours.mls, committer: core.memberId, membersBefore, branch: bp, own: true }
  }
  const alt = await openState(core.plugins.mls, bp.mlsState)
  if (alt.hasPendingCommit()) await alt.discardOwnCommit()
  const staged = await alt.stageRemoteCommit({ proposals: candidate.mlsProposals, commit: candidate.commitMessage })
  if (staged.status === 'aborted') return `${STAGING_ABORTED}: ${staged.reason} ${staged.error.message}`
  // The list at the branch point, or the one installed since: an election
  // for that epoch may have resolved here only after we merged.
  const stewards = [...(bp.session.steward?.list.members ?? []), ...(core.steward.currentList()?.members ?? [])]
  const bpList = bp.session.steward?.list
  const exhausted = bpList !== undefined && core.steward.plugin.isExhausted(bpList, bp.epoch)
  const electable = () => electableLists(core, bp.epoch, alt.members(), new Map(bp.session.joinEpochs), exhausted)
  let check = checkReplay(staged, candidate, core.sm.mode === 'recovery', stewards, electable)
  // A committer on a list the group elected and we never installed (we refused its election, or missed it):
  // the election's certificate the replay carries decides, not our view of who should be steward.
  const certified = check.ok ? undefined : certifiedListFor(core, offered, staged.committer, bpList === undefined ? undefined : { epoch: bpList.electionEpoch, round: bpList.retryRound }, bp.epoch)
  if (certified !== undefined) check = { ok: true }
  // A commit a strict majority of the branch point's members signed they merged: the honest among them checked
  // its committer against the list they held. Ours disagrees (an election only we and a few counted, at a
  // timeout, after the group had moved on: churn FAST_TIMING seed 484); their signed word outweighs our view of
  // who should be steward. Everything else about the commit is still checked: MLS, its changes' approvals.
  if (!check.ok && check.notSteward === true && mergedByMajority(core, fromHex(hashHex), bp)) check = { ok: true }
  if (!check.ok) return check.reason
  const membersBefore = alt.members()
  // The other branch's changes need our approval at the branch point, or certificates we verify.
  const approvedKeys = new Set([...bp.session.queues.approved, ...core.queues.approved].flatMap(([, r]) => targetKey(r) ?? []))
  const merge = { epoch: staged.epoch, commitHash: fromHex(hashHex), committer: staged.committer, attestations: mergedBy }
  const auth = authorizeChanges(core, staged.changes, offered, new Set(membersBefore.map(toHex)), approvedKeys, merge)
  if (!auth.ok) return auth.reason
  restoreKeepingRankingList(core, bp)
  if (check.inferred) adoptMissedList(core, bp.epoch, check.inferred.members, check.inferred.retryRound)
  if (certified !== undefined) onStewardListNotice(core, certified, { certificateRequired: true })
  return { mls: alt, committer: staged.committer, membersBefore, branch: bp, own: false, certificates: auth.certificates }
}

/**
 * Roll the session back to the branch point for a switch, but keep the
 * list the switch was ranked on when it is newer than the one held there
 * (`rankingList`: an election of the branch point's epoch that landed here
 * after our merge). It was elected by the branch point's members, the same
 * on either branch, and the members already on the winning branch hold it:
 * rolled back to the older list, we would name other epoch stewards than
 * they do from then on.
 */
function restoreKeepingRankingList(core: ConversationCore, bp: BranchPoint): void {
  const ranked = rankingList(core, bp)
  restoreSession(core, bp.session)
  const held = core.steward.currentList()
  if (ranked === undefined || held === undefined) return
  if (ranked.electionEpoch === held.electionEpoch && ranked.retryRound === held.retryRound) return
  core.steward.installList(ranked.electionEpoch, ranked.members, ranked.members.length, ranked.retryRound)
}
