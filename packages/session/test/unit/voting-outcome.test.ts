import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import { scoreBelowThreshold } from '@demls/scoring'
import { type ConversationUpdateRequestInit, encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { submitEmergency } from '../../src/stewardship/emergency.js'
import { handleOutcomes } from '../../src/voting/outcome.js'
import { initiateProposal } from '../../src/voting/proposals.js'
import { coreFixture } from '../core-fixture.js'
import { keyFor } from '../scenarios/harness.js'

/**
 * `voting/outcome.ts` on a core over a real 3-member MLS group (member 0
 * ours): proposals opened with our vote, the other two members' signed
 * votes cast by their own consensus services, then the outcome applied.
 */
describe('voting/outcome', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'outcome', members: 3 })
    for (const m of core.mls.members()) core.scoring.addMember(m)
    core.steward.installList(core.epoch(), [core.memberId], 1)
    const voters = [1, 2].map((i) => new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(keyFor(i))), maxSessionsPerScope: 100 }))
    /** The other two members vote `choice` on proposal `id`. */
    const vote = (id: number, choice: boolean) => {
      const proposal = core.consensus.getProposal(core.id, id)!
      for (const v of voters) {
        v.receiveProposal(core.id, proposal, core.now)
        core.consensus.receiveVote(core.id, v.castVote(core.id, id, choice, core.now), core.now)
      }
    }
    const propose = (request: ConversationUpdateRequestInit) => initiateProposal(core, request, 'yes', core.now)
    const events = () => core.outbox.events.map((e) => e.type)
    return { core, bob: others[0]!.memberId, carol: others[1]!.memberId, vote, propose, events }
  }

  it('an approved removal is queued as approved work and certified; the proposal is resolved and forgotten', async () => {
    const { core, bob, vote, propose, events } = await setup()
    const id = await propose({ payload: 'removeMember', removeMember: { memberId: bob } })
    vote(id, true)
    await handleOutcomes(core, core.now)
    expect([...core.queues.approved.values()].map((r) => toHex(r.removeMember!.memberId))).toEqual([toHex(bob)])
    expect(core.queues.resolved.has(id)).toBe(true)
    expect(core.voting.requests.has(id)).toBe(false)
    expect(core.voting.timeouts.has(id)).toBe(false)
    expect(core.certificates.approved.has(`remove:${toHex(bob)}`)).toBe(true)
    expect(events()).toContain('consensus-reached')
    // The outcome of another conversation's proposal (a scope of the same service) is not ours to apply.
    const carolRemoval = encodeConversationUpdateRequest({ payload: 'removeMember', removeMember: { memberId: core.mls.members()[2]! } })
    core.consensus.createProposal('elsewhere', { payload: carolRemoval, expectedVotersCount: 1, expirationSeconds: 60, vote: true }, core.now)
    const reached = events().filter((e) => e === 'consensus-reached').length
    await handleOutcomes(core, core.now)
    expect(core.queues.approved.size).toBe(1)
    expect(events().filter((e) => e === 'consensus-reached').length).toBe(reached)
  })

  it('a rejected removal queues nothing and drops the buffered request for its target', async () => {
    const { core, bob, vote, propose } = await setup()
    const request = { payload: 'removeMember' as const, removeMember: { memberId: bob } }
    core.queues.bufferUpdate(request, core.epoch())
    const id = await propose(request)
    vote(id, false)
    await handleOutcomes(core, core.now)
    expect(core.queues.approved.size).toBe(0)
    expect(core.queues.pendingUpdates.size).toBe(0)
    const reached = core.outbox.events.find((e) => e.type === 'consensus-reached')
    expect(reached?.type === 'consensus-reached' && reached.approved).toBe(false)
  })

  it('a score removal the group refuses is remembered with our score of the target, and its target leaves the in-flight set', async () => {
    const { core, carol, vote } = await setup()
    const score = core.scoring.scoreFor(carol)!
    core.queues.pendingRemovalTargets.add(toHex(carol))
    const id = await submitEmergency(core, scoreBelowThreshold(carol, core.epoch(), score), core.now)
    expect(core.queues.activeEmergencies.has(id)).toBe(true)
    vote(id, false)
    await handleOutcomes(core, core.now)
    expect(core.queues.pendingRemovalTargets.has(toHex(carol))).toBe(false)
    expect(core.queues.refusedRemovals.get(toHex(carol))).toBe(score)
    expect(core.queues.activeEmergencies.has(id)).toBe(false)
  })
})
