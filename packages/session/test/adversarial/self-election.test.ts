import { StewardListService } from '@demls/steward'
import { encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { Bed } from '../sansio.js'
import { memberIdOf } from '../scenarios/harness.js'
import { MaliciousMember } from './member.js'

// A steward election proposal carries its list; the reference checks only that the list is in the
// deterministic order for its own members, and members vote on it by the proposer's liveness flag. So a
// member could propose a list of itself alone and be elected by the automatic YES votes. Now members vote
// on an election by regenerating it over their own candidate pool, and install an approved list only if
// it regenerates that way (stewardship/election-check.ts).

describe('adversarial: a member elects itself', () => {
  const config = { stewardList: { snMin: 1, snMax: 2 } }
  const attacker = 4

  /** A group of five; the attacker (not on the list) builds an election of itself alone, ordered to regenerate. */
  const setup = async (id: string) => {
    const bed = await Bed.create(id, 5, config)
    for (const i of [1, 2, 3, 4]) await bed.add(i)
    await bed.run(2_000)
    const before = [0, 1, 2, 3].map((i) => bed.conv(i).stewards().map(toHex))
    expect(before[0]).not.toContain(toHex(memberIdOf(attacker)))
    const epoch = bed.conv(0).epoch()
    const round = bed.conv(0).electionRound()
    const svc = new StewardListService({ config: config.stewardList, conversationId: bed.id })
    const proposed = svc.electableList(epoch, [memberIdOf(attacker)], round).members
    const m = new MaliciousMember(bed, attacker)
    const payload = encodeConversationUpdateRequest({ payload: 'stewardElection', stewardElection: { proposedStewards: [...proposed], electionEpoch: epoch, retryRound: round } })
    const proposal = m.consensus.createProposal(bed.id, { payload, expectedVotersCount: 5, expirationSeconds: 600, livenessCriteriaYes: true }, bed.now)
    const outcome = (i: number) => bed.peers[i]!.events.find((e) => e.type === 'consensus-reached' && e.proposalId === proposal.proposalId)
    return { bed, before, round, send: () => m.sendEncrypted({ proposal }, [0, 1, 2, 3]), outcome }
  }

  it('an election proposal listing the attacker, ordered to pass the regeneration check, is not installed', async () => {
    const { bed, before, round, send, outcome } = await setup('self-elect')
    await send()
    await bed.run(30_000)
    for (const i of [0, 1, 2, 3]) {
      // Every honest member voted NO on it (with the automatic YES it passed 5 to 0), the group rejected it,
      // and the rejection spent no retry round.
      const o = outcome(i)
      expect(o?.type === 'consensus-reached' && o.approved).toBe(false)
      expect(bed.conv(i).stewards().map(toHex)).toEqual(before[i])
      expect(bed.conv(i).electionRound()).toBe(round)
      expect(bed.conv(i).mode()).toBe('normal')
    }
  }, 60_000)

  it('approved anyway (the honest NO votes lost, silence counted YES), the list is still not installed', async () => {
    const { bed, before, send, outcome } = await setup('self-elect-lost')
    // The honest members hear nobody but the attacker from now on: each sees only its own NO.
    bed.intercept = (from, to, packet) => (from !== attacker && to !== attacker ? undefined : packet)
    await send()
    await bed.run(60_000)
    for (const i of [0, 1, 2, 3]) {
      const o = outcome(i)
      expect(o?.type === 'consensus-reached' && o.approved).toBe(true)
      expect(bed.conv(i).stewards().map(toHex)).toEqual(before[i])
      expect(bed.peers[i]!.events.some((e) => e.type === 'dropped' && e.detail === 'elected list does not regenerate from our members')).toBe(true)
    }
  }, 60_000)
})
