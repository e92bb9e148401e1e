import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import { type Proposal, encodeAppMessage, encodeConversationUpdateRequest } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { voteBindingPayload } from '../../src/rules/index.js'
import { Bed } from '../sansio.js'
import { hex, keyFor, memberIdOf } from '../scenarios/harness.js'

const HONEST = [0, 2, 3]

/**
 * A hand-over of approved work (`voting/handover.ts`) is taken only when
 * its certificate verifies by the group's rule: member 1 (malicious)
 * cannot get member 3 removed by handing over a removal "proposed by member
 * 2" that carries its own YES twice, a real YES of member 2 lifted from
 * another proposal, or garbage bindings; each is an `unauthorized` drop and
 * nothing is queued. A flood of such hand-overs costs each member at most
 * the verification budget (`AVAILABILITY_LIMITS.handoverVerifications` per
 * 10 s), the rest dropped as `quota`.
 */
describe('a forged hand-over of approved work', () => {
  it('is refused, queues nothing, and a flood is verified only up to the budget', async () => {
    const b = await Bed.create('handover-attack', 4, { admission: 'open', consensusTimeoutMs: 5_000 })
    for (const i of [1, 2, 3]) await b.add(i)
    const epoch = b.conv(0).epoch()
    const mallorySigner = new EthereumSigner(keyFor(1))
    const mallory = new ConsensusService({ plugin: defaultConsensusPlugin(mallorySigner), maxSessionsPerScope: 100 })
    const member2Signer = new EthereumSigner(keyFor(2))
    const member2 = new ConsensusService({ plugin: defaultConsensusPlugin(member2Signer), maxSessionsPerScope: 100 })
    const removal = encodeConversationUpdateRequest({ payload: 'removeMember', removeMember: { memberId: memberIdOf(3) } })
    const own = mallory.createProposal(b.id, { payload: removal, expectedVotersCount: 4, expirationSeconds: 600, livenessCriteriaYes: true, vote: true }, b.now)
    const yes = own.votes[0]!
    const ownBinding = mallorySigner.sign(voteBindingPayload(b.id, own, yes.voteHash))
    // A genuine YES of member 2, on another proposal (member 2 would sign it; member 1 captured it).
    const other = member2.createProposal(b.id, { payload: removal, expectedVotersCount: 4, expirationSeconds: 600, livenessCriteriaYes: true, vote: true }, b.now)
    const lifted = other.votes[0]!
    const liftedBinding = member2Signer.sign(voteBindingPayload(b.id, other, lifted.voteHash))
    const asMember2 = (votes: Proposal['votes']): Proposal => ({ ...own, proposalOwner: memberIdOf(2), votes })
    const forgeries: Array<[string, Proposal, Uint8Array[]]> = [
      ['its own YES twice', asMember2([yes, yes]), [ownBinding, ownBinding]],
      ['a YES lifted from another proposal', asMember2([yes, lifted]), [ownBinding, liftedBinding]],
      ['garbage bindings', asMember2([yes, lifted]), [new Uint8Array(65).fill(7), new Uint8Array(65).fill(9)]],
    ]
    const send = async (proposal: Proposal, bindings: Uint8Array[]) => {
      const packet = await b.peers[1]!.mls!.encrypt(encodeAppMessage({ proposal, demlsVoteBindings: bindings }))
      for (const i of HONEST) await b.conv(i).receive({ subtopic: 'app', payload: packet }, b.clock(i))
    }
    for (const [, proposal, bindings] of forgeries) await send(proposal, bindings)
    await b.flush()
    for (const i of HONEST) {
      expect(b.eventsOf(i, 'dropped').filter((e) => e.reason === 'unauthorized').map((e) => e.detail)).toEqual(['handed-over proposal without a verifiable approval'])
      expect(b.conv(i).dropCounts().unauthorized, `member ${i}`).toBe(forgeries.length)
      expect(b.eventsOf(i, 'consensus-reached').filter((e) => e.proposalId === own.proposalId)).toEqual([])
    }
    // A flood: 60 more in one instant.
    for (let k = 0; k < 60; k++) await send(forgeries[k % forgeries.length]![1], forgeries[k % forgeries.length]![2])
    for (const i of HONEST) expect(b.conv(i).dropCounts().quota ?? 0, `member ${i}`).toBeGreaterThanOrEqual(60 + forgeries.length - 16)
    await b.run(10_000, 250)
    for (const i of [0, 1, 2, 3]) {
      expect(b.conv(i).epoch()).toBe(epoch)
      expect(b.conv(i).members().map(hex)).toContain(hex(memberIdOf(3)))
    }
  }, 120_000)
})
