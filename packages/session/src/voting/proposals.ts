import { aggregatesProposal, sendAggregateVote } from './aggregate-votes.js'
import { type ReceiveOptions, consensusResult } from '@demls/consensus'
import {
  type ConversationUpdateRequest,
  type ConversationUpdateRequestInit,
  type Proposal,
  type Vote,
  ViolationType,
  bytesEqual,
  decodeConversationUpdateRequest,
  encodeConversationUpdateRequest,
  toHex,
} from '@demls/wire'
import { sha256 } from '../util/hash.js'
import { proposalClockTolerance } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { OWN_VOTES_KEPT, noteTimedOut } from '../state/voting-state.js'
import type { InboundDropReason } from '../core/events.js'
import { type ProposalKind, isLowerPriority, proposalKindOf } from '../core/proposal-kind.js'
import { decodeRequest, isSelfLeave, targetKey } from '../rules/targets.js'
import { isVotePivotal } from '../rules/vote-pivotality.js'
import { isReserveVoter } from '../rules/primary-voters.js'
import { ConversationBlockedError, PartialFreezeError } from '../errors.js'
import { onInviteProposed } from '../join/responder.js'
import { bindingsOf, noteBindings } from './certificates.js'
import { BAN_REMOVAL_NAME, judgeEvidence, silenceIsNo } from './judge-evidence.js'
import { INACTIVE_REMOVAL_NAME, judgeInactiveRemoval } from '../stewardship/liveness.js'
import { groupMovedOn } from '../sync/catch-up.js'
import { noteMissingProposal } from '../sync/missing-proposals.js'
import { evictOldest } from '../state/bounded.js'
import { type OutgoingVote, bundleWindowMs, sendVotes } from './vote-bundles.js'
import { savedVote } from '../persist/snapshot.js'
import { proposalBytesFit } from './proposal-bytes.js'
import { noteEquivocation } from './equivocation.js'
import { equivocationOf } from '../rules/equivocation.js'
import { noteJoinBinding } from './aggregation.js'
import { creatorVoteFor, invitesRequired, joinerOf, judgeAdmission, proposalLiveness, removedOf, silentAdmissionRefusal } from './admission.js'
import { judgeElection } from '../stewardship/election-check.js'

/**
 * Who votes first on a proposal we open: we bundle YES, or we vote later like everyone.
 *
 * @example
 * ```ts
 * import type { CreatorVote } from '@demls/session'
 * const vote: CreatorVote = 'deferred' // the creator votes later, like any member
 * ```
 */
export type CreatorVote = 'yes' | 'deferred'

/**
 * The reference's deterministic self-leave id: big-endian u32 of SHA-256(member id)[0..4].
 *
 * @example
 * ```ts
 * import { selfLeaveProposalId } from '@demls/session'
 * import type { ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * const id = selfLeaveProposalId(new Uint8Array(20).fill(2)) // every member derives the same id
 * const pending = chat.approvedProposals().some((p) => p.proposalId === id)
 * ```
 */
export function selfLeaveProposalId(memberId: Uint8Array): number {
  const h = sha256(memberId)
  return (((h[0] as number) << 24) | ((h[1] as number) << 16) | ((h[2] as number) << 8) | (h[3] as number)) >>> 0
}

/**
 * Whether a new proposal of `kind` may be opened now (`reference-architecture.md`
 * §4.4): never while freezing or selecting; in reelection only elections and
 * emergencies; never below an open emergency (partial freeze).
 *
 * @throws {ConversationBlockedError}
 * @throws {PartialFreezeError}
 */
export function checkProposalAllowed(core: ConversationCore, kind: ProposalKind): void {
  const state = core.sm.state
  if (state === 'freezing' || state === 'selection' || state === 'pending-join') {
    throw new ConversationBlockedError(`open a ${kind} proposal`, state)
  }
  if (state === 'reelection' && kind === 'commit') throw new ConversationBlockedError(`open a ${kind} proposal`, state)
  if (core.queues.activeEmergencies.size > 0 && isLowerPriority(kind, 'emergency')) throw new PartialFreezeError(kind)
}

function votingDelay(core: ConversationCore, kind: ProposalKind): number {
  return kind === 'election' ? core.config.electionVotingDelayMs : core.config.votingDelayMs
}

function track(core: ConversationCore, proposalId: number, request: ConversationUpdateRequest | undefined, own: boolean, now: number): void {
  core.voting.requests.set(proposalId, request)
  // Deviation 3: every member times out every open proposal (the reference: only its owner).
  if (!own && core.config.referenceGaps?.onlyOwnerTimesOut) return
  if (!core.voting.timeouts.has(proposalId)) core.voting.timeouts.set(proposalId, now + core.config.consensusTimeoutMs)
}

/**
 * Open a proposal (`initiate_proposal`). With `'yes'` our vote is bundled;
 * with `'deferred'` the bare proposal is sent and we auto-vote later.
 * Returns the proposal id.
 */
export async function initiateProposal(
  core: ConversationCore,
  init: ConversationUpdateRequestInit,
  vote: CreatorVote,
  now: number,
  options: { fixedId?: number; name?: string; livenessCriteriaYes?: boolean } = {},
): Promise<number> {
  const { fixedId, name } = options
  const payload = encodeConversationUpdateRequest(init)
  const request = decodeConversationUpdateRequest(payload)
  const creatorVote = creatorVoteFor(core, request, vote, now)
  const kind = proposalKindOf(request)
  checkProposalAllowed(core, kind)
  const expectedVotersCount = core.mls.members().length
  const proposal = core.consensus.createProposal(
    core.id,
    {
      payload,
      expectedVotersCount,
      expirationSeconds: Math.max(1, Math.ceil(core.config.proposalExpirationMs / 1000)),
      livenessCriteriaYes: proposalLiveness(core, request, options.livenessCriteriaYes ?? core.config.livenessCriteriaYes),
      ...(creatorVote === 'yes' ? { vote: true } : {}),
      ...(fixedId !== undefined ? { proposalId: fixedId } : {}),
      priority: kind === 'commit' ? 'normal' : 'priority',
      ...(name !== undefined ? { name } : {}),
    },
    now,
  )
  const id = proposal.proposalId
  core.queues.voting.set(id, request)
  noteJoinBinding(core, request)
  if (kind === 'emergency') core.queues.activeEmergencies.add(id)
  track(core, id, request, true, now)
  // Echo our bundled vote like any other (see `castVote`); with no vote back by then, the proposal itself.
  const bundled = proposal.votes.find((v) => bytesEqual(v.voteOwner, core.memberId))
  if (bundled !== undefined && proposal.expectedVotersCount > 1) core.voting.voteEchoes.set(id, now + Math.floor(core.config.consensusTimeoutMs / 2), bundled)
  await core.sendEncrypted({ proposal, demlsVoteBindings: bindingsOf(core, proposal, proposal.votes) })
  // Our bundled YES counts for the aggregators too (the proposal's broadcast copy reaches everyone anyway).
  if (bundled !== undefined && aggregatesProposal(core, proposal)) await sendAggregateVote(core, proposal, true, now)
  // Joiner handshake: tell the joiner its key package became a proposal.
  onInviteProposed(core, id, request, now)
  if (creatorVote === 'yes') {
    core.emit({ type: 'own-proposal-submitted', proposalId: id, request })
  } else {
    core.emit({ type: 'vote-requested', proposalId: id, request })
    const joiner = invitesRequired(core) ? joinerOf(request) : undefined
    // A ban is decided by explicit votes, ours included.
    if (name !== BAN_REMOVAL_NAME) {
      core.voting.autoVotes.set(id, now + votingDelay(core, kind), { choice: core.config.livenessCriteriaYes, ...(joiner ? { judgeAdmission: joiner } : {}) })
    }
  }
  return id
}

/** The one-line message of an error (a `DemlsError`'s `shortMessage`). */
function shortMessageOf(err: unknown): string {
  return (err as { shortMessage?: string }).shortMessage ?? (err as Error).message
}

/** Map a consensus error (by `code`) to a drop reason. */
function dropReasonOf(err: unknown): InboundDropReason {
  const code = (err as { code?: unknown } | undefined)?.code
  if (code === 'UNAUTHORIZED') {
    return (err as { check?: string }).check === 'expected-voters' ? 'membership-changed' : 'unauthorized'
  }
  if (code === 'SESSION_QUOTA' || code === 'SESSION_LIMIT') return 'quota'
  if (code === 'CLOCK_SKEW') return 'clock-skew'
  if (code === 'INVALID_VOTE' || code === 'INVALID_SIGNATURE' || code === 'INVALID_HASH_CHAIN') return 'invalid-vote'
  return 'invalid-proposal'
}

/** The hardening options every receive uses (deviation 4). */
function hardening(core: ConversationCore, sender: Uint8Array): ReceiveOptions {
  const members = core.memberSet()
  return {
    expectedMemberCount: members.size,
    members: (owner) => members.has(toHex(owner)),
    sender,
  }
}

/** A proposal received from `sender` (MLS-authenticated). */
export function onIncomingProposal(
  core: ConversationCore,
  proposal: Proposal,
  sender: Uint8Array,
  now: number,
  bindings: readonly Uint8Array[] = [],
): void {
  const request = decodeRequest(proposal.payload)
  const kind = proposalKindOf(request)
  if (core.queues.activeEmergencies.size > 0 && isLowerPriority(kind, 'emergency')) {
    core.emit({ type: 'dropped', reason: 'partial-freeze', detail: `proposal ${proposal.proposalId}` })
    return
  }
  if (proposal.name === BAN_REMOVAL_NAME && proposal.livenessCriteriaYes) {
    core.emit({ type: 'dropped', reason: 'unauthorized', detail: 'a ban removal must count silent voters as NO' })
    return
  }
  if (kind === 'emergency' && !request?.emergencyCriteria?.evidence) {
    core.emit({ type: 'dropped', reason: 'invalid-proposal', detail: 'emergency proposal without evidence' })
    return
  }
  const accusation = request?.emergencyCriteria?.evidence
  if (accusation !== undefined && silenceIsNo(accusation) && proposal.livenessCriteriaYes) {
    // Silence must never carry an accusation (issue 15): a reference peer's ECP counts silent voters as YES.
    core.emit({ type: 'dropped', reason: 'unauthorized', detail: 'an accusation must count silent voters as NO' })
    return
  }
  if (!proposalBytesFit(core, proposal)) return
  const silentAdmission = silentAdmissionRefusal(core, proposal, request)
  if (silentAdmission !== undefined) {
    core.emit({ type: 'dropped', reason: 'unauthorized', detail: silentAdmission })
    return
  }
  // Elections and emergencies may use the reserved sessions; the timestamp is checked against our clock.
  const options: ReceiveOptions = { ...hardening(core, sender), priority: kind === 'commit' ? 'normal' : 'priority', clockSkew: proposalClockTolerance(core.config) }
  if (proposal.expectedVotersCount === 1) {
    // Self-leave fast path: owner = sender = removal target, or nothing.
    if (!isSelfLeave(proposal, sender)) {
      core.emit({ type: 'dropped', reason: 'unauthorized', detail: 'fast-path proposal not a self-leave' })
      return
    }
    delete options.expectedMemberCount
    options.priority = 'priority' // a self-leave is decided at once: it never holds a session
  }
  let result: ReturnType<typeof core.consensus.receiveProposal>
  try {
    result = core.consensus.receiveProposal(core.id, proposal, now, options)
  } catch (err) {
    core.emit({ type: 'dropped', reason: dropReasonOf(err), detail: shortMessageOf(err), error: err as Error })
    return
  }
  if (result.status !== 'accepted') {
    core.emit({ type: 'dropped', reason: result.status === 'duplicate' ? 'duplicate' : 'late' })
    return
  }
  noteBindings(core, proposal.proposalId, proposal.votes, bindings, sender)
  // In a group whose plug-in aggregates votes: a join's key binding is checked (and kept until its commit); a refused one makes our vote NO.
  const bindingRefusal = noteJoinBinding(core, request)
  if (kind === 'emergency') core.queues.activeEmergencies.add(proposal.proposalId)
  if (request && (request.payload === 'memberInvite' || request.payload === 'removeMember')) {
    core.queues.bufferUpdate(request, core.epoch())
  }
  if (result.state !== 'active') {
    core.voting.requests.set(proposal.proposalId, request)
    return
  }
  track(core, proposal.proposalId, request, false, now)
  if (proposal.expectedVotersCount > 1 && !hasOwnVote(core, proposal) && resendSavedVote(core, proposal.proposalId, now)) return
  if (proposal.expectedVotersCount > 1 && !hasOwnVote(core, proposal)) {
    core.emit({ type: 'vote-requested', proposalId: proposal.proposalId, request })
    // A removal for inactivity is judged from our own observation when the vote fires.
    // (Such a removal must count silent voters as NO; one that does not is refused.)
    const inactive =
      proposal.name === INACTIVE_REMOVAL_NAME && request?.payload === 'removeMember' ? request.removeMember?.memberId : undefined
    // A score-removal emergency is judged from our own scores when the vote fires.
    const evidence = request?.payload === 'emergencyCriteria' ? request.emergencyCriteria?.evidence : undefined
    const scoreTarget =
      evidence?.violationType === ViolationType.SCORE_BELOW_THRESHOLD && evidence.targetMemberId.length > 0
        ? evidence.targetMemberId
        : undefined
    // A removal a member asked for (BanRequest) is decided by explicit votes: nobody votes for us.
    if (proposal.name === BAN_REMOVAL_NAME) return
    const removed = removedOf(request)
    core.voting.autoVotes.set(proposal.proposalId, now + votingDelay(core, kind), {
      choice: inactive !== undefined || bindingRefusal !== undefined ? false : proposal.livenessCriteriaYes,
      ...(inactive !== undefined && !proposal.livenessCriteriaYes ? { judgeInactive: inactive } : {}),
      ...(scoreTarget !== undefined ? { judgeScore: scoreTarget } : {}),
      // Any other emergency is judged from what we observed ourselves, never from the proposer's flag.
      ...(evidence !== undefined && scoreTarget === undefined ? { judgeEvidence: evidence } : {}),
      ...(invitesRequired(core) && joinerOf(request) !== undefined && bindingRefusal === undefined ? { judgeAdmission: joinerOf(request) } : {}),
      // In a closed group, another member's plain removal is voted on what we observed ourselves.
      ...(invitesRequired(core) && removed !== undefined && inactive === undefined ? { judgeRemoval: removed } : {}),
      // An election is voted on its list, never on the proposer's flag (a list of its choosing would pass).
      ...(request?.stewardElection !== undefined ? { judgeElection: request.stewardElection } : {}),
    })
  }
}

/**
 * A proposal we voted on before a restart (our signed vote was saved):
 * record that vote and send it again, never another one. Returns whether
 * there was one.
 */
function resendSavedVote(core: ConversationCore, proposalId: number, now: number): boolean {
  const vote = savedVote(core, proposalId)
  if (vote === undefined) return false
  try {
    core.consensus.receiveVote(core.id, vote, now, hardening(core, core.memberId))
  } catch (err) {
    core.error('saved-vote', err)
    return true
  }
  core.voting.voteEchoes.set(proposalId, now, vote)
  return true
}

function hasOwnVote(core: ConversationCore, proposal: Proposal): boolean {
  return proposal.votes.some((v) => bytesEqual(v.voteOwner, core.memberId))
}

/**
 * After a restart: take back the proposals that were open when we saved,
 * each as if received again from its owner, then the votes we had on it
 * (our own included, so we never cast another).
 */
export function restoreOpenProposals(core: ConversationCore, proposals: readonly Proposal[], now: number): void {
  for (const p of proposals) {
    const [first, ...rest] = p.votes
    onIncomingProposal(core, { ...p, votes: first === undefined ? [] : [first] }, p.proposalOwner, now)
    for (const v of rest) {
      try {
        core.consensus.receiveVote(core.id, v, now, hardening(core, v.voteOwner))
      } catch {
        // a vote the session no longer takes (expired, duplicate): it changes nothing
      }
    }
  }
}

/**
 * A single vote received from `sender` (MLS-authenticated). Returns whether
 * it proved an equivocation we had not seen (the voter was penalised).
 */
export function onIncomingVote(core: ConversationCore, vote: Vote, sender: Uint8Array, now: number, binding?: Uint8Array): boolean {
  try {
    const r = core.consensus.receiveVote(core.id, vote, now, hardening(core, sender))
    // A late or conflicting vote is in no certificate (the service did not take it): its binding is not checked.
    if (binding !== undefined && r.status !== 'late' && r.status !== 'conflicting') noteBindings(core, vote.proposalId, [vote], [binding], sender)
    if (r.status === 'conflicting') {
      // Both votes are signed by their owner (the consensus service verified the second one too).
      const evidence = equivocationOf(r.existing, vote)
      if (evidence !== undefined) return noteEquivocation(core, evidence)
      core.emit({ type: 'dropped', reason: 'duplicate' })
    } else if (r.status === 'duplicate') core.emit({ type: 'dropped', reason: 'duplicate' })
    else if (r.status === 'late') core.emit({ type: 'dropped', reason: 'late' })
    // A vote for a proposal we do not hold: it may be on its way; ask its owner for it if it does not come.
    else if (r.status === 'buffered') noteMissingProposal(core, vote.proposalId, now)
  } catch (err) {
    core.emit({ type: 'dropped', reason: dropReasonOf(err), detail: shortMessageOf(err), error: err as Error })
  }
  return false
}

/**
 * Our vote on a SCORE_BELOW_THRESHOLD emergency: YES only if our own score
 * of the target is at or below the threshold too. Scores are local (each
 * member's record of what it saw), and a member whose view of a round was
 * skewed (approvals that reached it late, a candidate it filtered) can
 * drive an honest steward's score down on its own; the others' scores
 * then outvote its emergency instead of auto-approving it.
 */
export function judgeScoreRemoval(core: ConversationCore, target: Uint8Array): boolean {
  const score = core.scoring.scoreFor(target)
  return score !== undefined && score <= core.scoring.threshold()
}

/**
 * Our automatic vote on another member's plain removal of `target` in a
 * closed group (`admission: 'invite'`): YES only when our own observation
 * supports it (we have not heard from the target for the suspect window,
 * or our own score of it is at the removal threshold); otherwise NO. A
 * member votes explicitly (`vote`) within the voting delay to decide
 * otherwise; silence counts NO.
 */
export function judgeRemoval(core: ConversationCore, target: Uint8Array, now: number): boolean {
  return judgeInactive(core, target, now) || judgeScoreRemoval(core, target)
}

/**
 * Our vote on a removal for inactivity: YES only when we have not heard
 * from `target` for the dead-member window ourselves, and we are not behind
 * the group (a quorum of members attests a later epoch, `groupMovedOn`): a
 * member whose own process lags has not read what the target sent, so its
 * silence is ours, not the target's.
 */
export function judgeInactive(core: ConversationCore, target: Uint8Array, now: number): boolean {
  return judgeInactiveRemoval(core, target, now) && !groupMovedOn(core, now)
}

/**
 * Cast our vote and broadcast it (manual or automatic). Beyond the
 * reference, the vote is sent once more halfway to the consensus timeout
 * if the proposal is still open here then, or if every vote is needed to
 * decide it (see {@link votePivotal}). A lost vote leaves its proposal
 * undecided on some members and approved on others, and that split costs
 * a whole freeze round. Receivers drop the copy as a duplicate or late
 * vote. In larger groups a resolved proposal is not echoed, so they do not
 * pay O(N²) extra decryptions per proposal.
 */
export async function castVote(core: ConversationCore, proposalId: number, choice: boolean, now: number, bundle?: OutgoingVote[]): Promise<void> {
  core.voting.autoVotes.clear(proposalId)
  const vote = core.consensus.castVote(core.id, proposalId, choice, now)
  core.voting.ownVotes.set(proposalId, vote)
  evictOldest(core.voting.ownVotes, OWN_VOTES_KEPT)
  // (The proposal is fetched only in a group that aggregates: a copy per vote is not worth it otherwise.)
  const proposal = core.plugins.consensus.aggregation === undefined ? undefined : core.consensus.getProposal(core.id, proposalId)
  // In a group whose plug-in aggregates votes, an add or removal is voted to the aggregators; our broadcast
  // vote (kept, signed, bound) goes out at its echo time only if no verified proof decided it by then.
  const aggregated = proposal !== undefined && aggregatesProposal(core, proposal) && (await sendAggregateVote(core, proposal, choice, now))
  // With `bundle` (votes cast together, `voteBundles`), the caller sends it with the others.
  if (!aggregated) await sendOrBundle(core, vote, bundle)
  core.voting.voteEchoes.set(proposalId, now + Math.floor(core.config.consensusTimeoutMs / 2), vote)
}

/** Our vote with its binding: into `bundle` when we bundle, else sent now (as the reference sends a vote). */
async function sendOrBundle(core: ConversationCore, vote: Vote, bundle: OutgoingVote[] | undefined): Promise<void> {
  const out = { vote, binding: ownBinding(core, vote) }
  if (bundle !== undefined) bundle.push(out)
  else await sendVotes(core, [out])
}

/** The binding of our vote (none when we no longer hold its proposal, or in a group that does not certify). */
function ownBinding(core: ConversationCore, vote: Vote): Uint8Array | undefined {
  const p = core.consensus.getProposal(core.id, vote.proposalId)
  return p === undefined ? undefined : bindingsOf(core, p, [vote])[0]
}

/** Whether our vote on an open proposal is pivotal ({@link isVotePivotal}). */
function votePivotal(core: ConversationCore, proposalId: number): boolean {
  const p = core.consensus.getSession(core.id, proposalId)?.proposal
  return p !== undefined && isVotePivotal(core.plugins.consensus.rule, p)
}

/** Send our votes again at their echo time (see {@link castVote}). */
async function echoVotes(core: ConversationCore, now: number): Promise<void> {
  const bundle: OutgoingVote[] | undefined = core.config.voteBundles ? [] : undefined
  for (const [id, e] of core.voting.voteEchoes.due(now)) {
    if (core.sm.blocksMessaging) {
      // Not while the epoch changes (it would be framed in the old epoch); once it settles.
      core.voting.voteEchoes.set(id, now + core.config.recoveryInactivityMs, e.value)
      continue
    }
    core.voting.voteEchoes.clear(id)
    // Decided by a verified proof: the broadcast fallback is not needed.
    if (core.aggregate.proven.has(id)) continue
    const session = core.consensus.getSession(core.id, id)
    // A resolved proposal is echoed only while its every vote is needed, and never with one voter (ours, in a
    // group of one): the members that joined since would only ask for it and refuse it (the one-voter fast
    // path is for a self-leave, which travels bundled).
    if (session?.state !== 'active' && (!votePivotal(core, id) || (session?.proposal.expectedVotersCount ?? 0) <= 1)) continue
    try {
      const unanswered = session?.state === 'active' && bytesEqual(session.proposal.proposalOwner, core.memberId) && session.proposal.votes.every((v) => bytesEqual(v.voteOwner, core.memberId))
      if (unanswered) {
        // Our own proposal and nobody's vote has come back: it may have reached nobody (nobody can ask
        // for a proposal it never heard of), so send the proposal itself again, with our vote.
        const proposal = core.consensus.getProposal(core.id, id)!
        await core.sendEncrypted({ proposal, demlsVoteBindings: bindingsOf(core, proposal, proposal.votes) })
      } else {
        if (session?.state === 'active' && aggregatesProposal(core, session.proposal)) core.aggregate.stats.fallbacks++
        await sendOrBundle(core, e.value, bundle)
      }
    } catch (err) {
      core.error('vote-echo', err)
    }
  }
  if (bundle !== undefined && bundle.length > 0) await sendVotes(core, bundle).catch((err) => core.error('vote-echo', err))
}

/**
 * Whether our automatic `choice` on `proposal` waits in reserve
 * (`reserveVoters`, {@link isReserveVoter}): the default consensus rule,
 * a choice equal to the proposal's liveness value (our silence weighs the
 * same once the quorum gate is passed), and we are not among its primaries.
 */
function waitsInReserve(core: ConversationCore, proposal: Proposal, choice: boolean): boolean {
  if (!core.config.reserveVoters || core.plugins.consensus.rule !== consensusResult) return false
  return choice === proposal.livenessCriteriaYes && isReserveVoter(proposal, core.memberSet(), core.memberHex)
}

/**
 * When a reserve votes if the proposal is still open: one voting delay
 * later, but before its consensus timeout here (at the timeout silence
 * counts, and a tie that needs every vote would fail instead of taking the
 * liveness value).
 */
function reserveVoteAt(core: ConversationCore, proposalId: number, now: number): number {
  const wait = votingDelay(core, proposalKindOf(core.voting.requests.get(proposalId)))
  const timeout = core.voting.timeouts.get(proposalId)?.at
  return timeout === undefined ? now + wait : Math.min(now + wait, now + Math.max(0, Math.floor((timeout - now) / 2)))
}

/**
 * First step of `poll`: fire due auto-votes and consensus timeouts. Their
 * outcomes are left in the consensus event queue.
 */
export async function tickDeadlines(core: ConversationCore, now: number): Promise<void> {
  // Votes due together go out together (`voteBundles`): also those due within the bundle window.
  const dueVotes = core.voting.autoVotes.due(now + bundleWindowMs(core.config))
  const bundle: OutgoingVote[] | undefined = core.config.voteBundles ? [] : undefined
  const dueTimeouts = core.voting.timeouts.due(now)
  for (const [id, { value: a }] of dueVotes) {
    core.voting.autoVotes.clear(id)
    const session = core.consensus.getSession(core.id, id)
    if (session === undefined || session.state !== 'active') continue
    if (core.sm.blocksMessaging) {
      // Cannot send while the epoch changes; retry after it settles.
      core.voting.autoVotes.set(id, now + core.config.recoveryInactivityMs, a)
      continue
    }
    try {
      const choice =
        a.judgeInactive !== undefined
          ? judgeInactive(core, a.judgeInactive, now)
          : a.judgeScore !== undefined
            ? judgeScoreRemoval(core, a.judgeScore)
            : a.judgeAdmission !== undefined
              ? judgeAdmission(core, id, a.judgeAdmission, now)
              : a.judgeEvidence !== undefined
                ? judgeEvidence(core, a.judgeEvidence, now)
                : a.judgeRemoval !== undefined
                  ? judgeRemoval(core, a.judgeRemoval, now)
                  : a.judgeElection !== undefined
                    ? judgeElection(core, a.judgeElection)
                    : a.choice
      if (a.reserveWaited !== true && waitsInReserve(core, session.proposal, choice)) {
        // Our silence weighs as our choice: vote only if the proposal is still open after one more voting delay.
        core.voting.autoVotes.set(id, reserveVoteAt(core, id, now), { choice, reserveWaited: true })
        continue
      }
      await castVote(core, id, choice, now, bundle)
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ALREADY_VOTED') core.error('auto-vote', err)
    }
  }
  if (bundle !== undefined && bundle.length > 0) await sendVotes(core, bundle).catch((err) => core.error('auto-vote', err))
  await echoVotes(core, now)
  for (const [id] of dueTimeouts) {
    core.voting.timeouts.clear(id)
    const session = core.consensus.getSession(core.id, id)
    if (session === undefined || session.state !== 'active') continue
    try {
      // Approved with silent voters counted: signed votes that come later may still prove it (`voting/late-approval.ts`).
      const outcome = core.consensus.handleTimeout(core.id, id, now)
      if (outcome.status === 'reached' && outcome.result) noteTimedOut(core.voting, id)
    } catch (err) {
      core.error('consensus-timeout', err)
    }
  }
}

/** Whether an add/remove for this request's target is already in flight or approved. */
export function targetInFlight(core: ConversationCore, request: ConversationUpdateRequest): boolean {
  const key = targetKey(request)
  return key !== undefined && inFlightTargetKeys(core).has(key)
}

/**
 * Target keys of every add/remove in flight or approved here: approved,
 * our open proposals, and every open proposal of the consensus service. A
 * caller that checks many requests (a steward's buffer of joiners) builds
 * it once: one pass over each queue, not one per request.
 */
export function inFlightTargetKeys(core: ConversationCore): Set<string> {
  const keys = openTargetKeys(core)
  for (const r of core.queues.approved.values()) addTargetKey(keys, r)
  for (const r of core.queues.voting.values()) addTargetKey(keys, r)
  return keys
}

function addTargetKey(keys: Set<string>, request: ConversationUpdateRequest): void {
  const key = targetKey(request)
  if (key !== undefined) keys.add(key)
}

/** Target keys (`add:<hex>`, `remove:<hex>`) of the add/remove proposals open in our consensus service, from the decoded requests we keep. */
export function openTargetKeys(core: ConversationCore): Set<string> {
  const keys = new Set<string>()
  for (const p of core.consensus.activeProposals(core.id)) {
    const r = core.voting.requests.get(p.proposalId)
    const key = r === undefined ? undefined : targetKey(r)
    if (key !== undefined) keys.add(key)
  }
  return keys
}
