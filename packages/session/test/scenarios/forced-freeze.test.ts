import { deadlock, scoreBelowThreshold } from '@demls/scoring'
import { describe, expect, it } from 'vitest'
import type { ConversationConfigInit } from '../../src/index.js'
import { type Scenario, bootstrap, conv, eventsOf, hex, memberIdOf, scenario } from './harness.js'

/** What member `i` did after `mark`: did a commit land, did it reach Reelection. */
function since(s: Scenario, i: number, mark: number) {
  const events = s.members[i]!.events.slice(mark)
  return {
    forcedFreeze: events.some((e) => e.type === 'phase-change' && e.state === 'freezing'),
    committed: events.some((e) => e.type === 'commit-applied'),
    reelection: events.some((e) => e.type === 'phase-change' && e.state === 'reelection'),
  }
}

/**
 * sn = (1, 1) and the only steward is silent: the two others approve its
 * removal, then (before their inactivity window) file a Deadlock ECP.
 * Resolves when the ECP is accepted on the observer: it is in recovery mode
 * and Freezing, with the removal approved.
 */
async function deadlockWithApprovedWork(config: ConversationConfigInit = {}) {
  const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 1 }, commitInactivityMs: 20_000, ...config } })
  await bootstrap(s, 'ff')
  const steward = [0, 1, 2].find((i) => conv(s, i, 'ff').conversation.isSteward())!
  const [observer, other] = [0, 1, 2].filter((i) => i !== steward) as [number, number]
  s.net.mute(s.members[steward]!.name)
  await conv(s, observer, 'ff').removeMember(memberIdOf(steward))
  await s.until(() => [observer, other].every((i) => conv(s, i, 'ff').conversation.approvedCount() === 1))
  const mark = s.members[observer]!.events.length
  const ecp = await conv(s, observer, 'ff').submitEmergency(deadlock(conv(s, observer, 'ff').epoch()))
  await s.until(() => eventsOf(s, observer, 'consensus-reached').some((e) => e.proposalId === ecp))
  expect(conv(s, observer, 'ff').conversation.mode()).toBe('recovery')
  expect(since(s, observer, mark).forcedFreeze).toBe(true)
  return { s, observer, steward, mark, acceptedAt: s.net.clock.now(), freeze: conv(s, observer, 'ff').conversation.config().freezeDurationMs }
}

/**
 * Three members; the creator (always a steward) files a SCORE_BELOW_THRESHOLD
 * ECP against member 2 and member 1 votes YES. Its acceptance queues an urgent removal and forces
 * a freeze. Resolves when the ECP is accepted on the creator.
 */
async function urgentRemoval(config: ConversationConfigInit = {}) {
  const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 3 }, commitInactivityMs: 20_000, ...config } })
  await bootstrap(s, 'ur')
  const mark = s.members[0]!.events.length
  const ecp = await conv(s, 0, 'ur').submitEmergency(scoreBelowThreshold(memberIdOf(2), conv(s, 0, 'ur').epoch(), -1n))
  // Member 2's score is fine on member 1, which would vote NO on its own: it agrees explicitly.
  await s.until(() => eventsOf(s, 1, 'vote-requested').some((e) => e.proposalId === ecp))
  await conv(s, 1, 'ur').vote(ecp, true)
  await s.until(() => eventsOf(s, 0, 'consensus-reached').some((e) => e.proposalId === ecp && e.approved))
  expect(since(s, 0, mark).forcedFreeze).toBe(true)
  return { s, mark, acceptedAt: s.net.clock.now(), freeze: conv(s, 0, 'ur').conversation.config().freezeDurationMs }
}

describe('deviation 1: a forced freeze mints a candidate at once (in recovery, any member mints)', () => {
  it('accepted Deadlock ECP: the non-steward members commit the approved work inside the forced freeze', async () => {
    const { s, observer, steward, mark, acceptedAt, freeze } = await deadlockWithApprovedWork()
    await s.until(() => since(s, observer, mark).committed)
    expect(s.net.clock.now() - acceptedAt).toBeLessThan(freeze)
    expect(since(s, observer, mark).reelection).toBe(false)
    expect(conv(s, observer, 'ff').members().map(hex)).not.toContain(hex(memberIdOf(steward)))
    const commit = eventsOf(s, observer, 'commit-applied').at(-1)!
    expect(hex(commit.committer)).not.toBe(hex(memberIdOf(steward)))
    // After the commit a recovery election installs a new list and ends recovery mode.
    await s.until(() => conv(s, observer, 'ff').conversation.mode() === 'normal')
    expect(conv(s, observer, 'ff').conversation.stewards().map(hex)).not.toContain(hex(memberIdOf(steward)))
    await s.stop()
  })

  it('accepted Deadlock ECP, reference behaviour: nobody mints, the forced freeze times out into Reelection', async () => {
    const { s, observer, mark, acceptedAt, freeze } = await deadlockWithApprovedWork({ referenceGaps: { forcedFreezeMintsNothing: true } })
    await s.until(() => since(s, observer, mark).reelection)
    expect(s.net.clock.now() - acceptedAt).toBeGreaterThanOrEqual(freeze)
    expect(since(s, observer, mark).committed).toBe(false)
    await s.stop()
  })

  it('urgent score removal: the stewards commit it inside the forced freeze', async () => {
    const { s, mark, acceptedAt, freeze } = await urgentRemoval()
    await s.until(() => since(s, 0, mark).committed)
    expect(s.net.clock.now() - acceptedAt).toBeLessThan(freeze)
    expect(since(s, 0, mark).reelection).toBe(false)
    expect(conv(s, 0, 'ur').members().map(hex)).not.toContain(hex(memberIdOf(2)))
    await s.stop()
  })

  it('urgent score removal, reference behaviour: the forced freeze times out into Reelection', async () => {
    const { s, mark, acceptedAt, freeze } = await urgentRemoval({ referenceGaps: { forcedFreezeMintsNothing: true } })
    await s.until(() => since(s, 0, mark).reelection)
    expect(s.net.clock.now() - acceptedAt).toBeGreaterThanOrEqual(freeze)
    expect(since(s, 0, mark).committed).toBe(false)
    await s.stop()
  })
})
