import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import { brokenCommit } from '@demls/scoring'
import { type Proposal, encodeAppMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { type ConversationConfigInit, consensusQuotas, memberProposalSlots, proposalClockTolerance, resolveConfig } from '../src/index.js'
import { Bed } from './sansio.js'
import { hex, keyFor, memberIdOf } from './scenarios/harness.js'

/**
 * The attack, in the reference's timing: a 30 s consensus timeout,
 * and nobody auto-votes within the test (so open proposals stay open).
 */
const CONFIG: ConversationConfigInit = { consensusTimeoutMs: 30_000, votingDelayMs: 600_000, electionVotingDelayMs: 600_000 }

/** Mallory (member 2) proposes outside its own conversation: a consensus service with no quotas, its MLS group to encrypt. */
async function flooder(bed: Bed) {
  const mallory = new ConsensusService({
    plugin: defaultConsensusPlugin(new EthereumSigner(keyFor(2))),
    maxSessionsPerScope: 1_000,
  })
  const send = async (proposal: Proposal) => {
    const payload = await bed.peers[2]!.mls!.encrypt(encodeAppMessage({ proposal }))
    for (const i of [0, 1]) await bed.conv(i).receive({ subtopic: 'app', payload }, bed.clock(i))
  }
  /** A proposal every 3 s, `count` of them (an undecodable payload: an ordinary proposal); returns after the last. */
  const flood = async (count: number) => {
    for (let k = 0; k < count; k++) {
      if (k > 0) await bed.run(3_000, 500)
      await send(mallory.createProposal(bed.id, { payload: new Uint8Array([0xf0, k]), expectedVotersCount: 3, expirationSeconds: 600 }, bed.now))
    }
  }
  return { mallory, send, flood }
}

async function group(id: string, config: ConversationConfigInit = CONFIG) {
  const bed = await Bed.create(id, 3, config)
  await bed.add(1)
  // Nobody auto-votes here: bob votes on mallory's admission by hand.
  const kp = await bed.peers[2]!.plugins.generateKeyPackage(bed.now)
  const admission = await bed.conv(0).addMember(kp, bed.now)
  await bed.flush()
  await bed.conv(1).vote(admission!, true, bed.now)
  await bed.until(() => bed.peers.every((p) => p.conversation?.members().length === 3))
  return bed
}

const drops = (bed: Bed, i: number, reason: string) => bed.eventsOf(i, 'dropped').filter((e) => e.reason === reason)

describe('adversarial: a member proposing every 3 s cannot stall the group’s consensus', () => {
  it('the flooder holds 5 sessions at most; bob’s proposal and an emergency proposal against the flooder are opened and received', async () => {
    const bed = await group('flood')
    const { flood } = await flooder(bed)
    // 10 proposals in 27 s: within one 30 s consensus timeout, enough to fill the default cap of 10.
    await flood(10)
    // An honest ordinary proposal.
    const id = await bed.conv(1).removeMember(memberIdOf(2), bed.now)
    await bed.flush()
    expect(bed.eventsOf(0, 'vote-requested').some((e) => e.proposalId === id)).toBe(true)
    // An emergency proposal against the flooder (higher priority: allowed while bob's proposal is open).
    const ecp = await bed.conv(0).submitEmergency(brokenCommit(memberIdOf(2), bed.conv(0).epoch()), bed.now)
    await bed.flush()
    expect(bed.eventsOf(1, 'vote-requested').some((e) => e.proposalId === ecp)).toBe(true)
    expect(drops(bed, 1, 'quota').every((d) => !d.detail?.includes(String(ecp)))).toBe(true)
    // Each honest member refused the flooder's 6th to 10th proposal with a typed reason.
    for (const i of [0, 1]) {
      expect(bed.conv(i).dropCounts().quota).toBe(5)
      expect(drops(bed, i, 'quota')[0]!.error).toMatchObject({ code: 'SESSION_QUOTA', quota: 'owner', limit: 2 })
    }
  }, 60_000)

  it('the quotas follow the config: a quarter of the cap per member (more while 2 stay free), two elections or emergencies each, three reserved', () => {
    expect(consensusQuotas(resolveConfig({}))).toEqual({ maxSessionsPerOwner: 2, maxPrioritySessionsPerOwner: 2, reservedPrioritySessions: 3 })
    expect(memberProposalSlots(resolveConfig({}))).toBe(5)
    expect(consensusQuotas(resolveConfig({ maxConsensusSessions: 40, maxSessionsPerMember: 3 })).maxSessionsPerOwner).toBe(3)
    expect(() => resolveConfig({ maxSessionsPerMember: -1 })).toThrow(expect.objectContaining({ field: 'maxSessionsPerMember' }))
    expect(() => resolveConfig({ proposalClockSkewMs: 1.5 })).toThrow(expect.objectContaining({ field: 'proposalClockSkewMs' }))
    expect(() => resolveConfig({ maxSessionPerMember: 1 } as ConversationConfigInit)).toThrow(/did you mean maxSessionsPerMember/)
    // Tolerance: the consensus timeout ahead; the proposal lifetime plus it behind (whole seconds, at least 1 s).
    expect(proposalClockTolerance(resolveConfig({}))).toEqual({ futureSeconds: 30, pastSeconds: 630 })
    expect(proposalClockTolerance(resolveConfig({ consensusTimeoutMs: 500, proposalExpirationMs: 2_000 }))).toEqual({ futureSeconds: 1, pastSeconds: 3 })
    expect(proposalClockTolerance(resolveConfig({ proposalClockSkewMs: 120_000 })).futureSeconds).toBe(120)
  })
})

describe('adversarial: a proposal dated far from local time is dropped as clock skew', () => {
  it('1 h ahead, or 2 h old with a day-long expiration: clock-skew drops; 10 s ahead is fine', async () => {
    const bed = await group('skew')
    const { mallory, send } = await flooder(bed)
    const ahead = mallory.createProposal(bed.id, { payload: new Uint8Array([1]), expectedVotersCount: 3 }, bed.now + 3_600_000)
    const old = mallory.createProposal(bed.id, { payload: new Uint8Array([2]), expectedVotersCount: 3, expirationSeconds: 86_400 }, bed.now - 7_200_000)
    await send(ahead)
    await send(old)
    for (const i of [0, 1]) {
      const skew = drops(bed, i, 'clock-skew')
      expect(skew.map((d) => d.error)).toEqual([
        expect.objectContaining({ code: 'CLOCK_SKEW', direction: 'future', proposalId: ahead.proposalId }),
        expect.objectContaining({ code: 'CLOCK_SKEW', direction: 'past', proposalId: old.proposalId }),
      ])
    }
    const fine = mallory.createProposal(bed.id, { payload: new Uint8Array([3]), expectedVotersCount: 3 }, bed.now + 10_000)
    await send(fine)
    for (const i of [0, 1]) expect(bed.eventsOf(i, 'vote-requested').some((e) => e.proposalId === fine.proposalId)).toBe(true)
    expect(hex(ahead.proposalOwner)).toBe(hex(memberIdOf(2)))
  }, 60_000)
})
