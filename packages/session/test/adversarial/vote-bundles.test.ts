import { EthereumSigner } from '@demls/consensus'
import type { Proposal, Vote } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationConfigInit } from '../../src/index.js'
import { voteBindingPayload } from '../../src/rules/index.js'
import { Bed } from '../sansio.js'
import { keyFor, memberIdOf } from '../scenarios/harness.js'
import { MaliciousMember } from './member.js'

// Vote bundles (`voteBundles`, `AppMessage.demls_votes`): several votes of the
// MLS sender in one message. A bundle must be no door: each of its votes is
// checked as a lone vote is (owned by the sender, signed, bound to its
// proposal), and a bundle over the cap or with bindings that are not one per
// vote is dropped whole.

// Honest members do not auto-vote within a test (its clock stands still after the setup): only explicit and bundled votes count.
const CONFIG: ConversationConfigInit = { votingDelayMs: 10_000, electionVotingDelayMs: 10_000, consensusTimeoutMs: 30_000 }
const honest = [0, 1, 2]
const ATTACKER = 3

async function setup(id: string): Promise<{ bed: Bed; attacker: MaliciousMember }> {
  const bed = await Bed.create(id, 4, CONFIG)
  for (const i of [1, 2, ATTACKER]) await bed.add(i)
  return { bed, attacker: new MaliciousMember(bed, ATTACKER) }
}

/** The attacker's YES on `proposal`, and its binding signed with the attacker's key. */
function boundYes(bed: Bed, attacker: MaliciousMember, proposal: Proposal): { vote: Vote; binding: Uint8Array } {
  const vote = attacker.consensus.castVote(bed.id, proposal.proposalId, true, bed.now)
  return { vote, binding: new EthereumSigner(keyFor(ATTACKER)).sign(voteBindingPayload(bed.id, proposal, vote.voteHash)) }
}

/** Members 0 and 1 vote YES on each proposal by hand: one more YES of four voters decides it. */
async function twoHonestYes(bed: Bed, proposals: readonly Proposal[]): Promise<void> {
  for (const p of proposals) for (const i of [0, 1]) await bed.conv(i).vote(p.proposalId, true, bed.clock(i))
  await bed.flush()
}

const decided = (bed: Bed, i: number, p: Proposal) => bed.eventsOf(i, 'consensus-reached').some((e) => e.proposalId === p.proposalId && e.approved)

describe('adversarial: vote bundles', () => {
  it("every vote of a member's bundle counts as its lone vote would", async () => {
    const { bed, attacker } = await setup('bundle-counts')
    const ps = [await attacker.propose(honest), await attacker.propose(honest)]
    await twoHonestYes(bed, ps)
    for (const p of ps) expect(decided(bed, 2, p)).toBe(false)
    const votes = ps.map((p) => boundYes(bed, attacker, p))
    await attacker.sendEncrypted({ demlsVotes: { votes: votes.map((v) => v.vote) }, demlsVoteBindings: votes.map((v) => v.binding) }, honest)
    for (const i of honest) for (const p of ps) expect(decided(bed, i, p)).toBe(true)
  }, 60_000)

  it("a vote in a bundle that another member owns is refused, and the sender's own votes in it still count", async () => {
    const { bed, attacker } = await setup('bundle-forged')
    const [p, q] = [await attacker.propose(honest), await attacker.propose(honest)]
    await twoHonestYes(bed, [p!, q!])
    const own = boundYes(bed, attacker, p!)
    // A NO on q claimed for member 2: the owner field changed, signed by nobody who owns it.
    const signed = boundYes(bed, attacker, q!)
    const forged = { vote: { ...signed.vote, voteOwner: memberIdOf(2), vote: false }, binding: signed.binding }
    await attacker.sendEncrypted({ demlsVotes: { votes: [own.vote, forged.vote] }, demlsVoteBindings: [own.binding, forged.binding] }, [0, 1])
    for (const i of [0, 1]) {
      expect(decided(bed, i, p!)).toBe(true)
      expect(decided(bed, i, q!)).toBe(false)
      expect(bed.eventsOf(i, 'dropped').some((d) => d.reason === 'unauthorized')).toBe(true)
    }
    // Member 2's own vote on q is not spoiled by the forgery: it decides q at 0 and 1.
    await bed.conv(2).vote(q!.proposalId, true, bed.clock(2))
    await bed.flush()
    for (const i of [0, 1]) expect(decided(bed, i, q!)).toBe(true)
    expect(bed.eventsOf(0, 'equivocation')).toHaveLength(0)
  }, 60_000)

  it('a bundle over 32 votes, an empty one, or one whose bindings are not one per vote is dropped whole', async () => {
    const { bed, attacker } = await setup('bundle-bounds')
    const ps: Proposal[] = []
    for (let k = 0; k < 33; k++) ps.push(await attacker.propose(honest))
    await twoHonestYes(bed, ps.slice(0, 2))
    const votes = ps.map((p) => boundYes(bed, attacker, p))
    const drops = () => bed.eventsOf(2, 'dropped').filter((d) => d.reason === 'undecodable').length
    const before = drops()
    await attacker.sendEncrypted({ demlsVotes: { votes: votes.map((v) => v.vote) }, demlsVoteBindings: votes.map((v) => v.binding) }, honest)
    await attacker.sendEncrypted({ demlsVotes: { votes: [] }, demlsVoteBindings: [] }, honest)
    await attacker.sendEncrypted({ demlsVotes: { votes: [votes[0]!.vote, votes[1]!.vote] }, demlsVoteBindings: [votes[0]!.binding] }, honest)
    expect(drops() - before).toBe(3)
    // None of those votes counted: the first two proposals still wait for a third YES.
    for (const i of honest) for (const p of ps.slice(0, 2)) expect(decided(bed, i, p)).toBe(false)
    // The same two votes in a well-formed bundle decide them.
    await attacker.sendEncrypted({ demlsVotes: { votes: [votes[0]!.vote, votes[1]!.vote] }, demlsVoteBindings: [votes[0]!.binding, votes[1]!.binding] }, honest)
    for (const i of honest) for (const p of ps.slice(0, 2)) expect(decided(bed, i, p)).toBe(true)
  }, 120_000)
})
