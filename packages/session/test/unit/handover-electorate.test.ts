import { EthereumSigner, createProposal } from '@demls/consensus'
import { type Proposal, encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { electoratesOf } from '../../src/voting/certificates.js'
import { handOverApprovedWork, isHandOver } from '../../src/voting/handover.js'
import { boundVotes } from '../bound-votes.js'
import { coreFixture } from '../core-fixture.js'
import { keyFor } from '../scenarios/harness.js'

/**
 * `voting/handover.ts` across a change of electorate (churn seed 79 at 20 %
 * loss): a removal approved with the signed votes of the members of the
 * epoch it was opened in, at a later epoch whose members are more. A core
 * over a real 5-member MLS group (member 0 ours); the removal of Eve was
 * opened for the three members of an earlier epoch (us, Bob, Carol), who
 * all signed YES.
 */
describe('hand-over of work approved by an earlier electorate', () => {
  const [us, bob, carol] = [0, 1, 2].map((i) => new EthereumSigner(keyFor(i))) as [EthereumSigner, EthereumSigner, EthereumSigner]
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'electorate', members: 5, config: { admission: 'open' } })
    const eve = others[3]!.memberId
    const earlier = core.epoch() - 1n
    core.membership.epochHistory.set(earlier, { members: [us.identity, bob.identity, carol.identity], joinEpochs: new Map() })
    const request = { payload: 'removeMember' as const, removeMember: { memberId: eve } }
    const proposal = createProposal({ owner: us.identity, payload: encodeConversationUpdateRequest(request), expectedVotersCount: 3, livenessCriteriaYes: true, proposalId: 77 }, core.now - 5_000)
    const { votes, bindings } = boundVotes(core.id, proposal, [{ signer: us, choice: true }, { signer: bob, choice: true }, { signer: carol, choice: true }], core.now - 4_000)
    const certified: Proposal = { ...proposal, votes }
    return { core, eve, request, certified, bindings }
  }

  it('is sent: checked against the members of the epoch it was opened in, as its readers check it', async () => {
    const { core, eve, request, certified, bindings } = await setup()
    core.queues.approved.set(77, request)
    core.certificates.keepApproved(`remove:${toHex(eve)}`, { proposal: certified, voteBindings: bindings, demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n })
    // Three YES of the five members of now would not pass the rule; of the three of its epoch, they do.
    expect(await handOverApprovedWork(core, core.now, 1_000)).toBe(1)
    expect(core.outbox.packets.filter((p) => p.subtopic === 'app')).toHaveLength(1)
    expect(core.catchUp.proposalResendAt.has(77)).toBe(true)
  })

  it('from its owner, is a hand-over to a member that never held the proposal', async () => {
    const { core, certified, bindings } = await setup()
    expect(core.consensus.getProposal(core.id, 77)).toBeUndefined()
    // Before: only to a member holding it, so a member that dropped it as opened for another electorate
    // took the owner's hand-over as an ordinary proposal and dropped it again.
    expect(isHandOver(core, certified, us.identity, bindings)).toBe(true)
    // An ordinary send of its owner carries at most the owner's vote: not a hand-over.
    expect(isHandOver(core, { ...certified, votes: certified.votes.slice(0, 1) }, us.identity, bindings.slice(0, 1))).toBe(false)
    // Approved here already: nothing to hand over.
    core.queues.approved.set(77, { payload: 'removeMember', removeMember: { memberId: new Uint8Array(20) } })
    expect(isHandOver(core, certified, us.identity, bindings)).toBe(false)
  })

  it('sender, readers and the void rule share one electorate rule: now first, then the recent epochs of its size', async () => {
    const { core } = await setup()
    const now = core.memberSet()
    const three = electoratesOf(core, 3, now)
    expect(three[0]).toBe(now)
    expect(three.slice(1).map((m) => [...m].sort())).toEqual([[us, bob, carol].map((s) => toHex(s.identity)).sort()])
    // An earlier epoch of the same size as now (one joined, one left) is checked too: the old rule skipped it.
    const swapped = [...now].slice(0, 4).concat(toHex(new Uint8Array(20).fill(9)))
    core.membership.epochHistory.set(core.epoch() - 2n, { members: swapped.map((h) => Uint8Array.from(Buffer.from(h, 'hex'))), joinEpochs: new Map() })
    expect(electoratesOf(core, now.size, now)).toHaveLength(2)
    // At most five past electorates, the most recent ones.
    for (let e = 10n; e < 20n; e++) core.membership.epochHistory.set(core.epoch() + e, { members: [us.identity, bob.identity, carol.identity], joinEpochs: new Map() })
    expect(electoratesOf(core, 3, now)).toHaveLength(6)
    expect(electoratesOf(core, undefined, now)).toEqual([now])
  })
})
