import { EthereumSigner, createProposal } from '@demls/consensus'
import { type ConversationUpdateRequestInit, decodeAppMessage, decodeConversationUpdateRequest, encodeAppMessage, encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationCore } from '../../src/conversation/core.js'
import { onControl } from '../../src/sync/catch-up.js'
import { takeGroupApproval } from '../../src/voting/certificates.js'
import { heldVotesApprove, reproposeVoided, voidCrossedProposals } from '../../src/voting/crossed-proposals.js'
import { handleOutcomes } from '../../src/voting/outcome.js'
import { castVote, initiateProposal, onIncomingProposal, onIncomingVote } from '../../src/voting/proposals.js'
import { boundVotes } from '../bound-votes.js'
import { coreFixture } from '../core-fixture.js'
import { keyFor } from '../scenarios/harness.js'

/**
 * `voting/crossed-proposals.ts`: a core over a real 4-member MLS group
 * (member 0 ours; Bob, Carol, Dave the others), its proposals opened at
 * this epoch, voided as if a commit had just ended it.
 */
describe('crossed proposals: one outcome for adds and removals a commit crossed', () => {
  const [bob, carol, dave] = [1, 2, 3].map((i) => new EthereumSigner(keyFor(i))) as [EthereumSigner, EthereumSigner, EthereumSigner]
  const removal = (who: EthereumSigner): ConversationUpdateRequestInit => ({ removeMember: { memberId: who.identity } })
  /** Bob's proposal `id` of `request`, received with Bob's signed YES and its binding. */
  const fromBob = (core: ConversationCore, id: number, request: ConversationUpdateRequestInit, voters = 4) => {
    const proposal = createProposal({ owner: bob.identity, payload: encodeConversationUpdateRequest(request), expectedVotersCount: voters, livenessCriteriaYes: true, proposalId: id }, core.now)
    const { votes, bindings } = boundVotes(core.id, proposal, [{ signer: bob, choice: true }], core.now)
    onIncomingProposal(core, { ...proposal, votes }, bob.identity, core.now, bindings)
    return proposal
  }
  const voidedEvents = (core: ConversationCore) => core.outbox.events.flatMap((e) => (e.type === 'proposal-voided' ? [e] : []))

  it('voids open adds and removals, ours and others’, and leaves elections alone', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    const ours = await initiateProposal(core, removal(dave), 'yes', core.now)
    fromBob(core, 51, removal(carol))
    fromBob(core, 52, { stewardElection: { proposedStewards: [bob.identity], electionEpoch: core.epoch(), retryRound: 0 } })
    expect(core.consensus.activeProposals(core.id).map((p) => p.proposalId).sort()).toEqual([51, 52, ours].sort())
    const voided = voidCrossedProposals(core, core.now + 1_000)
    expect(voided.map((v) => [v.proposalId, v.own, v.votedYes])).toEqual([
      [ours, true, true],
      [51, false, false],
    ])
    for (const id of [ours, 51]) {
      expect(core.consensus.getSession(core.id, id)?.state).toBe('failed')
      expect(core.voting.timeouts.has(id)).toBe(false)
      expect(core.voting.voided.has(id)).toBe(true)
    }
    expect(core.consensus.activeProposals(core.id).map((p) => p.proposalId)).toEqual([52])
    // Nothing decides a voided proposal later, and no outcome is reported for it.
    const late = boundVotes(core.id, core.consensus.getProposal(core.id, 51)!, [{ signer: carol, choice: true }], core.now)
    onIncomingVote(core, late.votes[0]!, carol.identity, core.now + 1_100, late.bindings[0])
    await handleOutcomes(core, core.now + 1_200)
    expect(core.outbox.events.filter((e) => e.type === 'consensus-reached')).toEqual([])
  })

  it('voids an approval only silence decided, keeps one the signed votes prove', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    // 61: Bob, Dave and we sign YES, three of four: approved before any timeout.
    const strong = fromBob(core, 61, removal(carol))
    const dv = boundVotes(core.id, strong, [{ signer: bob, choice: true }, { signer: dave, choice: true }], core.now)
    onIncomingVote(core, dv.votes[1]!, dave.identity, core.now, dv.bindings[1])
    await castVote(core, 61, true, core.now)
    // 62: only Bob's YES; the timeout counts the silent as YES.
    fromBob(core, 62, removal(dave))
    core.consensus.handleTimeout(core.id, 62, core.now + 30_000)
    await handleOutcomes(core, core.now + 30_000)
    expect([...core.queues.approved.keys()].sort()).toEqual([61, 62])
    expect(heldVotesApprove(core, 61)).toBe(true)
    expect(heldVotesApprove(core, 62)).toBe(false)
    const voided = voidCrossedProposals(core, core.now + 31_000)
    expect(voided.map((v) => v.proposalId)).toEqual([62])
    expect([...core.queues.approved.keys()]).toEqual([61])
  })

  it('keeps an approval taken from a certificate it verified, though its own votes fall short', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    // 63: we hold Bob's YES only; the group's certificate (Bob, Carol, Dave) reaches us and we take it.
    const p = fromBob(core, 63, removal(carol))
    const { votes, bindings } = boundVotes(core.id, p, [{ signer: bob, choice: true }, { signer: carol, choice: true }, { signer: dave, choice: true }], core.now)
    const cert = { proposal: { ...p, votes }, voteBindings: bindings }
    takeGroupApproval(core, 63, decodeConversationUpdateRequest(p.payload), core.memberSet(), core.now, { key: `remove:${toHex(carol.identity)}`, cert })
    expect(core.queues.approved.has(63)).toBe(true)
    expect(heldVotesApprove(core, 63)).toBe(true)
    expect(voidCrossedProposals(core, core.now + 1_000)).toEqual([])
    expect(core.queues.approved.has(63)).toBe(true)
  })

  it('opens our own voided proposal again and reports each one once', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    const ours = await initiateProposal(core, removal(dave), 'yes', core.now)
    fromBob(core, 51, removal(carol))
    const voided = voidCrossedProposals(core, core.now + 1_000)
    core.outbox.events.length = 0
    const opened = await reproposeVoided(core, voided, core.now + 1_000)
    expect(opened).toHaveLength(1)
    expect(opened[0]).not.toBe(ours)
    const again = core.consensus.getProposal(core.id, opened[0]!)!
    expect(again.payload).toEqual(encodeConversationUpdateRequest(removal(dave)))
    expect(again.votes.map((v) => v.vote)).toEqual([true])
    expect(voidedEvents(core).map((e) => [e.proposalId, e.reproposedAs])).toEqual([
      [ours, opened[0]],
      [51, undefined],
    ])
    // Bob's is Bob's to ask again (and the stewards' from their buffered updates): we do not.
    expect(core.consensus.activeProposals(core.id)).toHaveLength(1)
  })

  it('answers no ProposalRequest for a voided proposal', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open' } })
    const ours = await initiateProposal(core, removal(dave), 'yes', core.now)
    const ask = () =>
      onControl(core, decodeAppMessage(encodeAppMessage({ demlsControl: { proposalRequest: { proposalId: ours, memberId: bob.identity } } })).demlsControl!, core.now + 5_000)
    expect(ask().resendProposal?.proposalId).toBe(ours)
    voidCrossedProposals(core, core.now + 6_000)
    expect(ask().resendProposal).toBeUndefined()
  })

  it('keeps the reference rule on its uncertified path', async () => {
    const { core } = await coreFixture({ id: 'crossed', members: 4, config: { admission: 'open', referenceGaps: { uncertifiedChanges: true } } })
    fromBob(core, 51, removal(carol))
    expect(voidCrossedProposals(core, core.now + 1_000)).toEqual([])
    expect(core.consensus.activeProposals(core.id)).toHaveLength(1)
  })
})
