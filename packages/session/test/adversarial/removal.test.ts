import { encodeConversationUpdateRequest } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationConfigInit } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { memberIdOf } from '../scenarios/harness.js'
import { MaliciousMember } from './member.js'

// Issue 15: "One member evicts anyone … A removal requested by one member
// is decided by explicit votes." In a closed group (admission 'invite', the
// default) a plain removal counts silent voters as NO, and each member's
// automatic vote on another member's removal is its own observation of the
// target (silent for the suspect window, or at the removal threshold in
// its own scores), never the proposer's wish. `admission: 'open'` keeps
// the reference's "silence means yes".

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const CONFIG: ConversationConfigInit = { votingDelayMs: 5_000, electionVotingDelayMs: 5_000, consensusTimeoutMs: 20_000 }
const PROPOSER = 4
const TARGET = 2

async function group(config: ConversationConfigInit = CONFIG): Promise<Bed> {
  const bed = await Bed.create('removal', 5, config)
  for (const i of [1, 2, 3, 4]) await bed.add(i)
  return bed
}

const outcomes = (bed: Bed, i: number, proposalId: number) => bed.eventsOf(i, 'consensus-reached').filter((e) => e.proposalId === proposalId)
const isMember = (bed: Bed, i: number, who: number) => bed.conv(i).members().some((m) => hex(m) === hex(memberIdOf(who)))

describe('adversarial: one member asking for another’s removal', () => {
  it('a live member’s removal by one member is voted down on the others’ own observation; it stays', async () => {
    const bed = await group()
    const epoch = bed.conv(0).epoch()
    const id = (await bed.conv(PROPOSER).removeMember(memberIdOf(TARGET), bed.now))!
    await bed.flush()
    const others = [0, 1, 3]
    await bed.until(() => others.every((i) => outcomes(bed, i, id).length > 0), 60_000)
    for (const i of others) expect(outcomes(bed, i, id)[0]!.approved, `member ${i}`).toBe(false)
    await bed.run(10_000)
    for (const i of [0, 1, 2, 3, 4]) expect(isMember(bed, i, TARGET), `member ${i} still has the target`).toBe(true)
    expect(bed.conv(0).epoch()).toBe(epoch)
  }, 120_000)

  it('with the others’ explicit YES votes it passes', async () => {
    const bed = await group()
    const id = (await bed.conv(PROPOSER).removeMember(memberIdOf(TARGET), bed.now))!
    await bed.flush()
    await bed.answerVoteRequests([0, 1, 3], (_i, r) => (r.proposalId === id ? true : undefined))
    await bed.until(() => [0, 1, 3, 4].every((i) => !isMember(bed, i, TARGET)), 60_000)
  }, 120_000)

  it('a removal counting silent voters as YES is refused (a member leaving excepted); open groups keep the reference rule', async () => {
    const bed = await group()
    const attacker = new MaliciousMember(bed, PROPOSER)
    const removal = (target: number) =>
      attacker.consensus.createProposal(
        bed.id,
        {
          payload: encodeConversationUpdateRequest({ payload: 'removeMember', removeMember: { memberId: memberIdOf(target) } }),
          expectedVotersCount: 5,
          expirationSeconds: 600,
          livenessCriteriaYes: true,
        },
        bed.now,
      )
    const proposal = removal(TARGET)
    await attacker.sendEncrypted({ proposal }, [0, 1, 2, 3])
    for (const i of [0, 1, 3]) {
      const drops = bed.eventsOf(i, 'dropped').filter((e) => e.reason === 'unauthorized' && /removal counts silent voters as YES/.test(e.detail ?? ''))
      expect(drops.length, `member ${i}`).toBeGreaterThan(0)
    }
    await bed.run(30_000)
    for (const i of [0, 1, 3]) expect(isMember(bed, i, TARGET)).toBe(true)
    // Its own removal, counting silence as YES (a leave): accepted.
    const leave = removal(PROPOSER)
    await attacker.sendEncrypted({ proposal: leave }, [0, 1, 3])
    for (const i of [0, 1, 3]) expect(bed.eventsOf(i, 'vote-requested').some((e) => e.proposalId === leave.proposalId)).toBe(true)
  }, 120_000)

  it('in an open group the same removal passes on the automatic votes (the reference’s rule, opted into)', async () => {
    const bed = await group({ ...CONFIG, admission: 'open' })
    await bed.conv(PROPOSER).removeMember(memberIdOf(TARGET), bed.now)
    await bed.flush()
    await bed.until(() => [0, 1, 3, 4].every((i) => !isMember(bed, i, TARGET)), 60_000)
  }, 120_000)
})
