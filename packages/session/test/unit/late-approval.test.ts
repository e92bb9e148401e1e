import { EthereumSigner, createProposal } from '@demls/consensus'
import { type ConversationUpdateRequestInit, encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationCore } from '../../src/core/core.js'
import { timeOutCrossed, voidCrossedProposals } from '../../src/voting/crossed-proposals.js'
import { handleOutcomes } from '../../src/voting/outcome.js'
import { takeLateApproval } from '../../src/voting/late-approval.js'
import { onIncomingProposal, onIncomingVote, tickDeadlines } from '../../src/voting/proposals.js'
import { boundVotes } from '../bound-votes.js'
import { coreFixture } from '../core-fixture.js'
import { keyFor } from '../scenarios/harness.js'

/**
 * `voting/late-approval.ts`: a core over a real 4-member MLS group (member 0
 * ours; Bob, Carol, Dave the others). Bob's removal of Dave, with Bob's
 * signed YES, crossed a commit and timed out here with too few signed votes:
 * void. Carol's and Dave's signed YES reach us afterwards, as they reached
 * the members that approved it in time.
 */
describe('late approval: a proposal we voided that the group approved', () => {
  const [bob, carol, dave] = [1, 2, 3].map((i) => new EthereumSigner(keyFor(i))) as [EthereumSigner, EthereumSigner, EthereumSigner]
  const removal = (who: EthereumSigner): ConversationUpdateRequestInit => ({ removeMember: { memberId: who.identity } })

  const voidedByTimeout = async () => {
    const { core } = await coreFixture({ id: 'late', members: 4, config: { admission: 'open' } })
    const proposal = createProposal({ owner: bob.identity, payload: encodeConversationUpdateRequest(removal(dave)), expectedVotersCount: 4, livenessCriteriaYes: true, proposalId: 51 }, core.now)
    const own = boundVotes(core.id, proposal, [{ signer: bob, choice: true }], core.now)
    onIncomingProposal(core, { ...proposal, votes: own.votes }, bob.identity, core.now, own.bindings)
    expect(voidCrossedProposals(core, core.now)).toEqual([])
    const t = core.now + 60_000
    expect(await timeOutCrossed(core, t)).toBe(1)
    expect(core.voting.voided.has(51)).toBe(true)
    core.outbox.events.length = 0
    // Carol's and Dave's YES, signed in time, reaching us after the void.
    const late = boundVotes(core.id, proposal, [{ signer: carol, choice: true }, { signer: dave, choice: true }], core.now + 500)
    return { core, t, late }
  }
  const approvals = (core: ConversationCore) => core.outbox.events.filter((e) => e.type === 'consensus-reached' && e.proposalId === 51)

  it('takes the approval once the late signed votes pass the rule over the electorate, with its certificate', async () => {
    const { core, t, late } = await voidedByTimeout()
    // Carol's: Bob's and hers, 2 of 4, not yet.
    onIncomingVote(core, late.votes[0]!, carol.identity, t + 100, late.bindings[0])
    expect(await takeLateApproval(core, late.votes[0]!, carol.identity, t + 100, late.bindings[0])).toBe(false)
    expect(core.queues.approved.has(51)).toBe(false)
    // Dave's: 3 of 4 signed YES before any timeout.
    expect(await takeLateApproval(core, late.votes[1]!, dave.identity, t + 200, late.bindings[1])).toBe(true)
    expect(core.queues.approved.has(51)).toBe(true)
    expect(approvals(core)).toMatchObject([{ approved: true, failed: false }])
    expect(core.voting.voided.has(51)).toBe(false)
    expect(core.voting.lateVotes.has(51)).toBe(false)
    // Its certificate is kept for the commit: three signed YES.
    const cert = core.certificates.approved.get(`remove:${toHex(dave.identity)}`)
    expect(cert?.proposal?.votes.map((v) => toHex(v.voteOwner)).sort()).toEqual([bob, carol, dave].map((s) => toHex(s.identity)).sort())
    // Once approved, a repeat changes nothing.
    expect(await takeLateApproval(core, late.votes[1]!, dave.identity, t + 300, late.bindings[1])).toBe(false)
  })

  it('counts no vote sent by another member than its owner, and none whose signature does not hold', async () => {
    const { core, t, late } = await voidedByTimeout()
    // Carol's vote relayed by Dave: not kept (only its owner can send its late vote).
    expect(await takeLateApproval(core, late.votes[0]!, dave.identity, t + 100, late.bindings[0])).toBe(false)
    expect(core.voting.lateVotes.get(51)?.size ?? 0).toBe(0)
    // Carol's with a broken signature: kept, and not counted, so Dave's does not make three.
    const forged = { ...late.votes[0]!, signature: late.votes[0]!.signature.map((b, i) => (i === 5 ? b ^ 1 : b)) }
    expect(await takeLateApproval(core, forged, carol.identity, t + 100, late.bindings[0])).toBe(false)
    expect(await takeLateApproval(core, late.votes[1]!, dave.identity, t + 200, late.bindings[1])).toBe(false)
    expect(core.queues.approved.has(51)).toBe(false)
    expect(approvals(core)).toEqual([])
    // Without a binding a vote is in no certificate: not kept.
    expect(await takeLateApproval(core, late.votes[0]!, carol.identity, t + 300, undefined)).toBe(false)
  })

  it('leaves alone a proposal we did not void', async () => {
    const { core, t, late } = await voidedByTimeout()
    core.voting.voided.delete(51)
    for (const [i, who] of [carol, dave].entries()) expect(await takeLateApproval(core, late.votes[i]!, who.identity, t + 100, late.bindings[i])).toBe(false)
    expect(core.queues.approved.has(51)).toBe(false)
    expect(core.voting.lateVotes.size).toBe(0)
  })

  describe('an approval decided here at its timeout (silent voters counted)', () => {
    /** Bob's removal of Dave with Bob's YES only, approved here at its timeout; Carol's and Dave's signed YES come after. */
    const approvedAtTimeout = async () => {
      const { core } = await coreFixture({ id: 'late', members: 4, config: { admission: 'open' } })
      const proposal = createProposal({ owner: bob.identity, payload: encodeConversationUpdateRequest(removal(dave)), expectedVotersCount: 4, livenessCriteriaYes: true, proposalId: 51 }, core.now)
      const own = boundVotes(core.id, proposal, [{ signer: bob, choice: true }], core.now)
      onIncomingProposal(core, { ...proposal, votes: own.votes }, bob.identity, core.now, own.bindings)
      core.voting.autoVotes.clearAll() // we stay silent
      const t = core.now + 60_000
      await tickDeadlines(core, t)
      await handleOutcomes(core, t)
      expect(core.queues.approved.has(51)).toBe(true)
      expect(core.voting.timedOut.has(51)).toBe(true)
      const late = boundVotes(core.id, proposal, [{ signer: carol, choice: true }, { signer: dave, choice: true }], core.now + 500)
      return { core, t, late }
    }

    it('keeps it at the epoch change when the signed votes that reached us after the timeout prove it', async () => {
      const { core, t, late } = await approvedAtTimeout()
      for (const [i, who] of [carol, dave].entries()) {
        onIncomingVote(core, late.votes[i]!, who.identity, t + 100, late.bindings[i]) // late: the session is closed
        expect(await takeLateApproval(core, late.votes[i]!, who.identity, t + 100, late.bindings[i])).toBe(false) // kept for the epoch change
      }
      expect(core.voting.lateVotes.get(51)?.size).toBe(2)
      // The next commit does not carry it: without the late votes it would be void now.
      expect(voidCrossedProposals(core, t + 1_000)).toEqual([])
      expect(core.queues.approved.has(51)).toBe(true)
      const cert = core.certificates.approved.get(`remove:${toHex(dave.identity)}`)
      expect(cert?.proposal?.votes.map((v) => toHex(v.voteOwner)).sort()).toEqual([bob, carol, dave].map((s) => toHex(s.identity)).sort())
    })

    it('voids it at the epoch change when they do not (one late YES: two of four)', async () => {
      const { core, t, late } = await approvedAtTimeout()
      await takeLateApproval(core, late.votes[0]!, carol.identity, t + 100, late.bindings[0])
      expect(voidCrossedProposals(core, t + 1_000).map((v) => v.proposalId)).toEqual([51])
      expect(core.queues.approved.has(51)).toBe(false)
    })
  })
})
