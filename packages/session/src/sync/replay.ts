import { type ApprovalCertificate, type EpochAttestation, bytesEqual, fromHex, toHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { completeEpochTransition } from '../epoch/transition.js'
import { checkSwitchedCommits } from '../freeze/commit-equivocation.js'
import { requestJoinedBranch } from '../join/rewelcome.js'
import { commitHashOf } from '../rules/candidate-check.js'
import { checkReplay } from '../rules/replay-check.js'
import { targetKey } from '../rules/targets.js'
import { electableLists } from '../stewardship/stewardship.js'
import { authorizeChanges } from '../voting/certificates.js'
import { adoptOfferedProposals } from '../voting/late-proposals.js'
import { type ReplayedCommit, keepReplayMerges, majorityMerged, precheckReplay, requestCatchUp } from './catch-up.js'
import type { BranchPoint } from '../state/branch-point.js'
import { NOT_PREFERRED, NO_BRANCH_POINT, STAGING_ABORTED, branchPointFor, captureBranchPoint, stageOnBranchPoint } from './fork.js'
import { keepOwnCandidate, openState, ownCandidateState } from './own-candidates.js'
import { adoptListFromReplay, adoptMissedList } from './steward-sync.js'

/**
 * Catch-up: apply a commit the group merged while we missed it, replayed
 * by a peer. It must stage under MLS, come from an authorised committer and
 * carry only its own proposals; the approved prefix is not required (we may
 * have missed the votes too). Any round or pending commit of ours is
 * abandoned. Returns whether it was applied.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { onControl } from '../sync/catch-up.js'
 * import { applyReplay } from '../sync/replay.js'
 * import type { DemlsControl } from '@demls/wire'
 * declare const core: ConversationCore
 * declare const control: DemlsControl // a commit replay for our epoch
 * const replay = onControl(core, control, core.now)
 * if (replay?.kind === 'catch-up') await applyReplay(core, replay, core.now)
 * ```
 */
export async function applyReplay(core: ConversationCore, replay: ReplayedCommit, now: number): Promise<boolean> {
  const { candidate: c, certificates: offered, mergedBy } = replay
  const hashHex = precheckReplay(core, c)
  if (hashHex === undefined) {
    core.emit({ type: 'dropped', reason: 'candidate', detail: 'replayed commit not for our epoch, or already merged' })
    return false
  }
  // Our own candidate, merged by others while we still waited in the round:
  // merge our pending commit, which also yields the Welcome to publish.
  const own = core.rounds.candidates(core.epoch()).find((b) => b.isLocal && b.hashHex === hashHex)
  let ownMerge = own !== undefined && core.mls.hasPendingCommit()
  let joinerIds = own?.joinerIds ?? []
  if (!ownMerge && bytesEqual(c.stewardMemberId, core.memberId)) {
    // Ours, from a round we saw fail (we minted another since, or none): merge it from the state that has it pending.
    const kept = await ownCandidateState(core, core.epoch(), hashHex, undefined)
    if (kept === undefined) {
      core.emit({ type: 'dropped', reason: 'candidate', detail: 'replayed commit is ours but no longer held' })
      return false
    }
    if (kept.branchHex !== undefined && kept.branchHex !== toHex(core.mls.epochAuthenticator())) {
      // Minted on a branch of our epoch that a fork switch left: the fork choice decides whether we go back there
      // (ask for the commit that made our epoch, as for a commit that does not stage); then the replay merges.
      core.emit({ type: 'dropped', reason: 'candidate', detail: 'replayed commit is ours, minted on a branch we left' })
      askForOurEpochsCommit(core, now)
      return false
    }
    core.adoptGroup(kept.mls)
    ownMerge = true
    joinerIds = kept.joinerIds
  }
  let committer = core.memberId
  let certificates: ApprovalCertificate[] | undefined
  if (!ownMerge) {
    const staged = await core.mls.stageRemoteCommit({ proposals: c.mlsProposals, commit: c.commitMessage })
    if (staged.status === 'aborted') {
      core.emit({ type: 'dropped', reason: 'candidate', detail: `replayed commit refused by MLS: ${staged.reason}`, error: staged.error })
      // Joined and not yet confirmed: we may hold a state the group abandoned; learn which state it holds at our epoch.
      requestJoinedBranch(core, now)
      // A member: our epoch is another branch of the group's (issue 56, churn seed 40: alone on the losing commit of
      // an epoch the group had already left, asking for the next commit for good). Ask for the group's commit of the
      // epoch we branched from; the fork choice decides the switch (`applyForkSwitch`).
      if (core.provisional === undefined) askForOurEpochsCommit(core, now)
      return false
    }
    const epoch = core.epoch()
    const electable = () => electableLists(core, epoch, core.mls.members(), core.membership.joinEpochs, core.steward.isExhausted(epoch))
    const judge = () => checkReplay(staged, c, core.sm.mode === 'recovery', core.steward.currentList()?.members, electable)
    let check = judge()
    // A committer elected in an election we missed: the replay may carry that election's certificate. It
    // goes before inferring the list: a committer can be on the lists of several retry rounds, and the
    // inference takes the first, which need not be the one the group elected (members then held
    // different lists at one epoch: the 12-member fault runs).
    if ((!check.ok || check.inferred !== undefined) && adoptListFromReplay(core, offered, staged.committer)) check = judge()
    // A commit a strict majority of our epoch's members signed they merged: their word outweighs our list (as in a fork switch).
    if (!check.ok && check.notSteward === true && majorityMergedReplay(core, staged.epoch, commitHashOf(c.commitMessage), mergedBy)) check = { ok: true }
    if (!check.ok) {
      await core.mls.discardStagedCommit()
      core.emit({ type: 'dropped', reason: 'candidate', detail: `replayed commit refused: ${check.reason}` })
      return false
    }
    // No membership change without a vote we can verify: our own approval, or a certificate.
    const approvedKeys = new Set(core.queues.approvedMlsWork().flatMap(([, r]) => targetKey(r) ?? []))
    const merge = { epoch: staged.epoch, commitHash: commitHashOf(c.commitMessage), committer: staged.committer, attestations: mergedBy }
    const auth = authorizeChanges(core, staged.changes, offered, core.memberSet(), approvedKeys, merge)
    if (!auth.ok) {
      await core.mls.discardStagedCommit()
      core.emit({ type: 'dropped', reason: 'unauthorized', detail: `replayed commit refused: ${auth.reason}` })
      // A change decided at its timeout whose proposal we never received: we vote on it ourselves (the next replay may then hold).
      adoptOfferedProposals(core, offered, staged.changes, now)
      return false
    }
    certificates = auth.certificates
    if (check.inferred) adoptMissedList(core, epoch, check.inferred.members, check.inferred.retryRound)
    committer = staged.committer
  }
  const membersBefore = core.mls.members()
  const branch = captureBranchPoint(core, ownMerge ? hashHex : undefined)
  const merge = ownMerge ? await core.mls.mergeOwnCommit() : await core.mls.mergeStagedCommit()
  await completeEpochTransition(core, {
    merge,
    committer,
    candidate: c,
    hashHex,
    membersBefore,
    ops: [],
    welcome: ownMerge ? merge.welcome : undefined,
    joinerIds: ownMerge ? joinerIds : [],
    branch,
    source: 'catch-up',
    ...(certificates !== undefined ? { certificates } : {}),
    now,
  })
  return true
}

/**
 * Our epoch may be another branch of the group's: when we hold the branch
 * point of the commit that made it, note that we are off the branch and ask
 * for the group's commit of the epoch we branched from; the fork choice
 * decides the switch (`applyForkSwitch`).
 */
function askForOurEpochsCommit(core: ConversationCore, now: number): void {
  if (core.branch === undefined || core.branch.epoch + 1n !== core.epoch()) return
  if (core.catchUp.offBranch?.epoch !== core.epoch()) core.catchUp.offBranch = { epoch: core.epoch(), at: now }
  requestCatchUp(core, now, core.epoch() - 1n)
}

/**
 * The group's commit of a branch point's epoch does not stage on the state
 * we saved there: our state at that epoch is not the group's either, so
 * the fork lies earlier (we merged a commit the group left, then went on
 * on our own branch: the creator of a wave at 1.5 s jitter, alone an epoch
 * ahead for good). When we hold a branch point before that one
 * (`ConversationCore.priorBranches`), ask for the group's commit of its
 * epoch; the fork choice decides the switch there as at the last one
 * (`applyForkSwitch`). Only a replay we asked for this way is taken as a
 * fork that deep (`sync/catch-up.ts onControl`): a late or forged commit
 * of an old epoch never pulls a member on the group's branch back.
 */
function askBeforeBranchPoint(core: ConversationCore, failed: BranchPoint, now: number): void {
  const earlier = core.priorBranches.find((b) => b.epoch < failed.epoch)
  if (earlier === undefined || core.branch === undefined || core.branch.epoch + 1n !== core.epoch()) return
  if (core.catchUp.offBranch?.epoch === core.epoch() && core.catchUp.offBranch.from !== undefined && core.catchUp.offBranch.from <= earlier.epoch) return
  core.catchUp.offBranch = { epoch: core.epoch(), at: now, from: earlier.epoch }
  requestCatchUp(core, now, earlier.epoch)
}

/**
 * Our candidate of the round at this epoch, pending in the state a fork
 * switch leaves: members on that branch may still merge it (and may come
 * back to it), so keep the state that has it pending, as a lost round does.
 * Before, it was dropped with the state, and a replay of it later found
 * nothing to merge ("replayed commit is ours but no longer held"); we had
 * also noted it as minted, so we would not mint those changes again at
 * this epoch either, and stayed behind for good (churn seed 13, default
 * timing: the member flipped between two commits of one epoch while its
 * next commit was out).
 */
function keepPendingCandidate(core: ConversationCore): void {
  if (!core.mls.hasPendingCommit()) return
  const local = core.rounds.candidates(core.epoch()).find((c) => c.isLocal)
  if (local === undefined) return
  const sent = local.changesKey !== undefined ? { candidate: local.candidate, changesKey: local.changesKey } : undefined
  const branchHex = toHex(core.mls.epochAuthenticator())
  keepOwnCandidate(core, { epoch: core.epoch(), mlsState: core.mls.snapshot(), pendingHashHex: local.hashHex }, local.joinerIds ?? [], sent, branchHex)
}

/**
 * Fork healing: the group merged `c` (it wins the fork choice, `winsFork`) at the epoch we
 * left by merging another commit. Validate it against our saved branch
 * point and, if it holds, adopt it in place of ours. Returns whether we
 * switched.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { onControl } from '../sync/catch-up.js'
 * import { applyForkSwitch } from '../sync/replay.js'
 * import type { DemlsControl } from '@demls/wire'
 * declare const core: ConversationCore
 * declare const control: DemlsControl // a commit replay for the epoch we left
 * const replay = onControl(core, control, core.now)
 * if (replay?.kind === 'fork') await applyForkSwitch(core, replay, core.now)
 * ```
 */
export async function applyForkSwitch(core: ConversationCore, replay: ReplayedCommit, now: number): Promise<boolean> {
  const { candidate: c, certificates: offered, mergedBy } = replay
  const hashHex = toHex(commitHashOf(c.commitMessage))
  // Our last branch point, or a prior one when the fork lies before it.
  const before = branchPointFor(core, core.mls.inspectMessageEpoch(c.commitMessage))
  const abandoned = before?.hashHex
  const abandonedCandidate = before === undefined ? undefined : core.catchUp.log.get(before.epoch.toString())
  const switched = await stageOnBranchPoint(core, c, hashHex, offered, mergedBy)
  if (typeof switched === 'string' || abandoned === undefined) {
    // A joiner has no branch point: `join/rewelcome.ts` heals it (from the attestations this replay carries).
    const expected = switched === NOT_PREFERRED || (switched === NO_BRANCH_POINT && core.provisional !== undefined)
    if (typeof switched === 'string' && !expected) {
      core.emit({ type: 'dropped', reason: 'candidate', detail: `fork switch refused: ${switched}` })
    }
    if (typeof switched === 'string' && switched.startsWith(STAGING_ABORTED) && before !== undefined) askBeforeBranchPoint(core, before, now)
    return false
  }
  const { hashHex: _old, committer: _oldCommitter, ...branch } = switched.branch
  // On the group's branch now: what comes next is the commit that left this epoch.
  core.catchUp.offBranch = undefined
  keepPendingCandidate(core)
  core.adoptGroup(switched.mls)
  const merge = switched.own ? await core.mls.mergeOwnCommit() : await core.mls.mergeStagedCommit()
  const ownWelcome = switched.own ? merge.welcome : undefined
  if (core.sm.state !== 'working') core.sm.startWorking()
  core.emit({
    type: 'fork-healed',
    epoch: merge.epoch,
    abandoned: fromHex(abandoned),
    adopted: commitHashOf(c.commitMessage),
  })
  if (before !== undefined && abandonedCandidate !== undefined && !switched.own && bytesEqual(switched.committer, before.committer)) {
    // One committer signed both commits of this fork: a proof against it when their changes are the same.
    await checkSwitchedCommits(core, await openState(core.plugins.mls, before.mlsState), before.epoch, before.committer, abandonedCandidate, c)
  }
  await completeEpochTransition(core, {
    merge,
    committer: switched.committer,
    candidate: c,
    hashHex,
    membersBefore: switched.membersBefore,
    ops: [],
    // Our own commit won the fork: its joiners need its Welcome (the first selection merged another commit,
    // so we never published it), and we must keep it to re-send.
    welcome: ownWelcome,
    joinerIds: ownWelcome === undefined ? [] : merge.changes.filter((ch) => ch.action === 'add').map((ch) => ch.memberId),
    branch,
    source: 'fork-switch',
    ...(switched.certificates !== undefined ? { certificates: switched.certificates } : {}),
    now,
  })
  return true
}

/**
 * Whether a strict majority of our epoch's members signed that they merged
 * the replayed commit (`commitHash`, reaching `epoch`): the attestations
 * the replay carries from them are checked and kept first.
 */
function majorityMergedReplay(core: ConversationCore, epoch: bigint, commitHash: Uint8Array, mergedBy: readonly EpochAttestation[]): boolean {
  const members = core.memberSet()
  keepReplayMerges(core, epoch, commitHash, members, mergedBy)
  return majorityMerged(core, epoch, commitHash, members)
}
