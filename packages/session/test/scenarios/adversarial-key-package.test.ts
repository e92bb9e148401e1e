import { DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS } from '@demls/mls'
import { describe, expect, it } from 'vitest'
import { type ConversationConfigInit, type ConversationPluginsFactory, RejectedError, defaultPlugins } from '../../src/index.js'
import { type Scenario, bootstrap, conv, converged, eventsOf, hex, joining, keyFor, memberIdOf, scenario } from './harness.js'

/**
 * Deviation 9: a joiner that gets a key package approved whose lifetime
 * ends between the vote and the commit must not block the group. Without
 * the fix every commit attempt failed on that key package (the whole batch,
 * every round), so no membership change ever landed again.
 */

/** Plug-ins whose key packages expire `validForMs` after they are generated. */
async function shortLived(i: number, validForMs: number): Promise<ConversationPluginsFactory> {
  const defaults = await defaultPlugins(keyFor(i))
  const back = DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS * 1000 - validForMs
  return { ...defaults, generateKeyPackage: (nowMs) => defaults.generateKeyPackage(nowMs - back) }
}

async function attackScenario(n: number, attacker: number, extra: ConversationConfigInit = {}): Promise<Scenario> {
  const bad = await shortLived(attacker, 4_000)
  // The epoch steward batches for 8 s: the key package expires after its vote, before the commit.
  const config = { commitBatchWindowMs: 8_000, commitInactivityMs: 10_000, ...extra }
  return scenario(n, { config, plugins: (i) => (i === attacker ? bad : {}) })
}

const expiredOn = (s: Scenario, i: number, id: string) =>
  eventsOf(s, i, 'commit-applied')
    .filter((e) => e.conversationId === id)
    .flatMap((e) => e.expired ?? [])
    .map((r) => hex(r.memberInvite!.memberId))

describe('adversarial joiner: an approved key package that expires before the commit', () => {
  it('the other approved add of the batch still commits, the joiner gets RejectedError, no fork', async () => {
    const s = await attackScenario(4, 2)
    await bootstrap(s, 'kp', 2)
    const attacker = joining(s, 2, 'kp')
    const honest = joining(s, 3, 'kp')
    await s.until(() => attacker.out.done && honest.out.done)
    expect(attacker.out.error).toBeInstanceOf(RejectedError)
    // The group approved it: the joiner is told its key package expired (issue 53).
    expect((attacker.out.error as RejectedError).reason).toBe('key-package-expired')
    expect(honest.out.error).toBeUndefined()
    await s.until(() => converged(s, 'kp', [0, 1, 3]) && conv(s, 0, 'kp').members().length === 3)
    const members = conv(s, 1, 'kp').members().map(hex).sort()
    expect(members).toEqual([0, 1, 3].map((i) => hex(memberIdOf(i))).sort())
    // Every member that merged the commit dropped the expired add alike.
    for (const i of [0, 1]) {
      expect(expiredOn(s, i, 'kp')).toEqual([hex(memberIdOf(2))])
      expect(conv(s, i, 'kp').approvedProposals()).toEqual([])
    }
    expect(s.members[2]!.user.conversation('kp')).toBeUndefined()
    await s.stop()
  })

  it('alone in the batch: an empty commit drains it, and a later add still lands', async () => {
    const s = await attackScenario(4, 2)
    await bootstrap(s, 'solo', 2)
    const attacker = joining(s, 2, 'solo')
    await s.until(() => attacker.out.done)
    expect(attacker.out.error).toBeInstanceOf(RejectedError)
    await s.until(() => converged(s, 'solo', [0, 1]) && conv(s, 1, 'solo').approvedProposals().length === 0)
    const drain = eventsOf(s, 1, 'commit-applied').find((e) => e.conversationId === 'solo' && e.expired !== undefined)!
    expect(drain).toMatchObject({ empty: true, source: 'freeze' })
    expect(expiredOn(s, 0, 'solo')).toEqual([hex(memberIdOf(2))])
    // The expired key package is not proposed again from the join queue (it would only be dropped again).
    const drains = () => eventsOf(s, 1, 'commit-applied').filter((e) => e.conversationId === 'solo' && e.expired !== undefined).length
    await s.net.advance(15_000)
    expect(drains()).toBe(1)
    expect(conv(s, 0, 'solo').conversation.pendingUpdateCount()).toBe(0)
    // The group is not stalled: the next joiner gets in.
    const honest = joining(s, 3, 'solo')
    await s.until(() => honest.out.done)
    expect(honest.out.error).toBeUndefined()
    await s.until(() => converged(s, 'solo', [0, 1, 3]) && conv(s, 0, 'solo').members().length === 3)
    await s.stop()
  })

  it('a member that missed the commit drops the expired add when it catches up', async () => {
    // The laggard is cut off for longer than the default dead-member window (3 suspect windows, 15 s
    // with FAST timing): the others would remove it as dead before it catches up. Keep it a member.
    const s = await attackScenario(4, 3, { stewardList: { snMin: 1, snMax: 1 }, deadMemberAfterMs: 120_000 })
    const id = 'late'
    await bootstrap(s, id, 3)
    const attacker = joining(s, 3, id, { timeoutMs: 120_000 })
    await s.until(() => [0, 1, 2].every((i) => conv(s, i, id).approvedProposals().length === 1))
    const epoch = conv(s, 0, id).epoch()
    const steward = [0, 1, 2].find((i) => conv(s, i, id).conversation.isEpochSteward())!
    const laggard = [0, 1, 2].find((i) => i !== steward)!
    const others = [0, 1, 2, 3].filter((i) => i !== laggard).map((i) => s.members[i]!.name)
    // The laggard misses the commit that leaves the expired add out.
    s.net.partition([s.members[laggard]!.name], others)
    await s.until(() => conv(s, steward, id).epoch() === epoch + 1n)
    expect(expiredOn(s, steward, id)).toEqual([hex(memberIdOf(3))])
    const mark = s.members[laggard]!.events.length
    // Past the laggard's own freeze round (it cannot commit alone: a plain member).
    await s.net.advance(20_000)
    expect(conv(s, laggard, id).epoch()).toBe(epoch)
    s.net.heal()
    await s.until(() => conv(s, laggard, id).epoch() === epoch + 1n)
    const caughtUp = s.members[laggard]!.events.slice(mark).find((e) => e.type === 'commit-applied')
    expect(caughtUp).toMatchObject({ source: 'catch-up', epoch: epoch + 1n })
    expect(expiredOn(s, laggard, id)).toEqual([hex(memberIdOf(3))])
    expect(conv(s, laggard, id).approvedProposals()).toEqual([])
    await s.until(() => attacker.out.done && converged(s, id, [0, 1, 2]))
    expect(attacker.out.error).toBeInstanceOf(RejectedError)
    expect(conv(s, laggard, id).members()).toHaveLength(3)
    await s.stop()
  })
})
