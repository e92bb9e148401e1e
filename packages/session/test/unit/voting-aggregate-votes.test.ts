// Aggregated voting (issue 55, voting/aggregate-votes.ts) on a real core:
// a real MLS group of 4, real BLS plug-ins (@demls/bls), the votes and
// proofs other members would send built with their own plug-ins. The
// attacks: forged, wrong-proposal, stale, non-member and omission proofs,
// votes from outsiders, of other epochs, oversized or forged, equivocating
// voters, a flood past the proof budget, two valid proofs that disagree.
import { decodeApprovalProof, encodeApprovalProof } from '@demls/bls'
import { type AggregateVoteContext, type ConsensusAggregation, ConsensusService, EthereumSigner } from '@demls/consensus'
import type { MembershipChange, MlsService } from '@demls/mls'
import { type ApprovalCertificate, type DemlsAggregateVote, type Proposal, decodeAppMessage, decodeConversationUpdateRequest, encodeAppMessage, encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { blsPluginFor } from '../scenarios/bls-plugin.js'
import type { ConversationCore } from '../../src/core/core.js'
import { WAKEUP_SOURCES } from '../../src/conversation/wakeups.js'
import { dispatchInbound, receiveInbound } from '../../src/inbound/dispatch.js'
import { proposalDigest } from '../../src/rules/certificate.js'
import { AGGREGATE_LIMITS } from '../../src/state/aggregate-votes.js'
import {
  aggregatable,
  aggregatesProposal,
  aggregatorsChanged,
  isAggregator,
  onAggregateProof,
  onAggregateVote,
  resendDue,
  resendToNewAggregators,
  sendAggregateVote,
  settledOutcome,
  takePendingAggregateVotes,
} from '../../src/voting/aggregate-votes.js'
import { orderedAggregationKeys } from '../../src/voting/aggregation.js'
import { authorizeChanges, localCertificate, takeGroupApproval } from '../../src/voting/certificates.js'
import { handOverApprovedWork } from '../../src/voting/handover.js'
import { quorumElection } from '../../src/stewardship/election-check.js'
import { verifyAggregateCertificate } from '../../src/rules/aggregate-certificate.js'
import { coreFixture, droppedOf } from '../core-fixture.js'
import { keyFor, memberIdOf } from '../scenarios/harness.js'

const bls = blsPluginFor
const aggregations = new Map<number, ConsensusAggregation>()

/** Member i's aggregation capability, as its own plug-in holds it. */
function memberAggregation(i: number): ConsensusAggregation {
  let a = aggregations.get(i)
  if (a === undefined) {
    a = bls(i)(new EthereumSigner(keyFor(i))).aggregation
    aggregations.set(i, a)
  }
  return a
}

/** A core of a 4-member BLS group whose stewards (the aggregators) are `stewards` (we are member 0), every binding known. */
async function blsCore(stewards: number[] = [0, 1]): Promise<ConversationCore> {
  return (await blsGroup(stewards)).core
}

/** {@link blsCore}, with the other members' MLS groups (to read what we sent). */
async function blsGroup(stewards: number[] = [0, 1]): Promise<{ core: ConversationCore; others: MlsService[] }> {
  const { core, others } = await coreFixture({ members: 4, overrides: (i) => ({ consensus: bls(i) }) })
  for (let i = 0; i < 4; i++) {
    const a = memberAggregation(i)
    const v = a.verifyBinding(a.binding, memberIdOf(i))
    if (!v.ok) throw new Error(v.reason)
    core.blsBindings.setMember(toHex(memberIdOf(i)), { binding: a.binding, publicKey: v.publicKey })
  }
  core.steward.installList(core.epoch(), stewards.map(memberIdOf), stewards.length)
  for (let i = 0; i < 4; i++) core.scoring.addMember(memberIdOf(i))
  return { core, others }
}

/** A removal of member 3 proposed by us (our YES bundled), held by our consensus service. */
function removal(core: ConversationCore, livenessCriteriaYes = true): Proposal {
  return core.consensus.createProposal(
    core.id,
    { payload: encodeConversationUpdateRequest({ removeMember: { memberId: memberIdOf(3) } }), expectedVotersCount: 4, vote: true, livenessCriteriaYes },
    core.now,
  )
}

function ctxOf(core: ConversationCore, p: Proposal): AggregateVoteContext {
  return { conversationId: core.id, epoch: core.epoch(), proposalId: p.proposalId, proposalDigest: proposalDigest(p) }
}

function voteOf(core: ConversationCore, i: number, p: Proposal, value: boolean): DemlsAggregateVote {
  return { proposalId: p.proposalId, vote: value, signature: memberAggregation(i).signVote(ctxOf(core, p), value), epoch: core.epoch() }
}

/** A proof other members built: signed by `yes` YES and `no` NO (indices in the epoch's key order). */
function proofOf(core: ConversationCore, p: Proposal, yes: number[], no: number[] = []): Uint8Array {
  const list = orderedAggregationKeys(core)
  if (!list.ok) throw new Error(list.reason)
  const order = list.members.map(toHex)
  const votes = [
    ...yes.map((i) => ({ member: order.indexOf(toHex(memberIdOf(i))), vote: true, signature: memberAggregation(i).signVote(ctxOf(core, p), true) })),
    ...no.map((i) => ({ member: order.indexOf(toHex(memberIdOf(i))), vote: false, signature: memberAggregation(i).signVote(ctxOf(core, p), false) })),
  ]
  const built = memberAggregation(1).buildProof(ctxOf(core, p), list.keys, votes)
  if (built.proof === undefined) throw new Error('no proof')
  return built.proof
}

describe('aggregated voting on a real core', () => {
  it('aggregates adds, removals and routine steward elections of the current membership in a BLS group with aggregators', async () => {
    const core = await blsCore()
    const p = removal(core)
    expect(isAggregator(core)).toBe(true)
    expect(aggregatesProposal(core, p)).toBe(true)
    expect(aggregatesProposal(core, { ...p, expectedVotersCount: 3 })).toBe(false)
    expect(aggregatable(core, { ...p, expectedVotersCount: 3 })).toBe(false)
    const electionOf = (retryRound: number) => ({
      ...p,
      payload: encodeConversationUpdateRequest({ stewardElection: { proposedStewards: [memberIdOf(0)], electionEpoch: 1n, retryRound } }),
    })
    // The list's routine rotation: our vote goes to the installed list's stewards.
    expect(aggregatesProposal(core, electionOf(0))).toBe(true)
    // A retry round, or an election while we wait in Reelection (stewards silent): the broadcast path, though a proof of it is still taken.
    expect(aggregatesProposal(core, electionOf(1))).toBe(false)
    expect(aggregatable(core, electionOf(1))).toBe(true)
    core.sm.startReelection()
    expect(aggregatesProposal(core, electionOf(0))).toBe(false)
    expect(aggregatable(core, electionOf(0))).toBe(true)
    const emergency = { ...p, payload: encodeConversationUpdateRequest({ emergencyCriteria: { evidence: { targetMemberId: memberIdOf(3) } } }) }
    expect(aggregatable(core, emergency)).toBe(false)
    // Off the list: we do not aggregate (and drop the votes subtopic before decrypting anything).
    const plain = await blsCore([1, 2])
    expect(isAggregator(plain)).toBe(false)
    await receiveInbound(plain, { subtopic: 'votes', payload: new Uint8Array([0, 1, 2]) }, plain.now)
    expect(droppedOf(plain)).toEqual(['unauthorized: aggregate vote: we are not an aggregator'])
    // The default plug-in never aggregates.
    const { core: reference } = await coreFixture({ members: 4 })
    expect(aggregatesProposal(reference, removal(reference))).toBe(false)
    expect(isAggregator(reference)).toBe(false)
  })

  it('collects votes, proves the settled outcome once, publishes it and decides the proposal here', async () => {
    const core = await blsCore()
    const p = removal(core)
    await sendAggregateVote(core, p, true, core.now) // ours, collected locally and sent to the other aggregators
    expect(core.outbox.packets.filter((o) => o.subtopic === 'votes')).toHaveLength(1) // to member 1, the other aggregator
    await onAggregateVote(core, voteOf(core, 1, p, true), memberIdOf(1), core.now)
    expect(core.aggregate.stats.proofsBuilt).toBe(0) // 2 YES of 4: not settled
    await onAggregateVote(core, voteOf(core, 2, p, true), memberIdOf(2), core.now)
    expect(core.aggregate.stats.proofsBuilt).toBe(1)
    expect(core.consensus.getResult(core.id, p.proposalId)).toBe(true)
    expect(core.aggregate.proven.get(p.proposalId)).toBe(true)
    // Later votes change nothing.
    await onAggregateVote(core, voteOf(core, 3, p, false), memberIdOf(3), core.now)
    expect(core.aggregate.stats.proofsBuilt).toBe(1)
    expect(core.aggregate.stats.votesCollected).toBe(3)
  })

  it('drops votes from outsiders, of other epochs, oversized, and holds (bounded) those before their proposal', async () => {
    const core = await blsCore()
    const p = removal(core)
    await onAggregateVote(core, voteOf(core, 1, p, true), memberIdOf(7), core.now)
    await onAggregateVote(core, { ...voteOf(core, 1, p, true), epoch: core.epoch() + 1n }, memberIdOf(1), core.now)
    await onAggregateVote(core, { ...voteOf(core, 1, p, true), signature: new Uint8Array(AGGREGATE_LIMITS.signatureBytes + 1) }, memberIdOf(1), core.now)
    expect(droppedOf(core)).toEqual([
      'unauthorized: aggregate vote: sender is not a member',
      'wrong-epoch: aggregate vote of another epoch',
      'unauthorized: aggregate vote: signature size',
    ])
    expect(core.aggregate.stats.votesCollected).toBe(0)
    // A vote for a proposal not held yet waits; a flood of them stops at the bound.
    const unknown = { ...voteOf(core, 1, p, true), proposalId: 424242 }
    for (let k = 0; k < AGGREGATE_LIMITS.pendingVotes + 10; k++) await onAggregateVote(core, unknown, memberIdOf(1), core.now)
    expect(core.aggregate.pending.get(424242)).toHaveLength(AGGREGATE_LIMITS.pendingVotes)
    expect(droppedOf(core).filter((d) => d.startsWith('quota'))).toHaveLength(1) // repeats are counted, not re-reported
    await takePendingAggregateVotes(core, 424242, core.now)
    expect(core.aggregate.pending.size).toBe(0)
  })

  it('a forged vote never makes a proof: it is left out, and the proof waits for a valid one', async () => {
    const core = await blsCore()
    const p = removal(core)
    await sendAggregateVote(core, p, true, core.now)
    await onAggregateVote(core, voteOf(core, 1, p, true), memberIdOf(1), core.now)
    // Member 2's "vote" carries member 1's signature: the count says settled, the signatures do not.
    await onAggregateVote(core, { ...voteOf(core, 1, p, true) }, memberIdOf(2), core.now)
    expect(core.aggregate.stats.proofsBuilt).toBe(0)
    expect(core.aggregate.proven.has(p.proposalId)).toBe(false)
    await onAggregateVote(core, voteOf(core, 2, p, true), memberIdOf(2), core.now)
    expect(core.aggregate.stats.proofsBuilt).toBe(1)
  })

  it('an equivocating voter counts on neither side', async () => {
    const core = await blsCore()
    // Silence weighs NO here, so two YES of four settle nothing.
    const q = removal(core, false)
    await sendAggregateVote(core, q, true, core.now)
    await onAggregateVote(core, voteOf(core, 1, q, true), memberIdOf(1), core.now)
    expect(core.aggregate.proven.has(q.proposalId)).toBe(false)
    for (const v of [voteOf(core, 2, q, false), voteOf(core, 2, q, true)]) await onAggregateVote(core, v, memberIdOf(2), core.now)
    // Three YES by count, but the proof leaves member 2 out on both sides: two YES settle nothing.
    expect(core.aggregate.proven.has(q.proposalId)).toBe(false)
    expect(core.aggregate.stats.proofsBuilt).toBe(0)
    await onAggregateVote(core, voteOf(core, 3, q, true), memberIdOf(3), core.now)
    expect(core.aggregate.proven.get(q.proposalId)).toBe(true)
  })

  it('takes a valid proof once; refuses forged, wrong-proposal, stale, non-member and unsettled proofs', async () => {
    const core = await blsCore([1, 2]) // we are not an aggregator: we take outcomes from proofs
    const p = removal(core)
    const other = removal(core)
    const valid = proofOf(core, p, [0, 1, 2])
    const forged = Uint8Array.from(valid)
    forged[forged.length - 3]! ^= 1
    const decoded = decodeApprovalProof(valid)
    const nonMembers = encodeApprovalProof({ ...decoded, yes: { signers: new Uint8Array([0b1000_0111]), signature: decoded.yes!.signature } })
    const offered = (proof: Uint8Array, proposal: Proposal = p) => onAggregateProof(core, { proposal, proof }, memberIdOf(1), core.now)
    expect(await offered(forged)).toBe('refused')
    expect(await offered(proofOf(core, other, [0, 1, 2]))).toBe('refused') // another proposal's proof
    expect(await offered(valid, { ...p, payload: encodeConversationUpdateRequest({ removeMember: { memberId: memberIdOf(2) } }) })).toBe('refused')
    expect(await offered(nonMembers)).toBe('refused')
    // Two YES of four, with silence weighing YES before a timeout: not settled by signed votes alone.
    expect(await offered(proofOf(core, p, [0, 1]))).toBe('refused')
    expect(core.consensus.getResult(core.id, p.proposalId)).toBeUndefined()
    expect(droppedOf(core)).toEqual([
      expect.stringMatching(/^unauthorized: aggregate proof: (bad-yes-signature|undecodable)$/),
      'unauthorized: aggregate proof: wrong-proposal',
      'unauthorized: aggregate proof: another proposal under a held id',
      'unauthorized: aggregate proof: bitmap-out-of-range',
      'unauthorized: aggregate proof: not-decided',
    ])
    expect(await offered(valid)).toBe('taken')
    expect(core.consensus.getResult(core.id, p.proposalId)).toBe(true)
    expect(core.consensus.drainEvents().filter((e) => e.proposalId === p.proposalId)).toHaveLength(1)
    expect(await offered(valid)).toBe('known')
    expect(core.aggregate.stats).toMatchObject({ proofsTaken: 1, proofsRefused: 5 })
  })

  it('penalises the sender of a forged proof once per proposal, never a stale or unsettled one', async () => {
    const core = await blsCore([1, 2])
    const p = removal(core)
    const q = removal(core)
    const score = (i: number) => core.scoring.scoreFor(memberIdOf(i))!
    const start = score(1)
    const forged = Uint8Array.from(proofOf(core, p, [0, 1, 2]))
    forged[forged.length - 3]! ^= 1
    expect(await onAggregateProof(core, { proposal: p, proof: forged }, memberIdOf(1), core.now)).toBe('refused')
    expect(score(1)).toBe(start - 50n)
    // The same forgery again: refused, not penalised twice.
    expect(await onAggregateProof(core, { proposal: p, proof: forged }, memberIdOf(1), core.now)).toBe('refused')
    expect(score(1)).toBe(start - 50n)
    // A stale epoch or an unsettled tally (an honest member that lags could send them): refused, not penalised.
    const stale = encodeApprovalProof({ ...decodeApprovalProof(proofOf(core, q, [0, 1, 2])), epoch: core.epoch() + 1n })
    expect(await onAggregateProof(core, { proposal: q, proof: stale }, memberIdOf(2), core.now)).toBe('refused')
    expect(await onAggregateProof(core, { proposal: q, proof: proofOf(core, q, [0]) }, memberIdOf(2), core.now)).toBe('refused')
    expect(score(2)).toBe(start)
  })

  it('a member that missed the proposal takes it from the proof message (its owner’s signed vote authenticates it)', async () => {
    const core = await blsCore([1, 2])
    // Member 1 proposed removing member 3; the proposal never reached us.
    const owner = new ConsensusService({ plugin: bls(1)(new EthereumSigner(keyFor(1))), maxSessionsPerScope: 100 })
    const payload = encodeConversationUpdateRequest({ removeMember: { memberId: memberIdOf(3) } })
    // Under invite admission a removal counts silent voters as NO.
    const p = owner.createProposal(core.id, { payload, expectedVotersCount: 4, expirationSeconds: 60, livenessCriteriaYes: false, vote: true }, core.now)
    expect(core.consensus.getProposal(core.id, p.proposalId)).toBeUndefined()
    const message = encodeAppMessage({ demlsAggregateProof: { proposal: p, proof: proofOf(core, p, [0, 1, 2]) } })
    // Through the dispatcher, as an aggregator's proof arrives.
    await dispatchInbound(core, { kind: 'aggregate-proof', sender: memberIdOf(1), proof: decodeAppMessage(message).demlsAggregateProof! }, core.now)
    expect(core.consensus.getResult(core.id, p.proposalId)).toBe(true)
    expect(core.aggregate.stats.proofsTaken).toBe(1)
    // A proposal whose owner's vote does not verify (member 2 named, member 1's signature) is not taken into the
    // consensus service; the outcome still is, because the proof is the members' signed votes over this very
    // proposal's digest: the removal is queued as approved work (as a handed-over certificate's would be).
    const core2 = await blsCore([1, 2])
    const forged = { ...p, proposalOwner: memberIdOf(2) }
    await dispatchInbound(core2, { kind: 'aggregate-proof', sender: memberIdOf(1), proof: { proposal: forged, proof: proofOf(core2, forged, [0, 1, 2]) } }, core2.now)
    expect(core2.consensus.getProposal(core2.id, p.proposalId)).toBeUndefined()
    expect(core2.queues.approved.has(p.proposalId)).toBe(true)
    // Without enough signed votes, nothing is queued.
    const core3 = await blsCore([1, 2])
    await dispatchInbound(core3, { kind: 'aggregate-proof', sender: memberIdOf(1), proof: { proposal: forged, proof: proofOf(core3, forged, [0, 1]) } }, core3.now)
    expect(core3.queues.approved.has(p.proposalId)).toBe(false)
  })

  it('a steward’s removal queued from a proof of a proposal we could not take opens the election, as every other path does', async () => {
    const electionOpen = (core: ConversationCore) => [...core.queues.voting.values()].some((r) => r.payload === 'stewardElection')
    // We (member 0) and member 2 are the stewards; member 1 proposed removing member 2. The proposal names another
    // owner than its signed vote's, so it is not taken into the consensus service: the approval is queued directly.
    const removalOf = (core: ConversationCore, target: number) => {
      const owner = new ConsensusService({ plugin: bls(1)(new EthereumSigner(keyFor(1))), maxSessionsPerScope: 100 })
      const payload = encodeConversationUpdateRequest({ removeMember: { memberId: memberIdOf(target) } })
      const p = owner.createProposal(core.id, { payload, expectedVotersCount: 4, expirationSeconds: 60, livenessCriteriaYes: false, vote: true }, core.now)
      return { ...p, proposalOwner: memberIdOf(target === 3 ? 2 : 3) }
    }
    const core = await blsCore([0, 2])
    const forged = removalOf(core, 2)
    await dispatchInbound(core, { kind: 'aggregate-proof', sender: memberIdOf(1), proof: { proposal: forged, proof: proofOf(core, forged, [0, 1, 3]) } }, core.now)
    expect(core.consensus.getProposal(core.id, forged.proposalId)).toBeUndefined()
    expect(core.queues.approved.has(forged.proposalId)).toBe(true)
    expect(electionOpen(core)).toBe(true)
    // The removal of a member off the list opens none.
    const other = await blsCore([0, 2])
    const plain = removalOf(other, 3)
    await dispatchInbound(other, { kind: 'aggregate-proof', sender: memberIdOf(1), proof: { proposal: plain, proof: proofOf(other, plain, [0, 1, 2]) } }, other.now)
    expect(other.queues.approved.has(plain.proposalId)).toBe(true)
    expect(electionOpen(other)).toBe(false)
  })

  it('a NO proof decides NO; a stale epoch is refused', async () => {
    const core = await blsCore([1, 2])
    const p = removal(core, false)
    const stale = { ...decodeApprovalProof(proofOf(core, p, [], [1, 2, 3])), epoch: core.epoch() + 5n }
    expect(await onAggregateProof(core, { proposal: p, proof: encodeApprovalProof(stale) }, memberIdOf(1), core.now)).toBe('refused')
    expect(await onAggregateProof(core, { proposal: p, proof: proofOf(core, p, [], [1, 2, 3]) }, memberIdOf(1), core.now)).toBe('taken')
    expect(core.consensus.getResult(core.id, p.proposalId)).toBe(false)
  })

  it('settles only what no omitted vote could change', async () => {
    const core = await blsCore()
    const p = removal(core)
    // n = 4, 3 needed. Silence weighing YES: 2 YES settle it (2 omitted NO make a full tie, which goes YES); 1 does not.
    expect(settledOutcome(core, p, 3, 0)).toBe('yes')
    expect(settledOutcome(core, p, 2, 0)).toBe('yes')
    expect(settledOutcome(core, p, 1, 0)).toBeUndefined()
    expect(settledOutcome(core, p, 0, 3)).toBe('no')
    // Silence weighing NO: 2 YES are not enough (2 omitted NO would make it NO).
    expect(settledOutcome(core, { ...p, livenessCriteriaYes: false }, 2, 0)).toBeUndefined()
    expect(settledOutcome(core, { ...p, livenessCriteriaYes: false }, 0, 2)).toBe('no')
    expect(settledOutcome(core, { ...p, expectedVotersCount: 7 }, 5, 0)).toBe('yes')
    expect(settledOutcome(core, { ...p, expectedVotersCount: 7 }, 4, 1)).toBeUndefined()
  })

  it('proof checks stop at the budget (a flood of proofs costs bounded pairings)', async () => {
    const core = await blsCore([1, 2])
    const p = removal(core)
    const forged = Uint8Array.from(proofOf(core, p, [0, 1, 2]))
    forged[forged.length - 3]! ^= 1
    const results: string[] = []
    for (let k = 0; k < AGGREGATE_LIMITS.proofVerifications + 5; k++) results.push(await onAggregateProof(core, { proposal: p, proof: forged }, memberIdOf(1), core.now))
    expect(results.filter((r) => r === 'refused')).toHaveLength(AGGREGATE_LIMITS.proofVerifications)
    expect(results.filter((r) => r === 'unchecked')).toHaveLength(5)
    // The budget refills with time: a valid proof later is taken.
    expect(await onAggregateProof(core, { proposal: p, proof: proofOf(core, p, [0, 1, 2]) }, memberIdOf(1), core.now + AGGREGATE_LIMITS.budgetPeriodMs)).toBe('taken')
  })

  it('a backup that holds its own proof cancels it on a valid one, and reports a valid proof of the other outcome', async () => {
    const core = await blsCore()
    const p = removal(core)
    await sendAggregateVote(core, p, true, core.now)
    await onAggregateVote(core, voteOf(core, 1, p, true), memberIdOf(1), core.now)
    await onAggregateVote(core, voteOf(core, 2, p, true), memberIdOf(2), core.now)
    expect(core.aggregate.proven.get(p.proposalId)).toBe(true)
    // Pretend we were a backup whose proof waits.
    core.aggregate.backupProofs.set(p.proposalId, core.now + 400, new Uint8Array(1))
    // Members 1, 2 and 3 also signed NO: a valid NO proof exists (they equivocated).
    expect(await onAggregateProof(core, { proposal: p, proof: proofOf(core, p, [], [1, 2, 3]) }, memberIdOf(3), core.now)).toBe('refused')
    expect(core.aggregate.stats.conflicts).toBe(1)
    expect(core.consensus.getResult(core.id, p.proposalId)).toBe(true) // our outcome stands
    expect(await onAggregateProof(core, { proposal: p, proof: proofOf(core, p, [0, 1, 3]) }, memberIdOf(3), core.now)).toBe('known')
    expect(core.aggregate.backupProofs.has(p.proposalId)).toBe(false)
  })

  it('sends our open votes again when the aggregators change before a proof came', async () => {
    const core = await blsCore([1, 2])
    const p = removal(core)
    await sendAggregateVote(core, p, true, core.now)
    expect(aggregatorsChanged(core)).toBe(false)
    core.steward.installList(core.epoch(), [memberIdOf(2), memberIdOf(3)], 2)
    expect(aggregatorsChanged(core)).toBe(true)
    const before = core.outbox.packets.length
    await resendToNewAggregators(core, core.now)
    expect(core.outbox.packets.slice(before).map((o) => o.subtopic)).toEqual(['votes'])
    expect(core.aggregate.stats.resent).toBe(1)
    expect(aggregatorsChanged(core)).toBe(false)
  })

  it('a frozen member whose aggregators changed is not woken at once until it can send (no zero-delay wake-up loop)', async () => {
    const core = await blsCore([1, 2])
    const p = removal(core)
    await sendAggregateVote(core, p, true, core.now)
    core.steward.installList(core.epoch(), [memberIdOf(2), memberIdOf(3)], 2)
    expect(WAKEUP_SOURCES['backup-proofs'](core, core.now)).toBe(core.now)
    // An epoch change in flight: the resend cannot go out, so the wake-up is not due at once (it was, for ever, on the virtual clock).
    expect(core.sm.startFreezing(core.now)).toBe(true)
    expect(resendDue(core)).toBe(false)
    expect(WAKEUP_SOURCES['backup-proofs'](core, core.now)).toBeUndefined()
    const before = core.outbox.packets.length
    await resendToNewAggregators(core, core.now)
    expect(core.outbox.packets.length).toBe(before)
    expect(aggregatorsChanged(core)).toBe(true)
    // The freeze over, the step that ended it registers the wake-ups again: the resend is due, and goes out.
    core.sm.startWorking()
    expect(WAKEUP_SOURCES['backup-proofs'](core, core.now)).toBe(core.now)
    await resendToNewAggregators(core, core.now)
    expect(core.outbox.packets.slice(before).map((o) => o.subtopic)).toEqual(['votes'])
    expect(WAKEUP_SOURCES['backup-proofs'](core, core.now)).toBeUndefined()
  })
})


describe('an aggregate proof is the certificate of the change it decided (a replay, a fork switch)', () => {
  /** The certificate member 0 holds once a proof (YES from `yes`, NO from `no`) decided its removal of member 3. */
  async function provenCertificate(yes: number[] = [0, 1, 2], no: number[] = []) {
    const { core, others } = await blsGroup([1, 2])
    const p = removal(core)
    expect(await onAggregateProof(core, { proposal: p, proof: proofOf(core, p, yes, no) }, memberIdOf(1), core.now)).toBe('taken')
    const cert = localCertificate(core, p.proposalId)!
    return { core, others, p, cert }
  }
  const removalOf3 = [{ action: 'remove' as const, memberId: memberIdOf(3) }]

  it('carries the proof and its epoch; a member that missed the proof verifies it and takes the commit', async () => {
    const { core, cert } = await provenCertificate()
    expect(cert.demlsAggregateProof.length).toBeGreaterThan(0)
    expect(cert.demlsAggregateEpoch).toBe(core.epoch())
    // One signed vote (the owner's, bundled), far from the rule: the EIP-191 votes alone prove nothing.
    // The same certificate without its proof: refused, as the churn runs' replays were (seed 107).
    const laggard = await blsCore([1, 2])
    const bare = { ...cert, demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
    expect(authorizeChanges(laggard, removalOf3, [bare], laggard.memberSet(), new Set())).toMatchObject({ ok: false })
    const auth = authorizeChanges(laggard, removalOf3, [cert], laggard.memberSet(), new Set())
    expect(auth).toEqual({ ok: true, certificates: [cert] })
    // Kept with the other offers of the proposal: a later replay without the proof holds too.
    expect(authorizeChanges(laggard, removalOf3, [bare], laggard.memberSet(), new Set()).ok).toBe(true)
  })

  it('refuses a proof moved to another epoch, proposal, target, electorate or outcome, and an unsettled one', async () => {
    const { cert } = await provenCertificate()
    const laggard = await blsCore([1, 2])
    const members = laggard.memberSet()
    const refused = (c: ApprovalCertificate, changes: MembershipChange[] = removalOf3, m: ReadonlySet<string> = members) =>
      authorizeChanges(laggard, changes, [c], m, new Set()).ok
    expect(refused({ ...cert, demlsAggregateEpoch: cert.demlsAggregateEpoch + 1n })).toBe(false) // the votes signed another epoch
    const p = cert.proposal!
    const moved = { ...cert, proposal: { ...p, payload: encodeConversationUpdateRequest({ removeMember: { memberId: memberIdOf(2) } }) } }
    expect(refused(moved, [{ action: 'remove', memberId: memberIdOf(2) }])).toBe(false) // another proposal's digest
    expect(refused({ ...cert, proposal: { ...p, proposalId: p.proposalId + 1 } })).toBe(false)
    expect(refused(cert, [{ action: 'remove', memberId: memberIdOf(2) }])).toBe(false) // proves member 3's removal, not 2's
    // An electorate the bitmap does not index: three of the members, or one with an outsider whose key we lack.
    const three = new Set([...members].slice(0, 3))
    expect(refused(cert, removalOf3, three)).toBe(false)
    expect(refused(cert, removalOf3, new Set([...three, toHex(memberIdOf(7))]))).toBe(false)
    // A NO, and two YES of four (silence weighs YES before a timeout, never in a proof).
    expect(refused((await provenCertificate([], [0, 1, 2])).cert)).toBe(false)
    expect(refused((await provenCertificate([0, 1, 2], [])).cert)).toBe(true)
  })

  it('a member frozen for work a proof decided hands the proof over; another member takes the outcome from it', async () => {
    const { core, others, p, cert } = await provenCertificate()
    // The outcome flow queues the removal with its certificate (the proof): what the next commit must carry.
    takeGroupApproval(core, p.proposalId, decodeConversationUpdateRequest(p.payload), core.memberSet(), core.now, { key: `remove:${toHex(memberIdOf(3))}`, cert })
    expect(core.prefix()).toHaveLength(1)
    expect(await handOverApprovedWork(core, core.now, 6_000)).toBe(1)
    const sent = decodeAppMessage((await others[0]!.decrypt(core.outbox.packets.at(-1)!.payload)).plaintext)
    expect(sent.demlsAggregateProof?.proof).toEqual(cert.demlsAggregateProof)
    const other = await blsCore([1, 2])
    expect(await onAggregateProof(other, sent.demlsAggregateProof!, memberIdOf(0), other.now, (q) => other.consensus.receiveProposal(other.id, q, other.now))).toBe('taken')
    expect(other.consensus.getResult(other.id, p.proposalId)).toBe(true)
    // Of another epoch, the proof is not sent (members check proofs against their own epoch).
    const stale = await blsCore([1, 2])
    const staleCert = { ...cert, demlsAggregateEpoch: cert.demlsAggregateEpoch - 1n }
    takeGroupApproval(stale, p.proposalId, decodeConversationUpdateRequest(p.payload), stale.memberSet(), stale.now, { key: `remove:${toHex(memberIdOf(3))}`, cert: staleCert })
    expect(await handOverApprovedWork(stale, stale.now, 6_000)).toBe(0)
  })

  it('the pure rule names why (`verifyAggregateCertificate`)', async () => {
    const { core, cert } = await provenCertificate()
    const list = orderedAggregationKeys(core)
    if (!list.ok) throw new Error(list.reason)
    const ctx = { conversationId: core.id, members: core.memberSet(), rule: core.plugins.consensus.rule, aggregation: memberAggregation(0), keys: list.keys }
    expect(verifyAggregateCertificate(cert, ctx)).toMatchObject({ ok: true, voters: 3, target: { action: 'remove' } })
    expect(verifyAggregateCertificate({ ...cert, demlsAggregateProof: new Uint8Array(0) }, ctx)).toEqual({ ok: false, reason: 'no-aggregate-proof' })
    expect(verifyAggregateCertificate({ ...cert, proposal: undefined }, ctx)).toEqual({ ok: false, reason: 'no-proposal' })
    expect(verifyAggregateCertificate(cert, { ...ctx, members: new Set([...ctx.members].slice(0, 3)) })).toEqual({ ok: false, reason: 'wrong-electorate' })
    expect(verifyAggregateCertificate(cert, { ...ctx, conversationId: 'other' })).toMatchObject({ ok: false, reason: expect.stringMatching(/^proof:/) })
    const election = { ...cert, proposal: { ...cert.proposal!, payload: encodeConversationUpdateRequest({ stewardElection: { proposedStewards: [memberIdOf(0)], electionEpoch: 1n } }) } }
    expect(verifyAggregateCertificate(election, ctx)).toEqual({ ok: false, reason: 'not-membership-work' })
    const garbage = { ...cert, proposal: { ...cert.proposal!, payload: new Uint8Array([0xff, 0xff]) } }
    expect(verifyAggregateCertificate(garbage, ctx)).toEqual({ ok: false, reason: 'undecodable-payload' })
  })
})

describe('a steward election decided by an aggregate proof', () => {
  it('its certificate carries the proof; a member that missed it installs the list from the certificate alone, a forged or unsettled one proves nothing', async () => {
    const core = await blsCore([1, 2])
    const list = [memberIdOf(2), memberIdOf(3)]
    const election = core.consensus.createProposal(
      core.id,
      {
        payload: encodeConversationUpdateRequest({ stewardElection: { proposedStewards: list, electionEpoch: core.epoch(), retryRound: 0 } }),
        expectedVotersCount: 4,
        vote: true,
        livenessCriteriaYes: true,
      },
      core.now,
    )
    expect(aggregatable(core, election)).toBe(true)
    expect(await onAggregateProof(core, { proposal: election, proof: proofOf(core, election, [0, 1, 2]) }, memberIdOf(1), core.now)).toBe('taken')
    const cert = localCertificate(core, election.proposalId)!
    expect(cert.demlsAggregateProof.length).toBeGreaterThan(0)
    // Another member: our signed votes are not in it (one bundled vote), the proof is.
    const other = await blsCore([1, 2])
    expect(quorumElection(other, cert)?.proposedStewards.map(toHex)).toEqual(list.map(toHex))
    expect(quorumElection(other, { ...cert, demlsAggregateProof: new Uint8Array(0) })).toBeUndefined()
    expect(quorumElection(other, { ...cert, demlsAggregateEpoch: cert.demlsAggregateEpoch + 1n })).toBeUndefined()
    const swapped = encodeConversationUpdateRequest({ stewardElection: { proposedStewards: [memberIdOf(1)], electionEpoch: core.epoch(), retryRound: 0 } })
    expect(quorumElection(other, { ...cert, proposal: { ...cert.proposal!, payload: swapped } })).toBeUndefined()
    // Two YES of four settle nothing: no proof of it verifies as a certificate either.
    const unsettled = { ...cert, demlsAggregateProof: proofOf(core, election, [0, 1]) }
    expect(quorumElection(other, unsettled)).toBeUndefined()
  })
})
