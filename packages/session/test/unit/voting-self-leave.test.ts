import { decodeAppMessage, encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { verifyCertificate } from '../../src/rules/certificate.js'
import { handleOutcomes } from '../../src/voting/outcome.js'
import { selfLeaveProposalId } from '../../src/voting/proposals.js'
import { resendPendingLeave, sendSelfLeave } from '../../src/voting/self-leave.js'
import { reelectionRetryMs, retryReelection } from '../../src/stewardship/reelection.js'
import { coreFixture } from '../core-fixture.js'

/**
 * `voting/self-leave.ts`: a core over a real 3-member MLS group (member 0
 * ours) opens its self-leave the way `Conversation.leave` does; what it
 * sends is read back with another member's MLS group.
 */
describe('self-leave: the leave is its own proof, and reaches every member of the epoch it is pending in', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'self-leave', members: 3 })
    const id = selfLeaveProposalId(core.memberId)
    const proposal = core.consensus.createProposal(
      core.id,
      {
        payload: encodeConversationUpdateRequest({ removeMember: { memberId: core.memberId } }),
        expectedVotersCount: 1,
        proposalId: id,
        expirationSeconds: 60,
        livenessCriteriaYes: true,
        vote: true,
        priority: 'priority',
      },
      core.now,
    )
    await handleOutcomes(core, core.now)
    const read = async () => {
      const packet = core.outbox.packets.at(-1)!
      const decrypted = await others[0]!.decrypt(packet.payload)
      return decodeAppMessage(decrypted.plaintext)
    }
    return { core, id, proposal, read }
  }

  it('sends the proposal with the binding of our YES: a certificate any member verifies alone (no other vote)', async () => {
    const { core, proposal, read } = await setup()
    await sendSelfLeave(core, proposal)
    const app = await read()
    expect(app.demlsVoteBindings).toHaveLength(1)
    const members = new Set(core.mls.members().map(toHex))
    const ctx = { conversationId: core.id, members, rule: core.plugins.consensus.rule, verifier: core.plugins.consensus.signer }
    const checked = verifyCertificate({ proposal: app.proposal!, voteBindings: app.demlsVoteBindings, demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }, ctx)
    expect(checked.ok && [checked.target.action, toHex(checked.target.member), checked.voters]).toEqual(['remove', toHex(core.memberId), 1])
    // Without the binding (what a self-leave carried before), the same proposal proves nothing.
    expect(verifyCertificate({ proposal: app.proposal!, voteBindings: [], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }, ctx)).toEqual({ ok: false, reason: 'not-approved' })
  })

  it('resendPendingLeave sends it again while it is approved and not committed, never after we left', async () => {
    const { core, id, read } = await setup()
    expect(core.queues.approved.has(id)).toBe(true)
    const before = core.outbox.packets.length
    expect(await resendPendingLeave(core)).toBe(true)
    expect(core.outbox.packets.length).toBe(before + 1)
    const app = await read()
    expect([app.proposal?.proposalId, app.proposal?.votes.length, app.demlsVoteBindings.length]).toEqual([id, 1, 1])
    core.left = true
    expect(await resendPendingLeave(core)).toBe(false)
    core.left = false
    // Committed (no longer approved): nothing to send.
    core.queues.approved.delete(id)
    expect(await resendPendingLeave(core)).toBe(false)
    expect(core.outbox.packets.length).toBe(before + 1)
  })

  it('a leaver waiting in Reelection for its own leave sends it again (with its YES) at each retry, not an election (issue 56, the election storm)', async () => {
    // FAST_TIMING, 20 % loss: both stewards missed the leave the others approved; every member froze for it, got
    // no candidate and entered Reelection, and the fallback proposers elected the same list again every few
    // seconds (hundreds of elections), since no election makes the stewards hold a leave they never received.
    const { core, id, read } = await setup()
    core.sm.startReelection()
    core.stewardship.reelectionAt = core.now
    const step = reelectionRetryMs(core.config)
    for (const turn of [1, 2, 3]) {
      const before = core.outbox.packets.length
      await retryReelection(core, core.now + turn * step)
      expect(core.outbox.packets.length).toBe(before + 1)
      const app = await read()
      expect([app.proposal?.proposalId, app.proposal?.votes.length, app.demlsVoteBindings.length]).toEqual([id, 1, 1])
      // Polled again within the same wait: nothing more.
      await retryReelection(core, core.now + turn * step + 100)
      expect(core.outbox.packets.length).toBe(before + 1)
    }
    expect([...core.voting.requests.values()].filter((r) => r?.payload === 'stewardElection')).toEqual([])
  })
})
