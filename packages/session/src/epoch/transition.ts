import type { MembershipChange, MergeResult } from '@demls/mls'
import { type ScoreOp, ScoreEvent } from '@demls/scoring'
import {
  type ApprovalCertificate,
  type CommitCandidate,
  type ConversationUpdateRequest,
  type MemberWelcome,
  encodeAppMessage,
  encodeWelcomeChannelMessage,
  fromHex,
  toHex,
} from '@demls/wire'
import { sha256 } from '../util/hash.js'
import type { ConversationCore } from '../core/core.js'
import type { CommitSource } from '../core/events.js'
import type { ConversationQueues } from '../core/queues.js'
import { onInviteResolved } from '../join/responder.js'
import { endProvisional, judge } from '../join/rewelcome.js'
import { type PrefixEntry, expiredAdds } from '../rules/selection-order.js'
import { keyOfTarget, targetKey, targetOf, targetSatisfied } from '../rules/targets.js'
import type { BranchPoint } from '../state/branch-point.js'
import { sweepScoreRemovals } from '../stewardship/emergency.js'
import { syncLastSeen } from '../stewardship/liveness.js'
import { drainBufferedUpdates, initiateStewardElection, opensBufferedUpdates, reconcileStewardList } from '../stewardship/stewardship.js'
import { keepWelcome, recordMerged, recordWelcome } from '../sync/catch-up.js'
import { buildSync } from '../sync/conversation-sync.js'
import { recordEpoch } from '../sync/steward-sync.js'
import { bindingsForSync, settleBindings, warmAggregationKeys } from '../voting/aggregation.js'
import { takeApprovedCertificates } from '../voting/certificates.js'
import { reproposeVoided, voidCrossedProposals } from '../voting/crossed-proposals.js'
import { requeueSelfLeaves, resendPendingLeave } from '../voting/self-leave.js'

/**
 * A commit just merged into `core.mls`, however it was chosen: what
 * {@link completeEpochTransition} needs to finish the epoch change.
 *
 * @example
 * ```ts
 * import type { MergeResult } from '@demls/mls'
 * import type { CommitCandidate } from '@demls/wire'
 * import type { ConversationCore } from '../core/core.js'
 * import type { MergedCommit } from '../epoch/transition.js'
 * import { captureBranchPoint } from '../sync/fork.js'
 * declare const core: ConversationCore
 * declare const candidate: CommitCandidate
 * declare const hashHex: string
 * const membersBefore = core.mls.members()
 * const branch = captureBranchPoint(core)
 * const merge: MergeResult = await core.mls.mergeStagedCommit()
 * const merged: MergedCommit = {
 *   merge, committer: candidate.stewardMemberId, candidate, hashHex, membersBefore, branch,
 *   ops: [], welcome: undefined, joinerIds: [], source: 'catch-up', now: core.now,
 * }
 * ```
 */
export interface MergedCommit {
  merge: MergeResult
  /** The committer MLS authenticated (us for our own commit). */
  committer: Uint8Array
  candidate: CommitCandidate
  /** Hex hash of the commit message. */
  hashHex: string
  /** The members of the epoch the commit left. */
  membersBefore: Uint8Array[]
  /** Score changes of the selection (none for a replay or a fork switch). */
  ops: ScoreOp[]
  /** The Welcome to publish: our own commit added members, in a selection or a replay of it. */
  welcome: Uint8Array | undefined
  /** The joiners of {@link MergedCommit.welcome}. */
  joinerIds: Uint8Array[]
  /** The state before the merge (what a fork switch at the next epoch restores). */
  branch: Omit<BranchPoint, 'hashHex' | 'committer'>
  /** How the commit was chosen (reported in `commit-applied`). */
  source: CommitSource
  /** Approved adds a selected commit left out because their key package expired (deviation 9). */
  expired?: ConversationUpdateRequest[]
  /** Verified certificates of a replayed commit's changes (default: those of our own approvals). */
  certificates?: ApprovalCertificate[]
  now: number
}

/**
 * The queue slices a merged commit settles ({@link settleCarriedWork}).
 *
 * @example
 * ```ts
 * import { ConversationQueues } from '../core/queues.js'
 * import type { CarriedWorkSlices } from '../epoch/transition.js'
 * const slices: CarriedWorkSlices = { queues: new ConversationQueues(), membership: { joinEpochs: new Map() } }
 * ```
 */
export interface CarriedWorkSlices {
  readonly queues: ConversationQueues
  readonly membership: Pick<ConversationCore['membership'], 'joinEpochs'>
}

/**
 * The approved work a merged commit carried leaves the approved queue (in
 * approval order: the commit's batch), an urgent removal it carried is
 * done, and each member it added joined at `epoch`. Returns the batch.
 *
 * @example
 * ```ts
 * import { ConversationQueues } from '../core/queues.js'
 * import { settleCarriedWork } from '../epoch/transition.js'
 * const slices = { queues: new ConversationQueues(), membership: { joinEpochs: new Map<string, bigint>() } }
 * const joiner = new Uint8Array(20).fill(7)
 * slices.queues.approved.set(1, { payload: 'memberInvite', memberInvite: { keyPackageBytes: new Uint8Array(1), memberId: joiner } })
 * const batch = settleCarriedWork(slices, [{ action: 'add', memberId: joiner }], 3n)
 * // batch.length === 1, slices.queues.approved.size === 0, slices.membership.joinEpochs.get('0707…') === 3n
 * ```
 */
export function settleCarriedWork(slices: CarriedWorkSlices, changes: readonly MembershipChange[], epoch: bigint): ConversationUpdateRequest[] {
  const { queues } = slices
  const applied = new Set(changes.map((ch) => keyOfTarget({ action: ch.action, member: ch.memberId })))
  const batch: ConversationUpdateRequest[] = []
  for (const [id, r] of [...queues.approved]) {
    const key = targetKey(r)
    if (key !== undefined && applied.has(key)) {
      batch.push(r)
      queues.approved.delete(id)
    }
  }
  if (queues.urgentTarget !== undefined && applied.has(`remove:${queues.urgentTarget}`)) {
    queues.urgentTarget = undefined
  }
  for (const ch of changes) if (ch.action === 'add') slices.membership.joinEpochs.set(toHex(ch.memberId), epoch)
  return batch
}

/**
 * Who joined and who left between two member lists (in the lists' order).
 *
 * @example
 * ```ts
 * import { membershipDelta } from '../epoch/transition.js'
 * const a = new Uint8Array([1]), b = new Uint8Array([2]), c = new Uint8Array([3])
 * const { joined, left } = membershipDelta([a, b], [a, c]) // joined: [c], left: [b]
 * ```
 */
export function membershipDelta(before: readonly Uint8Array[], after: readonly Uint8Array[]): { joined: Uint8Array[]; left: Uint8Array[] } {
  const beforeSet = new Set(before.map(toHex))
  const afterSet = new Set(after.map(toHex))
  return { joined: after.filter((x) => !beforeSet.has(toHex(x))), left: before.filter((x) => !afterSet.has(toHex(x))) }
}

/**
 * How many branch points a member keeps before its last one
 * (`ConversationCore.priorBranches`): a member that went on two epochs on
 * a branch the group left still heals to the group's at the fork. Each is
 * an MLS state object (no copy: states are immutable) and the session
 * slices of its epoch.
 */
export const PRIOR_BRANCH_DEPTH = 2

/**
 * Everything that follows a merged commit, whichever way it was chosen (a
 * selection, a catch-up replay, a fork switch): the round ends, the branch
 * point is kept, the commit's work leaves the queues, certificates and
 * the commit are logged for replays, scores, events, our own removal, the
 * Welcome we minted, then the housekeeping of the new epoch
 * ({@link onConversationUpdated}).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { type MergedCommit, completeEpochTransition } from '../epoch/transition.js'
 * declare const core: ConversationCore
 * declare const merged: MergedCommit // see MergedCommit
 * await completeEpochTransition(core, merged)
 * ```
 */
export async function completeEpochTransition(core: ConversationCore, m: MergedCommit): Promise<void> {
  const { merge, now } = m
  const epoch = merge.epoch
  // More than one commit of the epoch we left reached us: the fork choice and stranded joiners count attestations of a majority.
  const contested = core.rounds.count(epoch - 1n) > 1
  core.rounds.clear()
  // The earlier branch points stay while they lie before this merge's (a switch drops those of the branch it left).
  const prior = core.branch === undefined ? core.priorBranches : [core.branch, ...core.priorBranches]
  core.priorBranches = prior.filter((b) => b.epoch < m.branch.epoch).slice(0, PRIOR_BRANCH_DEPTH)
  core.branch = { ...m.branch, hashHex: m.hashHex, committer: m.committer }
  // Keep what proves the commit's changes, for the members we replay it to.
  const own = takeApprovedCertificates(core, merge.changes)
  core.certificates.keepLogged(epoch - 1n, m.certificates ?? own)
  core.queues.committedHashes.add(m.hashHex)
  // Drain the approved entries the commit carried.
  const batch = settleCarriedWork(core, merge.changes, epoch)
  // Deviation 9: a commit we did not select (catch-up, fork switch) may have
  // left out adds whose key package expired; we cannot tell which it was
  // meant to carry, so drop those expired by our own clock, lest we freeze
  // alone on dead work the group already drained.
  const expired = m.source === 'freeze' ? (m.expired ?? []) : dropExpired(core, expiredAdds(core.prefix(), now), now)
  recordEpoch(core)
  // A group whose plug-in aggregates votes: the joiners' bindings become members' (the epoch's key list needs them).
  settleBindings(core, batch)
  core.applyScores([...m.ops, { memberId: m.committer, event: ScoreEvent.SuccessfulCommit }])
  core.emit({
    type: 'commit-applied',
    epoch,
    committer: m.committer,
    batch,
    source: m.source,
    empty: batch.length === 0,
    ...(expired.length > 0 ? { expired } : {}),
  })
  if (merge.selfRemoved) {
    endProvisional(core)
    core.left = true
    core.voting.autoVotes.clearAll()
    core.voting.voteEchoes.clearAll()
    core.voting.timeouts.clearAll()
    core.emit({ type: 'leaving', epoch })
    return
  }
  recordMerged(core, epoch - 1n, m.candidate, now, { committer: m.committer, commitHash: fromHex(m.hashHex), everyone: contested || m.source !== 'freeze' })
  // Open adds and removals of the epoch we left, and those approved only at a timeout, are void for everyone.
  const voided = voidCrossedProposals(core, now)
  // Membership diff events.
  const delta = membershipDelta(m.membersBefore, core.mls.members())
  for (const x of delta.joined) core.emit({ type: 'member-joined', memberId: x, epoch })
  for (const x of delta.left) core.emit({ type: 'member-left', memberId: x, epoch })
  if (m.welcome !== undefined) {
    // The sync must carry the list for the new epoch; an election, if one is
    // needed, is opened once we are back in Working (onConversationUpdated).
    await reconcileStewardList(core, now, false)
    await publishWelcome(core, m.welcome, m.joinerIds, now)
  }
  await onConversationUpdated(core, now)
  await reproposeVoided(core, voided, now)
  // The Welcomes we kept for the abandoned commit's joiners lead to the abandoned state: keep this commit's instead.
  if (m.source === 'fork-switch' && m.welcome === undefined) for (const ch of merge.changes) if (ch.action === 'add') core.catchUp.welcomes.delete(toHex(ch.memberId))
  if (m.welcome === undefined) await keepCarriedWelcome(core, m.candidate, merge.changes, now)
  // Joined and not yet confirmed: the majority may already have attested the state we reached.
  judge(core)
  await sweepScoreRemovals(core, now)
  // Self-leaves approved on the branch we left: still their owners' intent and their own proof.
  if (m.source === 'fork-switch') requeueSelfLeaves(core, now)
  // Our leave, still pending: every member of this epoch must hold it (those that dropped it at the epoch change, the joiners).
  await resendPendingLeave(core)
  // The new member set's aggregation keys, parsed now rather than when the next proof arrives.
  warmAggregationKeys(core)
}

/**
 * Drop approved adds whose key package expired (deviation 9) and tell their
 * joiners REJECTED. Returns the dropped requests.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { dropExpired } from '../epoch/transition.js'
 * import { expiredAdds } from '../rules/selection-order.js'
 * declare const core: ConversationCore
 * const dropped = dropExpired(core, expiredAdds(core.prefix(), core.now), core.now)
 * ```
 */
export function dropExpired(core: ConversationCore, entries: readonly PrefixEntry[], now: number): ConversationUpdateRequest[] {
  const dropped: ConversationUpdateRequest[] = []
  for (const e of entries) {
    if (!core.queues.approved.has(e.proposalId)) continue
    core.queues.approved.delete(e.proposalId)
    core.queues.forgetAnnouncement(e.request)
    dropped.push(e.request)
    onInviteResolved(core, e.proposalId, e.request, false, false, now)
  }
  return dropped
}

/**
 * A commit we merged but did not mint, carrying its joiners' Welcome
 * (demls extension): keep it with a sync of our own, framed in the epoch
 * the commit reached, so that we can re-send it to a joiner who
 * re-announces even if the committer never published it.
 */
async function keepCarriedWelcome(core: ConversationCore, c: CommitCandidate, changes: readonly MembershipChange[], now: number): Promise<void> {
  const joiners = changes.filter((ch) => ch.action === 'add').map((ch) => ch.memberId)
  if (joiners.length === 0 || c.demlsWelcome.length === 0 || core.mls.inspectMessageKind(c.demlsWelcome) !== 'welcome') return
  if (joiners.every((j) => core.catchUp.welcomes.has(toHex(j)))) return
  try {
    const syncBytes = await core.mls.encrypt(encodeAppMessage({ conversationSync: { ...buildSync(core, now), demlsBlsBindings: bindingsForSync(core) } }))
    keepWelcome(core, { welcomeBytes: c.demlsWelcome, conversationSyncBytes: syncBytes, joinerIdentities: joiners })
  } catch (err) {
    core.error('keep-carried-welcome', err)
  }
}

/** Committing steward: encrypt the sync at the new epoch and broadcast the Welcome. */
async function publishWelcome(core: ConversationCore, welcomeBytes: Uint8Array, joiners: Uint8Array[], now: number): Promise<void> {
  const syncBytes = await core.mls.encrypt(encodeAppMessage({ conversationSync: { ...buildSync(core, now), demlsBlsBindings: bindingsForSync(core) } }))
  const welcome: MemberWelcome = { welcomeBytes, conversationSyncBytes: syncBytes, joinerIdentities: joiners }
  core.queues.welcomeHashes.add(toHex(sha256(welcomeBytes)))
  recordWelcome(core, welcome)
  core.sendPlain({ memberWelcome: welcome })
  core.outbox.packets.push({ subtopic: 'welcome', payload: encodeWelcomeChannelMessage({ welcome }) })
  core.emit({ type: 'welcome-ready', welcome, mintedLocally: true })
}

/**
 * A queued join announcement is forgotten when its joiner has not repeated
 * it for this long (it gave up): four times the joiner's default backoff cap.
 */
const ANNOUNCEMENT_TTL_MS = 120_000

/** Housekeeping after a merged commit (`on_conversation_updated`). */
async function onConversationUpdated(core: ConversationCore, now: number): Promise<void> {
  const members = core.mls.members()
  core.scoring.syncMembers(members)
  const set = new Set(members.map(toHex))
  core.queues.pruneSatisfiedUpdates((h) => set.has(h))
  core.queues.expireUpdates(core.epoch(), core.config.pendingUpdateMaxEpochs)
  core.queues.expireAnnouncements(now, ANNOUNCEMENT_TTL_MS)
  syncLastSeen(core, now)
  core.queues.dropDepartedRemovals((h) => set.has(h))
  for (const [id, r] of [...core.queues.approved]) {
    const target = targetOf(r)
    if (target !== undefined && targetSatisfied(target, (h) => set.has(h))) core.queues.approved.delete(id)
  }
  core.queues.pruneApprovedAt()
  core.steward.resetRetry()
  core.sm.startWorking()
  await reconcileStewardList(core, now)
  if (core.sm.mode === 'recovery') await initiateStewardElection(core, true, now)
  core.phaseChanged()
  // Joins announced while we froze are proposed at once at the new epoch,
  // not only when their joiner announces again (its backoff reaches 30 s).
  if (opensBufferedUpdates(core, now)) await drainBufferedUpdates(core, now)
}
