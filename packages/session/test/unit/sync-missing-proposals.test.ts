import { EthereumSigner, createProposal } from '@demls/consensus'
import { decodeAppMessage, encodeConversationUpdateRequest } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationCore } from '../../src/core/core.js'
import { WAKEUP_SOURCES } from '../../src/conversation/wakeups.js'
import { askMissingProposals, proposalRequestGraceMs } from '../../src/sync/missing-proposals.js'
import { onIncomingProposal, onIncomingVote } from '../../src/voting/proposals.js'
import { boundVotes } from '../bound-votes.js'
import { coreFixture } from '../core-fixture.js'
import { keyFor } from '../scenarios/harness.js'

/**
 * `sync/missing-proposals.ts` on a core over a real 3-member MLS group
 * (member 0 ours): a vote for a proposal we do not hold gives the
 * proposal a grace to arrive before we broadcast a `ProposalRequest`.
 */
describe('sync/missing-proposals: votes that overtook their proposal', () => {
  const [bob, carol] = [1, 2].map((i) => new EthereumSigner(keyFor(i))) as [EthereumSigner, EthereumSigner]
  const setup = async () => {
    const { core } = await coreFixture({ id: 'missing', members: 3, config: { admission: 'open' } })
    const requests = () =>
      core.outbox.packets.flatMap((p) => {
        const r = decodeAppMessage(p.payload).demlsControl?.proposalRequest
        return r === undefined ? [] : [r.proposalId]
      })
    /** Bob's removal of Carol as proposal `id`, and Carol's signed vote on it (what overtakes it). */
    const bobs = (id: number) => {
      const proposal = createProposal(
        { owner: bob.identity, payload: encodeConversationUpdateRequest({ removeMember: { memberId: carol.identity } }), expectedVotersCount: 3, livenessCriteriaYes: true, proposalId: id },
        core.now,
      )
      const own = boundVotes(core.id, proposal, [{ signer: bob, choice: true }], core.now)
      const other = boundVotes(core.id, proposal, [{ signer: carol, choice: true }], core.now)
      return {
        arrive: (at: number) => onIncomingProposal(core, { ...proposal, votes: own.votes }, bob.identity, at, own.bindings),
        vote: (at: number) => onIncomingVote(core, other.votes[0]!, carol.identity, at, other.bindings[0]),
      }
    }
    return { core, requests, bobs, grace: proposalRequestGraceMs(core.config) }
  }
  const due = (core: ConversationCore) => WAKEUP_SOURCES['proposal-requests'](core, core.now)

  it('asks nothing at the first vote; asks once the grace is over, at the wake-up it set', async () => {
    const { core, requests, bobs, grace } = await setup()
    const t = core.now
    bobs(7).vote(t)
    expect(requests()).toEqual([])
    expect(due(core)).toBe(t + grace)
    askMissingProposals(core, t + grace - 1)
    expect(requests()).toEqual([])
    askMissingProposals(core, t + grace)
    expect(requests()).toEqual([7])
    // Asked: nothing more is due until another vote for it comes.
    expect(due(core)).toBeUndefined()
  })

  it('a proposal that arrives within the grace is never asked for', async () => {
    const { core, requests, bobs, grace } = await setup()
    const t = core.now
    const p = bobs(8)
    p.vote(t)
    p.arrive(t + grace / 2)
    askMissingProposals(core, t + grace)
    expect(requests()).toEqual([])
    expect(due(core)).toBeUndefined()
  })

  it('a vote that comes after the grace asks at once, without waiting for the wake-up', async () => {
    const { core, requests, bobs, grace } = await setup()
    const t = core.now
    const p = bobs(9)
    p.vote(t)
    // The same voter's vote again (a duplicate the service buffers or drops) after the grace: the proposal is still missing.
    p.vote(t + grace)
    expect(requests()).toEqual([9])
  })

  it('the grace is one second, or a quarter of the consensus timeout when that is shorter', () => {
    expect(proposalRequestGraceMs({ consensusTimeoutMs: 30_000 })).toBe(1_000)
    expect(proposalRequestGraceMs({ consensusTimeoutMs: 1_500 })).toBe(375)
  })
})
