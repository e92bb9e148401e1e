import { type ApprovalCertificate, type ConversationUpdateRequest, type Proposal, type Vote, bytesEqual, toHex } from '@demls/wire'
import { liveStewardGraceMs } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { tallyVotes, verifyCertificate } from '../rules/certificate.js'
import { decodeRequest, keyOfTarget, targetKey, targetOf, targetSatisfied } from '../rules/targets.js'
import { evictOldest } from '../state/bounded.js'
import { type DeferredVoided, LATE_VOTES_KEPT } from '../state/voting-state.js'
import { certifies, closeVoteState, localCertificate } from './certificates.js'
import { INACTIVE_REMOVAL_NAME } from '../stewardship/liveness.js'
import { proposalLiveness } from './admission.js'
import { BAN_REMOVAL_NAME } from './judge-evidence.js'
import { bufferedUpdatesOpener } from '../stewardship/stewardship.js'
import { initiateProposal, targetInFlight } from './proposals.js'

/** How many voided proposal ids a member remembers (it answers no `ProposalRequest` for them). */
export const VOIDED_KEPT = 256

/**
 * A proposal a commit crossed, voided at the epoch change
 * ({@link voidCrossedProposals}): what it asked for, and whether it was ours
 * (we open it again at the new epoch, {@link reproposeVoided}).
 */
export interface VoidedProposal {
  proposalId: number
  request: ConversationUpdateRequest
  /** Our own proposal: we open it again at the new epoch. */
  own: boolean
  /** Its options, kept for the new proposal. */
  name: string | undefined
  livenessCriteriaYes: boolean
  /** Our YES was in it: the new proposal carries our YES too. */
  votedYes: boolean
  /** Members whose vote on it we hold (hex): each received it, so holds its request buffered. */
  voters: ReadonlySet<string>
}

/**
 * The oldest epoch whose members every member of ours can check a
 * certificate against: the one before the latest join among our members.
 * A member welcomed at epoch k knows the members of k − 1 from its Welcome
 * (`MembershipState.joinElectorate`) and those of every epoch after from
 * its own history, and of no epoch before.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { oldestCheckableEpoch } from '../voting/crossed-proposals.js'
 * declare const core: ConversationCore
 * if (oldestCheckableEpoch(core) === core.epoch()) console.log('the last commit added members')
 * ```
 */
export function oldestCheckableEpoch(core: Pick<ConversationCore, 'memberSet' | 'membership'>): bigint {
  let latest = 0n
  for (const h of core.memberSet()) {
    const joined = core.membership.joinEpochs.get(h)
    if (joined !== undefined && joined > latest) latest = joined
  }
  return latest > 0n ? latest - 1n : 0n
}

/**
 * The member sets of `n` members a certificate can be checked against by
 * every member of ours ({@link oldestCheckableEpoch}): ours now, then those
 * of remembered epochs since that epoch, and our electorate at join when
 * it is one of them. Narrower than `electoratesOf` (what a reader accepts):
 * a steward that commits work approved by an electorate older than that
 * commits work some members cannot verify.
 */
export function checkableElectorates(core: ConversationCore, n: number): ReadonlySet<string>[] {
  const from = oldestCheckableEpoch(core)
  const out: ReadonlySet<string>[] = [core.memberSet()]
  for (const [epoch, m] of core.membership.epochHistory) {
    if (epoch >= from && epoch < core.epoch() && m.members.length === n) out.push(new Set(m.members.map(toHex)))
  }
  const ownJoin = core.membership.joinEpochs.get(core.memberHex)
  if (ownJoin !== undefined && ownJoin - 1n >= from && core.membership.joinElectorate?.size === n) out.push(core.membership.joinElectorate)
  return out
}

/**
 * Whether the signed votes we hold for an approved proposal pass the
 * group's rule before any timeout over the members of an epoch whose size
 * is the proposal's electorate (the epoch it was opened in), an epoch
 * whose members every member of ours knows ({@link checkableElectorates}):
 * a certificate every member can check, the proof a commit carrying it
 * needs (29 joiners at once, `faults:wave` seed 33: an add approved by
 * the 3 members of epoch 1, committed at epoch 3 after 12 of its 19
 * members joined: those 12 refused it for good, the others went on). The votes
 * were checked by the consensus service when they reached us, and a
 * certificate we took the approval from (a hand-over, a replay) when we
 * took it; this only counts them.
 */
export function heldVotesApprove(core: ConversationCore, proposalId: number): boolean {
  const local = localCertificate(core, proposalId)?.proposal
  const request = decodeRequest((local ?? core.consensus.getProposal(core.id, proposalId))?.payload ?? new Uint8Array(0))
  // A certificate we took the approval from (handed over, or offered with a replay) was verified then.
  const key = request === undefined ? undefined : targetKey(request)
  const kept = key === undefined ? undefined : core.certificates.approved.get(key)?.proposal
  const proofs = [local, kept?.proposalId === proposalId ? kept : undefined].filter((x): x is Proposal => x !== undefined)
  return proofs.some((proof) => checkableElectorates(core, proof.expectedVotersCount).some((members) => countedVotesPass(core, proof, members)))
}

/**
 * Whether the votes `proof` holds pass the group's rule over `members`
 * before any timeout, counted as they are (their signatures were checked
 * when they reached us, or will be by the caller).
 */
export function countedVotesPass(core: Pick<ConversationCore, 'plugins'>, proof: Proposal, members: ReadonlySet<string>): boolean {
  const { yes, no } = tallyVotes(proof, members, () => true)
  return core.plugins.consensus.rule({ expectedVoters: members.size, yes: yes.size, no, livenessCriteriaYes: proof.livenessCriteriaYes, timedOut: false }) === 'yes'
}

/** Whether `p` is an ordinary add or removal (not a self-leave, which is its own proof at any epoch). */
function isCrossable(p: Proposal, request: ConversationUpdateRequest | undefined): request is ConversationUpdateRequest {
  if (request === undefined || (request.payload !== 'memberInvite' && request.payload !== 'removeMember')) return false
  const target = targetOf(request)
  if (target === undefined || p.expectedVotersCount <= 1) return false
  return !(target.action === 'remove' && bytesEqual(target.member, p.proposalOwner))
}

/**
 * One outcome for a proposal a commit crossed (issue 56; beyond the
 * reference, `docs/deviations.md`). A proposal is decided over the
 * electorate of the epoch it was opened in by signed votes, or at its
 * timeout (silent voters counted) only while that epoch lasts. Called at
 * every epoch change, once the commit's own work has left the queues:
 *
 * - each add and removal opened before it and still open here is marked
 *   crossed: signed votes may still decide it (its late votes count, and
 *   its approval is then one every member can check), but at its timeout
 *   it is void instead of decided by silence ({@link timeOutCrossed});
 * - each one approved here only with silence counted (at the timeout), or
 *   by the signed votes of an electorate some member of ours does not know
 *   (it joined since), so that not every member can check the approval
 *   ({@link heldVotesApprove} fails, nor with the signed votes that
 *   reached us after its timeout: {@link lateCertificate}), not carried by
 *   the commit, nor proven by an aggregate proof, is void now: the work
 *   leaves the approved queue;
 * - one still open that an earlier commit crossed already (opened two
 *   epochs back or more) is void now when a member joined since: its
 *   signed votes could no longer approve it for everyone.
 *
 * Every member treats such a proposal the same way, however its copies
 * and votes reached it around the commit: a member that merged first drops
 * the proposal as a packet of the epoch it left, one that held it lets no
 * timer decide it. Before, those that held it decided it at their timeout
 * over the electorate the group had left (silent voters counted YES), the
 * others never did, and a steward among the first committed work the
 * others could not verify: a lasting fork (`docs/fault-runs.md`, "a join
 * proposal that crossed a commit"). A voided proposal is reported
 * (`proposal-voided`) and proposed again at the new epoch: by its owner
 * ({@link reproposeVoided}), and, for buffered adds and removals, by the
 * stewards as for any buffered update.
 *
 * Not in a group that runs the reference's uncertified path
 * (`ReferenceGaps.uncertifiedChanges`), which keeps the reference's rule.
 *
 * @returns the proposals voided now
 */
export function voidCrossedProposals(core: ConversationCore, now: number): VoidedProposal[] {
  if (!certifies(core)) return []
  const voided: VoidedProposal[] = []
  // A proposal crossed before was opened two epochs back or more: once a member joined since, its signed votes can no longer approve it for everyone.
  const olderUncheckable = oldestCheckableEpoch(core) > core.epoch() - 2n
  for (const p of core.consensus.activeProposals(core.id)) {
    const request = core.voting.requests.get(p.proposalId) ?? decodeRequest(p.payload)
    if (!isCrossable(p, request)) continue
    // Decided here already, whatever the session says (a verified certificate or proof): judged with the approvals below.
    if (core.queues.resolved.has(p.proposalId)) continue
    if (olderUncheckable && core.voting.crossed.has(p.proposalId)) {
      voided.push(abandonCrossed(core, p, request, now))
      continue
    }
    core.voting.crossed.add(p.proposalId)
  }
  evictOldest(core.voting.crossed, VOIDED_KEPT)
  for (const [id, request] of [...core.queues.approved]) {
    const p = core.consensus.getProposal(core.id, id)
    if (p === undefined || !isCrossable(p, decodeRequest(p.payload))) continue
    if (core.aggregate.proven.has(id) || heldVotesApprove(core, id)) continue
    // Approved at its timeout, and proven by the signed votes that reached us since (kept as late votes): it stands.
    const late = core.voting.lateVotes.has(id) ? lateCertificate(core, id, now) : undefined
    const key = targetKey(request)
    if (late !== undefined && key !== undefined) {
      core.certificates.keepApproved(key, late)
      core.voting.lateVotes.delete(id)
      continue
    }
    core.queues.approved.delete(id)
    voided.push(noteVoided(core, p, request))
  }
  return voided
}

/** Close a crossed proposal still open without an outcome: its session, our vote state and its echoes, then {@link noteVoided}. */
function abandonCrossed(core: ConversationCore, p: Proposal, request: ConversationUpdateRequest, now: number): VoidedProposal {
  core.consensus.abandonProposal(core.id, p.proposalId, now)
  closeVoteState(core, p.proposalId)
  core.voting.voteEchoes.clear(p.proposalId)
  core.queues.voting.delete(p.proposalId)
  return noteVoided(core, p, request)
}

/** Record `p` as voided here and describe it for {@link reproposeVoided}. */
function noteVoided(core: ConversationCore, p: Proposal, request: ConversationUpdateRequest): VoidedProposal {
  core.voting.voided.add(p.proposalId)
  evictOldest(core.voting.voided, VOIDED_KEPT)
  core.voting.crossed.delete(p.proposalId)
  return {
    proposalId: p.proposalId,
    request,
    own: bytesEqual(p.proposalOwner, core.memberId),
    name: p.name,
    livenessCriteriaYes: p.livenessCriteriaYes,
    votedYes: p.votes.some((v) => v.vote && bytesEqual(v.voteOwner, core.memberId)),
    voters: new Set(p.votes.map((v) => toHex(v.voteOwner))),
  }
}

/**
 * First step of `poll`, before `tickDeadlines`: the consensus timeouts due
 * now of proposals a commit crossed ({@link voidCrossedProposals}). One
 * still open is void instead of decided with silent voters counted: its
 * session closes without an outcome, it is reported, and ours is opened
 * again for the electorate of now. While we cannot open a proposal
 * (Freezing, Selection, Reelection) its timeout is put off by the
 * recovery-inactivity window, as an auto-vote is. Returns how many were
 * voided.
 */
export async function timeOutCrossed(core: ConversationCore, now: number): Promise<number> {
  if (core.voting.crossed.size === 0) return 0
  let count = 0
  for (const [id] of core.voting.timeouts.due(now)) {
    if (!core.voting.crossed.has(id)) continue
    const p = core.consensus.getProposal(core.id, id)
    const request = p === undefined ? undefined : (core.voting.requests.get(id) ?? decodeRequest(p.payload))
    if (p === undefined || core.consensus.getSession(core.id, id)?.state !== 'active' || !isCrossable(p, request)) {
      core.voting.crossed.delete(id)
      continue
    }
    if (core.sm.state !== 'working') {
      core.voting.timeouts.set(id, now + core.config.recoveryInactivityMs)
      continue
    }
    await reproposeVoided(core, [abandonCrossed(core, p, request, now)], now)
    count++
  }
  return count
}

/**
 * Once Working at the new epoch: report each voided proposal
 * (`proposal-voided`), and open our own again for the new electorate: the
 * same request, name and liveness value, with our YES when the voided one
 * carried it (`reproposedAs` in the event is the new id). Not opened again
 * when the work is done (the member joined or left), or already open or
 * approved here (a steward proposed it again from its buffered updates, or
 * a proof brought it).
 *
 * Nor opened at once when another member will open it
 * ({@link leftToOpener}): the acting epoch steward, or while an election
 * is due the head of the list it elects, proposes buffered updates as soon
 * as it can, and it holds this one buffered, so two proposals would ask
 * every member for the same vote (issue 56: each voided removal of the
 * `proposal-crosses-commit` scenarios was proposed three times; on the
 * memory network's wave, 19 joins in 10 seeds were proposed by both).
 * We open it ourselves only if no proposal for its target is open here
 * {@link liveStewardGraceMs} later ({@link reproposeDeferred});
 * `reproposedAs` is then absent.
 *
 * @returns the ids of the new proposals
 */
export async function reproposeVoided(core: ConversationCore, voided: readonly VoidedProposal[], now: number): Promise<number[]> {
  const opened: number[] = []
  for (const v of voided) {
    let id: number | undefined
    const key = targetKey(v.request)
    if (v.own && key !== undefined && stillWanted(core, v.request)) {
      const steward = leftToOpener(core, v, now)
      if (steward !== undefined) core.voting.deferredReproposals.set(key, now + liveStewardGraceMs(core.config), { voided: v, steward })
      else id = await openAgain(core, v, now)
      if (id !== undefined) opened.push(id)
    }
    core.emit({ type: 'proposal-voided', proposalId: v.proposalId, request: v.request, ...(id !== undefined ? { reproposedAs: id } : {}) })
  }
  return opened
}

/** Whether our voided work still needs a proposal: we are a member, its target is not done, and nothing asks for it here. */
function stillWanted(core: ConversationCore, request: ConversationUpdateRequest): boolean {
  const target = targetOf(request)
  if (core.left || target === undefined) return false
  const members = core.memberSet()
  return !targetSatisfied(target, (h) => members.has(h)) && !targetInFlight(core, request)
}

/** Open voided work of ours again, with its name, liveness value and our YES when the voided one carried it. */
async function openAgain(core: ConversationCore, v: DeferredVoided, now: number): Promise<number | undefined> {
  try {
    return await initiateProposal(core, v.request, v.votedYes ? 'yes' : 'deferred', now, {
      ...(v.name !== undefined && v.name !== '' ? { name: v.name } : {}),
      livenessCriteriaYes: v.livenessCriteriaYes,
    })
  } catch (err) {
    core.error('repropose-voided', err)
    return undefined
  }
}

/**
 * The member (hex) that will open voided work of ours from its buffered
 * updates ({@link bufferedUpdatesOpener}: the acting epoch steward, or
 * while an election is due the head of the list it elects), or
 * `undefined` when we open it at once. That member is another one, it
 * holds the request buffered (its vote on the voided proposal reached us,
 * or it was a member before this epoch, so the proposal reached it as it
 * reached us), and what it would open is what we would:
 * `drainBufferedUpdates` opens a buffered update with the group's
 * liveness value and a name of no meaning, so a removal the name gives
 * its rule to (a ban, decided by explicit votes; a removal for
 * inactivity, judged from each voter's own observation) stays ours. If it
 * does not open it after all, we do at the end of the wait.
 */
function leftToOpener(core: ConversationCore, v: VoidedProposal, now: number): string | undefined {
  if (v.name === BAN_REMOVAL_NAME || v.name === INACTIVE_REMOVAL_NAME) return undefined
  const opener = bufferedUpdatesOpener(core, now)
  if (opener === undefined || bytesEqual(opener, core.memberId)) return undefined
  const hex = toHex(opener)
  if (!v.voters.has(hex) && !memberBefore(core, hex)) return undefined
  return v.livenessCriteriaYes === proposalLiveness(core, v.request, core.config.livenessCriteriaYes) ? hex : undefined
}

/** Whether `hex` was a member of the epoch before ours (it joined earlier). */
function memberBefore(core: ConversationCore, hex: string): boolean {
  const joined = core.membership.joinEpochs.get(hex)
  return joined !== undefined && joined < core.epoch()
}

/**
 * Every poll, once Working: voided work of ours that we left to another
 * member ({@link reproposeVoided}). Dropped once a proposal for its target
 * is open or approved here, or its target is done; opened by us at the end
 * of the wait, or at once when another member (or nobody) became the one
 * that opens buffered updates meanwhile (the one we waited for no longer
 * proposes them at once). While we cannot open a proposal (Freezing, Selection,
 * Reelection), a wait that ended is put off by the recovery-inactivity
 * window. Returns the ids opened.
 */
export async function reproposeDeferred(core: ConversationCore, now: number): Promise<number[]> {
  const deferred = core.voting.deferredReproposals
  if (deferred.size === 0) return []
  if (core.sm.state !== 'working') {
    // We cannot open a proposal now (Freezing, Selection, Reelection): a wait that ended is put off, as a crossed timeout is.
    for (const [key, { value }] of deferred.due(now)) deferred.set(key, now + core.config.recoveryInactivityMs, value)
    return []
  }
  const opened: number[] = []
  // Who opens buffered updates now (hex), read once and only while a wait is running (while an election is due it hashes the pool).
  let opener: { hex: string | undefined } | undefined
  const openerNow = () => {
    if (opener === undefined) {
      const id = bufferedUpdatesOpener(core, now)
      opener = { hex: id === undefined ? undefined : toHex(id) }
    }
    return opener.hex
  }
  for (const [key, { at: until, value: entry }] of deferred.due(Number.POSITIVE_INFINITY)) {
    if (!stillWanted(core, entry.voided.request)) {
      deferred.clear(key)
      continue
    }
    if (now < until && openerNow() === entry.steward) continue
    deferred.clear(key)
    const id = await openAgain(core, entry.voided, now)
    if (id !== undefined) opened.push(id)
  }
  return opened
}

/**
 * Keep a signed vote that reached us after its proposal closed here
 * (`late` at the consensus service), when it may still prove an approval:
 * the proposal is an add or removal we voided, or one we approved at its
 * timeout with silent voters counted (`VotingState.timedOut`), whose
 * next epoch change voids it unless signed votes prove it. Only a vote
 * sent by its owner (MLS-authenticated), with its binding, one per member
 * and none we held already, for the newest {@link LATE_VOTES_KEPT}
 * proposals; nothing for work already done. Its signature is checked
 * with the others' when they would pass ({@link lateCertificate}).
 * Returns whether it was kept.
 */
export function keepLateVote(core: ConversationCore, vote: Vote, sender: Uint8Array, binding: Uint8Array | undefined): boolean {
  const id = vote.proposalId
  const voided = core.voting.voided.has(id)
  if (!voided && !(core.voting.timedOut.has(id) && core.queues.approved.has(id))) return false
  if (binding === undefined || binding.length === 0 || !bytesEqual(vote.voteOwner, sender)) return false
  const p = core.consensus.getProposal(core.id, id)
  const request = p === undefined ? undefined : decodeRequest(p.payload)
  const target = request === undefined ? undefined : targetOf(request)
  if (p === undefined || target === undefined || !isCrossable(p, request)) return false
  const members = core.memberSet()
  // Done, or (voided) approved here since by a proof or a new proposal: nothing to prove.
  if (targetSatisfied(target, (h) => members.has(h)) || (voided && core.queues.isApprovedTarget(keyOfTarget(target)))) return false
  const voter = toHex(vote.voteOwner)
  const kept = core.voting.lateVotes.get(id) ?? new Map<string, { vote: Vote; binding: Uint8Array }>()
  if (kept.has(voter) || p.votes.some((v) => bytesEqual(v.voteOwner, vote.voteOwner))) return false
  kept.set(voter, { vote, binding })
  core.voting.lateVotes.set(id, kept)
  evictOldest(core.voting.lateVotes, LATE_VOTES_KEPT)
  return true
}

/**
 * The certificate of an add or removal made of the signed votes we held
 * when it closed here and those kept since ({@link keepLateVote}), when
 * it proves the approval for every member of ours: counted first as they
 * are, then, once they would pass the group's rule before any timeout over
 * an electorate every member knows ({@link checkableElectorates}), each
 * vote checked (`verifyCertificate`: signature, window, binding; a vote
 * that does not hold is not counted), within the hand-over budget.
 */
export function lateCertificate(core: ConversationCore, proposalId: number, now: number): ApprovalCertificate | undefined {
  const kept = core.voting.lateVotes.get(proposalId)
  const held = localCertificate(core, proposalId)
  if (kept === undefined || held?.proposal === undefined) return undefined
  const late = [...kept.values()]
  const cert: ApprovalCertificate = {
    ...held,
    proposal: { ...held.proposal, votes: [...held.proposal.votes, ...late.map((k) => k.vote)] },
    voteBindings: [...held.voteBindings, ...late.map((k) => k.binding)],
  }
  const electorates = checkableElectorates(core, held.proposal.expectedVotersCount)
  if (!electorates.some((m) => countedVotesPass(core, cert.proposal!, m))) return undefined
  if (!core.catchUp.handoverBudget.take(now)) {
    core.emit({ type: 'dropped', reason: 'quota', detail: 'late votes past the verification budget' })
    return undefined
  }
  const context = { conversationId: core.id, rule: core.plugins.consensus.rule, verifier: core.plugins.consensus.signer }
  return electorates.some((m) => verifyCertificate(cert, { ...context, members: m }).ok) ? cert : undefined
}
