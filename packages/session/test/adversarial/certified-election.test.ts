import { EthereumSigner, createProposal } from '@demls/consensus'
import { StewardListService } from '@demls/steward'
import { encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { boundVotes } from '../bound-votes.js'
import { Bed } from '../sansio.js'
import { keyFor, memberIdOf } from '../scenarios/harness.js'
import { MaliciousMember } from './member.js'

// Issue 56: a certificate of an election wins over a member's own view of the candidate pool (the list is
// installed even when it does not regenerate there). What a minority can do with that: send a list of its
// choosing with a certificate it made up. A certificate proves the group's outcome only with the valid,
// bound, signed votes of the election epoch's members passing the group's rule (at least one honest YES);
// an honest member votes YES only on a list that regenerates over its own pool.

describe('adversarial: a steward list with a certificate the group never signed', () => {
  const config = { stewardList: { snMin: 1, snMax: 2 } }
  const attacker = 4

  /** A group of five; the attacker sends each honest member a list of itself alone, with `voters`' ballots (signed by `signedBy` when given). */
  const attempt = async (id: string, voters: number[], signedBy?: number, installed = false) => {
    const bed = await Bed.create(id, 5, config)
    for (const i of [1, 2, 3, 4]) await bed.add(i)
    await bed.run(2_000)
    const honest = [0, 1, 2, 3]
    const before = honest.map((i) => bed.conv(i).stewards().map(toHex))
    expect(before[0]).not.toContain(toHex(memberIdOf(attacker)))
    const epoch = bed.conv(0).epoch()
    const round = bed.conv(0).electionRound() + 1
    const svc = new StewardListService({ config: config.stewardList, conversationId: bed.id })
    const members = [...svc.electableList(epoch, [memberIdOf(attacker)], round).members]
    const payload = encodeConversationUpdateRequest({ payload: 'stewardElection', stewardElection: { proposedStewards: members, electionEpoch: epoch, retryRound: round } })
    const proposal = createProposal({ owner: memberIdOf(attacker), payload, expectedVotersCount: 5, livenessCriteriaYes: true, proposalId: 99 }, bed.now)
    const votes = []
    const voteBindings = []
    for (const v of voters) {
      const signer = new EthereumSigner(keyFor(signedBy ?? v))
      const { votes: [vote], bindings: [binding] } = boundVotes(bed.id, proposal, [{ signer, choice: true }], bed.now + 10)
      votes.push({ ...vote!, voteOwner: memberIdOf(v) })
      voteBindings.push(binding!)
    }
    const certificate = { proposal: { ...proposal, votes }, voteBindings }
    await new MaliciousMember(bed, attacker).sendEncrypted({ demlsControl: { stewardList: { electionEpoch: epoch, retryRound: round, members, certificate } } }, honest)
    await bed.run(5_000)
    for (const [k, i] of honest.entries()) {
      if (installed) {
        expect(bed.conv(i).stewards().map(toHex), `m${i}`).toEqual(members.map(toHex))
        continue
      }
      expect(bed.conv(i).stewards().map(toHex), `m${i}`).toEqual(before[k])
      expect(bed.eventsOf(i, 'dropped').some((e) => (e.detail ?? '').startsWith('steward list refused'))).toBe(true)
      expect(bed.eventsOf(i, 'steward-list-inferred')).toEqual([])
    }
  }

  it('its own YES alone (a minority of one): refused', async () => {
    await attempt('cert-minority', [attacker])
  }, 60_000)

  it('YES votes under the honest members’ names, signed by the attacker (forged): refused', async () => {
    await attempt('cert-forged', [attacker, 0, 1, 2], attacker)
  }, 60_000)

  it('YES votes of non-members, enough for the rule if they counted: refused', async () => {
    await attempt('cert-outsiders', [attacker, 5, 6, 7, 8])
  }, 60_000)

  it('control: the same list with the genuine signed YES of four of five members (which honest members never give it) would be the group’s outcome', async () => {
    // What the refusals above rest on: the signatures, not the list. An honest member votes YES only on a
    // list that regenerates over its own pool (adversarial/self-election.test.ts), so it never signs this one.
    await attempt('cert-control', [attacker, 0, 1, 2], undefined, true)
  }, 60_000)
})
