import { describe, expect, it } from 'vitest'
import type { ConversationConfigInit } from '../../src/index.js'
import { type Scenario, bootstrap, conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

const ID = 'bk'

/**
 * sn = (1, 5): the steward list is the whole group. Member 2 is evicted,
 * then announces a fresh key package that only the backup steward hears.
 * Resolves once the backup has buffered it.
 */
async function evictAndReannounce(config: ConversationConfigInit = {}) {
  const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 5 }, ...config } })
  await bootstrap(s, ID)
  const target = 2
  await conv(s, 0, ID).removeMember(memberIdOf(target))
  await s.until(() => eventsOf(s, target, 'leaving').length === 1 && converged(s, ID, [0, 1]))
  const epochSteward = [0, 1].find((i) => conv(s, i, ID).conversation.isEpochSteward())!
  const backup = 1 - epochSteward
  expect(conv(s, backup, ID).conversation.isSteward()).toBe(true)
  // The epoch steward never hears the joiner.
  s.net.partition([s.members[target]!.name], [s.members[epochSteward]!.name])
  const mark = s.members.map((m) => m.events.length)
  const joined = s.members[target]!.user.join(ID)
  await s.until(() => conv(s, backup, ID).conversation.pendingUpdateCount() === 1)
  const c = conv(s, backup, ID).conversation.config()
  /** Add proposals for the target that member `i` was asked to vote on since the announcement. */
  const joinRequests = (i: number) =>
    s.members[i]!.events.slice(mark[i]).filter(
      (e) => e.type === 'vote-requested' && hex(e.request?.memberInvite?.memberId ?? new Uint8Array()) === hex(memberIdOf(target)),
    )
  return { s, target, epochSteward, backup, joined, joinRequests, heardAt: s.net.clock.now(), window: c.commitInactivityMs + c.recoveryInactivityMs }
}

async function completeJoin(s: Scenario, target: number, backup: number, joined: Promise<unknown>) {
  s.net.heal()
  await s.until(() => s.members[target]!.user.conversation(ID) !== undefined)
  await joined
  await s.until(() => converged(s, ID) && conv(s, backup, ID).members().length === 3)
}

describe('protocol_steward: backup takeover (reference §13.2)', () => {
  it('backup_steward_proposes_buffered_joiner_when_epoch_steward_silent', async () => {
    const { s, target, epochSteward, backup, joined, joinRequests, heardAt, window } = await evictAndReannounce()
    // The backup proposes the buffered add once the voting-inactivity window has passed.
    await s.until(() => joinRequests(epochSteward).length > 0)
    expect(s.net.clock.now() - heardAt).toBeGreaterThanOrEqual(window)
    expect(joinRequests(backup)).toHaveLength(1) // its own, deferred proposal
    await completeJoin(s, target, backup, joined)
    expect(conv(s, target, ID).members()).toHaveLength(3)
    await s.stop()
  })
})

describe('deviation 8: nextWakeupAt accounts for the backup-takeover deadline', () => {
  // No attestation heartbeat: a driver that polls only at nextWakeupAt gets no other wake-up.
  const quiet = { attestationIntervalMs: 600_000 }

  it('a driver that wakes only at reported wake-ups takes over on time', async () => {
    const { s, target, epochSteward, backup, joined, joinRequests, heardAt, window } = await evictAndReannounce(quiet)
    await s.until(() => joinRequests(epochSteward).length > 0)
    const delay = s.net.clock.now() - heardAt
    expect(delay).toBeGreaterThanOrEqual(window)
    expect(delay).toBeLessThan(window + 100) // one network hop after the deadline
    await completeJoin(s, target, backup, joined)
    await s.stop()
  })

  it('with the reference wake-up (takeover deadline ignored) the same driver stalls', async () => {
    const { s, epochSteward, backup, joined, joinRequests, window } = await evictAndReannounce({ ...quiet, referenceGaps: { wakeupIgnoresTakeover: true } })
    joined.catch(() => undefined) // the joiner gives up after 3 × commit inactivity
    await s.net.advance(20 * window)
    expect(joinRequests(epochSteward)).toHaveLength(0)
    expect(joinRequests(backup)).toHaveLength(0)
    expect(conv(s, backup, ID).conversation.pendingUpdateCount()).toBe(1)
    // Polls would have proposed it (one anchors the window, one a window later): only the wake-ups were missing.
    const c = conv(s, backup, ID).conversation
    await c.poll(s.net.clock.now())
    await c.poll(s.net.clock.now() + window)
    expect(c.drainEvents().some((e) => e.type === 'vote-requested' && e.request?.memberInvite !== undefined)).toBe(true)
    await s.stop()
  })
})
