import {
  type AppMessageInit,
  type ApprovalCertificate,
  type CommitCandidate,
  type CommitRequest,
  type DemlsControl,
  type EpochAttestation,
  type MemberWelcome,
  type Proposal,
  bytesEqual,
  decodeEpochAttestation,
  encodeApprovalCertificate,
  encodeEpochAttestation,
  encodeWelcomeChannelMessage,
  fromHex,
  toHex,
} from '@demls/wire'
import { type StewardList, isListExhausted } from '@demls/steward'
import type { ConversationCore } from '../core/core.js'
import type { ConversationEvent } from '../core/events.js'
import { evictOldest, trimOldestBytes } from '../state/bounded.js'
import { memberWelcomeBytes } from '../util/bytes.js'
import { type ClaimsComponents, attestedByMember, commitRequestRefusal, signCommitRequest } from './claims.js'
import { AVAILABILITY_LIMITS } from './limits.js'
import { attestationPeriodMs, suspectWindowMs } from '../core/config.js'
import { signAttestation, verifyAttestation } from '../join/signing.js'
import { type JoinAttestationComponents, confirmWaiting, noteJoinAttestation, ownState } from '../join/rewelcome.js'
import { type LivenessComponents, noteSeenAt } from '../stewardship/liveness.js'
import { answersAttestation, electionForReplay, listStamp } from './steward-sync.js'
import { commitHashOf, precheckCandidate } from '../rules/candidate-check.js'
import type { BranchPoint } from '../state/branch-point.js'
import { PAST_STATE_INTERVAL_MS } from '../state/catch-up-state.js'
import { type BranchClaim, type BranchTip, committerRank, prefersAttested, winsFork } from '../rules/fork-choice.js'
import { groupAhead } from '../rules/group-ahead.js'
import { attestsMergeAtOnce } from '../rules/merge-attesters.js'
import { heardCommitRequestUntil, inFlightEnd, inFlightUntil, noteHeardCommitRequest, noteHeardProposalRequest } from './heard-requests.js'

/** Commits kept for replay to members that missed them. */
const COMMIT_LOG_SIZE = 16
/** Minimum spacing of our catch-up requests (doubling from here while they bring nothing). */
const REQUEST_INTERVAL_MS = 1_000
/** Minimum spacing of our re-sends of one proposal, and of signature checks of one member's attestations. */
const REPLY_INTERVAL_MS = 500
/**
 * Minimum spacing of replays of one commit, ours and anyone's: a replay is
 * broadcast (every member that is behind at that epoch gets it), and a
 * requester backs off from 1 s, so in a burst of requests one replay
 * answers them all.
 */
const REPLAY_INTERVAL_MS = 2_000
const WELCOME_RESEND_INTERVAL_MS = 2_000

/**
 * After merging: log the commit and attest the epoch we reached, at once
 * if we are one of the members {@link attestsMergeAtOnce} picks for this
 * commit or `everyone` (the epoch was contested, or we did not merge it
 * from our own freeze round), else at our next periodic attestation.
 * `attestation.commitHash`: the hash of `candidate.commitMessage`, when
 * the caller already computed it.
 */
export function recordMerged(
  core: ConversationCore,
  fromEpoch: bigint,
  candidate: CommitCandidate,
  now: number,
  attestation: { committer: Uint8Array; everyone: boolean; commitHash?: Uint8Array } = { committer: candidate.stewardMemberId, everyone: true },
): void {
  core.catchUp.log.set(String(fromEpoch), candidate)
  evictOldest(core.catchUp.log, COMMIT_LOG_SIZE)
  // What we hold now (a fork switch replaces what we held at this epoch number): our word about it once we left it.
  const reached = String(fromEpoch + 1n)
  core.catchUp.pastStates.delete(reached)
  core.catchUp.pastStates.set(reached, {
    commitHash: attestation.commitHash ?? commitHashOf(candidate.commitMessage),
    committer: attestation.committer,
    authenticatorHash: ownState(core).authenticatorHash,
  })
  evictOldest(core.catchUp.pastStates, COMMIT_LOG_SIZE)
  // A fork switch keeps the epoch number: start the request backoff over on every merge, not only on a new epoch
  // (a member that healed onto the group's branch late must ask for the commits it missed at once).
  core.catchUp.requestEpoch = -1n
  // A merge at an epoch number we already held (a fork switch) after learning that the group was ahead: the commit
  // we lack was sent while we were on the other branch, and is not on its way now (`inFlightUntil`).
  if (core.catchUp.oneBehindSince?.epoch === core.epoch()) core.catchUp.oneBehindSince = { epoch: core.epoch(), at: Number.NEGATIVE_INFINITY }
  const steward = core.epochSteward()
  const must = attestation.everyone || (steward !== undefined && bytesEqual(steward, core.memberId))
  // The commit's hash only decides who else attests (the caller's, when it has one: the commit can be megabytes).
  if (!must && !attestsMergeAtOnce(attestation.commitHash ?? commitHashOf(candidate.commitMessage), core.memberSet(), toHex(attestation.committer), core.memberHex, false)) return
  core.catchUp.lastAttestAt = Number.NEGATIVE_INFINITY
  attest(core, now)
}

/**
 * Start the heartbeat of a conversation we created or joined at `now`: the
 * first periodic attestation is due one interval later (a joiner is seen
 * through its membership-change message and the commit that added it).
 */
export function startHeartbeat(core: ConversationCore, now: number): void {
  if (core.catchUp.lastAttestAt === Number.NEGATIVE_INFINITY) core.catchUp.lastAttestAt = now
}

/** Whether anyone could hear an attestation: we are not alone in the group. */
function hasPeers(core: ConversationCore): boolean {
  return core.memberCount() > 1
}

/** Periodic attestation (heartbeat), due at this time; none once we left or while we are the only member. */
export function attestationDeadline(core: ConversationCore, now: number): number | undefined {
  if (core.left || !hasPeers(core)) return undefined
  // Never attested: due now.
  if (core.catchUp.lastAttestAt === Number.NEGATIVE_INFINITY) return now
  return core.catchUp.lastAttestAt + attestationPeriodMs(core.config, core.memberCount())
}

/** Every poll: re-attest when the interval has passed (not while we are the only member). */
export function heartbeat(core: ConversationCore, now: number): void {
  if (now - core.catchUp.lastAttestAt >= attestationPeriodMs(core.config, core.memberCount()) && hasPeers(core)) attest(core, now)
}

/**
 * Broadcast which commit brought us to our epoch (rate-limited re-sends),
 * signed by our member key. A member that has merged no commit since it
 * joined (no commit to name) sends the same attestation without a commit
 * hash: a presence, which makes no branch claim. Either is a sign of life
 * that members on any epoch or branch can check (`noteSignedAttestation`).
 */
function attest(core: ConversationCore, now: number): void {
  const message = attestation(core, now)
  if (message !== undefined) core.sendPlain(message)
}

/**
 * Our signed word about `epoch`, an epoch we have left (a request that
 * wants members' past states, `CommitRequest.demls_past_states`): the
 * commit that brought us there and the state we held, marked
 * `demls_past_state` so that no one reads it as a sign that we are at that
 * epoch. The evidence a member on a branch the group left there needs, a
 * strict majority's word about one epoch, is scarce once the group has
 * moved on: members sign their state at once after a merge only if they
 * are among the merge attesters (a third plus 3), then every few seconds
 * while at that epoch (`faults:wave`: joiners stranded for good, and
 * members that could not count the majority's merge of the commit that
 * outranked theirs). None when we kept no state for it, and at most once
 * per `PAST_STATE_INTERVAL_MS` per epoch and `PAST_STATES_PER_WINDOW` in all.
 */
function pastAttestation(core: ControlComponents, epoch: bigint, now: number): AppMessageInit | undefined {
  const key = String(epoch)
  const past = core.catchUp.pastStates.get(key)
  if (past === undefined || epoch >= core.epoch()) return undefined
  const sent = core.catchUp.pastStateSentAt
  if (now - (sent.get(key) ?? Number.NEGATIVE_INFINITY) < PAST_STATE_INTERVAL_MS || !core.catchUp.pastStateBudget.take(now)) return undefined
  sent.delete(key)
  sent.set(key, now)
  evictOldest(sent, COMMIT_LOG_SIZE)
  const attestation = signAttestation(core.plugins.consensus.signer, core.id, {
    epoch,
    commitHash: past.commitHash,
    committer: past.committer,
    signedAtMs: Math.max(0, Math.floor(now)),
    authenticatorHash: past.authenticatorHash,
    demlsPastState: true,
  })
  return { demlsControl: { attestation } }
}

/** {@link attest}, returning the message to send (none within the re-send interval) instead of sending it. */
function attestation(core: ControlComponents, now: number): AppMessageInit | undefined {
  if (now - core.catchUp.lastAttestAt < REQUEST_INTERVAL_MS) return undefined
  const candidate = core.catchUp.log.get(String(core.epoch() - 1n))
  core.catchUp.lastAttestAt = now
  // Signed, so that members on another epoch or branch (who cannot decrypt us) still know we are alive.
  const attestation = signAttestation(core.plugins.consensus.signer, core.id, {
    epoch: core.epoch(),
    ...(candidate !== undefined ? { commitHash: commitHashOf(candidate.commitMessage) } : {}),
    ...(candidate !== undefined && core.branch?.epoch === core.epoch() - 1n ? { committer: core.branch.committer } : {}),
    ...listStamp(core),
    signedAtMs: Math.max(0, Math.floor(now)),
    // Which state we hold: a joiner welcomed into an abandoned commit compares states, not commits.
    authenticatorHash: ownState(core).authenticatorHash,
  })
  // Our own word that we merged it counts toward the merge quorum we hand out with replays.
  if (candidate !== undefined) core.certificates.keepMerge(decodeEpochAttestation(encodeEpochAttestation(attestation)))
  return { demlsControl: { attestation } }
}

/**
 * A plaintext attestation is a sign of life only when signed by its
 * `memberId`, a current member, and signed within the suspect window of
 * our clock; the member counts as seen at the signing time (not now), so
 * replaying a captured attestation cannot keep a dead member alive.
 */
function noteSignedAttestation(core: ControlComponents, a: EpochAttestation, now: number): void {
  const signedAt = Number(a.signedAtMs)
  if (signedAt === 0 || Math.abs(now - signedAt) > suspectWindowMs(core.config, core.memberSet().size)) return
  const hex = toHex(a.memberId)
  const seen = core.liveness.lastSeen.get(hex)
  if (seen === undefined || seen >= signedAt) return
  // One signature check per member per interval: forged copies cost us little.
  const checked = core.catchUp.attestationCheckedAt.get(hex) ?? Number.NEGATIVE_INFINITY
  if (now - checked < REPLY_INTERVAL_MS) return
  core.catchUp.attestationCheckedAt.set(hex, now)
  evictOldest(core.catchUp.attestationCheckedAt, 1024)
  if (!verifyAttestation(core.plugins.consensus.signer, core.id, a)) return
  noteSeenAt(core, a.memberId, Math.min(now, signedAt))
}

/**
 * Whether an attestation's signature check can wait ({@link LivenessState.defer}):
 * a current member other than us and other than a steward attests, within
 * our suspect window, that it merged the very commit we merged to reach
 * our epoch (and, while we are a provisional joiner, that it holds our
 * very state). Such a word changes nothing here at once (no epoch, branch
 * or steward progress to learn): only the member's liveness, the merges we
 * hand out with replays and the confirmations of a joiner, which check it
 * when they need it (`confirmWaiting` once they could make the majority). Most attestations of a
 * membership change are these: checked at once, they cost every member
 * a signature recovery per attester (a sixth of a plain member's CPU of
 * a removal at 100 members).
 */
function deferrable(core: ControlComponents, a: EpochAttestation, now: number): boolean {
  if (a.epoch !== core.epoch() || a.commitHash.length === 0) return false
  const bp = core.branch
  if (bp === undefined || bp.epoch + 1n !== a.epoch || toHex(a.commitHash) !== bp.hashHex) return false
  // A provisional joiner judges its branch by the states members attest: only a word that it holds our very state waits.
  if (core.provisional !== undefined && !bytesEqual(a.authenticatorHash, ownState(core).authenticatorHash)) return false
  const hex = toHex(a.memberId)
  if (hex === core.memberHex || !core.isMemberHex(hex) || core.steward.isSteward(a.memberId)) return false
  const signedAt = Number(a.signedAtMs)
  return signedAt !== 0 && Math.abs(now - signedAt) <= suspectWindowMs(core.config, core.memberSet().size)
}

/** Broadcast Welcomes kept until a merge matches them. */
const UNMATCHED_WELCOME_LIMIT = 16

/** Remember the Welcome our own commit minted, so a joiner who missed it can get it again (it replaces any other). */
export function recordWelcome(core: ConversationCore, welcome: MemberWelcome): void {
  for (const j of welcome.joinerIdentities) core.catchUp.welcomes.set(toHex(j), welcome)
  evictOldest(core.catchUp.welcomes, 64)
}

/**
 * Whether a broadcast Welcome matches a commit we merged: an MLS Welcome
 * whose joiners are all members that one merged commit added, with its
 * sync framed in the epoch that commit reached. (The broadcast is
 * plaintext: anyone can publish one, so this is checked, not assumed.)
 */
function matchesMerge(core: ConversationCore, welcome: MemberWelcome): boolean {
  if (welcome.joinerIdentities.length === 0 || core.mls.inspectMessageKind(welcome.welcomeBytes) !== 'welcome') return false
  const epochs = welcome.joinerIdentities.map((j) => (core.mls.isMember(j) ? core.membership.joinEpochs.get(toHex(j)) : undefined))
  const epoch = epochs[0]
  if (epoch === undefined || epochs.some((e) => e !== epoch)) return false
  return core.mls.inspectMessageEpoch(welcome.conversationSyncBytes) === epoch
}

/** Record a matching Welcome for joiners that have none yet: the first one recorded stays. */
export function keepWelcome(core: ConversationCore, welcome: MemberWelcome): void {
  for (const j of welcome.joinerIdentities) {
    const hex = toHex(j)
    if (!core.catchUp.welcomes.has(hex)) core.catchUp.welcomes.set(hex, welcome)
  }
  evictOldest(core.catchUp.welcomes, 64)
}

/**
 * A Welcome broadcast on the app channel by another member (the committing
 * steward). It is recorded for re-sending only once it matches a commit we
 * merged ({@link matchesMerge}), and never replaces a recorded one: an
 * outsider's Welcome published after the real one cannot displace it.
 * Until then it waits (bounded) in case our merge comes after it.
 */
export function noteWelcomeBroadcast(core: ConversationCore, welcome: MemberWelcome): void {
  if (matchesMerge(core, welcome)) {
    keepWelcome(core, welcome)
    return
  }
  const pending = core.catchUp.unmatchedWelcomes
  pending.push(welcome)
  trimOldestBytes(pending, UNMATCHED_WELCOME_LIMIT, AVAILABILITY_LIMITS.unmatchedWelcomeBytes, memberWelcomeBytes)
}

/** Adopt the waiting broadcast Welcomes that now match a commit we merged (oldest first). */
function adoptMatched(core: ConversationCore): void {
  const pending = core.catchUp.unmatchedWelcomes
  for (let i = 0; i < pending.length; ) {
    if (matchesMerge(core, pending[i]!)) {
      keepWelcome(core, pending[i]!)
      pending.splice(i, 1)
    } else i++
  }
}

/**
 * A joiner already in the group announced a key package again: it missed
 * its Welcome. Stewards re-send it (rate-limited per joiner).
 */
export function resendWelcome(core: ConversationCore, joiner: Uint8Array, now: number): boolean {
  const hex = toHex(joiner)
  if (!core.catchUp.welcomes.has(hex)) adoptMatched(core)
  const welcome = core.catchUp.welcomes.get(hex)
  if (welcome === undefined || !core.steward.isSteward(core.memberId)) return false
  if (now - (core.catchUp.lastWelcomeAt.get(hex) ?? Number.NEGATIVE_INFINITY) < WELCOME_RESEND_INTERVAL_MS) return false
  core.catchUp.lastWelcomeAt.set(hex, now)
  core.outbox.packets.push({ subtopic: 'welcome', payload: encodeWelcomeChannelMessage({ welcome }) })
  return true
}

/** Record that the group reached `epoch` (a member's attestation, or a packet framed there). */
export function noteEpoch(core: Pick<ConversationCore, 'catchUp'>, epoch: bigint, now: number): void {
  const c = core.catchUp
  if (epoch > c.knownEpoch) c.knownEpoch = epoch
  if (epoch >= c.knownEpoch) c.knownEpochAt = now
}

/**
 * Claims that never materialise decay: a "the group is ahead" or "a better
 * branch exists" that brought nothing within {@link AVAILABILITY_LIMITS.claimTtlMs}
 * is forgotten, so a forged or stale claim cannot keep us requesting forever.
 */
export function expireClaims(core: ConversationCore, now: number): void {
  const c = core.catchUp
  if (c.knownEpoch > core.epoch() && now - c.knownEpochAt > AVAILABILITY_LIMITS.claimTtlMs) c.knownEpoch = core.epoch()
  if (c.wantBranch !== undefined && now - c.wantBranch.at > AVAILABILITY_LIMITS.claimTtlMs) c.wantBranch = undefined
  if (c.offBranch !== undefined && (c.offBranch.epoch !== core.epoch() || now - c.offBranch.at > AVAILABILITY_LIMITS.claimTtlMs)) c.offBranch = undefined
  for (const [hex, a] of c.aheadClaims) if (a.epoch <= core.epoch() || now - a.at > AVAILABILITY_LIMITS.claimTtlMs) c.aheadClaims.delete(hex)
}

/**
 * Keep a member's attestation of the commit it merged (what replays hand
 * out and what the fork choice's majority counts), its signature checked
 * once: one we already hold is not checked again.
 */
export function keepVerifiedMerge(core: Pick<ControlComponents, 'certificates' | 'plugins' | 'id'>, a: EpochAttestation): void {
  if (core.certificates.holdsMerge(a)) return
  if (verifyAttestation(core.plugins.consensus.signer, core.id, a)) core.certificates.keepMerge(a)
}

/**
 * Whether a replay told us our epoch is not the group's (see
 * `CatchUpState.offBranch`) and we still hold the branch point to switch
 * from.
 */
export function offBranch(core: Pick<ConversationCore, 'catchUp' | 'epoch' | 'branch' | 'priorBranches'>): boolean {
  const off = core.catchUp.offBranch
  if (off === undefined || off.epoch !== core.epoch() || core.branch === undefined || core.branch.epoch + 1n !== core.epoch()) return false
  return off.from === undefined || core.priorBranches.some((b) => b.epoch === off.from)
}

/** Whether we know the group is ahead of us. */
export function isBehind(core: Pick<ConversationCore, 'catchUp' | 'epoch'>): boolean {
  return core.catchUp.knownEpoch > core.epoch()
}

/** How many commit-inactivity windows we hold back from committing an epoch a quorum attests the group left (see {@link groupMovedOn}). */
export const AHEAD_HOLD_INACTIVITY_WINDOWS = 2

/** Record a member's verified attestation of an epoch above ours (see {@link groupMovedOn}). */
function noteAhead(core: Pick<ConversationCore, 'catchUp' | 'epoch'>, memberHex: string, epoch: bigint, now: number): void {
  if (core.catchUp.aheadSince?.epoch !== core.epoch()) core.catchUp.aheadSince = { epoch: core.epoch(), at: now }
  const claims = core.catchUp.aheadClaims
  claims.delete(memberHex)
  claims.set(memberHex, { epoch, at: now })
  evictOldest(claims, 1024)
}

/**
 * Whether a quorum of current members signed that they merged past our
 * epoch ({@link groupAhead}): we then catch up and do not mint a commit
 * for an epoch the group left. For {@link AHEAD_HOLD_INACTIVITY_WINDOWS}
 * commit-inactivity windows at most, from the first such claim at our
 * epoch: members ahead on a branch we cannot catch up on (a fork they
 * cannot come back from) must not stop the rest of the group from
 * committing (the fork choice's majority rule then settles which commit
 * stands).
 */
export function groupMovedOn(core: ConversationCore, now: number): boolean {
  const since = core.catchUp.aheadSince
  if (since === undefined || since.epoch !== core.epoch()) return false
  if (now - since.at > AHEAD_HOLD_INACTIVITY_WINDOWS * core.config.commitInactivityMs) return false
  return groupAhead(core.catchUp.aheadClaims, core.epoch(), {
    memberCount: core.memberSet().size,
    isMember: (hex) => core.isMemberHex(hex),
    now,
    ttlMs: AVAILABILITY_LIMITS.claimTtlMs,
  })
}

/** Our last merge as the fork-choice rule sees it. */
function branchTip(core: Pick<ControlComponents, 'branch' | 'steward' | 'epoch' | 'certificates' | 'liveness'>): BranchTip | undefined {
  const bp = core.branch
  return bp === undefined ? undefined : { epoch: bp.epoch, ...branchClaim(core, bp.committer, fromHex(bp.hashHex)) }
}

/**
 * A commit that left the epoch of our branch point, as the fork choice
 * ranks it: on the steward list we held there, and by the majority that
 * attests it (an attested claim here, the commit a replay carries in
 * `sync/fork.ts stageOnBranchPoint`).
 */
export function branchClaim(
  core: Pick<ControlComponents, 'branch' | 'steward' | 'epoch' | 'certificates' | 'liveness'>,
  committer: Uint8Array,
  commitHash: Uint8Array,
  bp: BranchPoint | undefined = core.branch,
): BranchClaim {
  const epoch = bp?.epoch ?? core.epoch() - 1n
  return { committerRank: committerRank(rankingList(core, bp), epoch, committer), commitHash, majority: mergedByMajority(core, commitHash, bp) }
}

/**
 * The steward list a commit leaving our branch point's epoch is ranked on:
 * of the list we held at the branch point and the one installed since,
 * the newer that serves that epoch (a later election epoch, or a later
 * retry round of the same one). An election the group decided at that
 * epoch reaches some members only after they merged a commit from it, made
 * by the epoch steward of the list before; ranked on the lists they held,
 * the two sides of such a fork each rank their own committer first and
 * never switch (churn `FAST_TIMING` seed 383: a lasting split, one side
 * then committing an epoch further). Once every member holds the election,
 * every member ranks on the same list. Without a branch point: the list
 * installed now.
 */
export function rankingList(core: Pick<ControlComponents, 'branch' | 'steward'>, bp: BranchPoint | undefined = core.branch): StewardList | undefined {
  const current = core.steward.currentList()
  const held = bp?.session.steward?.list
  if (bp === undefined || held === undefined || current === undefined) return held ?? current
  // A list that does not serve the epoch ranks no committer there (`committerRank`).
  if (isListExhausted(current, bp.epoch)) return held
  if (isListExhausted(held, bp.epoch)) return current
  const newer = current.electionEpoch > held.electionEpoch || (current.electionEpoch === held.electionEpoch && current.retryRound > held.retryRound)
  return newer ? current : held
}

/**
 * Whether a strict majority of the members at our branch point last
 * attested (signed) that they merged `commitHash` from it: the fork-choice
 * rule then prefers that commit whatever its committer's rank
 * (`rules/fork-choice.ts winsFork`).
 */
export function mergedByMajority(
  core: Pick<ControlComponents, 'branch' | 'certificates' | 'liveness'>,
  commitHash: Uint8Array,
  bp: BranchPoint | undefined = core.branch,
): boolean {
  const members = bp?.members
  if (bp === undefined || members === undefined) return false
  return majorityMerged(core, bp.epoch + 1n, commitHash, members)
}

/**
 * Keep the signed attestations a replay carries (`mergedBy`) of `members`
 * that merged `commitHash` to reach `epoch`, each signature checked once
 * (at most two per member are looked at): what {@link majorityMerged}
 * then counts.
 */
export function keepReplayMerges(
  core: Pick<ControlComponents, 'certificates' | 'plugins' | 'id'>,
  epoch: bigint,
  commitHash: Uint8Array,
  members: ReadonlySet<string>,
  mergedBy: readonly EpochAttestation[],
): void {
  for (const a of mergedBy.slice(0, 2 * members.size)) {
    if (a.epoch !== epoch || !bytesEqual(a.commitHash, commitHash) || !members.has(toHex(a.memberId))) continue
    keepVerifiedMerge(core, a)
  }
}

/**
 * Whether a strict majority of `members` signed (their attestations we
 * hold, checked) that they merged `commitHash` to reach `epoch`.
 */
export function majorityMerged(core: Pick<ControlComponents, 'certificates' | 'liveness'>, epoch: bigint, commitHash: Uint8Array, members: ReadonlySet<string>): boolean {
  const majority = Math.floor(members.size / 2) + 1
  if (core.certificates.mergeSupport(epoch, commitHash, members, majority) >= majority) return true
  // Merges waiting unchecked may make the majority: then check those (each once) and count again.
  const lacking = () => majority - core.certificates.mergeSupport(epoch, commitHash, members)
  if (!core.liveness.settleWaiting(epoch, toHex(commitHash), members, lacking)) return false
  return core.certificates.mergeSupport(epoch, commitHash, members, majority) >= majority
}

/**
 * What our next commit request asks for (reads only), the one place that
 * decides it for sending, scheduling and standing in for another member's
 * request: the commit that left our epoch while the group is ahead, else
 * the commit of the better branch we still want at our epoch; undefined
 * when we want neither.
 */
function wantedCommit(
  core: Pick<ControlComponents, 'catchUp' | 'branch' | 'priorBranches' | 'steward' | 'epoch' | 'certificates' | 'liveness'>,
): { fromEpoch: bigint; commitHash: Uint8Array | undefined } | undefined {
  // The commit that left our epoch does not stage on our state: ask for the group's commit of the epoch before
  // (or of an earlier one, when the group's commit of that epoch did not stage on our branch point either).
  if (offBranch(core)) return { fromEpoch: core.catchUp.offBranch?.from ?? core.epoch() - 1n, commitHash: undefined }
  if (isBehind(core)) return { fromEpoch: core.epoch(), commitHash: undefined }
  const w = core.catchUp.wantBranch
  // The better branch we asked for, while it still beats ours.
  if (w !== undefined && prefersAttested(branchTip(core), core.epoch(), w.epoch, w)) return { fromEpoch: core.epoch() - 1n, commitHash: w.commitHash }
  return undefined
}

/**
 * When the next catch-up or branch request is due (the `catch-up` wake-up).
 * Reads only: a wanted branch ours now beats is forgotten by the next
 * {@link retryCatchUp}, not here.
 */
export function catchUpDeadline(core: ConversationCore): number | undefined {
  const want = wantedCommit(core)
  if (core.left || want === undefined) return undefined
  const c = core.catchUp
  // Another member's request for what we would ask for stands for ours a while (`sync/heard-requests.ts`).
  const heard = heardCommitRequestUntil(c, want.fromEpoch, want.commitHash)
  // So may the commit that leaves our epoch be, when the group is one epoch ahead (`inFlightUntil`).
  const inFlight = oneAheadOf(core, want.fromEpoch, want.commitHash) ? inFlightEnd(c, want.fromEpoch) : undefined
  const retry = Math.max(c.lastRequestAt + c.requestBackoffMs, heard ?? Number.NEGATIVE_INFINITY, inFlight ?? Number.NEGATIVE_INFINITY)
  // The claim's expiry, when it comes first.
  const expiry = Math.min(
    isBehind(core) ? c.knownEpochAt : Number.POSITIVE_INFINITY,
    c.wantBranch?.at ?? Number.POSITIVE_INFINITY,
    c.offBranch?.at ?? Number.POSITIVE_INFINITY,
  )
  return Math.min(retry, expiry + AVAILABILITY_LIMITS.claimTtlMs + 1)
}

/** Every poll: keep asking while we are behind or on a losing branch (with backoff, until the claim decays). */
export function retryCatchUp(core: ConversationCore, now: number): void {
  expireClaims(core, now)
  const want = wantedCommit(core)
  if (want !== undefined) requestCatchUp(core, now, want.fromEpoch, want.commitHash)
  // Neither behind nor wanting a branch: a wanted branch ours now beats is forgotten.
  else core.catchUp.wantBranch = undefined
}

/** Evidence that we are behind: ask for the commit that left our epoch (rate-limited). */
export function requestCatchUp(core: ConversationCore, now: number, fromEpoch = core.epoch(), commitHash?: Uint8Array): void {
  const message = catchUpRequest(core, now, fromEpoch, commitHash)
  if (message !== undefined) core.sendPlain(message)
}

/**
 * A plain request for the commit that leaves our epoch while the group is
 * known one epoch ahead, no further, by a member the group confirmed. A
 * joiner not yet confirmed asks at once: a replay that does not fit its
 * state is how it learns that it was welcomed into a branch the group
 * left (`join/rewelcome.ts requestJoinedBranch`).
 */
function oneAheadOf(core: Pick<ControlComponents, 'catchUp' | 'epoch' | 'provisional'>, fromEpoch: bigint, commitHash: Uint8Array | undefined): boolean {
  return core.provisional === undefined && commitHash === undefined && fromEpoch === core.epoch() && core.catchUp.knownEpoch === fromEpoch + 1n
}

/** {@link requestCatchUp}, returning the signed request to send (none while backing off) instead of sending it. */
function catchUpRequest(core: ControlComponents, now: number, fromEpoch: bigint, commitHash: Uint8Array | undefined): AppMessageInit | undefined {
  const c = core.catchUp
  // Back off while our requests bring nothing; start over once we advanced.
  if (c.requestEpoch !== core.epoch()) {
    c.requestEpoch = core.epoch()
    c.requestBackoffMs = REQUEST_INTERVAL_MS
  }
  // A member's request for the same commit was just heard: its replay reaches us too.
  if (now < (heardCommitRequestUntil(c, fromEpoch, commitHash) ?? Number.NEGATIVE_INFINITY)) return undefined
  // The group just one epoch ahead: the commit that leaves ours is probably on its way.
  if (oneAheadOf(core, fromEpoch, commitHash) && now < inFlightUntil(c, fromEpoch, now)) return undefined
  // Otherwise we ask at once, even in our own freeze round with the candidate in hand: waiting there let an approval
  // only its committer can vouch for go unmerged at 10 % loss (docs/fault-runs.md). Replays of one commit are spaced.
  if (now - c.lastRequestAt < c.requestBackoffMs) return undefined
  if (c.lastRequestAt !== Number.NEGATIVE_INFINITY && now - c.lastRequestAt < 4 * c.requestBackoffMs) {
    c.requestBackoffMs = Math.min(AVAILABILITY_LIMITS.requestBackoffMaxMs, 2 * c.requestBackoffMs)
  }
  c.lastRequestAt = now
  // The commit that made our epoch, or an earlier one: we are on another branch there, and count the members' word about it.
  const pastStates = fromEpoch < core.epoch()
  return { demlsControl: { commitRequest: signCommitRequest(core, { fromEpoch, ...(commitHash ? { commitHash } : {}), ...(pastStates ? { pastStates } : {}) }, now) } }
}

/**
 * We hold votes for a proposal we never received (it was lost): ask its
 * owner to send it again (rate-limited per proposal).
 */
export function requestProposal(core: ConversationCore, proposalId: number, now: number): void {
  const m = core.catchUp.proposalRequestAt
  if (now - (m.get(proposalId) ?? Number.NEGATIVE_INFINITY) < REQUEST_INTERVAL_MS) return
  // Votes for unknown proposals cannot make us broadcast more than the budget.
  if (!core.catchUp.proposalRequestBudget.take(now)) return
  m.set(proposalId, now)
  evictOldest(m, 256)
  core.sendPlain({ demlsControl: { proposalRequest: { proposalId, memberId: core.memberId } } })
}

/** Keep a packet framed in a future epoch until we get there. */
export function stashFuture(core: ConversationCore, epoch: bigint, payload: Uint8Array, now: number): boolean {
  // The epoch in a packet's framing is not authenticated: beyond the horizon it is noise, and
  // otherwise it only says the group is at least one epoch ahead.
  if (epoch > core.epoch() + BigInt(AVAILABILITY_LIMITS.futureHorizonEpochs) || payload.length > AVAILABILITY_LIMITS.futureBytes) return false
  noteEpoch(core, core.epoch() + 1n, now)
  const f = core.catchUp.future
  f.push({ epoch, payload })
  trimOldestBytes(f, AVAILABILITY_LIMITS.futurePackets, AVAILABILITY_LIMITS.futureBytes, (p) => p.payload.length)
  return true
}

/** Take the stashed packets of the current epoch (older ones are dropped). */
export function takeCurrentFuture(core: ConversationCore): Uint8Array[] {
  const epoch = core.epoch()
  const f = core.catchUp.future
  const now = f.filter((p) => p.epoch === epoch).map((p) => p.payload)
  const later = f.filter((p) => p.epoch > epoch)
  f.length = 0
  f.push(...later)
  return now
}

/** Whether stashed packets wait for the current epoch. */
export function hasCurrentFuture(core: ConversationCore): boolean {
  const epoch = core.epoch()
  return core.catchUp.future.some((p) => p.epoch === epoch)
}

/**
 * A commit a peer replayed to us, with what proves it: the certificates of
 * its changes and the signed attestations of members that merged it.
 *
 * @example
 * ```ts
 * import type { ReplayedCommit } from '../sync/catch-up.js'
 * import type { CommitCandidate } from '@demls/wire'
 * declare const candidate: CommitCandidate
 * const replay: ReplayedCommit = { candidate, certificates: [], mergedBy: [] }
 * ```
 */
export interface ReplayedCommit {
  candidate: CommitCandidate
  certificates: readonly ApprovalCertificate[]
  mergedBy: readonly EpochAttestation[]
}

/**
 * What the control flow reads and writes: the catch-up state it owns, the
 * certificates and merge attestations handed out with replays, our branch
 * point and the steward list (fork choice), the proposals the consensus
 * service holds (re-sent on request), and what checking claims
 * ({@link ClaimsComponents}), the liveness of attesters
 * ({@link LivenessComponents}) and a joiner's branch
 * ({@link JoinAttestationComponents}) need. No outbox and no events: what
 * {@link onControl} would send or report it returns ({@link ControlEffects}).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { type ControlComponents, onControl } from '../sync/catch-up.js'
 * declare const core: ConversationCore
 * const slices: ControlComponents = core // or plain objects with these members, in a test
 * ```
 */
export type ControlComponents = ClaimsComponents &
  LivenessComponents &
  JoinAttestationComponents & {
    readonly catchUp: ConversationCore['catchUp']
    readonly certificates: Pick<ConversationCore['certificates'], 'elections' | 'holdsMerge' | 'keepMerge' | 'log' | 'mergedBy' | 'mergeSupport'>
    readonly branch: ConversationCore['branch']
    readonly priorBranches: ConversationCore['priorBranches']
    readonly steward: Pick<ConversationCore['steward'], 'currentList' | 'isSteward'>
    readonly consensus: Pick<ConversationCore['consensus'], 'getProposal'>
    readonly voting: Pick<ConversationCore['voting'], 'voided'>
    readonly sm: Pick<ConversationCore['sm'], 'state'>
  }

/**
 * What handling a control message asks its caller (the dispatcher) to do,
 * in this order: report `events`, publish `send` on the app channel, then
 * apply the `replay` (`sync/replay.ts`) or send `resendProposal` again,
 * encrypted.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { type ControlEffects, onControl } from '../sync/catch-up.js'
 * import type { DemlsControl } from '@demls/wire'
 * declare const core: ConversationCore
 * declare const control: DemlsControl
 * const effects: ControlEffects = onControl(core, control, core.now)
 * for (const e of effects.events) core.emit(e)
 * for (const m of effects.send) core.sendPlain(m)
 * ```
 */
export interface ControlEffects {
  /** Events to report, in order: a refused commit request, the `stranded` verdict of a joiner's branch. */
  readonly events: ConversationEvent[]
  /** Plaintext messages to publish, in order: a catch-up or branch request, our attestation, a commit replay. */
  readonly send: AppMessageInit[]
  /** A replayed commit to apply: `catch-up` (`applyReplay`) or `fork` (`applyForkSwitch`). */
  readonly replay?: { kind: 'catch-up' | 'fork' } & ReplayedCommit
  /** Our proposal its owner (we) sends again on request (votes cleared, round 1). */
  readonly resendProposal?: Proposal
}

/**
 * Handle a control message: attestations (liveness, the group's epoch,
 * fork healing), commit requests (answered with a replay) and replays,
 * proposal requests. Changes only the control flow's state; every reply,
 * request and event is returned ({@link ControlEffects}), and replays are
 * applied by the caller (`sync/replay.ts`: `applyReplay`, `applyForkSwitch`).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { onControl } from '../sync/catch-up.js'
 * import type { DemlsControl } from '@demls/wire'
 * declare const core: ConversationCore
 * declare const control: DemlsControl
 * const { events, send, replay, resendProposal } = onControl(core, control, core.now)
 * ```
 */
export function onControl(core: ControlComponents, control: DemlsControl, now: number): ControlEffects {
  const events: ConversationEvent[] = []
  const send: AppMessageInit[] = []
  const effects = { events, send }
  const report = (event: ConversationEvent | undefined) => {
    if (event !== undefined) events.push(event)
  }
  const queue = (message: AppMessageInit | undefined) => {
    if (message !== undefined) send.push(message)
  }
  if (control.proposalRequest !== undefined) {
    // Only the owner can re-send: receivers require owner = MLS sender.
    const id = control.proposalRequest.proposalId
    const p = core.consensus.getProposal(core.id, id)
    // One we miss too: its owner's re-send will reach us, so we need not ask for it ourselves just now.
    if (p === undefined) noteHeardProposalRequest(core.catchUp, id, now)
    // A proposal an epoch change voided is asked of the new electorate by a new one.
    if (p === undefined || !bytesEqual(p.proposalOwner, core.memberId) || core.voting.voided.has(id)) return effects
    const m = core.catchUp.proposalResendAt
    if (now - (m.get(id) ?? Number.NEGATIVE_INFINITY) < REPLY_INTERVAL_MS) return effects
    m.set(id, now)
    evictOldest(m, 256)
    return { ...effects, resendProposal: { ...p, votes: [], round: 1 } }
  }
  if (control.attestation !== undefined) {
    const a = control.attestation
    if (deferrable(core, a, now)) {
      core.liveness.defer(toHex(a.memberId), a, Math.min(now, Number(a.signedAtMs)))
      // A provisional joiner: these are confirmations of our state, checked once they could make the majority.
      if (core.provisional !== undefined) report(confirmWaiting(core))
      return effects
    }
    noteSignedAttestation(core, a, now)
    report(noteJoinAttestation(core, a))
    // Only a current member's signed word makes us believe the group is ahead or on another branch.
    const fromMember = a.epoch >= core.epoch() && attestedByMember(core, a, now)
    if (fromMember) noteEpoch(core, a.epoch, now)
    // A word about an epoch its member has left (`pastAttestation`): evidence of that state, never of where it is now.
    const past = a.demlsPastState
    if (fromMember && !past && a.epoch === core.epoch() && core.steward.isSteward(a.memberId)) noteStewardReached(core.catchUp, a.epoch, toHex(a.memberId), now)
    if (fromMember && a.epoch > core.epoch()) noteAhead(core, toHex(a.memberId), a.epoch, now)
    // What it merged: evidence for members we replay that commit to.
    // (Checked again: `attestedByMember` trusts a member's later attestations of an epoch it checked once.)
    // Of our epoch (for the members we replay to), or of the next one (a commit we may have to catch up on).
    const mergeEpoch = a.epoch === core.epoch() || a.epoch === core.epoch() + 1n
    if (fromMember && a.commitHash.length > 0 && mergeEpoch) keepVerifiedMerge(core, a)
    // A presence (no commit hash) claims no branch.
    const claimsBranch = fromMember && a.commitHash.length > 0
    if (a.epoch > core.epoch()) {
      if (fromMember) queue(catchUpRequest(core, now, core.epoch(), undefined))
    }
    // A branch that wins the fork choice at our epoch: fetch it (fork healing).
    else if (claimsBranch && prefersAttested(branchTip(core), core.epoch(), a.epoch, branchClaim(core, a.committer, a.commitHash))) {
      const claim = branchClaim(core, a.committer, a.commitHash)
      const w = core.catchUp.wantBranch
      if (w === undefined || w.epoch !== a.epoch || winsFork(claim, w)) {
        core.catchUp.wantBranch = { epoch: a.epoch, ...claim, at: now }
      } else if (bytesEqual(w.commitHash, a.commitHash)) w.at = now
      queue(catchUpRequest(core, now, a.epoch - 1n, core.catchUp.wantBranch?.commitHash))
    } else if (
      claimsBranch &&
      a.epoch === core.epoch() &&
      core.branch !== undefined &&
      !bytesEqual(fromHex(core.branch.hashHex), a.commitHash) &&
      winsFork(branchTip(core)!, branchClaim(core, a.committer, a.commitHash))
    ) {
      // Someone is on a worse branch at our epoch: make sure it hears of ours. Only the few members its
      // attestation picks answer (every member used to: in a group of 25 whose commit took seconds to reach
      // everyone, each attestation of the old epoch drew 24 attestations, which slowed everyone further);
      // its next attestation picks other few, and members' own attestations of each merge reach it anyway.
      if (!past && answersAttestation(core, a)) queue(attestation(core, now))
    } else if (a.epoch < core.epoch()) {
      // Someone is behind: our attestation tells it to catch up (the few it picks, as above).
      if (!past && answersAttestation(core, a)) queue(attestation(core, now))
    }
    return effects
  }
  if (control.commitRequest !== undefined) {
    const req = control.commitRequest
    const key = String(req.fromEpoch)
    const candidate = core.catchUp.log.get(key)
    // Without the commit we cannot answer, but a member's request for the one we would ask for stands for ours.
    const asksAsWeWould = candidate === undefined && asksForWhatWeWant(core, req)
    // A member on another branch there also wants our word about the epoch that commit reached.
    const wantsOurWord = req.demlsPastStates && req.fromEpoch < core.epoch()
    if (candidate === undefined && !asksAsWeWould && !wantsOurWord) return effects
    const refused = commitRequestRefusal(core, req, now)
    if (refused !== undefined) {
      if (refused !== 'commit request rate') report({ type: 'dropped', reason: 'unauthorized', detail: refused })
      return effects
    }
    // Every member that left that epoch answers (the requester counts a majority); at our own epoch, our attestation.
    if (wantsOurWord) queue(req.fromEpoch + 1n === core.epoch() ? attestation(core, now) : pastAttestation(core, req.fromEpoch + 1n, now))
    if (candidate === undefined) {
      if (asksAsWeWould) noteHeardCommitRequest(core.catchUp, req, now)
      return effects
    }
    if (req.commitHash.length > 0) {
      // A specific commit (fork healing): whoever holds it answers.
      if (!bytesEqual(commitHashOf(candidate.commitMessage), req.commitHash)) return effects
    } else if (!bytesEqual(candidate.stewardMemberId, core.memberId) && !core.steward.isSteward(core.memberId)) {
      // Plain catch-up: the committer and the stewards answer; everyone else stays quiet.
      return effects
    }
    if (now - (core.catchUp.lastReplyAt.get(key) ?? Number.NEGATIVE_INFINITY) < REPLAY_INTERVAL_MS) return effects
    // What replays we send is budgeted in bytes, whoever asks (the certificates count too).
    // With the certificate of the election that put the committer on the list, for a member that missed it.
    const election = electionForReplay(core, req.fromEpoch, candidate.stewardMemberId)
    const certificates = [...(core.certificates.log.get(key) ?? []), ...(election === undefined ? [] : [election])]
    // The merges we hand out are checked ones: check those still waiting first.
    core.liveness.settle()
    const mergedBy = core.certificates.mergedBy(req.fromEpoch + 1n, commitHashOf(candidate.commitMessage))
    const bytes =
      candidate.commitMessage.length +
      candidate.mlsProposals.reduce((n, p) => n + p.length, 0) +
      certificates.reduce((n, c) => n + encodeApprovalCertificate(c).length, 0) +
      mergedBy.length * 160
    if (!core.catchUp.replyBudget.take(now, Math.min(bytes, AVAILABILITY_LIMITS.replyBytes))) return effects
    core.catchUp.lastReplyAt.set(key, now)
    queue({ demlsControl: { commitReplay: { fromEpoch: control.commitRequest.fromEpoch, candidate, certificates, mergedBy } } })
    return effects
  }
  if (control.commitReplay?.candidate !== undefined) {
    const r = control.commitReplay
    // Another member's replay of the commit we logged counts as ours for the rate limit. Only that
    // commit: anyone can send a replay, and one of any other bytes must not keep us from answering.
    const logged = core.catchUp.log.get(String(r.fromEpoch))
    if (logged !== undefined && bytesEqual(logged.commitMessage, r.candidate!.commitMessage)) core.catchUp.lastReplyAt.set(String(r.fromEpoch), now)
    const proofs = { certificates: r.certificates, mergedBy: r.mergedBy }
    // Signed states of the epoch this commit reached: what a joiner that is not yet confirmed judges its branch by.
    for (const a of r.mergedBy) report(noteJoinAttestation(core, a))
    if (r.fromEpoch === core.epoch()) return { ...effects, replay: { kind: 'catch-up', candidate: r.candidate!, ...proofs } }
    if (r.fromEpoch + 1n === core.epoch()) return { ...effects, replay: { kind: 'fork', candidate: r.candidate!, ...proofs } }
    // The group's commit of an earlier epoch than our branch point's, which we asked for (the group's commit of our
    // branch point's epoch did not stage there, `sync/replay.ts askBeforeBranchPoint`), where we merged another one.
    const off = core.catchUp.offBranch
    const deeper = off !== undefined && off.epoch === core.epoch() && off.from === r.fromEpoch
    if (deeper && core.priorBranches.some((b) => b.epoch === r.fromEpoch && b.hashHex !== toHex(commitHashOf(r.candidate!.commitMessage)))) {
      return { ...effects, replay: { kind: 'fork', candidate: r.candidate!, ...proofs } }
    }
    return effects
  }
  return effects
}

/** The first time we heard steward `hex` attest `epoch` (our epoch), kept for that epoch only. */
function noteStewardReached(c: ControlComponents['catchUp'], epoch: bigint, hex: string, now: number): void {
  if (c.stewardsReached.epoch !== epoch) c.stewardsReached = { epoch, at: new Map() }
  if (!c.stewardsReached.at.has(hex)) c.stewardsReached.at.set(hex, now)
}

/**
 * When the epoch steward's inactivity window starts, for a member that is
 * not it: when approved work began to wait (`anchor`), or when we first
 * heard the epoch steward attest our epoch if that came later. A steward
 * that reached the epoch seconds after us (its CPU or its links were
 * behind) was taken over while it was building its commit, and the group
 * forked on two commits of one epoch; now it gets its window from when it
 * could act. Once per epoch: its later attestations of the epoch change
 * nothing, so a steward that attests and never commits delays the
 * takeover by one window at most.
 */
export function inactivityAnchor(core: Pick<ConversationCore, 'catchUp' | 'epoch' | 'epochSteward'>, anchor: number): number {
  const steward = core.epochSteward()
  const reached = core.catchUp.stewardsReached
  const at = steward === undefined || reached.epoch !== core.epoch() ? undefined : reached.at.get(toHex(steward))
  return at !== undefined && at > anchor ? at : anchor
}

/**
 * Whether another member's commit request asks for what our next one
 * would: the commit that left our epoch while the group is ahead, or the
 * commit of the better branch we want at our epoch.
 */
function asksForWhatWeWant(core: ControlComponents, req: CommitRequest): boolean {
  if (bytesEqual(req.memberId, core.memberId)) return false
  const want = wantedCommit(core)
  if (want === undefined || req.fromEpoch !== want.fromEpoch) return false
  return want.commitHash === undefined ? req.commitHash.length === 0 : bytesEqual(req.commitHash, want.commitHash)
}

/**
 * Validate a replayed commit for catch-up: same conversation, right kinds,
 * framed in our epoch, not already merged. Returns the commit hash hex.
 */
export function precheckReplay(core: ConversationCore, c: CommitCandidate): string | undefined {
  const check = precheckCandidate(c, core.idBytes, (b) => core.mls.inspectMessageKind(b), (h) =>
    core.queues.committedHashes.has(h),
  )
  if (!check.ok) return undefined
  if (core.mls.inspectMessageEpoch(c.commitMessage) !== core.epoch()) return undefined
  return check.hashHex
}
