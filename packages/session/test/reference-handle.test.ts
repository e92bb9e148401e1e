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
  const bed = await Bed.create(id, 1, { admission: 'open' })
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
    const bed = await Bed.create('h1', 2, { admission: 'open' })
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
    const bed = await Bed.create('h3', 2, { admission: 'open' })
    const alice = bed.conv(0)
    alice.drainEvents()
    await alice.addMember(await bed.peers[1]!.plugins.generateKeyPackage(bed.now), bed.now)
    await alice.poll(bed.now)
    const drained = alice.drainEvents()
    expect(drained.map((e) => e.type)).toEqual(['own-proposal-submitted', 'consensus-reached'])
    expect(alice.drainEvents()).toEqual([])
  })

  it('register_auto_vote_replaces_existing_entry: a proposal has one auto-vote; a later second delivery neither arms another nor moves it', async () => {
    const bed = await Bed.create('h4', 2, { admission: 'open' })
    await bed.add(1)
    const bob = bed.conv(1)
    const delay = bob.config().votingDelayMs
    const half = Math.floor(delay / 2)
    // Alice's proposal, encrypted twice by her MLS group (two distinct ciphertexts of one proposal).
    const t0 = bed.now
    const signer = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(keyFor(0))) })
    const payload = encodeConversationUpdateRequest({ payload: 'removeMember', removeMember: { memberId: memberIdOf(1) } })
    const proposal = signer.createProposal('h4', { payload, expectedVotersCount: 2, expirationSeconds: 60, vote: true }, t0)
    const copies = [
      await bed.peers[0]!.mls!.encrypt(encodeAppMessage({ proposal })),
      await bed.peers[0]!.mls!.encrypt(encodeAppMessage({ proposal })),
    ]
    bob.drainEvents()
    await bob.receive({ subtopic: 'app', payload: copies[0]! }, t0)
    expect(bob.nextWakeupAt()).toBe(t0 + delay)
    // The second copy arrives half a voting delay later: the schedule stays at the first one.
    await bob.receive({ subtopic: 'app', payload: copies[1]! }, t0 + half)
    const events = bob.drainEvents()
    expect(events.filter((e) => e.type === 'vote-requested')).toHaveLength(1)
    expect(events.filter((e) => e.type === 'dropped').map((e) => (e as { reason: string }).reason)).toEqual(['duplicate'])
    expect(bob.nextWakeupAt()).toBe(t0 + delay)
    await bob.poll(t0 + delay - 1)
    expect(bob.drainOutbound()).toHaveLength(0)
    await bob.poll(t0 + delay)
    expect(bob.drainOutbound()).toHaveLength(1)
    // Once it fired, no auto-vote is left for that proposal: the next wake-up is the echo of
    // the vote (or the consensus timeout), not the second copy's voting delay.
    const next = bob.nextWakeupAt()
    expect(next).toBeDefined()
    expect(next).toBeGreaterThan(t0 + half + delay)
    expect(next).toBeLessThanOrEqual(t0 + bob.config().consensusTimeoutMs)
  })

  it('cancel_auto_vote_removes_only_the_targeted_proposal: a manual vote removes its auto-vote from the schedule, the other proposal keeps its own', async () => {
    // Four members, so one YES decides nothing (the default rule needs 3 of 4) and a's stays open.
    const bed = await Bed.create('h5', 6, { admission: 'open' })
    for (const i of [1, 2, 3]) await bed.add(i)
    // Let the adds' vote echoes and timeouts pass: nothing of bob's is due in the next minute.
    await bed.until(() => (bed.conv(1).nextWakeupAt() ?? Infinity) > bed.now + 60_000)
    const [alice, bob] = [bed.conv(0), bed.conv(1)]
    const delay = bob.config().votingDelayMs
    const gap = Math.floor(delay / 2)
    // Two open proposals bob must vote on, opened half a voting delay apart: adding member 4, then member 5.
    const t0 = bed.now
    const a = await alice.addMember(await bed.peers[4]!.plugins.generateKeyPackage(t0), t0)
    await bed.flush()
    bed.now = t0 + gap
    const b = await alice.addMember(await bed.peers[5]!.plugins.generateKeyPackage(bed.now), bed.now)
    await bed.flush()
    expect(bob.nextWakeupAt()).toBe(t0 + delay)
    await bob.vote(a!, true, t0 + gap)
    expect(bob.drainOutbound()).toHaveLength(1)
    // a is still open, but its auto-vote is gone from the schedule; b's is still there.
    expect(bob.nextWakeupAt()).toBe(t0 + gap + delay)
    await bob.poll(t0 + delay)
    expect(bob.drainOutbound()).toHaveLength(0)
    // At b's voting delay only b gets bob's automatic vote.
    await bob.poll(t0 + gap + delay)
    const auto = bob.drainOutbound()
    expect(auto).toHaveLength(1)
    const before = bed.eventsOf(0, 'dropped').length
    for (const p of auto) await alice.receive(p, t0 + gap + delay)
    bed.peers[0]!.events.push(...alice.drainEvents())
    expect(bed.eventsOf(0, 'dropped')).toHaveLength(before)
    await bob.poll(t0 + gap + delay + 1)
    expect(bob.drainOutbound()).toHaveLength(0)
    void b
  })

  it('register_then_unregister_consensus_timeout: a proposal that resolves drops its timeout from the wake-up', async () => {
    const bed = await Bed.create('h6', 2, { admission: 'open' })
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
    // Beyond the reference, our bundled vote is echoed halfway (the proposal itself if no vote came back) …
    expect(alice.nextWakeupAt()).toBe(t1 + Math.floor(timeout / 2))
    await alice.poll(t1 + Math.floor(timeout / 2))
    // … and the proposal is timed out at t1 + consensus timeout.
    expect(alice.nextWakeupAt()).toBe(t1 + timeout)
    void FAR
  })

  it('create_commit_candidate_errors_for_non_steward_outside_recovery: a plain member that freezes mints no candidate; the steward does', async () => {
    const bed = await Bed.create('h7', 3, { admission: 'open', stewardList: { snMin: 1, snMax: 1 } })
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
    const bed = await Bed.create('h9', 2, { admission: 'open' })
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
