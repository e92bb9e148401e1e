import { EthereumSigner, createProposal } from '@demls/consensus'
import { type ApprovalCertificate, type CommitCandidate, encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { applyReplay } from '../../src/sync/replay.js'
import { adoptOfferedProposals } from '../../src/voting/late-proposals.js'
import { castVote } from '../../src/voting/proposals.js'
import { boundVotes } from '../bound-votes.js'
import { coreFixture, droppedOf } from '../core-fixture.js'
import { keyFor } from '../scenarios/harness.js'

/**
 * `voting/late-proposals.ts adoptOfferedProposals`, run by `applyReplay`
 * when it refuses a replay: a core over a real 3-member MLS group (member 0
 * ours, Bob the steward); Bob's commit removing Carol comes with a
 * certificate of Bob's own signed YES only (a change decided at its
 * timeout), for a proposal we never received.
 */
describe('late proposals: a laggard votes on the proposal of a refused replay', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'late', members: 3 })
    const [bob, carol] = others as [(typeof others)[0], (typeof others)[0]]
    for (const m of core.mls.members()) core.scoring.addMember(m)
    core.steward.installList(core.epoch(), [bob.memberId], 1)
    const built = await bob.createCommitCandidate([{ action: 'remove', memberId: carol.memberId }], { nowMs: core.now })
    await bob.discardOwnCommit()
    const candidate: CommitCandidate = { conversationId: core.idBytes, mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: bob.memberId, demlsWelcome: new Uint8Array() }
    const bobSigner = new EthereumSigner(keyFor(1))
    const certificate = (over: { target?: Uint8Array; voters?: number; signer?: EthereumSigner } = {}): ApprovalCertificate => {
      const proposal = createProposal(
        {
          owner: bobSigner.identity,
          payload: encodeConversationUpdateRequest({ removeMember: { memberId: over.target ?? carol.memberId } }),
          expectedVotersCount: over.voters ?? 3,
          livenessCriteriaYes: false,
          proposalId: 41,
        },
        core.now - 2_000,
      )
      const { votes, bindings } = boundVotes(core.id, proposal, [{ signer: over.signer ?? bobSigner, choice: true }], core.now - 1_999)
      return { proposal: { ...proposal, votes }, voteBindings: bindings, demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
    }
    return { core, bob, carol, candidate, certificate }
  }
  const requested = (core: Awaited<ReturnType<typeof setup>>['core']) =>
    core.outbox.events.filter((e) => e.type === 'vote-requested' && e.proposalId === 41)

  it('refuses the replay, takes the proposal, and once our own signed YES joins Bob’s the next replay merges', async () => {
    const { core, carol, candidate, certificate } = await setup()
    const cert = certificate()
    expect(await applyReplay(core, { candidate, certificates: [cert], mergedBy: [] }, core.now)).toBe(false)
    expect(droppedOf(core).some((d) => d.includes('no verifiable approval'))).toBe(true)
    expect(core.consensus.getProposal(core.id, 41)).toBeDefined()
    expect(requested(core)).toHaveLength(1)
    // Our own policy votes (here the application): YES. Two signed YES of three decide it; no timeout, no silence.
    await castVote(core, 41, true, core.now)
    const epoch = core.epoch()
    expect(await applyReplay(core, { candidate, certificates: [cert], mergedBy: [] }, core.now)).toBe(true)
    expect(core.epoch()).toBe(epoch + 1n)
    expect(core.mls.members().map(toHex)).not.toContain(toHex(carol.memberId))
  })

  it('adoptOfferedProposals takes each unknown proposal once, and only for a change of the commit', async () => {
    const { core, carol, certificate } = await setup()
    const removal = [{ action: 'remove' as const, memberId: carol.memberId }]
    expect(adoptOfferedProposals(core, [certificate()], [], core.now)).toBe(0)
    expect(adoptOfferedProposals(core, [{ voteBindings: [], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }], removal, core.now)).toBe(0)
    expect(adoptOfferedProposals(core, [certificate()], removal, core.now)).toBe(1)
    // Held now: our own session decides it, and a second offer takes nothing.
    expect(adoptOfferedProposals(core, [certificate()], removal, core.now)).toBe(0)
    expect(requested(core)).toHaveLength(1)
  })

  it('our NO leaves the commit refused', async () => {
    const { core, candidate, certificate } = await setup()
    const cert = certificate()
    await applyReplay(core, { candidate, certificates: [cert], mergedBy: [] }, core.now)
    await castVote(core, 41, false, core.now)
    expect(await applyReplay(core, { candidate, certificates: [cert], mergedBy: [] }, core.now)).toBe(false)
    expect(core.epoch()).toBe(1n)
  })

  it('takes nothing whose content its owner did not sign, nothing opened for another electorate, nothing the commit does not change', async () => {
    const { core, bob, candidate, certificate } = await setup()
    // Bob's binding is over the proposal as he made it; renamed (the vote's own signature covers only the id), it no longer verifies.
    const tampered = certificate()
    tampered.proposal = { ...tampered.proposal!, name: 'not what Bob proposed' }
    // Signed by another key than the owner's: no owner vote at all.
    const foreign = certificate({ signer: new EthereumSigner(keyFor(9)) })
    // Opened for four voters; we are three.
    const elsewhere = certificate({ voters: 4 })
    for (const cert of [tampered, foreign, elsewhere]) {
      expect(await applyReplay(core, { candidate, certificates: [cert], mergedBy: [] }, core.now)).toBe(false)
      expect(core.consensus.getProposal(core.id, 41)).toBeUndefined()
    }
    // A proposal the commit does not carry out (the commit removes Carol, the proposal removes Bob, signed): not taken.
    const other = certificate({ target: bob.memberId })
    expect(await applyReplay(core, { candidate, certificates: [other], mergedBy: [] }, core.now)).toBe(false)
    expect(core.consensus.getProposal(core.id, 41)).toBeUndefined()
    expect(requested(core)).toHaveLength(0)
  })
})
