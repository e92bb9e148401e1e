import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import { brokenCommit } from '@demls/scoring'
import { encodeAppMessage, encodeConversationUpdateRequest } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { Bed } from './sansio.js'
import { keyFor, memberIdOf } from './scenarios/harness.js'

/**
 * The 9 unit tests of the reference's `src/conversation/handle.rs`, against
 * the public sans-I/O `Conversation` (time is a parameter, so every timer
 * is observable through `poll` and `nextWakeupAt`). The reference tests
 * private timer maps; we test what they are for.
 */

const FAR = 3_600_000

async function idleSteward(id: string): Promise<void> {
  const bed = await Bed.create(id, 1)
  const alice = bed.conv(0)
  await alice.poll(bed.now)
  expect(alice.nextWakeupAt()).toBeUndefined()
  for (const dt of [1_000, 60_000, FAR]) await alice.poll(bed.now + dt)
  await bed.flush()
  expect(alice.state()).toBe('working')
  expect(alice.epoch()).toBe(0n)
  expect(bed.eventsOf(0, 'phase-change').map((e) => e.state)).toEqual(['working'])
  expect(bed.candidatesSent(0)).toHaveLength(0)
}

describe('reference: handle.rs', () => {
  it('check_steward_inactivity_first_tick_anchors_and_returns_none: approved work is anchored at the first poll and no freeze starts before the window', async () => {
    const bed = await Bed.create('h1', 2)
    const alice = bed.conv(0)
    const window = alice.config().commitBatchWindowMs
    await alice.addMember(await bed.peers[1]!.plugins.generateKeyPackage(bed.now), bed.now)
    const t0 = bed.now
    // First poll: the bundled YES of the only member resolves the add; the wait is anchored now.
    await alice.poll(t0)
    expect(alice.approvedCount()).toBe(1)
    expect(alice.state()).toBe('working')
    expect(alice.nextWakeupAt()).toBe(t0 + window)
    // A second poll before the window ends still does nothing, and keeps the first anchor.
    await alice.poll(t0 + window - 1)
    expect(alice.state()).toBe('working')
    expect(alice.nextWakeupAt()).toBe(t0 + window)
    expect(bed.candidatesSent(0)).toHaveLength(0)
    // At the window the epoch steward freezes and commits (alone, it is the whole round).
    await alice.poll(t0 + window)
    await bed.flush()
    expect(alice.epoch()).toBe(1n)
    expect(bed.candidatesSent(0)).toHaveLength(1)
  })

  it('check_steward_inactivity_noop_without_approved_work: no approved work, no anchor and no freeze however long we wait', () => idleSteward('h2'))

  it('create_commit_candidate_errors_when_no_approved_proposals: a steward with an empty approved queue never mints a candidate', () => idleSteward('h8'))

  it('emit_event_then_drain_returns_insertion_order_and_clears_buffer', async () => {
    const bed = await Bed.create('h3', 2)
    const alice = bed.conv(0)
    alice.drainEvents()
    await alice.addMember(await bed.peers[1]!.plugins.generateKeyPackage(bed.now), bed.now)
    await alice.poll(bed.now)
    const drained = alice.drainEvents()
    expect(drained.map((e) => e.type)).toEqual(['own-proposal-submitted', 'consensus-reached'])
    expect(alice.drainEvents()).toEqual([])
  })

  it('register_auto_vote_replaces_existing_entry: a second delivery of a proposal is a duplicate and arms no second auto-vote; one vote fires at the voting delay', async () => {
    const bed = await Bed.create('h4', 2)
    await bed.add(1)
    const bob = bed.conv(1)
    const delay = bob.config().votingDelayMs
    // Alice's proposal, encrypted twice by her MLS group (two distinct ciphertexts of one proposal).
    const t0 = bed.now
    const signer = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(keyFor(0))) })
    const payload = encodeConversationUpdateRequest({ payload: 'removeMember', removeMember: { memberId: memberIdOf(1) } })
    const proposal = signer.createProposal('h4', { payload, expectedVotersCount: 2, expirationSeconds: 60, vote: true }, t0)
    bob.drainEvents()
    for (let copy = 0; copy < 2; copy++) {
      await bob.receive({ subtopic: 'app', payload: await bed.peers[0]!.mls!.encrypt(encodeAppMessage({ proposal })) }, t0)
    }
    const events = bob.drainEvents()
    expect(events.filter((e) => e.type === 'vote-requested')).toHaveLength(1)
    expect(events.filter((e) => e.type === 'dropped').map((e) => (e as { reason: string }).reason)).toEqual(['duplicate'])
    expect(bob.nextWakeupAt()).toBe(t0 + delay)
    await bob.poll(t0 + delay - 1)
    expect(bob.drainOutbound()).toHaveLength(0)
    await bob.poll(t0 + delay)
    expect(bob.drainOutbound()).toHaveLength(1)
    // Nothing else is armed for it but the echo of that vote and the consensus timeout.
    await bob.poll(t0 + delay + 1)
    expect(bob.drainOutbound()).toHaveLength(0)
  })

  it('cancel_auto_vote_removes_only_the_targeted_proposal: a manual vote replaces its auto-vote, the other proposal keeps its own', async () => {
    const bed = await Bed.create('h5', 4)
    await bed.add(1)
    const [alice, bob] = [bed.conv(0), bed.conv(1)]
    const delay = bob.config().votingDelayMs
    // Two open proposals bob must vote on: adding member 2 and adding member 3.
    const a = await alice.addMember(await bed.peers[2]!.plugins.generateKeyPackage(bed.now), bed.now)
    const b = await alice.addMember(await bed.peers[3]!.plugins.generateKeyPackage(bed.now), bed.now)
    await bed.flush()
    const t0 = bed.now
    expect(bob.nextWakeupAt()).toBe(t0 + delay)
    await bob.vote(a!, false, t0)
    expect(bob.drainOutbound()).toHaveLength(1)
    // At the voting delay only the other proposal gets bob's automatic vote.
    await bob.poll(t0 + delay)
    const auto = bob.drainOutbound()
    expect(auto).toHaveLength(1)
    bed.peers[1]!.sent.push(...auto)
    for (const p of auto) await alice.receive(p, t0 + delay)
    await bob.poll(t0 + delay + 1)
    expect(bob.drainOutbound()).toHaveLength(0)
    const outcome = (id: number) => bed.eventsOf(0, 'consensus-reached').find((e) => e.proposalId === id)
    expect(outcome(b!)?.approved).toBe(true)
  })

  it('register_then_unregister_consensus_timeout: a proposal that resolves drops its timeout from the wake-up', async () => {
    const bed = await Bed.create('h6', 2)
    const alice = bed.conv(0)
    const timeout = alice.config().consensusTimeoutMs
    const t0 = bed.now
    await alice.submitEmergency(brokenCommit(new Uint8Array(20).fill(0xaa), 0n), t0)
    // Resolved at once (sole voter), queues no commit work: nothing is left to wake up for.
    expect(alice.nextWakeupAt()).toBeUndefined()
    // Control: an open proposal is timed out at t0 + consensus timeout.
    await bed.add(1)
    const t1 = bed.now
    await alice.removeMember(memberIdOf(1), t1)
    expect(alice.nextWakeupAt()).toBe(t1 + timeout)
    void FAR
  })

  it('create_commit_candidate_errors_for_non_steward_outside_recovery: a plain member that freezes mints no candidate; the steward does', async () => {
    const bed = await Bed.create('h7', 3, { stewardList: { snMin: 1, snMax: 1 } })
    await bed.add(1)
    await bed.add(2)
    const plain = [0, 1, 2].find((i) => !bed.conv(i).isSteward())!
    const steward = [0, 1, 2].find((i) => bed.conv(i).isSteward())!
    const before = bed.candidatesSent(plain).length
    const mark = bed.eventsOf(plain, 'phase-change').length
    // Cut the steward off from the plain member, so the plain member freezes on its own timer.
    bed.intercept = (from, to, p) => (from === steward && to === plain ? undefined : p)
    const target = [0, 1, 2].find((i) => i !== plain && i !== steward)!
    await bed.conv(plain).removeMember(memberIdOf(target), bed.now)
    await bed.until(() => bed.eventsOf(plain, 'phase-change').slice(mark).some((e) => e.state === 'freezing'), 30_000)
    expect(bed.conv(plain).mode()).toBe('normal')
    expect(bed.candidatesSent(plain).slice(before).filter((c) => Buffer.from(c.stewardMemberId).equals(Buffer.from(memberIdOf(plain))))).toHaveLength(0)
    expect(bed.candidatesSent(steward).some((c) => Buffer.from(c.stewardMemberId).equals(Buffer.from(memberIdOf(steward))))).toBe(true)
  })

  it('create_commit_candidate_errors_on_emergency_in_approved_queue: an accepted non-score ECP never becomes commit work; a batch carries only the add', async () => {
    const bed = await Bed.create('h9', 2)
    const alice = bed.conv(0)
    await alice.submitEmergency(brokenCommit(new Uint8Array(20).fill(0xaa), 0n), bed.now)
    expect(bed.eventsOf(0, 'consensus-reached').at(-1)?.approved).toBe(true)
    expect(alice.approvedCount()).toBe(0)
    await bed.run(5_000)
    expect(bed.candidatesSent(0)).toHaveLength(0)
    expect(alice.epoch()).toBe(0n)
    await bed.add(1)
    const [candidate] = bed.candidatesSent(0)
    expect(candidate?.mlsProposals).toHaveLength(1)
    expect(alice.members()).toHaveLength(2)
  })
})
