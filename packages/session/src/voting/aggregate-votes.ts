import type { AggregateVote, ConsensusAggregation } from '@demls/consensus'
import { type ConversationUpdateRequest, type DemlsAggregateProof, type DemlsAggregateVote, type Proposal, bytesEqual, encodeAppMessage, toHex } from '@demls/wire'
import { ScoreEvent } from '@demls/scoring'
import type { ConversationCore } from '../core/core.js'
import { aggregateProofContext, settledBySignedVotes } from '../rules/aggregate-certificate.js'
import { proposalDigest } from '../rules/certificate.js'
import { decodeRequest, targetKey } from '../rules/targets.js'
import { AGGREGATE_LIMITS, type ProvenBy } from '../state/aggregate-votes.js'
import { type AggregationKeyList, orderedAggregationKeys } from './aggregation.js'
import { takeGroupApproval } from './certificates.js'

/**
 * Aggregated voting (issue 55, beyond the reference), in a group whose
 * consensus plug-in aggregates votes (`ConsensusPlugin.aggregation`, e.g.
 * `@demls/bls`).
 *
 * A member's vote on an add, a removal or a routine steward election
 * ({@link aggregatesProposal}) goes to the **aggregators** (the
 * stewards of the installed list) on the conversation's `votes` subtopic,
 * which only they subscribe to: one MLS application message carrying the
 * plug-in's signature of (conversation, epoch, proposal id, proposal
 * digest, value). An aggregator collects the votes, and once the group's
 * rule decides the proposal from signed votes alone (never a timeout), it
 * builds one proof (one aggregate signature per side and a signer bitmap
 * over the epoch's ordered keys) and publishes it on the app channel with
 * the proposal. Every member verifies that proof (one pairing check and
 * N point additions) instead of decrypting and checking N votes, and
 * records the outcome (`ConsensusService.recordProvenOutcome`); the
 * normal outcome flow then queues the work as if the votes had come.
 *
 * Nothing is lost when aggregation fails: each member keeps its signed
 * vote (EIP-191, as today) and, when no verified proof has come by its
 * vote's echo time (half the consensus timeout), sends it on the broadcast
 * path, which then decides the proposal exactly as the reference design
 * does. A withholding, slow or partial aggregator costs that delay, never
 * the outcome; a proof that does not verify is refused and counted. The
 * primary aggregator (the acting epoch steward) publishes at once, backups
 * only when no proof came within their rank's delay.
 */

/**
 * What aggregated voting is for: adds, removals and steward elections
 * (what every membership change brings, N votes each), of the current
 * membership (the key list is the epoch's), in a group whose plug-in
 * aggregates and whose steward list names an aggregator. We send our vote
 * on such a proposal to the aggregators when {@link aggregatesProposal}
 * says so; an aggregator collects votes on it, and a member takes a proof
 * of it, whenever it is aggregatable (a vote or proof that comes is
 * counted whatever our own state). Emergencies and self-leaves keep the
 * broadcast path.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { Proposal } from '@demls/wire'
 * import { aggregatable } from '../voting/aggregate-votes.js'
 * declare const core: ConversationCore
 * declare const proposal: Proposal
 * if (aggregatable(core, proposal)) console.log('a proof of it may decide it here')
 * ```
 */
export function aggregatable(core: ConversationCore, proposal: Proposal): boolean {
  return aggregatableRequest(core, proposal) !== undefined
}

/** The request of an {@link aggregatable} proposal (decoded once for both tests), else `undefined`. */
function aggregatableRequest(core: ConversationCore, proposal: Proposal): ConversationUpdateRequest | undefined {
  if (core.plugins.consensus.aggregation === undefined) return undefined
  if (proposal.expectedVotersCount <= 1 || proposal.expectedVotersCount !== core.memberSet().size) return undefined
  const request = decodeRequest(proposal.payload)
  const kind = request?.payload
  if (kind !== 'memberInvite' && kind !== 'removeMember' && kind !== 'stewardElection') return undefined
  return aggregators(core).length > 0 ? request : undefined
}

/**
 * Whether our vote on `proposal` goes to the aggregators: an
 * {@link aggregatable} add or removal; a steward election only when it
 * is the list's routine rotation as we see it (first round, normal mode,
 * not in Reelection: the installed list's stewards, its aggregators, are
 * live). An election that recovers from stewards who went silent keeps
 * the broadcast path, where no vote waits on a steward.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { Proposal } from '@demls/wire'
 * import { aggregatesProposal } from '../voting/aggregate-votes.js'
 * declare const core: ConversationCore
 * declare const proposal: Proposal
 * if (aggregatesProposal(core, proposal)) console.log('our vote goes to the aggregators')
 * ```
 */
export function aggregatesProposal(core: ConversationCore, proposal: Proposal): boolean {
  const request = aggregatableRequest(core, proposal)
  if (request === undefined) return false
  const election = request.stewardElection
  if (election === undefined) return true
  return election.retryRound === 0 && core.sm.mode === 'normal' && core.sm.state !== 'reelection'
}

/** The aggregators: the eligible stewards of the installed list. */
export function aggregators(core: Pick<ConversationCore, 'steward' | 'eligibility'>): Uint8Array[] {
  return core.steward.stewardMembers(core.eligibility())
}

/**
 * Whether we collect votes (and so read the `votes` subtopic): the group
 * aggregates and we are on its steward list.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { isAggregator } from '../voting/aggregate-votes.js'
 * declare const core: ConversationCore
 * console.log(isAggregator(core) ? 'subscribe to the votes subtopic' : 'votes never reach us')
 * ```
 */
export function isAggregator(core: Pick<ConversationCore, 'plugins' | 'steward' | 'memberId' | 'left'>): boolean {
  return core.plugins.consensus.aggregation !== undefined && !core.left && core.steward.isSteward(core.memberId)
}

/**
 * Send our vote on an aggregated proposal to the aggregators (and count it
 * ourselves when we are one). The caller keeps our broadcast vote as the
 * fallback (its echo). Returns whether it was sent.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { Proposal } from '@demls/wire'
 * import { sendAggregateVote } from '../voting/aggregate-votes.js'
 * declare const core: ConversationCore
 * declare const proposal: Proposal
 * await sendAggregateVote(core, proposal, true, core.now)
 * ```
 */
export async function sendAggregateVote(core: ConversationCore, proposal: Proposal, choice: boolean, now: number): Promise<boolean> {
  const aggregation = core.plugins.consensus.aggregation
  if (aggregation === undefined) return false
  const epoch = core.epoch()
  const signature = aggregation.signVote(aggregateProofContext(core.id, proposal, epoch), choice)
  const vote: DemlsAggregateVote = { proposalId: proposal.proposalId, vote: choice, signature, epoch }
  core.aggregate.stats.votesSent++
  await deliverVote(core, aggregation, vote, now)
  return true
}

/**
 * Count our vote when we aggregate, and send it to the other aggregators
 * (they alone read the votes subtopic). A vote our transport could hand to
 * nobody (no subscriber of the subtopic known yet: an aggregator we have
 * just dialled, whose subscription has not reached us; no relay among our
 * peers) is published again a few times (`retryUnreached`), as a chat is,
 * instead of being lost until the broadcast fallback decides the proposal.
 */
async function deliverVote(core: ConversationCore, aggregation: ConsensusAggregation, vote: DemlsAggregateVote, now: number): Promise<void> {
  const to = aggregators(core)
  core.aggregate.noteSent(vote.proposalId, vote, aggregatorKey(to))
  if (isAggregator(core)) await collectVote(core, aggregation, vote, core.memberId, now)
  if (to.some((a) => !bytesEqual(a, core.memberId))) await core.sendEncrypted({ demlsAggregateVote: vote }, { subtopic: 'votes', retryUnreached: true })
}

function aggregatorKey(list: readonly Uint8Array[]): string {
  return list.map(toHex).sort().join()
}

/**
 * Whether our votes of undecided proposals went to aggregators that are
 * no longer the aggregators (a steward election installed another list
 * meanwhile): then they are due again now.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { aggregatorsChanged } from '../voting/aggregate-votes.js'
 * declare const core: ConversationCore
 * if (aggregatorsChanged(core)) console.log('our open votes go to the new aggregators')
 * ```
 */
export function aggregatorsChanged(core: ConversationCore): boolean {
  if (core.aggregate.sent.size === 0) return false
  const key = aggregatorKey(aggregators(core))
  for (const { to } of core.aggregate.sent.values()) if (to !== key) return true
  return false
}

/**
 * Whether {@link resendToNewAggregators} would act now: the aggregators
 * changed under our open votes and we may send (not while an epoch change
 * is in flight). The wake-up asks this, not {@link aggregatorsChanged}
 * alone: a wake-up due at once that its step cannot serve is due again at
 * once, a loop of zero-delay wake-ups (in a frozen member, until its freeze
 * ended; on the memory network's virtual clock, for ever, as time never
 * moved past that instant). After the freeze the step that ends it
 * registers the wake-ups again, and the resend is due then.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { resendDue } from '../voting/aggregate-votes.js'
 * declare const core: ConversationCore
 * if (resendDue(core)) console.log('our open votes go to the new aggregators in this step')
 * ```
 */
export function resendDue(core: ConversationCore): boolean {
  return core.plugins.consensus.aggregation !== undefined && !core.sm.blocksMessaging && aggregatorsChanged(core)
}

/**
 * Send our votes again to the aggregators when they changed before a
 * proof came (a vote sent to the old list would be lost with it): same
 * signature, same epoch; a vote of an epoch we left, or of a proposal no
 * longer open here, is forgotten instead.
 */
export async function resendToNewAggregators(core: ConversationCore, now: number): Promise<void> {
  const aggregation = core.plugins.consensus.aggregation
  if (aggregation === undefined || !resendDue(core)) return
  const key = aggregatorKey(aggregators(core))
  for (const [id, { vote, to }] of [...core.aggregate.sent]) {
    if (to === key) continue
    const session = core.consensus.getSession(core.id, id)
    if (vote.epoch !== core.epoch() || session?.state !== 'active' || core.aggregate.proven.has(id)) {
      core.aggregate.sent.delete(id)
      continue
    }
    core.aggregate.stats.resent++
    await deliverVote(core, aggregation, vote, now)
  }
}

/**
 * An aggregatable vote from `sender` (MLS-authenticated): collected when
 * we are an aggregator, the vote is of our epoch and its proposal is held
 * (held back, bounded, when the proposal has not come yet); dropped
 * otherwise. When the rule decides, the proof is built and published.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { DemlsAggregateVote } from '@demls/wire'
 * import { onAggregateVote } from '../voting/aggregate-votes.js'
 * declare const core: ConversationCore
 * declare const vote: DemlsAggregateVote
 * declare const sender: Uint8Array
 * await onAggregateVote(core, vote, sender, core.now)
 * ```
 */
export async function onAggregateVote(core: ConversationCore, vote: DemlsAggregateVote, sender: Uint8Array, now: number): Promise<void> {
  const aggregation = core.plugins.consensus.aggregation
  const drop = (detail: string) => core.emit({ type: 'dropped', reason: 'unauthorized', detail: `aggregate vote: ${detail}` })
  if (aggregation === undefined || !isAggregator(core)) return drop('we are not an aggregator')
  if (vote.signature.length === 0 || vote.signature.length > AGGREGATE_LIMITS.signatureBytes) return drop('signature size')
  if (vote.epoch !== core.epoch()) {
    core.emit({ type: 'dropped', reason: 'wrong-epoch', detail: 'aggregate vote of another epoch' })
    return
  }
  if (!core.memberSet().has(toHex(sender))) return drop('sender is not a member')
  if (core.consensus.getProposal(core.id, vote.proposalId) === undefined) {
    if (!core.aggregate.holdPending(vote.proposalId, sender, vote)) core.emit({ type: 'dropped', reason: 'quota', detail: 'aggregate votes before their proposal' })
    return
  }
  await collectVote(core, aggregation, vote, sender, now)
}

/** The votes held for a proposal that has just come: collect them now. */
export async function takePendingAggregateVotes(core: ConversationCore, proposalId: number, now: number): Promise<void> {
  const aggregation = core.plugins.consensus.aggregation
  if (aggregation === undefined || core.aggregate.pending.size === 0) return
  for (const { sender, vote } of core.aggregate.takePending(proposalId)) {
    if (vote.epoch === core.epoch()) await collectVote(core, aggregation, vote, sender, now)
  }
}

async function collectVote(core: ConversationCore, aggregation: ConsensusAggregation, vote: DemlsAggregateVote, sender: Uint8Array, now: number): Promise<void> {
  const proposal = core.consensus.getProposal(core.id, vote.proposalId)
  if (proposal === undefined || !aggregatable(core, proposal) || core.aggregate.proven.has(vote.proposalId)) return
  const c = core.aggregate.collection(vote.proposalId, vote.epoch)
  if (c.proved) return
  const hex = toHex(sender)
  const held = c.votes.get(hex) ?? []
  if (held.some((v) => v.vote === vote.vote && bytesEqual(v.signature, vote.signature))) return
  if (held.length >= AGGREGATE_LIMITS.votesPerMember) return
  held.push({ vote: vote.vote, signature: vote.signature })
  c.votes.set(hex, held)
  core.aggregate.stats.votesCollected++
  // Cheap: count the members on each side and ask the rule; the signatures are checked once, when it decides.
  let yes = 0
  let no = 0
  for (const vs of c.votes.values()) {
    if (vs.some((v) => v.vote)) yes++
    if (vs.some((v) => !v.vote)) no++
  }
  if (settledOutcome(core, proposal, yes, no) === undefined) return
  await prove(core, aggregation, proposal, c, now)
}

/**
 * Whether the signed votes alone settle the proposal, whatever the
 * members not counted would say: `settledBySignedVotes` with the group's
 * rule (the test an aggregator applies before proving, and a member to
 * every proof it takes). `undefined` when the votes do not settle it.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { Proposal } from '@demls/wire'
 * import { settledOutcome } from '../voting/aggregate-votes.js'
 * declare const core: ConversationCore
 * declare const proposal: Proposal // 7 voters
 * settledOutcome(core, proposal, 5, 0) // 'yes': 2 more NO would not change it
 * settledOutcome(core, proposal, 4, 0) // undefined: 3 NO would leave it undecided
 * ```
 */
export function settledOutcome(core: Pick<ConversationCore, 'plugins'>, proposal: Proposal, yes: number, no: number): 'yes' | 'no' | undefined {
  return settledBySignedVotes(core.plugins.consensus.rule, proposal, yes, no)
}

/** Build the proof from the collected votes; when it decides, take it and publish it (a backup later). */
async function prove(
  core: ConversationCore,
  aggregation: ConsensusAggregation,
  proposal: Proposal,
  c: { epoch: bigint; votes: Map<string, { vote: boolean; signature: Uint8Array }[]>; proved: boolean },
  now: number,
): Promise<void> {
  const list = orderedAggregationKeys(core)
  if (!list.ok) return
  const index = new Map(list.members.map((m, i) => [toHex(m), i]))
  const votes: AggregateVote[] = []
  for (const [hex, vs] of c.votes) {
    const member = index.get(hex)
    if (member !== undefined) for (const v of vs) votes.push({ member, vote: v.vote, signature: v.signature })
  }
  const ctx = aggregateProofContext(core.id, proposal, c.epoch)
  const built = aggregation.buildProof(ctx, list.keys, votes)
  if (built.proof === undefined) return
  // Invalid signatures were left out: the proof must still decide (one pairing check on our own proof).
  const verdict = aggregation.verifyProof(built.proof, ctx, list.keys)
  if (!verdict.ok || settledOutcome(core, proposal, verdict.yes.length, verdict.no.length) !== verdict.outcome) {
    // Not decided once the invalid votes are out: drop them and wait for more.
    for (const i of built.invalid) {
      const bad = votes[i]
      if (bad === undefined) continue
      const hex = toHex(list.members[bad.member]!)
      c.votes.set(hex, (c.votes.get(hex) ?? []).filter((v) => !bytesEqual(v.signature, bad.signature)))
    }
    return
  }
  c.proved = true
  core.aggregate.stats.proofsBuilt++
  const message = encodeAppMessage({ demlsAggregateProof: { proposal: publishedProposal(proposal), proof: built.proof } })
  await takeOutcome(core, proposal, verdict.outcome === 'yes', now, { proof: built.proof, epoch: c.epoch })
  // After taking it (taking a proof cancels a backup's pending one): a backup waits for its turn.
  const rank = aggregatorRank(core, now)
  if (rank === 0) await publishProof(core, message)
  else core.aggregate.backupProofs.set(proposal.proposalId, now + rank * AGGREGATE_LIMITS.backupDelayMs, message)
}

/** The proposal as its owner sent it: its own bundled vote only (the digest ignores votes; receivers accept it as an original). */
function publishedProposal(p: Proposal): Proposal {
  const own = p.votes.filter((v) => bytesEqual(v.voteOwner, p.proposalOwner)).slice(0, 1)
  return { ...p, votes: own, round: own.length + 1 }
}

/** 0 for the acting epoch steward, else 1 + our place among the other aggregators (member-id order). */
function aggregatorRank(core: ConversationCore, now: number): number {
  const acting = core.actingEpochSteward(now)
  if (acting !== undefined && bytesEqual(acting, core.memberId)) return 0
  const others = aggregators(core)
    .filter((a) => acting === undefined || !bytesEqual(a, acting))
    .map(toHex)
    .sort()
  const i = others.indexOf(core.memberHex)
  return acting === undefined && i === 0 ? 0 : 1 + Math.max(0, i)
}

async function publishProof(core: ConversationCore, message: Uint8Array): Promise<void> {
  core.aggregate.stats.proofsPublished++
  await core.sendEncryptedBytes(message, { kind: 'demlsAggregateProof' })
}

/**
 * The timed part of aggregated voting (a step of `poll`): our votes go
 * again to aggregators that changed, and a backup aggregator publishes the
 * proofs whose turn came while no proof arrived.
 */
export async function publishBackupProofs(core: ConversationCore, now: number): Promise<void> {
  await resendToNewAggregators(core, now)
  for (const [id, { value }] of core.aggregate.backupProofs.due(now)) {
    core.aggregate.backupProofs.clear(id)
    if (core.sm.blocksMessaging) continue
    await publishProof(core, value)
  }
}

/**
 * A proof of a proposal's outcome (from anyone: the proof is the voters'
 * word, not the sender's). Cheap checks first (a proposal we already hold
 * as decided costs nothing), then, within the proof budget, the plug-in's
 * verification against our epoch's key list and the proposal's digest.
 * A verified proof decides the proposal here; a proposal we missed is
 * first taken through `adoptProposal` (the vote path's proposal intake,
 * which the dispatcher passes). Returns what happened.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { DemlsAggregateProof } from '@demls/wire'
 * import { onAggregateProof } from '../voting/aggregate-votes.js'
 * declare const core: ConversationCore
 * declare const proof: DemlsAggregateProof
 * declare const sender: Uint8Array
 * const r = await onAggregateProof(core, proof, sender, core.now)
 * if (r === 'refused') console.log('the proof proves nothing')
 * ```
 */
export async function onAggregateProof(
  core: ConversationCore,
  message: DemlsAggregateProof,
  sender: Uint8Array,
  now: number,
  adoptProposal: (proposal: Proposal) => void = () => {},
): Promise<'taken' | 'known' | 'refused' | 'unchecked'> {
  const aggregation = core.plugins.consensus.aggregation
  const refuse = (detail: string): 'refused' => {
    core.aggregate.stats.proofsRefused++
    core.emit({ type: 'dropped', reason: 'unauthorized', detail: `aggregate proof: ${detail}` })
    return 'refused'
  }
  const offered = message.proposal
  if (aggregation === undefined) return refuse('the group does not aggregate votes')
  if (offered === undefined || message.proof.length === 0) return refuse('empty')
  const id = offered.proposalId
  const ours = core.aggregate.proofs.get(id)
  const known = (): 'known' => {
    core.emit({ type: 'dropped', reason: 'duplicate', detail: 'aggregate proof of a decided proposal' })
    return 'known'
  }
  if (ours !== undefined && bytesEqual(ours.proof, message.proof)) return known()
  // Another proof of a proposal a proof decided here: checked only while our own backup proof waits (a valid one
  // cancels it) — and then a valid proof of the other outcome is a conflict the group must hear of.
  if (core.aggregate.proven.has(id) && !core.aggregate.backupProofs.has(id)) return known()
  if (!core.aggregate.proven.has(id) && core.queues.resolved.has(id)) return known()
  const held = core.consensus.getProposal(core.id, id)
  const digest = proposalDigest(offered)
  if (held !== undefined && !bytesEqual(proposalDigest(held), digest)) return refuse('another proposal under a held id')
  const proposal = held ?? offered
  if (!aggregatable(core, proposal)) return refuse('not an aggregated proposal of our membership')
  if (!core.aggregate.proofBudget.take(now)) {
    core.emit({ type: 'dropped', reason: 'quota', detail: 'aggregate proof past the verification budget' })
    return 'unchecked'
  }
  const list: AggregationKeyList = orderedAggregationKeys(core)
  if (!list.ok) return refuse(`no key list (${list.reason})`)
  const verdict = aggregation.verifyProof(message.proof, aggregateProofContext(core.id, proposal, core.epoch()), list.keys)
  if (!verdict.ok) {
    penaliseForgery(core, sender, id, verdict.reason)
    return refuse(verdict.reason)
  }
  // The plug-in's rule lets silent members weigh; a proof must settle the outcome whatever the omitted voters said.
  if (settledOutcome(core, proposal, verdict.yes.length, verdict.no.length) !== verdict.outcome) return refuse('not settled by its signed votes alone')
  const decided = core.aggregate.proven.get(id)
  if (decided !== undefined) {
    core.aggregate.backupProofs.clear(id)
    if (decided !== (verdict.outcome === 'yes')) {
      // Two valid proofs of opposite outcomes: more than a third of the voters signed both ways (quorum intersection).
      core.aggregate.stats.conflicts++
      core.emit({ type: 'dropped', reason: 'unauthorized', detail: 'aggregate proof: conflicting outcome (voters signed both ways)' })
      return 'refused'
    }
    return 'known'
  }
  if (held === undefined) {
    // We missed the proposal: take it as its owner sent it (its owner's signed vote authenticates it), then the outcome.
    adoptProposal(offered)
  }
  core.aggregate.stats.proofsTaken++
  await takeOutcome(core, proposal, verdict.outcome === 'yes', now, { proof: message.proof, epoch: core.epoch() })
  return 'taken'
}

/**
 * Proof refusals only a forger causes: the proof is about our epoch, our
 * proposal and our key list, and still does not verify (an honest
 * aggregator checks its own proof first). A stale epoch, another
 * proposal's digest or an undecided tally can come from an honest member
 * that lags, and are not penalised.
 */
const FORGERY_REFUSALS: ReadonlySet<string> = new Set([
  'undecodable',
  'bad-yes-signature',
  'bad-no-signature',
  'overlapping-sides',
  'bitmap-empty',
  'bitmap-too-long',
  'bitmap-out-of-range',
  'bitmap-non-canonical',
])

/** Penalise the MLS-authenticated sender of a forged proof, once per sender and proposal (`ForgedAggregateProof`). */
function penaliseForgery(core: ConversationCore, sender: Uint8Array, proposalId: number, reason: string): void {
  if (!FORGERY_REFUSALS.has(reason) || !core.memberSet().has(toHex(sender))) return
  if (!core.aggregate.noteForgery(toHex(sender), proposalId)) return
  core.applyScores([{ memberId: sender, event: ScoreEvent.ForgedAggregateProof }])
}

/**
 * Record a proven outcome: the consensus service decides the session (its
 * event runs the normal outcome flow, certificate and all), or, for a
 * proposal we could not take into the service, the approved add or
 * removal is queued directly (as a handed-over certificate is). The proof
 * is kept beside the outcome (`AggregateVoteState.proofs`).
 */
async function takeOutcome(core: ConversationCore, proposal: Proposal, approved: boolean, now: number, proof: ProvenBy): Promise<void> {
  const id = proposal.proposalId
  core.aggregate.noteProven(id, approved, proof)
  core.voting.voteEchoes.clear(id)
  const state = core.consensus.recordProvenOutcome(core.id, id, approved, now)
  if (state !== undefined || !approved) return
  const request = decodeRequest(proposal.payload)
  const key = request === undefined ? undefined : targetKey(request)
  if (request === undefined || key === undefined) return
  // The proof is this change's certificate: it proves the change to members that missed the proof.
  const cert = { proposal: publishedProposal(proposal), voteBindings: [], demlsAggregateProof: proof.proof, demlsAggregateEpoch: proof.epoch }
  takeGroupApproval(core, id, request, core.memberSet(), now, { key, cert })
}
