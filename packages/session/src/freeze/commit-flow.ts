import type { CommitInput, MergeResult } from '@demls/mls'
import { type ScoreOp, ScoreEvent } from '@demls/scoring'
import { type CommitCandidate, bytesEqual, fromHex, toHex } from '@demls/wire'
import { attestationPeriodMs, liveStewardGraceMs, suspectWindowMs } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { targetKey } from '../rules/targets.js'
import { openTargetKeys } from '../voting/proposals.js'
import { sweepScoreRemovals } from '../stewardship/emergency.js'
import { freezeEntryWindowFor, selectionAwaitsOpenWork } from '../rules/freeze-window.js'
import { type WorkEvidence, appliedScores, censorshipSuspect, heldWork, judgeStaged, noCandidateScores } from '../rules/selection-scores.js'
import { initiateStewardElection } from '../stewardship/stewardship.js'
import { CommitFailedError } from '../errors.js'
import type { BranchPoint } from '../state/branch-point.js'
import { groupMovedOn, inactivityAnchor, requestCatchUp } from '../sync/catch-up.js'
import { captureBranchPoint } from '../sync/fork.js'
import { keepOwnCandidate, noteMinted, ownCandidateState, reusableCandidate } from '../sync/own-candidates.js'
import { isCandidateEchoer } from '../rules/candidate-echo.js'
import { commitHashOf, precheckCandidate } from '../rules/candidate-check.js'
import type { BufferedCandidate } from './candidate-buffer.js'
import { completeEpochTransition, dropExpired } from '../epoch/transition.js'
import { authenticateCandidate, countedCandidates } from './candidate-auth.js'
import { checkAgainstBranch, checkCommitEquivocation } from './commit-equivocation.js'
import { handOverApprovedWork } from '../voting/handover.js'
import { reelectionRetryMs } from '../stewardship/reelection.js'
import {
  type CommitAction,
  KEY_PACKAGE_EXPIRY_TOLERANCE_MS,
  type PrefixEntry,
  actionKey,
  actionSetKey,
  coversPrefix,
  deferredAdds,
  expiredAdds,
  lagsRecentApprovals,
  orderCandidates,
  prefixDifference,
} from '../rules/selection-order.js'

/** Our freeze-entry window ({@link freezeEntryWindowFor}) for our current role. */
export function freezeEntryWindow(core: ConversationCore, now: number): number {
  const acting = core.isEpochSteward(now)
  return freezeEntryWindowFor(
    {
      recovering: core.sm.mode === 'recovery' || core.steward.nextElectionRound > 0,
      actingEpochSteward: acting,
      mayCommit: core.mayCommit(),
      // Only the epoch steward's window depends on it (it walks the prefix and the open proposals).
      waveOpen: acting && joinWaveOpen(core),
    },
    core.config,
  )
}

/** Where our freeze-entry window starts: the anchor, or for anyone but the acting epoch steward the epoch steward's late arrival ({@link inactivityAnchor}). */
function windowStart(core: ConversationCore, anchor: number, now: number): number {
  return core.isEpochSteward(now) ? anchor : inactivityAnchor(core, anchor)
}

/**
 * Whether the approved work is joins only and another join is still being
 * voted on here (the rest of a wave the epoch steward filed together): of
 * a joiner that is not a member yet and not approved already. A removal is
 * never held back for it.
 */
function joinWaveOpen(core: ConversationCore): boolean {
  if (core.queues.urgentTarget !== undefined || core.prefix().some((e) => e.action !== 'add')) return false
  for (const [id, r] of core.voting.requests) {
    if (r?.payload !== 'memberInvite' || r.memberInvite === undefined || core.queues.resolved.has(id)) continue
    if (core.isMemberHex(toHex(r.memberInvite.memberId))) continue
    const key = targetKey(r)
    if (key !== undefined && !core.queues.isApprovedTarget(key)) return true
  }
  return false
}

/**
 * Whether approved work is waiting for a freeze we may start: Working, a
 * non-empty commit prefix, and no steward election open for this epoch.
 * The reference waits for its own election; we wait for any we know of,
 * since committing under a list about to be replaced forks the group
 * (a member whose election result is late would mint and select under
 * the old list while the others use the new one). Every member times out
 * every proposal, so the wait is bounded.
 */
export function freezePending(core: ConversationCore, now: number): boolean {
  if (core.sm.state !== 'working') return false
  if (core.electionOpen()) return false
  // A quorum of members signed that they merged past our epoch: catch up, do not commit it again.
  if (groupMovedOn(core, now)) return false
  return core.prefix().length > 0
}

/** Every poll: enter Freezing once approved work waited long enough. */
export async function startFreezeOnInactivity(core: ConversationCore, now: number): Promise<void> {
  if (!freezePending(core, now)) {
    if (core.sm.state === 'working') core.sm.clearAnchor()
    return
  }
  const anchor = core.sm.anchorIfUnset(now)
  if (now >= windowStart(core, anchor, now) + freezeEntryWindow(core, now)) await enterFreezing(core, now)
}

/**
 * Enter Freezing (from Working or Reelection) and mint our candidate if we
 * may commit. A `forced` freeze (accepted Deadlock ECP, urgent removal)
 * mints too (deviation 1).
 */
export async function enterFreezing(core: ConversationCore, now: number, forced = false): Promise<boolean> {
  if (!core.sm.startFreezing(now)) return false
  core.rounds.open(core.epoch())
  core.rounds.lastProgress = -1
  core.phaseChanged()
  if (!(forced && core.config.referenceGaps?.forcedFreezeMintsNothing)) await buildOwnCandidate(core, now)
  return true
}

/** Build, buffer and broadcast our commit candidate for the deterministic prefix. */
export async function buildOwnCandidate(core: ConversationCore, now: number): Promise<void> {
  // Deviation 1: in recovery mode any member mints (the reference gates minting on the steward list).
  const mayMint = core.config.referenceGaps?.forcedFreezeMintsNothing ? core.steward.isSteward(core.memberId) : core.mayCommit()
  if (!mayMint || core.mls.hasPendingCommit()) return
  // The group merged past this epoch (a quorum attests it): our commit could only fork it.
  if (groupMovedOn(core, now)) return
  const prefix = core.prefix()
  if (prefix.length === 0) return
  // We never commit our own removal: another steward does.
  if (prefix.some((e) => e.action === 'remove' && bytesEqual(e.memberId, core.memberId))) return
  // Deviation 9: leave out adds whose key package expired by our clock (one
  // such add would fail the whole batch, every round). Receivers accept the
  // omission by their own check; when nothing is left, the commit is empty
  // and still drains the expired adds on every member. Adds whose joiners
  // would get a steward list with no member wait for the election
  // (`deferredAdds`); they stay approved.
  // Only deferred work: nothing to commit until the election gives the list a member.
  if (deferredOf(core, prefix).length === prefix.length) return
  const left = new Set(leftOutAdds(core, prefix, now).map((e) => e.proposalId))
  const included = prefix.filter((e) => !left.has(e.proposalId))
  // Issue 15: one commit per change set per epoch. A round of this epoch
  // that failed may have left our earlier commit for the same changes (some
  // members may even have merged it): offer that one again; a second
  // signature over the same changes is evidence of equivocation.
  const changesKey = actionSetKey(included)
  const earlier = reusableCandidate(core, core.epoch(), changesKey, toHex(core.mls.epochAuthenticator()))
  if (earlier === 'abstain') return
  if (earlier !== 'mint') {
    offerOwn(core, earlier.candidate, earlier.hashHex, earlier.joinerIds, included, changesKey)
    return
  }
  const inputs: CommitInput[] = included.map((e) =>
    e.action === 'add'
      ? { action: 'add', keyPackage: (e.request.memberInvite as { keyPackageBytes: Uint8Array }).keyPackageBytes }
      : { action: 'remove', memberId: e.memberId },
  )
  let built: Awaited<ReturnType<typeof core.mls.createCommitCandidate>>
  try {
    built = await core.mls.createCommitCandidate(inputs, { nowMs: now })
  } catch (err) {
    core.error('build-commit-candidate', new CommitFailedError('mint', core.epoch(), err))
    return
  }
  const candidate: CommitCandidate = {
    conversationId: core.idBytes,
    mlsProposals: built.proposals,
    commitMessage: built.commit,
    stewardMemberId: core.memberId,
    // Every member that merges it can then hand the joiners their Welcome (see `keepCarriedWelcome`).
    demlsWelcome: built.welcome ?? new Uint8Array(0),
  }
  const hashHex = toHex(commitHashOf(built.commit))
  noteMinted(core, core.epoch(), changesKey, hashHex)
  offerOwn(core, candidate, hashHex, built.joiners, included, changesKey, built.welcome)
}

/** Put our candidate in the round and send it (a fresh one, or one minted in an earlier round of the epoch). */
function offerOwn(
  core: ConversationCore,
  candidate: CommitCandidate,
  hashHex: string,
  joinerIds: Uint8Array[],
  included: readonly CommitAction[],
  changesKey: string,
  welcome?: Uint8Array,
): void {
  const local: BufferedCandidate = {
    candidate,
    commitHash: fromHex(hashHex),
    hashHex,
    isLocal: true,
    proposalCount: candidate.mlsProposals.length,
    stewardMemberId: core.memberId,
    joinerIds,
    changesKey,
    changes: included.map((e) => ({ action: e.action, memberId: e.memberId })),
    ...(welcome ? { welcome } : {}),
  }
  core.rounds.offer(local, core.epoch(), core.memberCount() + 1, true)
  core.sendPlain({ commitCandidate: candidate })
}

/** A plaintext `CommitCandidate` arrived on the app channel. */
export async function onCandidateReceived(core: ConversationCore, c: CommitCandidate, now: number): Promise<void> {
  // A copy of a candidate we hold (the author's and its echoes): the same commit bytes passed every
  // check below already (an empty commit is never held), so it is dropped before any MLS decoding.
  const commitHash = commitHashOf(c.commitMessage)
  if (core.rounds.holds(toHex(commitHash), core.epoch())) {
    core.emit({ type: 'dropped', reason: 'candidate', detail: 'duplicate' })
    return
  }
  const check = precheckCandidate(c, core.idBytes, (b) => core.mls.inspectMessageKind(b), (h) => core.queues.committedHashes.has(h), commitHash)
  if (!check.ok) {
    core.emit({ type: 'dropped', reason: 'candidate', detail: check.reason })
    return
  }
  const framed = core.mls.inspectMessageEpoch(c.commitMessage)
  if (framed !== undefined && framed !== core.epoch()) {
    // The second commit of a committer that equivocated at the epoch we just left: a proof against it.
    // (Its penalty takes it to the floor: the stewards file its removal at once.)
    if (framed + 1n === core.epoch() && (await checkAgainstBranch(core, c, check.hashHex))) await sweepScoreRemovals(core, now)
    core.emit({ type: 'dropped', reason: 'candidate', detail: framed < core.epoch() ? 'stale-epoch' : 'future-epoch' })
    return
  }
  if (bytesEqual(c.stewardMemberId, core.memberId)) {
    core.emit({ type: 'dropped', reason: 'candidate', detail: 'claims to be ours' })
    return
  }
  // A copy of one a selection refused in the view we still hold: judging it again would only open
  // another freeze round and fail into reelection (once per copy).
  // (The view is computed only for such a copy: it decodes the prefix's key packages.)
  const refusedIn = core.rounds.refusedView(check.hashHex, core.epoch())
  if (refusedIn !== undefined && refusedIn === currentSelectionView(core, now)) {
    core.emit({ type: 'dropped', reason: 'candidate', detail: 'refused at this epoch' })
    return
  }
  // Issue 15: only a candidate MLS attributes to a member is held; it is ranked and scored as its committer's.
  const committer = await authenticateCandidate(core, c)
  if (committer === undefined) return
  // A second commit of one committer at this epoch with the same changes is a proof against it.
  if ((await checkCommitEquivocation(core, c, check.hashHex, committer)) !== undefined) await sweepScoreRemovals(core, now)
  const buffered: BufferedCandidate = {
    candidate: c,
    commitHash: check.commitHash,
    hashHex: check.hashHex,
    isLocal: false,
    proposalCount: c.mlsProposals.length,
    stewardMemberId: committer,
  }
  await offerCandidate(core, buffered, now)
}

async function offerCandidate(core: ConversationCore, b: BufferedCandidate, now: number): Promise<void> {
  // With an election open, keep it stashed: it is judged once the list is settled.
  const ready = core.prefix().length > 0 && !core.electionOpen()
  const outcome = core.rounds.offer(b, core.epoch(), core.memberCount() + 1, ready)
  if (outcome.kind === 'dropped') {
    core.emit({ type: 'dropped', reason: 'candidate', detail: outcome.reason })
    return
  }
  // Fork safety (beyond the reference): the few members closest to the commit hash echo a new
  // candidate once per epoch, so a member misses it only if every copy is lost, not just the author's.
  // The echo leaves out the joiners' Welcome the author carried (the larger part of a candidate that adds):
  // members need the commit, and the Welcome reaches joiners from the committer and the stewards.
  if (!b.isLocal && isCandidateEchoer(b.commitHash, core.memberSet(), toHex(b.stewardMemberId), core.memberHex, core.config.candidateEchoers)) {
    if (core.rounds.firstEcho(b.hashHex, core.epoch())) core.sendPlain({ commitCandidate: { ...b.candidate, demlsWelcome: new Uint8Array(0) } })
  }
  if (outcome.kind === 'buffered' && (core.sm.state === 'working' || core.sm.state === 'reelection')) {
    await enterFreezing(core, now)
  }
}

/** After every consensus outcome: replay candidates that arrived before the work was approved. */
export async function replayStashedCandidates(core: ConversationCore, now: number): Promise<void> {
  if (core.prefix().length === 0 || core.electionOpen()) return
  for (const b of core.rounds.takeStashed(core.epoch())) await offerCandidate(core, b, now)
}

/**
 * What a selection's verdicts depend on besides the candidate: our commit
 * prefix, the steward list and the operating mode (a candidate refused in
 * one view may pass in another, e.g. once a result it carries reaches us).
 */
function selectionView(core: ConversationCore, prefix: readonly PrefixEntry[], omittable: readonly PrefixEntry[]): string {
  const list = core.steward.currentList()
  return `${core.sm.mode}|${actionSetKey(prefix)}|${omittable.map((e) => e.proposalId).join(',')}|${list?.members.map(toHex).join(',') ?? ''}`
}

/** {@link selectionView} of our current prefix, with the adds omittable at `now` (as `finalizeFreeze` computes them). */
function currentSelectionView(core: ConversationCore, now: number): string {
  const prefix = core.prefix()
  return selectionView(core, prefix, omittableAdds(core, prefix, now).omittable)
}

/** How many candidates the round waits for: the eligible stewards (all eligible members in recovery). */
export function expectedCandidates(core: ConversationCore): number {
  const eligible = core.eligibility()
  if (core.sm.mode === 'recovery') return Math.max(1, core.mls.members().filter(eligible).length)
  const list = core.steward.currentList()
  if (list === undefined) return 1
  return Math.max(1, list.members.filter(eligible).length)
}

/**
 * Deadline of the current phase (deviation 8: every timer counts). In
 * Working with pending work not yet anchored, `0` asks for a poll at once
 * (the poll anchors it).
 */
export function phaseDeadline(core: ConversationCore, now: number): number | undefined {
  const anchor = core.sm.anchor
  if (core.sm.state === 'freezing') return anchor === undefined ? 0 : freezeEnd(core, anchor)
  if (!freezePending(core, now)) return undefined
  return anchor === undefined ? 0 : windowStart(core, anchor, now) + freezeEntryWindow(core, now)
}

/**
 * When the freeze that began at `anchor` ends (issue 56, beyond the
 * reference): one freeze window after it began, as in the reference; but
 * {@link liveStewardGraceMs} later while the epoch steward's candidate is
 * not in and the epoch steward is alive by evidence:
 *
 * - the round holds no candidate at all, and the epoch steward was not
 *   suspect when the freeze began (heard within the suspect window,
 *   `suspectWindowMs`). Under load its candidate can be seconds behind: on
 *   the real network's 30 peers, members that froze on their own window
 *   concluded their round holding no candidate while the epoch steward's
 *   was 1 to 3 s away, entered Reelection and filed a recovery election,
 *   and the old list's commit and the new list's forked the epoch
 *   (`docs/fault-runs.md`, "a freeze that gave up on a live epoch
 *   steward");
 * - the round holds other candidates (a backup steward's, our own), and we
 *   heard the epoch steward within one attestation period before the round
 *   began or since ({@link recentlyHeardSteward}): it is talking, only
 *   behind. A backup steward used to select its own candidate at its
 *   window's end and publish its Welcome while the epoch steward's
 *   candidate of the same work was a second away: the members split
 *   between the two commits, and the joiners welcomed into the losing one
 *   were stranded (the real network's staggered wave, 2026-11-28). A steward
 *   that went quiet (its last packet older than that) gets no more time,
 *   so a backup still replaces one that stalled at the usual end.
 *
 * Never in recovery mode (every member mints there), nor when we are the
 * epoch steward. Evaluated at every poll: hearing from the epoch steward
 * during the round moves the end.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { freezeEnd } from '../freeze/commit-flow.js'
 * declare const core: ConversationCore
 * const end = core.sm.state === 'freezing' && core.sm.anchor !== undefined ? freezeEnd(core, core.sm.anchor) : undefined
 * ```
 */
export function freezeEnd(
  core: Pick<ConversationCore, 'config' | 'sm' | 'epochSteward' | 'memberId' | 'rounds' | 'epoch' | 'liveness' | 'isSuspect' | 'memberCount'>,
  anchor: number,
): number {
  const end = anchor + core.config.freezeDurationMs
  if (core.sm.mode === 'recovery') return end
  const steward = core.epochSteward()
  if (steward === undefined || bytesEqual(steward, core.memberId)) return end
  const held = core.rounds.candidates(core.epoch())
  if (held.some((c) => bytesEqual(c.stewardMemberId, steward))) return end
  const hex = toHex(steward)
  if (held.length > 0) return recentlyHeardSteward(core, hex, anchor) ? end + liveStewardGraceMs(core.config) : end
  // Alive by the group's own measure when the freeze began: heard within the suspect window.
  if (!core.liveness.lastSeen.has(hex) || core.isSuspect(hex, anchor)) return end
  return end + liveStewardGraceMs(core.config)
}

/**
 * Whether we heard the epoch steward `hex` (an MLS-authenticated packet, or
 * its signed attestation) at most one attestation period before the round
 * that began at `anchor` (`attestationPeriodMs` at the group's size: every
 * member is heard at least that often when it keeps up), or since: a
 * steward that is talking now, whose candidate may only be behind its
 * other packets ({@link freezeEnd}). Shorter than the suspect window (two
 * periods and a freeze window): a steward that went quiet for longer is
 * not waited for while a backup's candidate is held.
 */
function recentlyHeardSteward(core: Pick<ConversationCore, 'config' | 'liveness' | 'memberCount'>, hex: string, anchor: number): boolean {
  const seen = core.liveness.lastSeen.get(hex)
  return seen !== undefined && seen >= anchor - attestationPeriodMs(core.config, core.memberCount())
}

/**
 * Every poll while Freezing: report progress; move to Selection when all
 * candidates are in (and none waits on proposals still being voted on:
 * {@link awaitsOpenWork}) or the window ends, or, with
 * `freezeEndsOnBestCandidate`, as soon as the best candidate is in and valid.
 */
export async function advanceFreeze(core: ConversationCore, now: number): Promise<void> {
  if (core.sm.state !== 'freezing') return
  const received = countedCandidates(core)
  const expected = expectedCandidates(core)
  if (received !== core.rounds.lastProgress) {
    core.rounds.lastProgress = received
    core.emit({ type: 'freeze-progress', received, expected })
  }
  const deadline = freezeEnd(core, core.sm.anchor ?? now)
  if (now >= deadline || (received >= expected && !awaitsOpenWork(core))) {
    core.sm.startSelection()
    core.phaseChanged()
    await finalizeFreeze(core, now)
  } else if (core.config.freezeEndsOnBestCandidate) {
    await finalizeOnBest(core, now)
  }
}

/** {@link selectionAwaitsOpenWork} of the candidates held this round (received ones) and our prefix. */
function awaitsOpenWork(core: ConversationCore): boolean {
  const held = core.rounds.candidates(core.epoch()).filter((c) => !c.isLocal)
  if (held.length === 0) return false
  return selectionAwaitsOpenWork(
    held.map((c) => c.proposalCount),
    core.prefix().length,
    openTargetKeys(core).size,
  )
}

/** What a selection decides with: our view when it starts (`finalize_freeze_round`). */
interface SelectionPlan {
  epoch: bigint
  branch: Omit<BranchPoint, 'hashHex' | 'committer'>
  local: BufferedCandidate | undefined
  prefix: PrefixEntry[]
  omittable: PrefixEntry[]
  epochSteward: Uint8Array | undefined
  membersBefore: Uint8Array[]
  /** Whether the epoch steward sent a candidate at all (even one our view of the approvals filters out). */
  sentCandidate: boolean
  /** Candidates in the order they are tried. */
  ordered: BufferedCandidate[]
  /** The epoch steward's candidate carrying less than our prefix, tried first when it only lags recent approvals. */
  lagging: BufferedCandidate | undefined
  now: number
}

type Winner = { candidate: BufferedCandidate; merge: MergeResult; committer: Uint8Array; index: number }

/** {@link deferredAdds} of `prefix` under our steward list and members. */
function deferredOf(core: ConversationCore, prefix: readonly PrefixEntry[]): PrefixEntry[] {
  return deferredAdds(prefix, core.steward.currentList()?.members ?? [], (hex) => core.isMemberHex(hex))
}

/**
 * The adds of `prefix` a commit leaves out: those whose key package
 * expired at `atMs` (deviation 9), and those whose joiners would get a
 * steward list with no member ({@link deferredAdds}), each once.
 */
function leftOutAdds(core: ConversationCore, prefix: readonly PrefixEntry[], atMs: number): PrefixEntry[] {
  const expired = expiredAdds(prefix, atMs)
  const ids = new Set(expired.map((e) => e.proposalId))
  return [...expired, ...deferredOf(core, prefix).filter((e) => !ids.has(e.proposalId))]
}

/**
 * The adds of `prefix` a candidate may leave out ({@link leftOutAdds}, the
 * expiry judged with a tolerance for the committer's clock), and so the
 * fewest proposals a candidate may carry.
 */
function omittableAdds(core: ConversationCore, prefix: PrefixEntry[], now: number): { omittable: PrefixEntry[]; fewest: number } {
  const omittable = leftOutAdds(core, prefix, now + KEY_PACKAGE_EXPIRY_TOLERANCE_MS)
  return { omittable, fewest: prefix.length - omittable.length }
}

/**
 * Whether `c` is the epoch steward's candidate (ours, if we are it)
 * carrying less than our prefix: it may only lag our view of recent
 * approvals, which grows while we freeze (`lagsRecentApprovals`), and the
 * selection tries it first.
 */
function isLagging(c: BufferedCandidate, fewest: number, epochSteward: Uint8Array | undefined): boolean {
  return c.proposalCount > 0 && c.proposalCount < fewest && epochSteward !== undefined && bytesEqual(c.stewardMemberId, epochSteward)
}

function planSelection(
  core: ConversationCore,
  now: number,
  prefix: PrefixEntry[] = core.prefix(),
  { omittable, fewest } = omittableAdds(core, prefix, now),
): SelectionPlan {
  const epoch = core.epoch()
  const held = core.rounds.candidates(epoch)
  // A fuller candidate ranks first.
  const epochSteward = core.epochSteward()
  const fuller = orderCandidates(
    held.filter((c) => c.proposalCount >= fewest),
    prefix.length,
    epochSteward,
    core.steward.config.allowSubsetCandidates || omittable.length > 0,
  )
  const lagging = held.find((c) => isLagging(c, fewest, epochSteward))
  return {
    epoch,
    branch: captureBranchPoint(core),
    local: held.find((c) => c.isLocal),
    prefix,
    omittable,
    epochSteward,
    membersBefore: core.mls.members(),
    sentCandidate: epochSteward !== undefined && held.some((c) => bytesEqual(c.stewardMemberId, epochSteward)),
    ordered: lagging === undefined ? fuller : [lagging, ...fuller],
    lagging,
    now,
  }
}

/**
 * Stage (or, for ours, merge) candidate `c`, `index`-th in the order, and
 * merge it when it validates: the winner, or undefined with its penalty
 * (if any) pushed onto `penalties`.
 */
async function tryCandidate(
  core: ConversationCore,
  plan: SelectionPlan,
  c: BufferedCandidate,
  index: number,
  penalties: ScoreOp[],
  notes: SelectionNotes,
): Promise<Winner | undefined> {
  const why = notes.why
  const lagsRecently = (changes: readonly CommitAction[]) => lagsRecentApprovals(changes, plan.prefix, core.queues.approvedAt, plan.now - core.config.commitInactivityMs)
  if (c.isLocal) {
    if (c === plan.lagging && !lagsRecently(c.changes ?? [])) {
      why.push('ours: lags our approvals')
      return undefined
    }
    try {
      const merge = await mergeLocal(core, plan.epoch, c)
      if (merge === undefined) why.push('ours: not held')
      return merge === undefined ? undefined : { candidate: c, merge, committer: core.memberId, index }
    } catch (err) {
      why.push('ours: merge failed')
      core.error('merge-own-commit', new CommitFailedError('merge-own', core.epoch(), err))
      return undefined
    }
  }
  const staged = await core.mls.stageRemoteCommit({ proposals: c.candidate.mlsProposals, commit: c.candidate.commitMessage })
  const who = shortCommitter(c)
  if (staged.status === 'aborted') {
    why.push(`${who}: does not stage`)
    return undefined // unauthenticated: no penalty
  }
  const verdict = judgeStaged(staged, {
    claimed: c.candidate.stewardMemberId, // a committer claiming another steward: BrokenCommit on the committer
    recovery: core.sm.mode === 'recovery',
    listKnown: core.steward.currentList() !== undefined,
    isSteward: (id) => core.steward.isSteward(id),
    coversPrefix: () => (c === plan.lagging ? lagsRecently(staged.changes) : coversPrefix(staged.changes, plan.prefix, plan.omittable).ok),
    // A lagging candidate that does not qualify is passed over without penalty, as if it had been filtered out.
    lateView: () => c === plan.lagging || carriesOnlyOpenWork(core, staged.changes, plan.prefix),
  })
  if (verdict !== 'ok') {
    if (verdict !== 'late') penalties.push(verdict)
    // It failed only on our view of the approvals: the group may hold the proof we lack.
    if (verdict === 'late' || (verdict.event === ScoreEvent.BrokenMlsProposal && staged.otherProposals === 0)) notes.disputed = true
    const difference = prefixDifference(staged.changes, plan.prefix)
    const open = openTargetKeys(core)
    // Each change as `action:<first 8 hex of the target>`; beyond our prefix, whether it is still being voted on here.
    const short = (k: string) => k.slice(0, k.indexOf(':') + 9)
    const extra = difference.extra.map((k) => `${short(k)} (${open.has(k) ? 'open here' : 'not approved here'})`)
    const lacking = difference.lacking.map((e) => short(actionKey(e)))
    why.push(
      `${who}: ${verdict === 'late' ? 'carries work still open here' : verdict.event}; carries ${extra.length === 0 ? 'nothing' : extra.join(', ')} beyond our prefix of ${plan.prefix.length}, leaves out ${lacking.length === 0 ? 'nothing' : lacking.join(', ')}`,
    )
    await core.mls.discardStagedCommit()
    return undefined
  }
  try {
    return { candidate: c, merge: await core.mls.mergeStagedCommit(), committer: staged.committer, index }
  } catch (err) {
    why.push(`${who}: merge failed`)
    core.error('merge-staged-commit', new CommitFailedError('merge-staged', core.epoch(), err))
    await core.mls.discardStagedCommit()
    return undefined
  }
}

/** Selection: order, stage and apply the first valid candidate (`finalize_freeze_round`). */
export async function finalizeFreeze(core: ConversationCore, now: number): Promise<void> {
  const plan = planSelection(core, now)
  const penalties: ScoreOp[] = []
  let winner: Winner | undefined
  const notes: SelectionNotes = { why: [], disputed: false }
  const why = notes.why
  for (const [index, c] of plan.ordered.entries()) {
    winner = await tryCandidate(core, plan, c, index, penalties, notes)
    if (winner !== undefined) break
  }
  if (winner === undefined && plan.prefix.length > 0) {
    // Why the freeze ends without a commit: each candidate held and what it failed on.
    const passed = core.rounds.candidates(plan.epoch).filter((c) => !plan.ordered.includes(c))
    for (const c of passed) {
      why.push(`${c.isLocal ? 'ours' : shortCommitter(c)}: carries ${c.proposalCount} of our ${plan.prefix.length} approved`)
      // More than we know approved: its committer may have seen approvals we have not (or approved before we joined).
      if (!c.isLocal && c.proposalCount > plan.prefix.length && core.steward.isSteward(c.stewardMemberId)) notes.disputed = true
    }
    core.emit({ type: 'dropped', reason: 'candidate', detail: `no candidate applied: ${why.length === 0 ? 'none held' : why.join('; ')}` })
  }
  await concludeSelection(core, plan, winner, penalties)
  // Issue 56: a steward's commit we refused only because our view of the approvals differs (work approved before
  // we joined, votes still on their way) is one the others may merge. Ask for the commit that left this epoch with
  // its proof at once (a replay carries each change's certificate, checked as any replay is) instead of waiting to
  // learn that the group moved on. A plain request, not one naming the commit: only its committer and the stewards
  // answer (on the real network, with every member that held the commit answering, 30 peers sent 1.8 MB of replays).
  if (winner === undefined && !core.left && notes.disputed) requestCatchUp(core, now, plan.epoch)
}

/** What a selection's candidates failed on: for its `dropped` event, and the commits whose proof we lack. */
interface SelectionNotes {
  why: string[]
  /** A steward's candidate failed only on our view of the approvals (it staged, or carries more than we hold approved). */
  disputed: boolean
}

/** A received candidate's committer (MLS-authenticated) as the `dropped` detail names it: the first 8 hex digits. */
function shortCommitter(c: BufferedCandidate): string {
  return toHex(c.stewardMemberId).slice(0, 8)
}

/**
 * `freezeEndsOnBestCandidate` (beyond the reference): while Freezing, when
 * the first candidate of the order is the epoch steward's and carries our
 * whole prefix, no candidate still to come can rank above it (more
 * proposals rank first, and the epoch steward first among equals), so a
 * selection at the deadline would try it first too. The same holds for
 * the epoch steward's candidate that carries less than our prefix (it
 * froze before it counted results we hold): the selection tries that
 * lagging candidate before any other, whatever arrives meanwhile, and
 * takes it when all it leaves out was approved within the
 * commit-inactivity window ({@link lagsRecentApprovals}), a test that only
 * gets stricter as the deadline nears. Try it now: if it validates, the
 * freeze ends with it; if not, it is remembered and the freeze goes on
 * (the selection at the end judges and penalises it with the others), so
 * a broken candidate costs no more than without the option.
 */
async function finalizeOnBest(core: ConversationCore, now: number): Promise<void> {
  if (core.sm.mode === 'recovery') return
  // Cheap checks first: this runs on every packet while we freeze.
  const epochSteward = core.epochSteward()
  if (epochSteward === undefined) return
  const theirs = core.rounds.candidates(core.epoch()).find((c) => bytesEqual(c.stewardMemberId, epochSteward))
  if (theirs === undefined || core.rounds.triedEarly(theirs.hashHex)) return
  const prefix = core.prefix()
  if (theirs.proposalCount > prefix.length) return
  // Decoded once: it reads every approved add's key package.
  const omit = omittableAdds(core, prefix, now)
  if (theirs.proposalCount < prefix.length && !isLagging(theirs, omit.fewest, epochSteward)) return
  const plan = planSelection(core, now, prefix, omit)
  // It ranks first by construction (the round holds one candidate per committer; a lagging one is put first); checked, not assumed.
  if (plan.ordered[0] !== theirs) return
  const penalties: ScoreOp[] = []
  const winner = await tryCandidate(core, plan, theirs, 0, penalties, { why: [], disputed: false })
  if (winner === undefined) {
    core.rounds.noteTriedEarly(theirs.hashHex)
    return
  }
  core.sm.startSelection()
  core.phaseChanged()
  await concludeSelection(core, plan, winner, penalties)
}

/** The end of a selection: apply the winner, or (Layer 2) penalise and re-elect. */
async function concludeSelection(core: ConversationCore, plan: SelectionPlan, winner: Winner | undefined, penalties: ScoreOp[]): Promise<void> {
  core.rounds.clear()
  // It did its job unless its candidate was broken (penalised above). A steward we heard from after
  // the work was opened cannot have withheld work nothing shows it held; a silent one is penalised as in the reference.
  const steward = plan.epochSteward
  const held =
    plan.sentCandidate || (steward !== undefined && (!heardSinceWorkOpened(core, steward, plan.prefix, plan.now) || heldWork(steward, workEvidence(core, plan.prefix))))
  const suspect = censorshipSuspect(plan.epochSteward, plan.sentCandidate, penalties, held)
  if (winner === undefined) {
    const view = selectionView(core, plan.prefix, plan.omittable)
    for (const c of plan.ordered) if (!c.isLocal) core.rounds.noteRefused(c.hashHex, plan.epoch, view)
    // Others may still merge it (they selected it in a round we saw fail): keep it to follow them,
    // and to offer it again in the next round of this epoch.
    const local = plan.local
    const sent = local?.changesKey !== undefined ? { candidate: local.candidate, changesKey: local.changesKey } : undefined
    keepOwnCandidate(core, plan.branch, local?.joinerIds ?? [], sent)
    if (core.mls.hasPendingCommit()) await core.mls.discardOwnCommit()
    core.applyScores(penalties)
    await onNoCandidate(core, plan.prefix.length > 0, suspect, plan.now)
    return
  }
  await onApplied(core, winner, plan.ordered, plan.prefix, suspect, plan.membersBefore, penalties, plan.branch, plan.now)
}

/**
 * Merge our own candidate of the round: the commit pending in our MLS
 * state, or, for one minted in an earlier round of this epoch and offered
 * again, the state we kept with it pending (adopted once merged; never
 * before, since our state went on encrypting at this epoch after it was
 * kept). Undefined when we hold neither.
 */
async function mergeLocal(core: ConversationCore, epoch: bigint, c: BufferedCandidate): Promise<MergeResult | undefined> {
  if (core.mls.hasPendingCommit()) return core.mls.mergeOwnCommit()
  const kept = await ownCandidateState(core, epoch, c.hashHex, undefined)
  if (kept === undefined) return undefined
  const merge = await kept.mls.mergeOwnCommit()
  core.adoptGroup(kept.mls)
  return merge
}

async function onApplied(
  core: ConversationCore,
  winner: { candidate: BufferedCandidate; merge: MergeResult; committer: Uint8Array; index: number },
  ordered: BufferedCandidate[],
  prefix: PrefixEntry[],
  epochSteward: Uint8Array | undefined,
  membersBefore: Uint8Array[],
  penalties: ScoreOp[],
  branch: Omit<BranchPoint, 'hashHex' | 'committer'>,
  now: number,
): Promise<void> {
  // Scoring side effects (reference §9.4). `epochSteward` is undefined when
  // it did send a candidate: beyond the reference, a steward whose
  // candidate lost or did not match our (possibly late) view of the
  // approvals is not penalised for censorship.
  const ops = appliedScores({
    penalties,
    suspect: epochSteward,
    committer: winner.committer,
    self: core.memberId,
    after: ordered.slice(winner.index + 1),
    isSteward: (id) => core.steward.isSteward(id),
  })
  // Deviation 9: the approved adds the commit left out (their key package
  // expired, as we checked when validating it) leave the approved queue on
  // every member that merged it; the joiner is told REJECTED. What a lagging
  // epoch steward's commit left out (`lagsRecentApprovals`) stays approved.
  const leftOut = prefixDifference(winner.merge.changes, prefix).lacking
  const expired = dropExpired(core, expiredAdds(leftOut, now + KEY_PACKAGE_EXPIRY_TOLERANCE_MS), now)
  const welcome = winner.candidate.isLocal ? winner.merge.welcome : undefined
  await completeEpochTransition(core, {
    merge: winner.merge,
    committer: winner.committer,
    candidate: winner.candidate.candidate,
    hashHex: winner.candidate.hashHex,
    membersBefore,
    ops,
    welcome,
    joinerIds: winner.candidate.joinerIds ?? [],
    branch,
    source: 'freeze',
    expired,
    now,
  })
}

/**
 * What the changes due show about who held them: each proposal's owner and
 * the voters whose signed votes we hold (the consensus session's, checked
 * on arrival, and those of a certificate we took for it); a change decided
 * by an aggregate proof counts as held by every member.
 */
function workEvidence(core: ConversationCore, prefix: readonly PrefixEntry[]): WorkEvidence[] {
  return prefix.map((e) => {
    const p = core.consensus.getProposal(core.id, e.proposalId)
    const key = targetKey(e.request)
    const cert = key === undefined ? undefined : core.certificates.approved.get(key)
    const voters = [...(p?.votes ?? []), ...(cert?.proposal?.votes ?? [])].map((v) => v.voteOwner)
    const owner = p?.proposalOwner ?? cert?.proposal?.proposalOwner ?? new Uint8Array(0)
    return { owner, voters, byProof: core.aggregate.proven.has(e.proposalId) }
  })
}

/**
 * Whether we heard from `steward` after the first change due was opened
 * here (a whole second after, since sessions note the second they were
 * created). A steward silent since then is penalised as the reference
 * does, whatever it held.
 */
function heardSinceWorkOpened(core: ConversationCore, steward: Uint8Array, prefix: readonly PrefixEntry[], now: number): boolean {
  let opened = Number.POSITIVE_INFINITY
  for (const e of prefix) {
    const session = core.consensus.getSession(core.id, e.proposalId)
    if (session !== undefined) opened = Math.min(opened, session.createdAt * 1000)
  }
  if (!Number.isFinite(opened)) return false
  const seen = core.liveness.seenAt(toHex(steward), now, suspectWindowMs(core.config, core.memberCount()))
  return seen !== undefined && seen >= opened + 1000
}

/** No candidate applied (Layer 2): penalise the epoch steward and re-elect, or go back to work. */
async function onNoCandidate(
  core: ConversationCore,
  hadWork: boolean,
  epochSteward: Uint8Array | undefined,
  now: number,
): Promise<void> {
  if (!hadWork) {
    core.sm.startWorking()
    core.phaseChanged()
    return
  }
  core.applyScores(noCandidateScores(hadWork, epochSteward, core.memberId))
  core.sm.startReelection()
  core.stewardship.reelectionAt = now
  core.phaseChanged()
  // The stewards may not hold the work we froze for (a vote lost on its way to them): hand them its proof.
  await handOverApprovedWork(core, now, reelectionRetryMs(core.config))
  await initiateStewardElection(core, true, now)
  await sweepScoreRemovals(core, now)
}

/**
 * Whether every change of a candidate beyond our prefix targets a proposal
 * still open in our view (its result has not reached us yet), and there is
 * at least one such change.
 */
function carriesOnlyOpenWork(core: ConversationCore, changes: readonly CommitAction[], prefix: readonly PrefixEntry[]): boolean {
  const { extra } = prefixDifference(changes, prefix)
  if (extra.length === 0) return false
  const open = openTargetKeys(core)
  return extra.every((k) => open.has(k))
}
