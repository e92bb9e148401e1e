import { ViolationType } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { Bed } from './sansio.js'
import { hex, memberIdOf } from './scenarios/harness.js'

/**
 * Layer 3 end to end, with no manual ECP: the only steward goes silent and
 * its removal is approved, which leaves no eligible steward, so an election
 * is proposed (stewardship: the responsible proposer); every election is
 * voted down until the retries are exhausted, the
 * responsible proposer files a Deadlock ECP on its own, the group enters
 * recovery mode, and a commit lands (deviation 1: in recovery any member
 * mints).
 */
describe('Layer 3: election rejected → retries exhausted → Deadlock ECP → recovery → commit', () => {
  it('the responsible proposer files the Deadlock ECP automatically and a recovery commit removes the silent steward', async () => {
    const bed = await Bed.create('layer3', 3, { admission: 'open', stewardList: { snMin: 1, snMax: 1 }, maxReelectionAttempts: 1 })
    await bed.add(1)
    await bed.add(2)
    // The steward goes silent (its packets are lost).
    const { s, live } = bed.silenceSteward([0, 1, 2])
    await bed.conv(live[0]!).removeMember(memberIdOf(s), bed.now)
    await bed.flush()

    // The live members vote NO on every steward election until a Deadlock ECP shows up.
    const deadlockFiled = () =>
      live.some((i) =>
        bed.eventsOf(i, 'own-proposal-submitted').some((e) => e.request.emergencyCriteria?.evidence?.violationType === ViolationType.DEADLOCK),
      )
    const voteDownElections = () =>
      bed.answerVoteRequests(live, (_i, r) => (r.request?.payload === 'stewardElection' && !deadlockFiled() ? false : undefined))
    const removed = () => live.every((i) => bed.conv(i).members().length === 2)
    const end = bed.now + 60_000
    while (!removed()) {
      if (bed.now > end) throw new Error('no recovery commit within 60 s')
      bed.now += 50
      await bed.poll()
      await voteDownElections()
    }

    for (const i of live) {
      const outcomes = bed.eventsOf(i, 'consensus-reached')
      // The election was rejected (and, with maxReelectionAttempts = 1, not retried).
      const rejected = outcomes.filter((e) => e.request?.payload === 'stewardElection' && !e.approved)
      expect(rejected.length).toBeGreaterThanOrEqual(1)
      // Layer 3: a Deadlock ECP was accepted after the rejected election, and opened recovery mode.
      const ecp = outcomes.find((e) => e.request?.emergencyCriteria?.evidence?.violationType === ViolationType.DEADLOCK)
      expect(ecp?.approved).toBe(true)
      expect(outcomes.indexOf(ecp!)).toBeGreaterThan(outcomes.indexOf(rejected[0]!))
      expect(bed.eventsOf(i, 'phase-change').some((e) => e.mode === 'recovery')).toBe(true)
      // The commit that landed removed the silent steward, and was not made by it.
      const commit = bed.eventsOf(i, 'commit-applied').at(-1)!
      expect(hex(commit.committer)).not.toBe(hex(memberIdOf(s)))
      expect(bed.conv(i).members().map(hex)).not.toContain(hex(memberIdOf(s)))
    }
    // Exactly one member (the responsible proposer) filed the Deadlock ECP, with no manual call.
    const filers = live.filter((i) =>
      bed.eventsOf(i, 'own-proposal-submitted').some((e) => e.request.emergencyCriteria?.evidence?.violationType === ViolationType.DEADLOCK),
    )
    expect(filers).toHaveLength(1)
    // After the recovery commit a recovery election installs a list without the silent steward.
    await bed.until(() => live.every((i) => bed.conv(i).mode() === 'normal'), 30_000)
    for (const i of live) expect(bed.conv(i).stewards().map(hex)).not.toContain(hex(memberIdOf(s)))
  })
})
