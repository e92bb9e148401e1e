import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import type { Vote } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationConfigInit } from '../../src/index.js'
import { equivocationOf, equivocationsIn, verifyEquivocation } from '../../src/rules/index.js'
import { Bed } from '../sansio.js'
import { keyFor, memberIdOf } from '../scenarios/harness.js'
import { MaliciousMember } from './member.js'
import { scoresSeenBy } from './outsider.js'

// Issue 15: "Vote equivocation (a YES to one member, a NO to another) is
// dropped as a duplicate, with no evidence kept and no penalty." Now the two
// signed votes are kept as evidence, the voter is penalised once per
// proposal (EquivocatingVote: to the score floor, below the removal threshold), and the
// stewards' score removal takes it out of the group.

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const CONFIG: ConversationConfigInit = { votingDelayMs: 10_000, electionVotingDelayMs: 10_000, consensusTimeoutMs: 30_000 }
const honest = [0, 1, 2, 3]
const ATTACKER = 4

/** The attacker opens a proposal and signs a YES and a NO on it (two consensus services, one key). */
async function twoVotes(bed: Bed, attacker: MaliciousMember): Promise<{ yes: Vote; no: Vote; proposalId: number }> {
  const proposal = await attacker.propose(honest)
  const yes = attacker.consensus.castVote(bed.id, proposal.proposalId, true, bed.now)
  const twin = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(keyFor(ATTACKER))) })
  twin.receiveProposal(bed.id, proposal, bed.now)
  const no = twin.castVote(bed.id, proposal.proposalId, false, bed.now)
  return { yes, no, proposalId: proposal.proposalId }
}

describe('adversarial: a member voting both ways', () => {
  it('its two signed votes are kept as evidence anyone can check, it is penalised once, and the group removes it', async () => {
    const bed = await Bed.create('equiv', 6, CONFIG)
    for (const i of [1, 2, 3, ATTACKER]) await bed.add(i)
    const attacker = new MaliciousMember(bed, ATTACKER)
    const before = honest.map((i) => scoresSeenBy(bed, i).get(hex(memberIdOf(ATTACKER)))!)
    const { yes, no, proposalId } = await twoVotes(bed, attacker)
    await attacker.sendEncrypted({ vote: yes }, honest)
    await attacker.sendEncrypted({ vote: no }, honest)
    // The same NO again, and the YES again: no second penalty for the same proposal.
    await attacker.sendEncrypted({ vote: no }, honest)
    await attacker.sendEncrypted({ vote: yes }, honest)
    const verifier = new EthereumSigner(keyFor(0))
    for (const [k, i] of honest.entries()) {
      const events = bed.eventsOf(i, 'equivocation')
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({ proposalId, voter: memberIdOf(ATTACKER) })
      const kept = bed.conv(i).equivocations()
      expect(kept).toHaveLength(1)
      expect(verifyEquivocation(kept[0]!, verifier)).toBe(true)
      expect(kept[0]!.votes.map((v) => v.vote)).toEqual([true, false])
      expect(scoresSeenBy(bed, i).get(hex(memberIdOf(ATTACKER)))).toBe(before[k]! - (1n << 63n)) // to the floor
      expect(before[k]! > 0n).toBe(true)
    }
    // Nobody honest is accused of anything.
    for (const i of honest) for (const e of bed.conv(i).equivocations()) expect(hex(e.voter)).toBe(hex(memberIdOf(ATTACKER)))
    // At the removal threshold: the stewards file its score removal, the others' own scores agree, and it is removed.
    await bed.until(() => honest.every((i) => !bed.conv(i).members().some((m) => hex(m) === hex(memberIdOf(ATTACKER)))), 120_000)
    await bed.until(() => honest.every((i) => bed.conv(i).epoch() === bed.conv(0).epoch() && bed.conv(i).state() === 'working'))
  }, 120_000)

  it('evidence cannot frame anyone: a forged, altered or same-choice pair does not verify', async () => {
    const bed = await Bed.create('equiv-frame', 6, CONFIG)
    for (const i of [1, 2, 3, ATTACKER]) await bed.add(i)
    const attacker = new MaliciousMember(bed, ATTACKER)
    const { yes, no } = await twoVotes(bed, attacker)
    const verifier = new EthereumSigner(keyFor(0))
    const real = equivocationOf(yes, no)!
    expect(verifyEquivocation(real, verifier)).toBe(true)
    // The NO re-attributed to an honest member (owner changed, signature kept): does not verify.
    const framed = { ...no, voteOwner: memberIdOf(1) }
    const yesOf1 = { ...yes, voteOwner: memberIdOf(1) }
    expect(verifyEquivocation({ proposalId: yes.proposalId, voter: memberIdOf(1), votes: [yesOf1, framed] }, verifier)).toBe(false)
    // A flipped choice on a signed vote: its hash no longer holds.
    expect(verifyEquivocation({ ...real, votes: [yes, { ...yes, vote: false }] }, verifier)).toBe(false)
    // Same choice twice is no equivocation; nor are votes on different proposals.
    expect(equivocationOf(yes, { ...yes, timestamp: yes.timestamp + 1n })).toBeUndefined()
    expect(equivocationOf(yes, { ...no, proposalId: no.proposalId + 1 })).toBeUndefined()
    // The evidence claims another voter than the votes show.
    expect(verifyEquivocation({ ...real, voter: memberIdOf(2) }, verifier)).toBe(false)
    // In a certificate's votes: found once per owner.
    expect(equivocationsIn([yes, no, no, yes]).map((e) => e.votes.map((v) => v.vote))).toEqual([[true, false]])
    // And a forged pair sent on the wire changes nobody's score.
    const scores = honest.map((i) => scoresSeenBy(bed, i).get(hex(memberIdOf(1)))!)
    await attacker.sendEncrypted({ vote: framed }, honest)
    for (const [k, i] of honest.entries()) {
      expect(bed.eventsOf(i, 'equivocation')).toHaveLength(0)
      expect(scoresSeenBy(bed, i).get(hex(memberIdOf(1)))).toBe(scores[k])
    }
  }, 60_000)
})
