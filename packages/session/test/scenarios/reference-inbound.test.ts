import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import type { MlsService } from '@demls/mls'
import { deadlock, emergencyUpdateRequest, withCreator } from '@demls/scoring'
import { type ConversationUpdateRequestInit, encodeAppMessage, encodeConversationUpdateRequest } from '@demls/wire'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ConversationEvent, defaultPlugins, selfLeaveProposalId } from '../../src/index.js'
import { type Scenario, bootstrap, conv, hex, keyFor, memberIdOf, scenario } from './harness.js'

/**
 * The reference's `src/conversation/inbound.rs` fast-path authorisation
 * tests (`authorize_fast_path_proposal`): a proposal with
 * `expected_voters_count == 1` resolves on its bundled vote alone, so it is
 * accepted only as a self-leave (owner = MLS sender = removal target).
 * Here the proposals are real: signed by a consensus key, encrypted by
 * alice's MLS group and fed to bob's `Conversation`, which must drop or
 * accept them. Also deviation 5's "an ECP without evidence is rejected".
 */

const ID = 'inb'
let s: Scenario
let aliceMls: MlsService

/** A consensus service signing as member `i` (its own storage; only used to mint proposals). */
const signerOf = (i: number) => new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(keyFor(i))) })

/** A proposal owned (and signed) by member `owner`, encrypted by alice (the MLS sender), fed to bob. */
async function sendAsAlice(owner: number, init: { payload: Uint8Array; expectedVotersCount: number; proposalId?: number; vote?: boolean }) {
  const now = s.net.clock.now()
  const proposal = signerOf(owner).createProposal(ID, { expirationSeconds: 60, livenessCriteriaYes: true, ...init }, now)
  const bob = conv(s, 1, ID).conversation
  bob.drainEvents()
  const before = bob.dropCounts()
  await bob.receive({ subtopic: 'app', payload: await aliceMls.encrypt(encodeAppMessage({ proposal })) }, now)
  // Drops counted by this delivery (a repeat of a drop already reported in this epoch is counted, not emitted).
  const newDrops = Object.fromEntries(
    Object.entries(bob.dropCounts())
      .map(([k, v]) => [k, (v ?? 0) - (before[k as keyof typeof before] ?? 0)] as const)
      .filter(([, v]) => v > 0),
  )
  return { proposal, events: bob.drainEvents(), newDrops }
}

const request = (r: ConversationUpdateRequestInit) => encodeConversationUpdateRequest(r)
const removeOf = (i: number) => request({ payload: 'removeMember', removeMember: { memberId: memberIdOf(i) } })
const dropped = (events: ConversationEvent[]) =>
  events.filter((e): e is Extract<ConversationEvent, { type: 'dropped' }> => e.type === 'dropped')
const reached = (events: ConversationEvent[], id: number) =>
  events.find((e): e is Extract<ConversationEvent, { type: 'consensus-reached' }> => e.type === 'consensus-reached' && e.proposalId === id)
const voteRequested = (events: ConversationEvent[], id: number) => events.some((e) => e.type === 'vote-requested' && e.proposalId === id)

beforeAll(async () => {
  const defaults = await defaultPlugins(keyFor(0))
  s = await scenario(3, {
    plugins: (i) =>
      i === 0
        ? {
            ...defaults,
            createMls: async (id: string, now: number) => {
              aliceMls = await defaults.createMls(id, now)
              return aliceMls
            },
          }
        : {},
  })
  await bootstrap(s, ID, 2)
})

afterAll(async () => {
  await s.stop()
})

describe('reference: inbound.rs (fast-path authorisation of one-voter proposals)', () => {
  it('fast_path_allows_self_removal_matching_sender: owner = sender = target resolves at once on the receiver', async () => {
    const id = selfLeaveProposalId(memberIdOf(0))
    const { events } = await sendAsAlice(0, { payload: removeOf(0), expectedVotersCount: 1, proposalId: id, vote: true })
    expect(dropped(events)).toEqual([])
    expect(reached(events, id)?.approved).toBe(true)
    expect(conv(s, 1, ID).conversation.approvedCount()).toBe(1)
  })

  it('fast_path_rejects_target_other_than_sender: a one-voter removal of someone else (a forged self-leave) is unauthorized', async () => {
    const { proposal, events, newDrops } = await sendAsAlice(0, { payload: removeOf(1), expectedVotersCount: 1, proposalId: selfLeaveProposalId(memberIdOf(1)), vote: true })
    expect(newDrops).toEqual({ unauthorized: 1 })
    for (const d of dropped(events)) expect(d).toMatchObject({ reason: 'unauthorized', detail: 'fast-path proposal not a self-leave' })
    expect(reached(events, proposal.proposalId)).toBeUndefined()
  })

  it('fast_path_rejects_owner_mismatch: a self-leave owned by someone other than its MLS sender is unauthorized', async () => {
    // Owned and signed by charlie (member 2), removing alice, sent by alice.
    const { proposal, events, newDrops } = await sendAsAlice(2, { payload: removeOf(0), expectedVotersCount: 1, vote: true })
    expect(newDrops).toEqual({ unauthorized: 1 })
    for (const d of dropped(events)) expect(d).toMatchObject({ reason: 'unauthorized', detail: 'fast-path proposal not a self-leave' })
    expect(reached(events, proposal.proposalId)).toBeUndefined()
  })

  it('fast_path_rejects_non_remove_payload: a one-voter proposal whose payload is not a removal is unauthorized', async () => {
    for (const payload of [new Uint8Array(8).fill(0xff), request({ payload: 'memberInvite', memberInvite: { memberId: memberIdOf(2), keyPackageBytes: new Uint8Array(4) } })]) {
      const { proposal, events, newDrops } = await sendAsAlice(0, { payload, expectedVotersCount: 1, vote: true })
      expect(newDrops).toEqual({ unauthorized: 1 })
      for (const d of dropped(events)) expect(d).toMatchObject({ reason: 'unauthorized' })
      expect(reached(events, proposal.proposalId)).toBeUndefined()
    }
  })

  it('expected_voters_gt_one_bypasses_authz: a removal of another member with n voters is voted on (deviation 4: n must be the member count)', async () => {
    const ok = await sendAsAlice(0, { payload: removeOf(1), expectedVotersCount: 2, vote: true })
    expect(dropped(ok.events)).toEqual([])
    expect(voteRequested(ok.events, ok.proposal.proposalId)).toBe(true)
    // The reference accepts any n > 1 (its test uses 5); we require n = our member count.
    const wrongN = await sendAsAlice(0, { payload: removeOf(1), expectedVotersCount: 5, vote: true })
    expect(dropped(wrongN.events)).toHaveLength(1)
    expect(voteRequested(wrongN.events, wrongN.proposal.proposalId)).toBe(false)
    // Let bob's pending NO-less auto-vote not matter: vote NO so the removal cannot pass.
    await conv(s, 1, ID).conversation.vote(ok.proposal.proposalId, false, s.net.clock.now())
  })
})

describe('deviation 5: an emergency proposal without evidence is rejected', () => {
  it('is dropped as invalid-proposal and opens no partial freeze (a lower-priority proposal is still accepted)', async () => {
    const bare = await sendAsAlice(0, { payload: request({ payload: 'emergencyCriteria', emergencyCriteria: {} }), expectedVotersCount: 2, vote: true })
    expect(dropped(bare.events)).toMatchObject([{ reason: 'invalid-proposal', detail: 'emergency proposal without evidence' }])
    expect(voteRequested(bare.events, bare.proposal.proposalId)).toBe(false)
    // Had it been accepted it would hold the partial freeze (reference gap §14.9): this removal would be dropped.
    const after = await sendAsAlice(0, { payload: removeOf(1), expectedVotersCount: 2, vote: true })
    expect(dropped(after.events)).toEqual([])
    expect(voteRequested(after.events, after.proposal.proposalId)).toBe(true)
    await conv(s, 1, ID).conversation.vote(after.proposal.proposalId, false, s.net.clock.now())
  })

  it('the same ECP with evidence is accepted (control)', async () => {
    const withEvidence = request(emergencyUpdateRequest(withCreator(deadlock(conv(s, 1, ID).epoch()), memberIdOf(0))))
    const { proposal, events } = await sendAsAlice(0, { payload: withEvidence, expectedVotersCount: 2, vote: true })
    expect(dropped(events)).toEqual([])
    expect(voteRequested(events, proposal.proposalId)).toBe(true)
    await conv(s, 1, ID).conversation.vote(proposal.proposalId, false, s.net.clock.now())
  })
})

describe('deviation 4: an ECP’s creator is its proposal owner, not the self-declared field', () => {
  it('a rejected ECP whose creator field names bob penalises alice, who owns it', async () => {
    const bob = conv(s, 1, ID).conversation
    const scoreOf = (i: number) => bob.memberScores().find((m) => hex(m.memberId) === hex(memberIdOf(i)))!.score
    const [aliceBefore, bobBefore] = [scoreOf(0), scoreOf(1)]
    const forged = request(emergencyUpdateRequest(withCreator(deadlock(bob.epoch()), memberIdOf(1))))
    const { proposal, events } = await sendAsAlice(0, { payload: forged, expectedVotersCount: 2, vote: true })
    expect(voteRequested(events, proposal.proposalId)).toBe(true)
    await bob.vote(proposal.proposalId, false, s.net.clock.now())
    expect(reached(bob.drainEvents(), proposal.proposalId)?.approved).toBe(false)
    expect(scoreOf(0)).toBeLessThan(aliceBefore)
    expect(scoreOf(1)).toBe(bobBefore)
  })
})
